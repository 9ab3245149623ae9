//! Questions about services (upstream's `querying/all.py` and `querying/services.py`).

use serde::Serialize;

use crate::data::Service;

/// Every service prefix, sorted (upstream's `get_all_service_prefixes`, an unordered set).
///
/// ```
/// let prefixes = policy_sentry::query::service_prefixes();
/// assert!(prefixes.windows(2).all(|w| w[0] < w[1]));
/// assert!(prefixes.contains(&"s3"));
/// ```
pub fn service_prefixes() -> Vec<&'static str> {
    Service::sorted().map(Service::prefix).collect()
}

/// A row of the service table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ServiceSummary {
    pub prefix: &'static str,
    pub service_name: &'static str,
}

/// Every service as prefix and name, in data order: page file-name order (upstream's
/// `get_services_data`).
///
/// ```
/// let services = policy_sentry::query::services();
/// assert_eq!(services[0].prefix, "a4b");
/// ```
pub fn services() -> Vec<ServiceSummary> {
    Service::all()
        .map(|s| ServiceSummary {
            prefix: s.prefix(),
            service_name: s.name(),
        })
        .collect()
}

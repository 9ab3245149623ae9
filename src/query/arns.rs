//! Questions about resource types and their ARN formats (upstream's `querying/arns.py`).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::{dedup_in_order, service};
use crate::data::{ResourceType, Service};
use crate::error::LookupError;
use crate::suggest::suggest;

/// The raw ARN formats of a service's resource table, in table order, each once (upstream's
/// `get_raw_arns_for_service`, which repeats a format two resource types share). A page may
/// list formats of other services (ssm lists `arn:${Partition}:s3:::${BucketName}`).
///
/// ```
/// let s3 = policy_sentry::query::arn_formats("s3").unwrap();
/// assert_eq!(s3[2], "arn:${Partition}:s3:::${BucketName}");
/// ```
pub fn arn_formats(prefix: &str) -> Result<Vec<&'static str>, LookupError> {
    let mut formats: Vec<&'static str> = service(prefix)?
        .resource_types()
        .map(ResourceType::arn_format)
        .collect();
    dedup_in_order(&mut formats);
    Ok(formats)
}

/// A service's resource types; serialises as `{name: ARN format}` in table order (upstream's
/// `get_arn_types_for_service`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArnTypes(pub Vec<ResourceType>);

impl Serialize for ArnTypes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for rt in &self.0 {
            map.serialize_entry(rt.name(), rt.arn_format())?;
        }
        map.end()
    }
}

/// A service's resource types in table order.
///
/// ```
/// let s3 = policy_sentry::query::resource_types("s3").unwrap();
/// assert_eq!(s3.0[0].name(), "accesspoint");
/// ```
pub fn resource_types(prefix: &str) -> Result<ArnTypes, LookupError> {
    Ok(ArnTypes(service(prefix)?.resource_types().collect()))
}

/// Details of a resource type (upstream's `get_arn_type_details`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResourceTypeDetails {
    /// The name in the page's case.
    pub resource_type_name: &'static str,
    pub raw_arn: &'static str,
    pub condition_keys: Vec<&'static str>,
}

/// A resource type of a service by name, case-insensitively, with suggestions when unknown.
///
/// ```
/// let object = policy_sentry::query::resource_type("s3", "Object").unwrap();
/// assert_eq!(object.raw_arn, "arn:${Partition}:s3:::${BucketName}/${ObjectName}");
/// assert!(policy_sentry::query::resource_type("s3", "objekt").unwrap_err().to_string().contains("object"));
/// ```
pub fn resource_type(prefix: &str, name: &str) -> Result<ResourceTypeDetails, LookupError> {
    let service = service(prefix)?;
    let rt = find_resource_type(service, name)?;
    Ok(ResourceTypeDetails {
        resource_type_name: rt.name(),
        raw_arn: rt.arn_format(),
        condition_keys: rt.condition_keys().collect(),
    })
}

fn find_resource_type(service: Service, name: &str) -> Result<ResourceType, LookupError> {
    service
        .resource_type(name)
        .ok_or_else(|| LookupError::UnknownResourceType {
            prefix: service.prefix().to_string(),
            name: name.to_string(),
            suggestions: suggest(name, service.resource_types().map(ResourceType::name), 3)
                .into_iter()
                .map(String::from)
                .collect(),
        })
}

/// The resource type whose ARN format is `raw` (case-insensitively), looked up in the service
/// the format names (upstream's `get_resource_type_name_with_raw_arn`).
///
/// ```
/// let bucket = policy_sentry::query::resource_type_for_format("arn:${Partition}:s3:::${BucketName}").unwrap();
/// assert_eq!(bucket.name(), "bucket");
/// ```
pub fn resource_type_for_format(raw: &str) -> Option<ResourceType> {
    let prefix = raw.split(':').nth(2)?;
    let service = service(prefix).ok()?;
    service
        .resource_types()
        .find(|rt| rt.arn_format().eq_ignore_ascii_case(raw))
}

/// The services whose resource types have ARN formats in the ARN namespace `namespace` (the
/// service field of an ARN) although their own prefix is another one, sorted by prefix:
/// `kafka` → kafka-cluster, `route53-recovery-control` → route53-recovery-cluster and
/// route53-recovery-control-config (which is no service prefix). Namespaces that are
/// placeholders (backup's `${Vendor}`) are left out. Computed from the data once.
///
/// ```
/// let owners = policy_sentry::query::services_with_arn_namespace("route53-recovery-control");
/// let prefixes: Vec<&str> = owners.iter().map(|s| s.prefix()).collect();
/// assert_eq!(prefixes, ["route53-recovery-cluster", "route53-recovery-control-config"]);
/// assert!(policy_sentry::query::services_with_arn_namespace("no-such").is_empty());
/// ```
pub fn services_with_arn_namespace(namespace: &str) -> &'static [Service] {
    ARN_NAMESPACES.get(namespace).map_or(&[], Vec::as_slice)
}

/// Every ARN namespace that [`services_with_arn_namespace`] knows, with its services.
pub fn arn_namespaces() -> impl Iterator<Item = (&'static str, &'static [Service])> {
    ARN_NAMESPACES
        .iter()
        .map(|(ns, services)| (*ns, services.as_slice()))
}

static ARN_NAMESPACES: LazyLock<BTreeMap<&'static str, Vec<Service>>> = LazyLock::new(|| {
    let mut map: BTreeMap<&'static str, Vec<Service>> = BTreeMap::new();
    for service in Service::sorted() {
        for rt in service.resource_types() {
            let Some(namespace) =
                crate::arn::service_of(crate::arn::usable_format(rt.arn_format()))
            else {
                continue;
            };
            if namespace == service.prefix() || namespace.is_empty() || namespace.contains('$') {
                continue;
            }
            let services = map.entry(namespace).or_default();
            if !services.contains(&service) {
                services.push(service);
            }
        }
    }
    map
});

/// Why an ARN question has no answer: the text is not an ARN, or its service is unknown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArnLookupError {
    #[error(transparent)]
    InvalidArn(#[from] crate::arn::InvalidArn),
    #[error(transparent)]
    Lookup(#[from] LookupError),
}

/// The resource types of the ARN's service whose formats a concrete ARN matches, by the rules
/// `write-policy` uses ([`crate::arn::matches_format`]), in table order, each format once
/// (upstream's `get_matching_raw_arns`, which answers with the formats).
///
/// ```
/// let types = policy_sentry::query::resource_types_matching_arn("arn:aws:s3:::mybucket/key.txt").unwrap();
/// assert_eq!(types.iter().map(|t| t.name()).collect::<Vec<_>>(), ["object"]);
/// assert!(policy_sentry::query::resource_types_matching_arn("arn:aws:s4:::b").is_err());
/// assert!(policy_sentry::query::resource_types_matching_arn("not-an-arn").is_err());
/// ```
pub fn resource_types_matching_arn(arn: &str) -> Result<Vec<ResourceType>, ArnLookupError> {
    let parsed = crate::arn::Arn::parse(arn)?;
    let service = service(parsed.service)?;
    let mut seen: Vec<&'static str> = Vec::new();
    let mut types = Vec::new();
    for rt in service.resource_types() {
        let format = rt.arn_format();
        if !seen.contains(&format) && crate::arn::matches_parsed(&parsed, format) {
            seen.push(format);
            types.push(rt);
        }
    }
    Ok(types)
}

/// Every action of the ARN's service with a row for a resource type the ARN matches, sorted
/// (upstream's `get_actions_matching_arn`, whose order is not stable).
///
/// ```
/// let actions = policy_sentry::query::actions_matching_arn("arn:aws:s3:::mybucket").unwrap();
/// assert!(actions.iter().any(|a| a.to_string() == "s3:CreateBucket"));
/// assert!(!actions.iter().any(|a| a.to_string() == "s3:GetObject"));
/// ```
pub fn actions_matching_arn(arn: &str) -> Result<Vec<crate::data::Action>, ArnLookupError> {
    let types = resource_types_matching_arn(arn)?;
    let Some(first) = types.first() else {
        return Ok(Vec::new());
    };
    let mut actions: Vec<crate::data::Action> = first
        .service()
        .actions()
        .filter(|action| {
            action.resource_types().any(|row| {
                types
                    .iter()
                    .any(|t| t.name().eq_ignore_ascii_case(row.name()))
            })
        })
        .collect();
    actions.sort_by_cached_key(|a| a.to_string().to_ascii_lowercase());
    actions.dedup();
    Ok(actions)
}

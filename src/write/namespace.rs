//! D25: an ARN whose service field is not the prefix of the service whose resource types it
//! has, but the ARN namespace those types share (`arn:aws:route53-recovery-control::…` is a
//! resource of route53-recovery-control-config and route53-recovery-cluster; an MSK topic
//! `arn:aws:kafka:…:topic/…` is a kafka-cluster resource for `list` actions). Upstream looks
//! the field up as a service prefix only, and drops the ARN when that finds nothing.

use crate::arn::{Arn, Matcher};
use crate::data::{AccessLevel, LevelSource, Service};
use crate::query::services_with_arn_namespace;

use super::sid_group::{resource_type_name_with_raw_arn, row_formats};
use crate::data::resolve::{Spelling, find_service};

/// The services whose actions an ARN gets at one access level, each with the prefix that
/// names its statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ArnServices {
    pub services: Vec<(String, Service)>,
    /// Whether they come from the ARN namespace rather than the prefix (worth a warning).
    pub from_namespace: bool,
}

/// Upstream's answer when the service the ARN names has a resource type the ARN matches
/// with actions at the level (an `ec2` instance ARN does not pull in `ssm` actions); else
/// the other services whose resource types use the ARN's namespace and give actions at the
/// level; else the service the ARN names, if any (nothing matches: the caller warns).
pub(super) fn services_for_arn(
    arn: &Arn<'_>,
    level: AccessLevel,
    levels: &LevelSource,
) -> ArnServices {
    if arn.service.contains('$') {
        // Upstream skips a placeholder service.
        return ArnServices {
            services: Vec::new(),
            from_namespace: false,
        };
    }
    let matcher = Matcher::new(*arn);
    let own = find_service(arn.service, Spelling::Upstream);
    let own_services = || {
        own.map(|s| vec![(arn.service.to_string(), s)])
            .unwrap_or_default()
    };
    if own.is_some_and(|s| grants_any(&matcher, s, level, levels)) {
        return ArnServices {
            services: own_services(),
            from_namespace: false,
        };
    }
    let shared: Vec<(String, Service)> = services_with_arn_namespace(arn.service)
        .iter()
        .filter(|&&s| Some(s) != own && grants_any(&matcher, s, level, levels))
        .map(|&s| (s.prefix().to_string(), s))
        .collect();
    if shared.is_empty() {
        ArnServices {
            services: own_services(),
            from_namespace: false,
        }
    } else {
        ArnServices {
            services: shared,
            from_namespace: true,
        }
    }
}

/// Whether the ARN is known: its service field is a service prefix or an ARN namespace.
pub(super) fn is_known_namespace(service_field: &str) -> bool {
    find_service(service_field, Spelling::Upstream).is_some()
        || !services_with_arn_namespace(service_field).is_empty()
}

/// Whether some action of the service at the level can act on a resource type the ARN
/// matches (upstream's lookup would add a statement).
fn grants_any(
    matcher: &Matcher<'_>,
    service: Service,
    level: AccessLevel,
    levels: &LevelSource,
) -> bool {
    service.actions().any(|action| {
        levels.level(action) == level
            && row_formats(action).any(|format| {
                matcher.matches(format)
                    && resource_type_name_with_raw_arn(service, format).is_some()
            })
    })
}

//! Errors of the library's lookups: unknown names, with close matches.

use crate::data::{Action, Service};
use crate::suggest::{did_you_mean, suggest};

/// A name that is not in the embedded IAM data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    #[error("unknown service prefix `{prefix}`{}", did_you_mean(suggestions))]
    UnknownService {
        prefix: String,
        suggestions: Vec<String>,
    },
    #[error("unknown action `{action}`{}", did_you_mean(suggestions))]
    UnknownAction {
        action: String,
        suggestions: Vec<String>,
    },
    #[error("`{action}` is not an action name: expected `service:Action`, e.g. s3:GetObject")]
    MalformedAction { action: String },
    #[error(
        "unknown resource type `{name}` in service {prefix}{}",
        did_you_mean(suggestions)
    )]
    UnknownResourceType {
        prefix: String,
        name: String,
        suggestions: Vec<String>,
    },
    #[error(
        "unknown condition key `{key}` in service {prefix}{}",
        did_you_mean(suggestions)
    )]
    UnknownConditionKey {
        prefix: String,
        key: String,
        suggestions: Vec<String>,
    },
}

/// The service with this prefix (case-insensitive), or an error with close prefixes.
pub fn service(prefix: &str) -> Result<Service, LookupError> {
    Service::lookup(prefix).ok_or_else(|| LookupError::UnknownService {
        prefix: prefix.to_string(),
        suggestions: suggest(prefix, Service::all().map(Service::prefix), 3)
            .into_iter()
            .map(String::from)
            .collect(),
    })
}

/// The action `service:Name` (case-insensitive), or an error with close actions.
pub fn action(full_name: &str) -> Result<Action, LookupError> {
    let Some((prefix, name)) = full_name.split_once(':') else {
        return Err(LookupError::MalformedAction {
            action: full_name.to_string(),
        });
    };
    if prefix.is_empty() || name.is_empty() || name.contains(':') {
        return Err(LookupError::MalformedAction {
            action: full_name.to_string(),
        });
    }
    let service = service(prefix).map_err(|e| match e {
        LookupError::UnknownService { suggestions, .. } => LookupError::UnknownAction {
            action: full_name.to_string(),
            suggestions: suggestions
                .iter()
                .filter_map(|p| Service::lookup(p))
                .filter_map(|s| s.action(name).map(|a| a.to_string()))
                .collect(),
        },
        other => other,
    })?;
    service
        .action(name)
        .ok_or_else(|| LookupError::UnknownAction {
            action: full_name.to_string(),
            suggestions: suggest(name, service.actions().map(Action::name), 3)
                .into_iter()
                .map(|n| format!("{}:{n}", service.prefix()))
                .collect(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_action_suggests() {
        let err = action("s3:GetObjct").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown action `s3:GetObjct` (did you mean s3:GetObject?)"
        );
        assert!(matches!(
            action("s3getobject"),
            Err(LookupError::MalformedAction { .. })
        ));
        assert_eq!(action("S3:getobject").unwrap().to_string(), "s3:GetObject");
    }

    #[test]
    fn unknown_service_suggests() {
        let err = service("s4").unwrap_err();
        assert!(err.to_string().contains("did you mean s3"), "{err}");
    }
}

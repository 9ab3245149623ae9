//! Errors of the library's lookups: unknown names, with close matches. The rules that find
//! names, and the close matches, are in [`crate::data::resolve`].

use crate::suggest::did_you_mean;

/// A name that is not in the embedded IAM data, or a pattern that matches none of it.
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
    /// A wildcard pattern of known services that matches no action.
    #[error("`{pattern}` matches no action{}", did_you_mean(suggestions))]
    NoMatch {
        pattern: String,
        suggestions: Vec<String>,
    },
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
    #[error(
        "`{key}` is not a global condition key{}; `query condition-table --global` lists them",
        did_you_mean(suggestions)
    )]
    UnknownGlobalConditionKey {
        key: String,
        suggestions: Vec<String>,
    },
}

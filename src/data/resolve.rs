//! Names as people write them, to the services and actions of the data: one set of rules for
//! every command, and close names when a name is unknown.
//!
//! Service prefixes are lower-case in the data. Three spellings are accepted, each where
//! upstream (or our command line) accepts it:
//! - [`Spelling::Upstream`]: exactly, plus the `catalog` alias (the service field of Service
//!   Catalog's portfolio and product ARNs is `catalog`, the prefix `servicecatalog`); how
//!   upstream reads ARNs and template entries, so the prefix as written names statements.
//! - [`Spelling::AnyCase`]: any case (`S3`), no alias; policies, `expand`, the command line.
//! - [`Spelling::AnyCaseOrCatalog`]: any case, and the alias in any case; upstream's querying
//!   functions (the library's `query` module) and template keys that name a service.
//!
//! Action names are matched in any case after the service is found.
//!
//! ```
//! use policy_sentry::data::resolve::{self, Spelling};
//! assert_eq!(resolve::find_service("catalog", Spelling::Upstream).unwrap().prefix(), "servicecatalog");
//! assert!(resolve::find_service("S3", Spelling::Upstream).is_none());
//! assert_eq!(resolve::action("S3:getobject", Spelling::AnyCase).unwrap().to_string(), "s3:GetObject");
//! let err = resolve::action("s3:GetObjct", Spelling::AnyCase).unwrap_err();
//! assert_eq!(err.to_string(), "unknown action `s3:GetObjct` (did you mean s3:GetObject?)");
//! ```

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use super::{Action, Service};
use crate::error::LookupError;
use crate::suggest::Names;

/// How a written service prefix is matched against the data's prefixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Spelling {
    /// Exactly, plus `catalog` for `servicecatalog` (upstream's ARNs and templates).
    Upstream,
    /// Any case, no alias.
    AnyCase,
    /// Any case, plus `catalog` in any case for `servicecatalog`.
    AnyCaseOrCatalog,
}

/// The service field of Service Catalog's portfolio and product ARNs, and the service's
/// prefix.
const CATALOG_ALIAS: (&str, &str) = ("catalog", "servicecatalog");

/// How many close names are offered.
const SUGGESTIONS: usize = 3;

/// The service a written prefix names under `spelling`, if any.
pub fn find_service(prefix: &str, spelling: Spelling) -> Option<Service> {
    let (alias, target) = CATALOG_ALIAS;
    match spelling {
        Spelling::Upstream if prefix.bytes().any(|b| b.is_ascii_uppercase()) => None,
        Spelling::Upstream if prefix == alias => Service::lookup(target),
        Spelling::AnyCaseOrCatalog if prefix.eq_ignore_ascii_case(alias) => Service::lookup(target),
        _ => Service::lookup(prefix),
    }
}

/// [`find_service`], or an error with close prefixes.
pub fn service(prefix: &str, spelling: Spelling) -> Result<Service, LookupError> {
    find_service(prefix, spelling).ok_or_else(|| LookupError::UnknownService {
        prefix: prefix.to_string(),
        suggestions: close_services(prefix),
    })
}

/// Prefixes close to an unknown one: the prefix in its own case when only the case is wrong,
/// `servicecatalog` for the `catalog` alias where it is not accepted, else the closest.
pub fn close_services(prefix: &str) -> Vec<String> {
    if let Some(service) = Service::lookup(prefix) {
        return vec![service.prefix().to_string()];
    }
    let (alias, target) = CATALOG_ALIAS;
    if prefix.eq_ignore_ascii_case(alias) {
        return vec![target.to_string()];
    }
    static PREFIXES: OnceLock<Names> = OnceLock::new();
    let prefixes = PREFIXES.get_or_init(|| Names::new(Service::all().map(Service::prefix)));
    memo('s', prefix, || {
        prefixes
            .suggest(prefix, SUGGESTIONS)
            .into_iter()
            .map(String::from)
            .collect()
    })
}

/// `service:Name` split at its colon, when both parts are there and the name holds no colon.
pub fn split_action(full_name: &str) -> Option<(&str, &str)> {
    full_name
        .split_once(':')
        .filter(|(prefix, name)| !prefix.is_empty() && !name.is_empty() && !name.contains(':'))
}

/// The action `service:Name` names, the service under `spelling`, the name in any case.
pub fn find_action(full_name: &str, spelling: Spelling) -> Option<Action> {
    let (prefix, name) = split_action(full_name)?;
    find_service(prefix, spelling)?.action(name)
}

/// [`find_action`], or why not: not `service:Name`, an unknown service (with close prefixes),
/// or an unknown action of a known service (with close actions).
pub fn action(full_name: &str, spelling: Spelling) -> Result<Action, LookupError> {
    let Some((prefix, name)) = split_action(full_name) else {
        return Err(LookupError::MalformedAction {
            action: full_name.to_string(),
        });
    };
    let service = service(prefix, spelling)?;
    action_of(service, name).map_err(|e| match e {
        LookupError::UnknownAction { suggestions, .. } => LookupError::UnknownAction {
            action: full_name.to_string(),
            suggestions,
        },
        other => other,
    })
}

/// An action of `service` by name in any case, or an error with close actions.
pub fn action_of(service: Service, name: &str) -> Result<Action, LookupError> {
    service
        .action(name)
        .ok_or_else(|| LookupError::UnknownAction {
            action: format!("{}:{name}", service.prefix()),
            suggestions: close_actions(service, name),
        })
}

/// Actions of `service` close to `name`, as `prefix:Name`, closest first.
pub fn close_actions(service: Service, name: &str) -> Vec<String> {
    let key = format!("{}:{name}", service.prefix());
    memo('a', &key, || {
        action_names(service)
            .suggest(name, SUGGESTIONS)
            .into_iter()
            .map(|n| format!("{}:{n}", service.prefix()))
            .collect()
    })
}

/// The action names of a service, made ready for searching on first use.
fn action_names(service: Service) -> &'static Names {
    static BY_SERVICE: OnceLock<Box<[OnceLock<Names>]>> = OnceLock::new();
    let by_service = BY_SERVICE.get_or_init(|| Service::all().map(|_| OnceLock::new()).collect());
    by_service[service.0 as usize].get_or_init(|| Names::new(service.actions().map(Action::name)))
}

/// Most answers kept by [`memo`]: a run over thousands of policies meets the same few hundred
/// unknown names again and again; a bound keeps a long-lived process small.
const MEMO_CAPACITY: usize = 8192;

/// Close names computed once per distinct unknown name and kind in a process.
fn memo(kind: char, name: &str, compute: impl FnOnce() -> Vec<String>) -> Vec<String> {
    type Answers = HashMap<(char, String), Vec<String>>;
    static MEMO: OnceLock<Mutex<Answers>> = OnceLock::new();
    let memo = MEMO.get_or_init(Default::default);
    let key = (kind, name.to_string());
    if let Some(found) = memo.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return found;
    }
    let found = compute();
    if let Ok(mut m) = memo.lock() {
        if m.len() >= MEMO_CAPACITY {
            m.clear();
        }
        m.insert(key, found.clone());
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings() {
        use Spelling::*;
        let s3 = Service::lookup("s3");
        assert_eq!(find_service("s3", Upstream), s3);
        assert_eq!(find_service("S3", Upstream), None);
        assert_eq!(find_service("S3", AnyCase), s3);
        assert_eq!(find_service("S3", AnyCaseOrCatalog), s3);
        let catalog = Service::lookup("servicecatalog");
        assert_eq!(find_service("catalog", Upstream), catalog);
        assert_eq!(find_service("Catalog", Upstream), None);
        assert_eq!(find_service("catalog", AnyCase), None);
        assert_eq!(find_service("CATALOG", AnyCaseOrCatalog), catalog);
        // Where the alias is refused, its target is the suggestion; a wrong case, the prefix.
        let err = service("catalog", AnyCase).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown service prefix `catalog` (did you mean servicecatalog?)"
        );
        let err = service("S3", Upstream).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown service prefix `S3` (did you mean s3?)"
        );
    }

    #[test]
    fn unknown_action_suggests() {
        let err = action("s3:GetObjct", Spelling::AnyCase).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown action `s3:GetObjct` (did you mean s3:GetObject?)"
        );
        for malformed in ["s3getobject", "s3:", ":GetObject", "s3:Get:Object"] {
            assert!(
                matches!(
                    action(malformed, Spelling::AnyCase),
                    Err(LookupError::MalformedAction { .. })
                ),
                "{malformed}"
            );
        }
        assert_eq!(
            action("S3:getobject", Spelling::AnyCase)
                .unwrap()
                .to_string(),
            "s3:GetObject"
        );
        // An unknown service is named as such, with close prefixes.
        let err = action("s4:GetObject", Spelling::AnyCase).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("unknown service prefix `s4` (did you mean s3"),
            "{err}"
        );
        assert_eq!(
            action("catalog:ListPortfolios", Spelling::Upstream)
                .unwrap()
                .to_string(),
            "servicecatalog:ListPortfolios"
        );
    }

    #[test]
    fn answers_are_remembered_not_changed() {
        let s3 = Service::lookup("s3").unwrap();
        let first = close_actions(s3, "PutObjekt");
        assert_eq!(first, close_actions(s3, "PutObjekt"));
        assert_eq!(first[0], "s3:PutObject");
    }
}

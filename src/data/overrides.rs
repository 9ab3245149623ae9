//! Access-level overrides: corrections to the levels AWS documents (upstream's
//! `access-level-overrides.yml` format: service prefix → level → lower-case action names).
//!
//! The bundled file is applied at build time ([`crate::data::Action::access_level`]); the raw
//! page level is kept ([`crate::data::Action::raw_access_level`]), and a user's file can be
//! applied at run time instead ([`LevelSource::Custom`]).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use super::{AccessLevel, Action};

/// A malformed overrides file.
#[derive(Debug, thiserror::Error)]
pub enum OverridesError {
    #[error("{origin}: cannot read the access-level overrides file: {source}")]
    Io {
        origin: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{origin}: not an access-level overrides file: {message}\n  expected: a mapping of service prefix → access level (Read, Write, List, Tagging, Permissions management) → list of action names"
    )]
    Syntax { origin: String, message: String },
    #[error(
        "{origin}: service {service}: unknown access level {level:?}; expected one of Read, Write, List, Tagging, Permissions management"
    )]
    UnknownLevel {
        origin: String,
        service: String,
        level: String,
    },
}

/// A parsed overrides file.
#[derive(Clone, Debug, Default)]
pub struct AccessLevelOverrides {
    /// lower-case prefix → [(level, lower-case action names)] in file order.
    by_service: HashMap<String, Vec<(AccessLevel, Vec<String>)>>,
    entries: usize,
}

type RawOverrides = Vec<(String, Option<Vec<(String, Option<Vec<String>>)>>)>;

impl AccessLevelOverrides {
    /// Parse the YAML text of an overrides file; `origin` names it in errors.
    pub fn from_yaml_str(origin: &str, text: &str) -> Result<Self, OverridesError> {
        let raw: serde_json::Value =
            serde_saphyr::from_str(text).map_err(|e| OverridesError::Syntax {
                origin: origin.to_string(),
                message: crate::yaml::describe_error(&e),
            })?;
        let raw = raw_structure(&raw).map_err(|message| OverridesError::Syntax {
            origin: origin.to_string(),
            message,
        })?;
        let mut by_service: HashMap<String, Vec<(AccessLevel, Vec<String>)>> = HashMap::new();
        let mut entries = 0;
        for (service, levels) in raw {
            for (level_name, actions) in levels.unwrap_or_default() {
                let level = match AccessLevel::ALL
                    .into_iter()
                    .find(|l| l.as_str() == level_name)
                {
                    Some(l) => l,
                    None => AccessLevel::parse(&level_name).ok_or_else(|| {
                        OverridesError::UnknownLevel {
                            origin: origin.to_string(),
                            service: service.clone(),
                            level: level_name.clone(),
                        }
                    })?,
                };
                let actions: Vec<String> = actions
                    .unwrap_or_default()
                    .iter()
                    .map(|a| a.to_lowercase())
                    .collect();
                entries += actions.len();
                by_service
                    .entry(service.to_lowercase())
                    .or_default()
                    .push((level, actions));
            }
        }
        Ok(AccessLevelOverrides {
            by_service,
            entries,
        })
    }

    /// Read and parse an overrides file.
    pub fn from_file(path: &Path) -> Result<Self, OverridesError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| OverridesError::Io {
            origin: origin.clone(),
            source,
        })?;
        Self::from_yaml_str(&origin, &text)
    }

    /// Number of (service, action) entries.
    pub fn len(&self) -> usize {
        self.entries
    }

    /// Whether the file lists no action.
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// The level the file assigns to `prefix:action`, if it lists it (first listing wins).
    pub fn level_for(&self, prefix: &str, action: &str) -> Option<AccessLevel> {
        let action = action.to_lowercase();
        self.by_service
            .get(&prefix.to_lowercase())?
            .iter()
            .find(|(_, actions)| actions.contains(&action))
            .map(|(level, _)| *level)
    }
}

/// Check the shape `{service: {level: [action, …]}}` and flatten it, naming what is wrong.
fn raw_structure(value: &serde_json::Value) -> Result<RawOverrides, String> {
    use serde_json::Value;
    let Value::Object(services) = value else {
        return Err("the top level is not a mapping of service prefixes".to_string());
    };
    let mut out = Vec::new();
    for (service, levels) in services {
        let service = service.clone();
        let levels = match levels {
            Value::Null => None,
            Value::Object(levels) => {
                let mut list = Vec::new();
                for (level, actions) in levels {
                    let level = level.clone();
                    let actions = match actions {
                        Value::Null => None,
                        Value::Array(items) => Some(
                            items
                                .iter()
                                .map(|a| {
                                    a.as_str().map(str::to_string).ok_or_else(|| {
                                        format!("service {service}, level {level}: an action name is not a string")
                                    })
                                })
                                .collect::<Result<Vec<_>, _>>()?,
                        ),
                        _ => return Err(format!("service {service}, level {level}: expected a list of action names")),
                    };
                    list.push((level, actions));
                }
                Some(list)
            }
            _ => {
                return Err(format!(
                    "service {service}: expected a mapping of access levels"
                ));
            }
        };
        out.push((service, levels));
    }
    Ok(out)
}

/// Which access levels a query or a policy uses.
#[derive(Clone, Debug, Default)]
pub enum LevelSource {
    /// The pages' levels corrected by the bundled overrides (upstream's behaviour).
    #[default]
    Bundled,
    /// The pages' levels as AWS states them (`--no-overrides`).
    Raw,
    /// The pages' levels corrected by a user's overrides file instead of the bundled one.
    Custom(Arc<AccessLevelOverrides>),
}

impl LevelSource {
    /// The effective access level of an action.
    pub fn level(&self, action: Action) -> AccessLevel {
        match self {
            LevelSource::Bundled => action.access_level(),
            LevelSource::Raw => action.raw_access_level(),
            LevelSource::Custom(o) => o
                .level_for(action.service().prefix(), action.name())
                .unwrap_or_else(|| action.raw_access_level()),
        }
    }
}

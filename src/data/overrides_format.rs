//! The access-level overrides file (upstream's `access-level-overrides.yml`): service prefix →
//! access level → lower-case action names. One reader for both uses: build.rs applies the
//! bundled file (`aws-docs/access-level-overrides.yml`) and the runtime a user's
//! `--access-level-overrides-file`, so the same file means the same thing in both.
//!
//! Compiled twice, as `crate::data::overrides_format` and by build.rs through `#[path]`: it
//! may use only std and the crates both have (serde, serde-saphyr).
//!
//! Upstream (0.15.2) matches the prefix and the lower-cased action name exactly against the
//! file, the first level in file order that lists the action winning. Where upstream would
//! silently ignore an entry or store a sixth access level, this reader refuses the file and
//! says why: a key or name with upper case (it could never match), a level not spelled as on
//! the pages, a level without a list, an action name that is not a string, a repeated key (YAML
//! would keep only the last), an empty file.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;

/// The five access levels, spelled as the pages spell them (and as the file must).
pub const LEVELS: [&str; 5] = ["Read", "Write", "List", "Tagging", "Permissions management"];

/// What is wrong with an overrides file. `line`s are 1-based.
#[derive(Debug)]
pub enum FormatError {
    /// Not YAML, or not shaped as prefix → level → list of names (serde-saphyr's error, which
    /// carries the position).
    Yaml(serde_saphyr::Error),
    /// No mapping at all: an empty or comment-only file, or a bare `~`.
    Empty,
    UnknownLevel {
        line: u64,
        service: String,
        level: String,
    },
    NotLowerCase {
        line: u64,
        what: &'static str,
        name: String,
    },
    NoActionList {
        line: u64,
        service: String,
        level: String,
    },
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Yaml(e) => write!(f, "{e}"),
            FormatError::Empty => {
                f.write_str("the file holds no mapping (it is empty or only comments)")
            }
            FormatError::UnknownLevel {
                line,
                service,
                level,
            } => {
                write!(
                    f,
                    "line {line}: service {service}: unknown access level {level:?}; expected one of {}",
                    LEVELS.join(", ")
                )?;
                match level_spelled_loosely(level) {
                    Some(right) => write!(f, " (spelled as on the pages: {right:?})"),
                    None => Ok(()),
                }
            }
            FormatError::NotLowerCase { line, what, name } => write!(
                f,
                "line {line}: {what} {name:?} has upper-case letters; the file lists them in lower case ({:?}), as upstream compares them",
                name.to_lowercase()
            ),
            FormatError::NoActionList {
                line,
                service,
                level,
            } => write!(
                f,
                "line {line}: service {service}, level {level}: no list of action names (write `[]` for none)"
            ),
        }
    }
}

impl std::error::Error for FormatError {}

/// `permissions-management`, `read`, ` Write ` → the page spelling, for the error's hint.
fn level_spelled_loosely(level: &str) -> Option<&'static str> {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| !matches!(c, ' ' | '-' | '_'))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let wanted = squash(level);
    LEVELS.into_iter().find(|l| squash(l) == wanted)
}

/// One service's levels in file order, each with its lower-case action names.
#[derive(Debug, Clone)]
struct Section {
    service: String,
    levels: Vec<(&'static str, Vec<String>)>,
}

/// A parsed overrides file.
#[derive(Debug, Clone, Default)]
pub struct OverridesFile {
    sections: Vec<Section>,
    by_service: HashMap<String, usize>,
}

impl OverridesFile {
    /// Parse the YAML text of an overrides file.
    pub fn parse(text: &str) -> Result<OverridesFile, FormatError> {
        let raw: Option<RawFile> = serde_saphyr::from_str(text).map_err(FormatError::Yaml)?;
        let raw = raw.ok_or(FormatError::Empty)?;
        let mut file = OverridesFile::default();
        for (service, levels) in raw.0 {
            // Lower case only, so no two keys name one service (serde-saphyr refuses a key
            // repeated verbatim; YAML would keep only the last).
            let service = lower_case_name("service prefix", service)?;
            // `service:` with nothing under it overrides nothing, as upstream reads it.
            let levels = levels.map_or(Ok(Vec::new()), |l| section_levels(&service, l))?;
            file.by_service.insert(service.clone(), file.sections.len());
            file.sections.push(Section { service, levels });
        }
        Ok(file)
    }

    /// The level the file gives `prefix:action` (the action compared lower-cased), if it
    /// lists it; the first level in file order that lists it wins.
    pub fn level_for(&self, prefix: &str, action: &str) -> Option<&'static str> {
        let section = &self.sections[*self.by_service.get(prefix)?];
        let action = action.to_lowercase();
        section
            .levels
            .iter()
            .find(|(_, actions)| actions.contains(&action))
            .map(|(level, _)| *level)
    }

    /// (prefix, level, lower-case action) for every entry, in file order, repeats included.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &'static str, &str)> {
        self.sections.iter().flat_map(|s| {
            s.levels.iter().flat_map(move |(level, actions)| {
                actions
                    .iter()
                    .map(move |a| (s.service.as_str(), *level, a.as_str()))
            })
        })
    }

    /// Number of (service, level, action) entries, repeats included.
    pub fn len(&self) -> usize {
        self.entries().count()
    }

    /// Whether the file lists no action.
    pub fn is_empty(&self) -> bool {
        self.entries().next().is_none()
    }
}

fn section_levels(
    service: &str,
    levels: RawLevels,
) -> Result<Vec<(&'static str, Vec<String>)>, FormatError> {
    let mut out = Vec::new();
    for (level, actions) in levels.0 {
        let line = level.referenced.line();
        let known = LEVELS.into_iter().find(|l| *l == level.value);
        let Some(known) = known else {
            return Err(FormatError::UnknownLevel {
                line,
                service: service.to_string(),
                level: level.value,
            });
        };
        // Upstream stops with a TypeError on a level without a list.
        let actions = actions.ok_or_else(|| FormatError::NoActionList {
            line,
            service: service.to_string(),
            level: level.value.clone(),
        })?;
        let names = actions
            .into_iter()
            .map(|a| {
                let a = Spanned::new(a.value.0, a.referenced, a.defined);
                lower_case_name("action name", a)
            })
            .collect::<Result<_, _>>()?;
        out.push((known, names));
    }
    Ok(out)
}

fn lower_case_name(what: &'static str, name: Spanned<String>) -> Result<String, FormatError> {
    if name.value != name.value.to_lowercase() {
        return Err(FormatError::NotLowerCase {
            line: name.referenced.line(),
            what,
            name: name.value,
        });
    }
    Ok(name.value)
}

/// A service's levels: level → action names (`None`: the level has no list).
type RawLevels = Ordered<Option<Vec<Spanned<ActionName>>>>;

/// The top level: service prefix → levels (`None`: nothing under the prefix).
type RawFile = Ordered<Option<RawLevels>>;

/// A YAML mapping with string keys, kept in file order (serde-saphyr itself refuses a key
/// repeated verbatim).
struct Ordered<V>(Vec<(Spanned<String>, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct OrderedVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for OrderedVisitor<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping (service prefix → access level → list of action names)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        d.deserialize_map(OrderedVisitor(PhantomData))
    }
}

/// An action name: a YAML string, not a number or a boolean read as a name.
struct ActionName(String);

impl<'de> Deserialize<'de> for ActionName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl Visitor<'_> for NameVisitor {
            type Value = ActionName;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an action name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ActionName, E> {
                Ok(ActionName(v.to_string()))
            }
        }
        d.deserialize_any(NameVisitor)
    }
}

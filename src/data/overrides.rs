//! Access-level overrides: corrections to the levels AWS documents (upstream's
//! `access-level-overrides.yml` format: service prefix → level → lower-case action names,
//! read by `overrides_format.rs`, the reader build.rs uses for the bundled file).
//!
//! The bundled file is applied at build time ([`crate::data::Action::access_level`]); the raw
//! page level is kept ([`crate::data::Action::raw_access_level`]), and a user's file can be
//! applied at run time instead ([`LevelSource::Custom`]).

use std::path::Path;
use std::sync::Arc;

use super::{AccessLevel, Action};

// The file format, shared with build.rs (which reads the bundled file with it).
#[path = "overrides_format.rs"]
mod format;

use format::{FormatError, OverridesFile};

/// A malformed overrides file.
#[derive(Debug, thiserror::Error)]
pub enum OverridesError {
    /// Missing, unreadable, not UTF-8 or over the input size limit.
    #[error("the access-level overrides file {0}")]
    Read(crate::io::ReadError),
    #[error(
        "{origin}: not an access-level overrides file: {message}\n  expected: a mapping of service prefix → access level (Read, Write, List, Tagging, Permissions management) → list of lower-case action names"
    )]
    Syntax { origin: String, message: String },
    /// Well-formed YAML that names something wrongly (an unknown level, upper case, …).
    #[error("{origin}: {message}")]
    Invalid { origin: String, message: String },
}

/// A parsed overrides file.
#[derive(Clone, Debug, Default)]
pub struct AccessLevelOverrides {
    file: OverridesFile,
}

impl AccessLevelOverrides {
    /// Parse the YAML text of an overrides file; `origin` names it in errors.
    pub fn from_yaml_str(origin: &str, text: &str) -> Result<Self, OverridesError> {
        let origin = origin.to_string();
        let file = OverridesFile::parse(text).map_err(|e| match e {
            FormatError::Yaml(e) => OverridesError::Syntax {
                origin,
                message: crate::yaml::describe_error(&e),
            },
            FormatError::Empty => OverridesError::Syntax {
                origin,
                message: e.to_string(),
            },
            _ => OverridesError::Invalid {
                origin,
                message: e.to_string(),
            },
        })?;
        Ok(AccessLevelOverrides { file })
    }

    /// Read and parse an overrides file of at most [`crate::io::DEFAULT_MAX_INPUT_BYTES`].
    pub fn from_file(path: &Path) -> Result<Self, OverridesError> {
        Self::from_file_within(path, crate::io::DEFAULT_MAX_INPUT_BYTES)
    }

    /// Read and parse an overrides file, refused unread when over `max_bytes` (`-`: stdin).
    pub fn from_file_within(path: &Path, max_bytes: u64) -> Result<Self, OverridesError> {
        let text = crate::io::read_text(path, max_bytes).map_err(OverridesError::Read)?;
        Self::from_yaml_str(&crate::io::input_name(path), &text)
    }

    /// Number of (service, action) entries.
    pub fn len(&self) -> usize {
        self.file.len()
    }

    /// Whether the file lists no action.
    pub fn is_empty(&self) -> bool {
        self.file.is_empty()
    }

    /// The level the file assigns to `prefix:action`, if it lists it (first listing wins).
    pub fn level_for(&self, prefix: &str, action: &str) -> Option<AccessLevel> {
        let level = self.file.level_for(prefix, action)?;
        AccessLevel::ALL.into_iter().find(|l| l.as_str() == level)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_formats_levels_are_the_runtimes_levels() {
        let names: Vec<&str> = AccessLevel::ALL.iter().map(|l| l.as_str()).collect();
        assert_eq!(names, format::LEVELS);
    }
}

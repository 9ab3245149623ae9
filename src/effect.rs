//! `Allow` or `Deny`: the effect of a statement, in templates, in written policies and in
//! parsed ones.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The `Effect` of a statement (a template's `effect:` gives it to every statement it writes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Effect {
    #[default]
    Allow,
    Deny,
}

impl Effect {
    pub const fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

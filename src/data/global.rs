//! The global condition keys (`aws:SourceIp`, `aws:PrincipalTag/tag-key`, …): keys that are
//! not any one service's, compiled in from `iam-data/global-condition-keys.json` (see
//! iam-data/README.md) whichever source the actions come from.
//!
//! ```
//! use policy_sentry::data::{ConditionType, GlobalConditionKey};
//! let ip = GlobalConditionKey::lookup("AWS:SourceIp").unwrap();
//! assert_eq!(ip.value_type(), ConditionType::IpAddress);
//! // A pattern key answers for any filled-in name.
//! let tag = GlobalConditionKey::lookup("aws:ResourceTag/team").unwrap();
//! assert_eq!(tag.name(), "aws:ResourceTag/tag-key");
//! assert!(GlobalConditionKey::lookup("s3:x-amz-acl").is_none());
//! ```

use std::fmt;

use serde::Serialize;

use super::ConditionType;
use super::tables::{G, GLOBAL_CONDITION_KEYS, GLOBAL_KEYS_SOURCE};

/// A global condition key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GlobalConditionKey(u16);

impl GlobalConditionKey {
    /// Every global key, in the source's order.
    pub fn all() -> impl ExactSizeIterator<Item = GlobalConditionKey> + Clone {
        (0..GLOBAL_CONDITION_KEYS.len() as u16).map(GlobalConditionKey)
    }

    /// The global key `key` is, case-insensitively: the key itself, or the pattern key whose
    /// part before the `/` it shares, with a name after it (`aws:ResourceTag/team` and
    /// `aws:ResourceTag/${TagKey}` are `aws:ResourceTag/tag-key`).
    pub fn lookup(key: &str) -> Option<GlobalConditionKey> {
        let exact = Self::all().find(|g| g.name().eq_ignore_ascii_case(key));
        exact.or_else(|| {
            let (fixed, name) = key.split_once('/')?;
            if name.is_empty() {
                return None;
            }
            Self::all().find(|g| {
                g.name()
                    .split_once('/')
                    .is_some_and(|(own, _)| own.eq_ignore_ascii_case(fixed))
            })
        })
    }

    fn rec(self) -> &'static G {
        &GLOBAL_CONDITION_KEYS[self.0 as usize]
    }

    /// The key as the source spells it (`aws:ResourceTag/tag-key` for a pattern).
    pub fn name(self) -> &'static str {
        self.rec().name
    }

    /// Whether the key stands for a family of keys (`aws:ResourceTag/<tag key>`).
    pub fn is_pattern(self) -> bool {
        self.name().contains('/')
    }

    /// The value type.
    pub fn value_type(self) -> ConditionType {
        self.rec().value_type
    }

    /// The value type as the source spells it (`IPAddress`, `ARN`).
    pub fn value_type_text(self) -> &'static str {
        self.rec().type_text
    }

    /// The source's grouping: `principal`, `session`, `network`, `resource` or `request`.
    pub fn category(self) -> &'static str {
        self.rec().category
    }

    /// The source's description (empty in the bundled version).
    pub fn description(self) -> &'static str {
        self.rec().description
    }

    /// A remark the source makes on the key (`aws:EpochTime`: it can also be numeric), or
    /// empty.
    pub fn note(self) -> &'static str {
        self.rec().note
    }
}

impl fmt::Debug for GlobalConditionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GlobalConditionKey({})", self.name())
    }
}

/// Where the global condition keys come from.
#[derive(Clone, Debug, Serialize)]
pub struct GlobalKeysProvenance {
    /// The package, version and file they were read from.
    pub source: &'static str,
    /// The date of the package's data.
    pub data_date: &'static str,
    /// sha256 of the file they were read from.
    pub file_sha256: &'static str,
    pub licence: &'static str,
    pub count: usize,
}

/// Provenance and count of the global condition keys.
pub fn global_keys_provenance() -> GlobalKeysProvenance {
    let s = &GLOBAL_KEYS_SOURCE;
    GlobalKeysProvenance {
        source: s.source,
        data_date: s.data_date,
        file_sha256: s.file_sha256,
        licence: s.licence,
        count: GLOBAL_CONDITION_KEYS.len(),
    }
}

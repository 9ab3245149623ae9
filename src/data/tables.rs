//! Record layouts of the generated tables and the generated tables themselves.
//!
//! Every string lives once in [`STRINGS`]; records hold `(offset, length)` pairs into it and
//! integer ids into each other. The perfect-hash indexes use keys that are also slices of the
//! blob, so the tables carry no pointers (no relocations, no start-up work).

use super::{AccessLevel, ConditionType};

/// A slice of [`STRINGS`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Str {
    pub off: u32,
    pub len: u32,
}

impl Str {
    /// "No string" (an absent API documentation link).
    #[allow(dead_code)] // used by the generated tables only when a link is absent
    pub const NONE: Str = Str { off: u32::MAX, len: 0 };

    #[inline]
    pub fn get(self) -> &'static str {
        let start = self.off as usize;
        // Offsets come from build.rs and index within the blob on char boundaries.
        &STRINGS[start..start + self.len as usize]
    }

    #[inline]
    pub fn get_opt(self) -> Option<&'static str> {
        if self.off == u32::MAX { None } else { Some(self.get()) }
    }
}

/// A run of consecutive records in one of the tables.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Span {
    pub start: u32,
    pub len: u32,
}

impl Span {
    #[inline]
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }
}

/// A service (one prefix; several pages may contribute).
pub(crate) struct Sv {
    pub prefix: Str,
    pub name: Str,
    pub url: Str,
    pub actions: Span,
    pub resources: Span,
    pub conditions: Span,
}

/// An action.
pub(crate) struct A {
    pub service: u32,
    pub level: AccessLevel,
    pub raw_level: AccessLevel,
    pub name: Str,
    pub description: Str,
    pub link: Str,
    /// Into [`ROWS`].
    pub rows: Span,
}

/// One resource-type row of an action.
pub(crate) struct R {
    pub resource_type: Str,
    pub required: bool,
    /// Into [`LISTS`].
    pub condition_keys: Span,
    /// Into [`LISTS`].
    pub dependent_actions: Span,
}

/// A resource type of a service.
pub(crate) struct Rs {
    pub service: u32,
    pub name: Str,
    pub arn: Str,
    /// Into [`LISTS`].
    pub condition_keys: Span,
}

/// A condition key of a service.
pub(crate) struct C {
    pub service: u32,
    pub value_type: ConditionType,
    pub name: Str,
    pub description: Str,
    pub type_text: Str,
}

// Perfect-hash keys hold only a record id; equality looks at the record itself, so the
// indexes carry no key strings. Queries arrive lower-case (as the keys were hashed).

/// Key of [`SERVICE_INDEX`]: a service id.
pub(crate) struct SvKey(pub u32);
/// Key of [`ACTION_INDEX`]: an action id, matched as `prefix:name`.
pub(crate) struct AKey(pub u32);
/// Key of [`RESOURCE_INDEX`]: a resource id, matched as `prefix:name`.
pub(crate) struct RsKey(pub u32);
/// Key of [`CONDITION_INDEX`]: a condition id, matched as `prefix:key`.
pub(crate) struct CKey(pub u32);

#[inline]
fn eq_qualified(service: u32, name: Str, query: &str) -> bool {
    let prefix = SERVICES[service as usize].prefix.get();
    let name = name.get();
    query.len() == prefix.len() + 1 + name.len()
        && query.as_bytes()[prefix.len()] == b':'
        && query[..prefix.len()].eq_ignore_ascii_case(prefix)
        && query[prefix.len() + 1..].eq_ignore_ascii_case(name)
}

impl phf::PhfEq<str> for SvKey {
    #[inline]
    fn phf_eq(&self, query: &str) -> bool {
        SERVICES[self.0 as usize].prefix.get().eq_ignore_ascii_case(query)
    }
}
impl phf::PhfEq<str> for AKey {
    #[inline]
    fn phf_eq(&self, query: &str) -> bool {
        let a = &ACTIONS[self.0 as usize];
        eq_qualified(a.service, a.name, query)
    }
}
impl phf::PhfEq<str> for RsKey {
    #[inline]
    fn phf_eq(&self, query: &str) -> bool {
        let r = &RESOURCES[self.0 as usize];
        eq_qualified(r.service, r.name, query)
    }
}
impl phf::PhfEq<str> for CKey {
    #[inline]
    fn phf_eq(&self, query: &str) -> bool {
        let c = &CONDITIONS[self.0 as usize];
        eq_qualified(c.service, c.name, query)
    }
}

/// Facts about the build, for `data info` and `--version`.
pub(crate) struct BuildInfo {
    pub source: &'static str,
    pub date: &'static str,
    pub pages: usize,
    pub page_set_sha256: &'static str,
    pub overridden_actions: usize,
    pub truncations: &'static [(&'static str, &'static str, u32)],
    pub skipped_pages: &'static [&'static str],
}

pub(crate) static STRINGS: &str = include_str!(concat!(env!("OUT_DIR"), "/iam_strings.txt"));

include!(concat!(env!("OUT_DIR"), "/iam_tables.rs"));

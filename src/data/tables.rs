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
    pub const NONE: Str = Str {
        off: u32::MAX,
        len: 0,
    };

    #[inline]
    pub fn get(self) -> &'static str {
        let start = self.off as usize;
        // Offsets come from build.rs and index within the blob on char boundaries.
        &STRINGS[start..start + self.len as usize]
    }

    #[inline]
    pub fn get_opt(self) -> Option<&'static str> {
        if self.off == u32::MAX {
            None
        } else {
            Some(self.get())
        }
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

/// An action, packed: 28 bytes (lengths fit the narrow fields; build.rs checks).
pub(crate) struct A {
    pub service: u16,
    pub level: AccessLevel,
    pub raw_level: AccessLevel,
    name_len: u8,
    link_len: u8,
    description_len: u16,
    rows_len: u8,
    name_off: u32,
    description_off: u32,
    /// `u32::MAX`: no link.
    link_off: u32,
    rows_start: u32,
}

impl A {
    pub const fn new(
        service: u16,
        level: AccessLevel,
        raw_level: AccessLevel,
        name: Str,
        description: Str,
        link: Str,
        rows: Span,
    ) -> A {
        A {
            service,
            level,
            raw_level,
            name_len: name.len as u8,
            link_len: link.len as u8,
            description_len: description.len as u16,
            rows_len: rows.len as u8,
            name_off: name.off,
            description_off: description.off,
            link_off: link.off,
            rows_start: rows.start,
        }
    }
    #[inline]
    pub fn name(&self) -> Str {
        Str {
            off: self.name_off,
            len: u32::from(self.name_len),
        }
    }
    #[inline]
    pub fn description(&self) -> Str {
        Str {
            off: self.description_off,
            len: u32::from(self.description_len),
        }
    }
    #[inline]
    pub fn link(&self) -> Str {
        Str {
            off: self.link_off,
            len: u32::from(self.link_len),
        }
    }
    /// Into [`ROWS`].
    #[inline]
    pub fn rows(&self) -> Span {
        Span {
            start: self.rows_start,
            len: u32::from(self.rows_len),
        }
    }
}

/// One resource-type row of an action, packed: 16 bytes.
pub(crate) struct R {
    /// Into [`RESOURCE_TYPE_NAMES`].
    resource_type: u16,
    pub required: bool,
    keys_len: u8,
    deps_len: u8,
    keys_start: u32,
    deps_start: u32,
}

impl R {
    pub const fn new(resource_type: u16, required: bool, keys: Span, deps: Span) -> R {
        R {
            resource_type,
            required,
            keys_len: keys.len as u8,
            deps_len: deps.len as u8,
            keys_start: keys.start,
            deps_start: deps.start,
        }
    }
    #[inline]
    pub fn resource_type(&self) -> Str {
        RESOURCE_TYPE_NAMES[self.resource_type as usize]
    }
    /// Into [`LISTS`].
    #[inline]
    pub fn condition_keys(&self) -> Span {
        Span {
            start: self.keys_start,
            len: u32::from(self.keys_len),
        }
    }
    /// Into [`LISTS`].
    #[inline]
    pub fn dependent_actions(&self) -> Span {
        Span {
            start: self.deps_start,
            len: u32::from(self.deps_len),
        }
    }
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
        SERVICES[self.0 as usize]
            .prefix
            .get()
            .eq_ignore_ascii_case(query)
    }
}
impl phf::PhfEq<str> for AKey {
    #[inline]
    fn phf_eq(&self, query: &str) -> bool {
        let a = &ACTIONS[self.0 as usize];
        eq_qualified(u32::from(a.service), a.name(), query)
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
    pub kind: super::SourceKind,
    pub source: &'static str,
    pub chosen_by: &'static str,
    pub date: &'static str,
    pub pages: usize,
    pub page_set_sha256: &'static str,
    pub overridden_actions: usize,
    pub truncations: &'static [(&'static str, &'static str, u32)],
    pub skipped_pages: &'static [&'static str],
}

/// A global condition key (`aws:SourceIp`): few, so plain strings.
pub(crate) struct G {
    pub name: &'static str,
    pub category: &'static str,
    pub value_type: ConditionType,
    pub type_text: &'static str,
    pub description: &'static str,
    pub note: &'static str,
}

/// Provenance of the global condition keys.
pub(crate) struct GlobalKeysSource {
    pub source: &'static str,
    pub data_date: &'static str,
    pub file_sha256: &'static str,
    pub licence: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/global_keys.rs"));

pub(crate) static STRINGS: &str = include_str!(concat!(env!("OUT_DIR"), "/iam_strings.txt"));

include!(concat!(env!("OUT_DIR"), "/iam_tables.rs"));

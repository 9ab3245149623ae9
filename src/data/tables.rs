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

/// A perfect-hash key: a slice of [`STRINGS`], compared with the (lower-case) query.
pub(crate) struct Key {
    pub off: u32,
    pub len: u32,
}

impl phf::PhfEq<str> for Key {
    #[inline]
    fn phf_eq(&self, other: &str) -> bool {
        Str { off: self.off, len: self.len }.get() == other
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

//! Record layouts of the generated tables and the generated tables themselves.
//!
//! Every string lives once in [`STRINGS`]; records hold `(offset, length)` pairs into it and
//! integer ids into each other. The perfect-hash indexes use keys that are also slices of the
//! blob, so the tables carry no pointers (no relocations, no start-up work).

use super::{AccessLevel, ConditionType, Text};

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

    /// The bytes of [`DESCRIPTION_CODES`] this slice names (for a description).
    #[inline]
    pub fn coded(self) -> &'static [u8] {
        let start = self.off as usize;
        &DESCRIPTION_CODES[start..start + self.len as usize]
    }

    #[inline]
    pub fn get(self) -> &'static str {
        let start = self.off as usize;
        // Offsets come from build.rs and index within the blob on char boundaries.
        &STRINGS[start..start + self.len as usize]
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

/// An action, packed: 28 bytes (lengths fit the narrow fields; build.rs checks). Its
/// description is an opening of [`DESCRIPTION_OPENINGS`] and the rest, word-coded in
/// [`DESCRIPTION_CODES`]; its API link a shape of [`LINK_SHAPES`] around a middle (usually the
/// name: the same bytes of the blob).
pub(crate) struct A {
    pub service: u16,
    pub level: AccessLevel,
    pub raw_level: AccessLevel,
    name_len: u8,
    link_len: u8,
    description_len: u16,
    rows_len: u8,
    description_opening: u8,
    /// `u16::MAX`: no link.
    link_shape: u16,
    name_off: u32,
    description_off: u32,
    link_off: u32,
    rows_start: u32,
}

impl A {
    #[allow(clippy::too_many_arguments)] // called only by the generated table
    pub const fn new(
        service: u16,
        level: AccessLevel,
        raw_level: AccessLevel,
        name: Str,
        description_opening: u8,
        description_rest: Str,
        link_shape: u16,
        link_middle: Str,
        rows: Span,
    ) -> A {
        A {
            service,
            level,
            raw_level,
            name_len: name.len as u8,
            link_len: link_middle.len as u8,
            description_len: description_rest.len as u16,
            rows_len: rows.len as u8,
            description_opening,
            link_shape,
            name_off: name.off,
            description_off: description_rest.off,
            link_off: link_middle.off,
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
    pub fn description(&self) -> Text {
        let rest = Str {
            off: self.description_off,
            len: u32::from(self.description_len),
        };
        let opening = DESCRIPTION_OPENINGS[usize::from(self.description_opening)];
        Text::coded(opening.get(), rest.coded())
    }
    #[inline]
    pub fn link(&self) -> Option<Text> {
        let (head, tail) = LINK_SHAPES.get(usize::from(self.link_shape))?;
        let middle = Str {
            off: self.link_off,
            len: u32::from(self.link_len),
        };
        Some(Text::new([head.get(), middle.get(), tail.get()]))
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

/// One resource-type row of an action, packed: 8 bytes. Rows repeat a few lists of condition
/// keys and dependent actions, so they name them by id in [`LIST_SPANS`].
pub(crate) struct R {
    /// Into [`RESOURCE_TYPE_NAMES`].
    resource_type: u16,
    pub required: bool,
    keys: u16,
    deps: u16,
}

impl R {
    pub const fn new(resource_type: u16, required: bool, keys: u16, deps: u16) -> R {
        R {
            resource_type,
            required,
            keys,
            deps,
        }
    }
    #[inline]
    pub fn resource_type(&self) -> Str {
        RESOURCE_TYPE_NAMES[self.resource_type as usize]
    }
    /// The resource type name's place in [`RESOURCE_TYPE_NAMES`].
    #[inline]
    pub fn resource_type_id(&self) -> u16 {
        self.resource_type
    }
    #[inline]
    pub fn condition_keys(&self) -> &'static [Str] {
        list(u32::from(self.keys))
    }
    #[inline]
    pub fn dependent_actions(&self) -> &'static [Str] {
        list(u32::from(self.deps))
    }
}

/// A list of strings by its id in [`LIST_SPANS`].
#[inline]
pub(crate) fn list(id: u32) -> &'static [Str] {
    &LISTS[LIST_SPANS[id as usize].range()]
}

/// A resource type of a service.
pub(crate) struct Rs {
    pub service: u32,
    pub name: Str,
    pub arn: Str,
    /// Into [`LIST_SPANS`].
    pub condition_keys: u32,
}

/// A condition key of a service.
pub(crate) struct C {
    pub service: u32,
    pub value_type: ConditionType,
    pub name: Str,
    /// Into [`DESCRIPTION_CODES`] (word-coded).
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

/// The rests of the action descriptions and the condition key descriptions, word-coded: bytes below 0x80 are ASCII, the others
/// name a word of [`DESCRIPTION_WORDS`] (`Text` decodes them while writing; `build/pieces.rs`).
pub(crate) static DESCRIPTION_CODES: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/iam_description_codes.bin"));

include!(concat!(env!("OUT_DIR"), "/iam_tables.rs"));

/// What the embedded data weighs, by kind: `cargo test --lib data::tables -- --nocapture`
/// prints it (the binary-size rows of PERFORMANCE.md). It also checks that every byte of the
/// string blob belongs to some record (nothing is stored that nothing reads).
#[cfg(test)]
mod layout {
    use super::*;
    use std::mem::size_of_val;

    /// Each byte of [`STRINGS`] → the first kind of string that uses it (0: none).
    struct Owners {
        kinds: Vec<&'static str>,
        of_byte: Vec<u8>,
    }

    impl Owners {
        fn mark(&mut self, kind: &'static str, s: Str) {
            if s.off == u32::MAX {
                return;
            }
            let id = match self.kinds.iter().position(|k| *k == kind) {
                Some(id) => id,
                None => {
                    self.kinds.push(kind);
                    self.kinds.len() - 1
                }
            };
            for owner in &mut self.of_byte[s.off as usize..(s.off + s.len) as usize] {
                if *owner == 0 {
                    *owner = id as u8;
                }
            }
        }
    }

    fn blob_by_kind() -> Owners {
        let mut o = Owners {
            kinds: vec!["(not used)"],
            of_byte: vec![0; STRINGS.len()],
        };
        SERVICES
            .iter()
            .for_each(|s| o.mark("service prefixes", s.prefix));
        ACTIONS
            .iter()
            .for_each(|a| o.mark("action names", a.name()));
        for s in &SERVICES {
            o.mark("service names", s.name);
            o.mark("service authorization URLs", s.url);
        }
        for a in &ACTIONS {
            if let Some(l) = a.link() {
                o.mark("API link middles (not the name)", str_of(l.pieces().nth(1)));
            }
        }
        for (head, tail) in &LINK_SHAPES {
            o.mark("API link heads and tails", *head);
            o.mark("API link heads and tails", *tail);
        }
        DESCRIPTION_OPENINGS
            .iter()
            .for_each(|s| o.mark("description openings", *s));
        DESCRIPTION_WORDS
            .iter()
            .for_each(|s| o.mark("description words", *s));
        RESOURCE_TYPE_NAMES
            .iter()
            .for_each(|s| o.mark("row resource-type names", *s));
        for r in &RESOURCES {
            o.mark("resource-type names", r.name);
            o.mark("ARN formats", r.arn);
        }
        for c in &CONDITIONS {
            o.mark("condition key names", c.name);
            o.mark("condition value types", c.type_text);
        }
        LISTS
            .iter()
            .for_each(|s| o.mark("list items (keys, dependent actions)", *s));
        for (prefix, _, action) in &BUNDLED_OVERRIDES {
            o.mark("bundled overrides", *prefix);
            o.mark("bundled overrides", *action);
        }
        o
    }

    /// The [`Str`] of a piece of the blob.
    fn str_of(piece: Option<&'static str>) -> Str {
        let piece = piece.unwrap_or("");
        let off = piece.as_ptr() as usize - STRINGS.as_ptr() as usize;
        Str {
            off: off as u32,
            len: piece.len() as u32,
        }
    }

    #[test]
    fn every_byte_of_the_blob_is_used_and_the_sizes_are_printed() {
        let owners = blob_by_kind();
        let mut bytes = vec![0usize; owners.kinds.len()];
        owners
            .of_byte
            .iter()
            .for_each(|&k| bytes[usize::from(k)] += 1);
        println!("string blob: {} bytes", STRINGS.len());
        for (kind, n) in owners.kinds.iter().zip(&bytes) {
            println!("  {kind}: {n}");
        }
        println!("coded descriptions: {} bytes", DESCRIPTION_CODES.len());
        let phf = |entries: usize, disps: usize| entries + disps;
        let tables = [
            ("ACTIONS", size_of_val(&ACTIONS)),
            ("ROWS", size_of_val(&ROWS)),
            ("CONDITIONS", size_of_val(&CONDITIONS)),
            ("LISTS", size_of_val(&LISTS)),
            ("LIST_SPANS", size_of_val(&LIST_SPANS)),
            ("RESOURCES", size_of_val(&RESOURCES)),
            ("SERVICES", size_of_val(&SERVICES)),
            (
                "ACTIONS_SORTED + ACTIONS_RANK",
                size_of_val(&ACTIONS_SORTED) * 2,
            ),
            ("SERVICES_SORTED", size_of_val(&SERVICES_SORTED)),
            ("RESOURCE_TYPE_NAMES", size_of_val(&RESOURCE_TYPE_NAMES)),
            ("LINK_SHAPES", size_of_val(&LINK_SHAPES)),
            ("DESCRIPTION_OPENINGS", size_of_val(&DESCRIPTION_OPENINGS)),
            ("DESCRIPTION_WORDS", size_of_val(&DESCRIPTION_WORDS)),
            ("BUNDLED_OVERRIDES", size_of_val(&BUNDLED_OVERRIDES)),
            (
                "ACTION_INDEX (phf)",
                phf(
                    size_of_val(ACTION_INDEX.map.entries),
                    size_of_val(ACTION_INDEX.map.disps),
                ),
            ),
            (
                "RESOURCE_INDEX + CONDITION_INDEX + SERVICE_INDEX (phf)",
                [
                    &RESOURCE_INDEX.map.disps,
                    &CONDITION_INDEX.map.disps,
                    &SERVICE_INDEX.map.disps,
                ]
                .iter()
                .map(|d| size_of_val(**d))
                .sum::<usize>()
                    + size_of_val(RESOURCE_INDEX.map.entries)
                    + size_of_val(CONDITION_INDEX.map.entries)
                    + size_of_val(SERVICE_INDEX.map.entries),
            ),
        ];
        for (name, n) in tables {
            println!("{name}: {n} bytes");
        }
        let total: usize = tables.iter().map(|t| t.1).sum();
        println!(
            "tables {total} + blob {} + coded descriptions {} = {} bytes",
            STRINGS.len(),
            DESCRIPTION_CODES.len(),
            total + STRINGS.len() + DESCRIPTION_CODES.len()
        );
        assert_eq!(bytes[0], 0, "bytes of the blob that no record uses");
    }
}

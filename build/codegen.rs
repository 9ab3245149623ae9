//! Code generation: the database as static tables of small integer records that point into
//! one interned string blob, plus perfect-hash indexes whose keys are themselves slices of the
//! blob (no `&'static str` per key, so no relocation per entry). An action's description and
//! API link are stored in pieces whose common parts are shared (`build/pieces.rs`), and the
//! rows name their lists of strings by id, each distinct list stored once. The rest of an
//! action's description (after its opening) and a condition key's description are stored
//! word-coded in a blob of their own
//! (`iam_description_codes.bin`, see `Words` in `build/pieces.rs`).

use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::hash::{Hash, Hasher};

use crate::model::level_index;
use crate::model::{Condition, Database, Privilege, Resource, Service};
use crate::overrides_format::OverridesFile;
use crate::pieces::{Openings, Words, split_link};
use crate::source::Snapshot;

/// Condition value types the runtime knows (lower-case spelling → enum variant). A page with
/// any other type fails the build, so a new AWS type is noticed instead of misread.
const CONDITION_TYPES: [(&str, &str); 13] = [
    ("string", "String"),
    ("arrayofstring", "ArrayOfString"),
    ("arn", "Arn"),
    ("arrayofarn", "ArrayOfArn"),
    ("bool", "Bool"),
    ("boolean", "Bool"),
    ("arrayofbool", "ArrayOfBool"),
    ("date", "Date"),
    ("arrayofdate", "ArrayOfDate"),
    ("numeric", "Numeric"),
    ("arrayofnumeric", "ArrayOfNumeric"),
    ("ipaddress", "IpAddress"),
    ("arrayofipaddress", "ArrayOfIpAddress"),
];

const LEVEL_VARIANTS: [&str; 5] = ["Read", "Write", "List", "Tagging", "PermissionsManagement"];

#[derive(Default)]
struct Blob {
    text: String,
    index: HashMap<String, (u32, u32)>,
}

impl Blob {
    fn intern(&mut self, s: &str) -> (u32, u32) {
        if let Some(&r) = self.index.get(s) {
            return r;
        }
        let r = (self.text.len() as u32, s.len() as u32);
        self.text.push_str(s);
        self.index.insert(s.to_string(), r);
        r
    }
    fn s(&mut self, s: &str) -> String {
        let (o, l) = self.intern(s);
        format!("s({o},{l})")
    }
}

/// A phf key at build time: hashes like the lower-case `str` it stands for and prints as the
/// record id wrapped in the runtime key type, which compares by looking at the record itself.
/// So the tables hold no key strings at all.
struct IdKey {
    text: String,
    id: u32,
    type_name: &'static str,
}
impl PartialEq for IdKey {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}
impl Eq for IdKey {}
impl Hash for IdKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state)
    }
}
impl phf_shared::PhfHash for IdKey {
    fn phf_hash<H: Hasher>(&self, state: &mut H) {
        self.text.as_str().phf_hash(state)
    }
}
impl phf_shared::FmtConst for IdKey {
    fn fmt_const(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.type_name, self.id)
    }
}

#[derive(Default)]
struct Index {
    keys: Vec<(String, u32)>,
}
impl Index {
    fn add(&mut self, key: String, value: u32) {
        self.keys.push((key, value));
    }
    /// Emit a `phf::Set` of record ids. Later duplicates win, like a Python dict assignment.
    fn emit(self, name: &str, type_name: &'static str, what: &str, out: &mut String) {
        let mut dedup: indexmap::IndexMap<String, u32> = indexmap::IndexMap::new();
        for (k, v) in self.keys {
            dedup.insert(k, v);
        }
        let mut set = phf_codegen::Set::new();
        set.phf_path("phf");
        for (text, id) in dedup {
            set.entry(IdKey {
                text,
                id,
                type_name,
            });
        }
        let _ = writeln!(
            out,
            "/// {what}\npub(crate) static {name}: phf::Set<{type_name}> = {};\n",
            set.build()
        );
    }
}

/// The packed records have narrow length fields: fail the build rather than truncate.
fn fits(value: usize, max: impl Into<usize>, what: &str, action: &str) -> Result<(), String> {
    let max = max.into();
    if value > max {
        return Err(format!(
            "action {action}: {value} {what}, more than the tables' limit of {max}"
        ));
    }
    Ok(())
}

fn rust_str(s: &str) -> String {
    format!("{s:?}")
}

/// The generated files: the Rust source of the tables, the string blob and the coded
/// descriptions they point into.
pub struct Generated {
    /// `iam_tables.rs`; its header names the generator and the snapshot.
    pub code: String,
    /// `iam_strings.txt`.
    pub strings: String,
    /// `iam_description_codes.bin`.
    pub description_codes: Vec<u8>,
}

/// The tables of a database (see [`Generated`]).
pub fn generate(
    db: &Database,
    snapshot: &Snapshot,
    chosen_by: &str,
    overrides: &OverridesFile,
) -> Result<Generated, String> {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// @generated by build.rs (policy_sentry {}) from {} — {} pages of {}, page-set sha256 {}.\n// Do not edit: change the pages or build/*.rs and rebuild.\n",
        std::env::var("CARGO_PKG_VERSION").unwrap_or_default(),
        snapshot.source,
        snapshot.pages.len(),
        snapshot.date,
        snapshot.page_set_sha256
    );
    out.push_str("use super::AccessLevel::{List, PermissionsManagement, Read, Tagging, Write};\n\nconst fn s(off: u32, len: u32) -> Str { Str { off, len } }\nconst fn sp(start: u32, len: u32) -> Span { Span { start, len } }\n#[allow(dead_code)]\nconst N: Str = Str::NONE;\n\n");

    let descriptions = || {
        db.services
            .values()
            .flat_map(|s| s.privileges.values())
            .map(|p| p.description.as_str())
    };
    let openings = Openings::choose(descriptions());
    let condition_descriptions = db
        .services
        .values()
        .flat_map(|s| s.conditions.values())
        .map(|c| c.description.as_str());
    let words = Words::choose(
        descriptions()
            .map(|d| openings.split(d).1)
            .chain(condition_descriptions),
    )?;
    let mut tables = Tables::new(openings, words);
    // Prefixes and action names first, side by side: listing or looking up actions reads
    // only these pages of the blob, not the descriptions and links between them.
    for service in db.services.values() {
        tables.blob.intern(&service.prefix);
        for p in service.privileges.values() {
            tables.blob.intern(&p.name);
        }
    }
    for (service_id, service) in db.services.values().enumerate() {
        tables.add_service(service_id as u32, service)?;
    }
    tables.write_records(&mut out);
    write_sorted_services(db, &mut out);
    let (mut blob, description_codes) = tables.write_indexes(&mut out);
    write_bundled_overrides(&mut blob, overrides, &mut out)?;
    write_build_info(db, snapshot, chosen_by, &mut out);
    Ok(Generated {
        code: out,
        strings: blob.text,
        description_codes,
    })
}

/// The record tables as they fill, service by service, in the order of the database. Strings
/// are interned in the order the records name them, which fixes the blob's layout.
#[derive(Default)]
struct Tables {
    blob: Blob,
    /// The description openings (`src/data/text.rs` joins them back).
    openings: Option<Openings>,
    /// The word dictionary of the descriptions' rests, the coded rests, each distinct one once.
    words: Option<Words>,
    description_codes: Vec<u8>,
    coded_index: HashMap<Vec<u8>, (u32, u32)>,
    /// (head, tail) of the API links → id, and their table.
    link_shapes: HashMap<(String, String), u32>,
    link_shape_table: String,
    /// Distinct lists of strings → id, and their spans in `LISTS`.
    list_ids: HashMap<Vec<String>, u32>,
    list_spans: String,
    services: String,
    actions: String,
    rows: String,
    resources: String,
    conditions: String,
    lists: String,
    n_services: u32,
    n_actions: u32,
    n_rows: u32,
    n_resources: u32,
    n_conditions: u32,
    n_lists: u32,
    /// Distinct resource-type names of the action rows → id, and their table.
    rt_names: HashMap<String, usize>,
    rt_table: String,
    service_index: Index,
    action_index: Index,
    resource_index: Index,
    condition_index: Index,
    /// (lower-case `prefix:name`, `prefix:name`, action id).
    sorted_actions: Vec<(String, String, u32)>,
}

impl Tables {
    fn new(openings: Openings, words: Words) -> Tables {
        Tables {
            openings: Some(openings),
            words: Some(words),
            ..Tables::default()
        }
    }

    /// The id of a list of strings in `LIST_SPANS`; a list met again is stored once (rows
    /// repeat the same few lists of condition keys and dependent actions).
    fn list(&mut self, items: &[String]) -> Result<u32, String> {
        if let Some(&id) = self.list_ids.get(items) {
            return Ok(id);
        }
        let id = self.list_ids.len() as u32;
        fits(
            id as usize,
            u16::MAX,
            "distinct lists of condition keys or dependent actions",
            "(any)",
        )?;
        let start = self.n_lists;
        for item in items {
            let _ = write!(self.lists, "{},", self.blob.s(item));
            self.n_lists += 1;
        }
        self.lists.push('\n');
        let _ = write!(self.list_spans, "sp({start},{}),", items.len());
        self.list_ids.insert(items.to_vec(), id);
        Ok(id)
    }

    /// (shape id, middle) of an API link: the shape is its head and tail, stored once.
    fn link(&mut self, link: &str, action: &str) -> Result<(u32, String), String> {
        let (head, middle, tail) = split_link(link, action);
        fits(
            middle.len(),
            u8::MAX,
            "bytes in the middle of an API link",
            action,
        )?;
        let key = (head.to_string(), tail.to_string());
        let id = match self.link_shapes.get(&key) {
            Some(&id) => id,
            None => {
                let id = self.link_shapes.len() as u32;
                // u16::MAX is "no link".
                fits(id as usize + 1, u16::MAX, "API link shapes", action)?;
                let (head, tail) = (self.blob.s(head), self.blob.s(tail));
                let _ = write!(self.link_shape_table, "({head},{tail}),");
                self.link_shapes.insert(key, id);
                id
            }
        };
        Ok((id, self.blob.s(middle)))
    }

    /// `s(offset, length)` of a description (an action's rest, a condition key's) in the coded blob.
    fn coded(&mut self, rest: &str) -> String {
        let words = self.words.as_ref().expect("Tables::new chose the words");
        let codes = words.encode(rest);
        let (off, len) = match self.coded_index.get(&codes) {
            Some(&at) => at,
            None => {
                let at = (self.description_codes.len() as u32, codes.len() as u32);
                self.description_codes.extend_from_slice(&codes);
                self.coded_index.insert(codes, at);
                at
            }
        };
        format!("s({off},{len})")
    }

    fn resource_type_id(&mut self, name: &str) -> usize {
        if let Some(&id) = self.rt_names.get(name) {
            return id;
        }
        let id = self.rt_names.len();
        let _ = write!(self.rt_table, "{},", self.blob.s(name));
        self.rt_names.insert(name.to_string(), id);
        id
    }

    fn add_service(&mut self, service_id: u32, service: &Service) -> Result<(), String> {
        self.service_index
            .add(service.prefix.to_lowercase(), service_id);
        let (actions_start, resources_start, conditions_start) =
            (self.n_actions, self.n_resources, self.n_conditions);
        for p in service.privileges.values() {
            self.add_action(service_id, &service.prefix, p)?;
        }
        for r in service.resources.values() {
            self.add_resource(service_id, &service.prefix, r)?;
        }
        for c in service.conditions.values() {
            self.add_condition(service_id, &service.prefix, c)?;
        }
        let _ = writeln!(
            self.services,
            "Sv{{prefix:{},name:{},url:{},actions:sp({actions_start},{}),resources:sp({resources_start},{}),conditions:sp({conditions_start},{})}},",
            self.blob.s(&service.prefix),
            self.blob.s(&service.name),
            self.blob.s(&service.url),
            self.n_actions - actions_start,
            self.n_resources - resources_start,
            self.n_conditions - conditions_start
        );
        self.n_services += 1;
        Ok(())
    }

    fn add_action(&mut self, service_id: u32, prefix: &str, p: &Privilege) -> Result<(), String> {
        // ACTIONS_SORTED and ACTIONS_RANK hold action ids as u16.
        fits(
            self.n_actions as usize,
            u16::MAX,
            "actions before this one",
            &p.name,
        )?;
        let rows_start = self.n_rows;
        for row in p.resource_types.values() {
            let keys = self.list(&row.condition_keys)?;
            let deps = self.list(&row.dependent_actions)?;
            let rt_id = self.resource_type_id(&row.resource_type);
            let _ = writeln!(self.rows, "R::new({rt_id},{},{keys},{deps}),", row.required);
            self.n_rows += 1;
        }
        // The name first: a link's middle is often the name, which then costs nothing more.
        let name = self.blob.s(&p.name);
        let (shape, middle) = match &p.link {
            Some(l) => self.link(l, &p.name)?,
            None => (u32::from(u16::MAX), "N".to_string()),
        };
        let openings = self
            .openings
            .as_ref()
            .expect("Tables::new chose the openings");
        let (opening, rest) = openings.split(&p.description);
        let rest = self.coded(rest);
        check_action_limits(p)?;
        let _ = writeln!(
            self.actions,
            "A::new({service_id},{},{},{name},{opening},{rest},{shape},{middle},sp({rows_start},{})),",
            LEVEL_VARIANTS[p.level as usize],
            LEVEL_VARIANTS[p.raw_level as usize],
            self.n_rows - rows_start
        );
        let key = format!("{}:{}", prefix.to_lowercase(), p.name.to_lowercase());
        self.action_index.add(key, self.n_actions);
        let full_name = format!("{prefix}:{}", p.name);
        self.sorted_actions
            .push((full_name.to_lowercase(), full_name, self.n_actions));
        self.n_actions += 1;
        Ok(())
    }

    fn add_resource(&mut self, service_id: u32, prefix: &str, r: &Resource) -> Result<(), String> {
        let keys = self.list(&r.condition_keys)?;
        let _ = writeln!(
            self.resources,
            "Rs{{service:{service_id},name:{},arn:{},condition_keys:{keys}}},",
            self.blob.s(&r.name),
            self.blob.s(&r.arn)
        );
        let key = format!("{}:{}", prefix.to_lowercase(), r.name.to_lowercase());
        self.resource_index.add(key, self.n_resources);
        self.n_resources += 1;
        Ok(())
    }

    fn add_condition(
        &mut self,
        service_id: u32,
        prefix: &str,
        c: &Condition,
    ) -> Result<(), String> {
        let variant = condition_type_variant(prefix, c)?;
        let description = self.coded(&c.description);
        let _ = writeln!(
            self.conditions,
            "C{{service:{service_id},value_type:ConditionType::{variant},name:{},description:{description},type_text:{}}},",
            self.blob.s(&c.name),
            self.blob.s(&c.value_type)
        );
        let key = format!("{}:{}", prefix.to_lowercase(), c.name.to_lowercase());
        self.condition_index.add(key, self.n_conditions);
        self.n_conditions += 1;
        Ok(())
    }

    /// The record arrays, then the actions sorted by name.
    fn write_records(&mut self, out: &mut String) {
        let arrays = [
            ("SERVICES", "Sv", self.n_services, &self.services),
            ("ACTIONS", "A", self.n_actions, &self.actions),
            ("ROWS", "R", self.n_rows, &self.rows),
        ];
        for (name, ty, n, body) in arrays {
            let _ = writeln!(out, "pub(crate) static {name}: [{ty}; {n}] = [\n{body}];\n");
        }
        let _ = writeln!(
            out,
            "/// Distinct resource-type names of the action rows.\npub(crate) static RESOURCE_TYPE_NAMES: [Str; {}] = [{}];\n",
            self.rt_names.len(),
            self.rt_table
        );
        let arrays = [
            ("RESOURCES", "Rs", self.n_resources, &self.resources),
            ("CONDITIONS", "C", self.n_conditions, &self.conditions),
            ("LISTS", "Str", self.n_lists, &self.lists),
        ];
        for (name, ty, n, body) in arrays {
            let _ = writeln!(out, "pub(crate) static {name}: [{ty}; {n}] = [\n{body}];\n");
        }
        self.write_pieces(out);
        self.sorted_actions.sort();
        let _ = writeln!(
            out,
            "/// Action ids sorted by `prefix:name`, case-insensitively.\npub(crate) static ACTIONS_SORTED: [u16; {}] = [{}];\n",
            self.sorted_actions.len(),
            join(self.sorted_actions.iter().map(|(_, _, id)| id))
        );
        // The inverse: sorting actions by it sorts them by name without building strings.
        let mut ranks = vec![0u32; self.sorted_actions.len()];
        for (rank, (_, _, id)) in (0u32..).zip(&self.sorted_actions) {
            ranks[*id as usize] = rank;
        }
        let _ = writeln!(
            out,
            "/// Each action's position in ACTIONS_SORTED, by action id.\npub(crate) static ACTIONS_RANK: [u16; {}] = [{}];\n",
            ranks.len(),
            join(ranks.iter())
        );
    }

    /// The tables that the records' ids point into: list spans, link shapes, openings.
    fn write_pieces(&mut self, out: &mut String) {
        let _ = writeln!(
            out,
            "/// Distinct lists of strings, as spans of LISTS.\npub(crate) static LIST_SPANS: [Span; {}] = [{}];\n",
            self.list_ids.len(),
            self.list_spans
        );
        let _ = writeln!(
            out,
            "/// (head, tail) of the API links: head + middle + tail.\npub(crate) static LINK_SHAPES: [(Str, Str); {}] = [{}];\n",
            self.link_shapes.len(),
            self.link_shape_table
        );
        let openings = self
            .openings
            .take()
            .expect("Tables::new chose the openings");
        let mut table = self.blob.s("");
        for opening in openings.chosen() {
            table.push(',');
            table.push_str(&self.blob.s(opening));
        }
        let _ = writeln!(
            out,
            "/// Openings of descriptions, by id (0: none).\npub(crate) static DESCRIPTION_OPENINGS: [Str; {}] = [{table}];\n",
            openings.chosen().len() + 1
        );
        let words = self.words.take().expect("Tables::new chose the words");
        let table: Vec<String> = words.chosen().iter().map(|w| self.blob.s(w)).collect();
        let _ = writeln!(
            out,
            "/// The words of the coded descriptions, by id.\npub(crate) static DESCRIPTION_WORDS: [Str; {}] = [{}];\n",
            table.len(),
            table.join(",")
        );
    }

    /// The four perfect-hash indexes; what is left is the string blob and the coded descriptions.
    fn write_indexes(self, out: &mut String) -> (Blob, Vec<u8>) {
        let indexes = [
            (
                self.service_index,
                "SERVICE_INDEX",
                "SvKey",
                "lower-case service prefix → service id",
            ),
            (
                self.action_index,
                "ACTION_INDEX",
                "AKey",
                "lower-case `prefix:action` → action id",
            ),
            (
                self.resource_index,
                "RESOURCE_INDEX",
                "RsKey",
                "lower-case `prefix:resource-type` → resource id",
            ),
            (
                self.condition_index,
                "CONDITION_INDEX",
                "CKey",
                "lower-case `prefix:condition-key` → condition id",
            ),
        ];
        for (index, name, type_name, what) in indexes {
            index.emit(name, type_name, what, out);
        }
        (self.blob, self.description_codes)
    }
}

/// The limits of an action record's narrow fields.
fn check_action_limits(p: &Privilege) -> Result<(), String> {
    fits(p.name.len(), u8::MAX, "bytes in an action name", &p.name)?;
    fits(
        p.description.len(),
        u16::MAX,
        "bytes in a description",
        &p.name,
    )?;
    fits(
        p.resource_types.len(),
        u8::MAX,
        "resource-type rows",
        &p.name,
    )
}

/// The runtime's `ConditionType` variant for a value type as the data spells it (any case).
pub fn type_variant(value_type: &str) -> Option<&'static str> {
    let lower = value_type.to_lowercase();
    CONDITION_TYPES
        .iter()
        .find(|(known, _)| *known == lower)
        .map(|(_, variant)| *variant)
}

/// The runtime's `ConditionType` variant for a condition key's value type.
fn condition_type_variant(prefix: &str, c: &Condition) -> Result<&'static str, String> {
    type_variant(&c.value_type).ok_or_else(|| {
        let known: Vec<&str> = CONDITION_TYPES.iter().map(|(_, v)| *v).collect();
        format!(
            "service {prefix}: condition key {}: unknown value type {:?} (known: {})",
            c.name,
            c.value_type,
            known.join(", ")
        )
    })
}

fn join<T: ToString>(items: impl Iterator<Item = T>) -> String {
    items.map(|i| i.to_string()).collect::<Vec<_>>().join(",")
}

fn write_sorted_services(db: &Database, out: &mut String) {
    let mut sorted: Vec<(String, usize)> = db
        .services
        .keys()
        .enumerate()
        .map(|(i, p)| (p.to_lowercase(), i))
        .collect();
    sorted.sort();
    let _ = writeln!(
        out,
        "/// Service ids sorted by prefix.\npub(crate) static SERVICES_SORTED: [u16; {}] = [{}];\n",
        sorted.len(),
        join(sorted.iter().map(|(_, id)| id))
    );
}

fn write_bundled_overrides(
    blob: &mut Blob,
    overrides: &OverridesFile,
    out: &mut String,
) -> Result<(), String> {
    let mut bundled = String::new();
    let mut n_bundled = 0;
    for (prefix, level, action) in overrides.entries() {
        let level = level_index(level).ok_or_else(|| format!("unknown access level {level}"))?;
        let _ = writeln!(
            bundled,
            "({},AccessLevel::{},{}),",
            blob.s(prefix),
            LEVEL_VARIANTS[level as usize],
            blob.s(action)
        );
        n_bundled += 1;
    }
    let _ = writeln!(
        out,
        "/// The bundled access-level overrides: (prefix, level, lower-case action).\npub(crate) static BUNDLED_OVERRIDES: [(Str, AccessLevel, Str); {n_bundled}] = [\n{bundled}];\n"
    );
    Ok(())
}

/// Where the tables came from, for `data info` and `--version`.
fn write_build_info(db: &Database, snapshot: &Snapshot, chosen_by: &str, out: &mut String) {
    let truncations: Vec<String> = db
        .truncations
        .iter()
        .map(|(file, action, row)| format!("({}, {}, {row})", rust_str(file), rust_str(action)))
        .collect();
    let skipped: Vec<String> = db.skipped_pages.iter().map(|p| rust_str(p)).collect();
    let _ = writeln!(
        out,
        "pub(crate) static BUILD_INFO: BuildInfo = BuildInfo {{\n    kind: super::SourceKind::{},\n    source: {},\n    chosen_by: {},\n    date: {},\n    pages: {},\n    page_set_sha256: {},\n    overridden_actions: {},\n    truncations: &[{}],\n    skipped_pages: &[{}],\n}};\n",
        snapshot.kind.variant(),
        rust_str(&snapshot.source),
        rust_str(chosen_by),
        rust_str(&snapshot.date),
        snapshot.pages.len(),
        rust_str(&snapshot.page_set_sha256),
        db.overridden,
        truncations.join(", "),
        skipped.join(", ")
    );
}

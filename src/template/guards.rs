//! `guards:` of a template: well-known guard rails, each written as an extra `Deny` statement
//! on the policy's own actions. The template reads their shape (booleans, lists of text); the
//! writer checks the values (`write::GuardError`), so a template built in code meets the same
//! rules.

use serde::Serialize;

use super::node::{Node, Value};
use super::{Ctx, Positions, TemplateError, describe};

/// The `guards:` mapping. Each guard that is set adds one `Deny` statement (`source-vpc` and
/// `source-ip` together add one: a request from either network is let through).
///
/// ```
/// use policy_sentry::template::{Guards, Mode, Template};
/// let template = Template {
///     mode: Mode::Actions,
///     actions: vec!["s3:GetObject".into()],
///     guards: Guards {
///         require_secure_transport: true,
///         regions: vec!["eu-west-1".into()],
///         ..Guards::default()
///     },
///     ..Template::default()
/// };
/// let policy = policy_sentry::write::write_policy(&template, &Default::default()).unwrap();
/// let sids: Vec<&str> = policy.statements.iter().map(|s| s.sid.as_str()).collect();
/// assert!(sids.ends_with(&["DenyInsecureTransport", "DenyOtherRegions"]));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Guards {
    /// Deny the policy's actions over plain HTTP (`aws:SecureTransport` false).
    #[serde(skip_serializing_if = "is_false")]
    pub require_secure_transport: bool,
    /// Deny them without MFA (`BoolIfExists` `aws:MultiFactorAuthPresent` false).
    #[serde(skip_serializing_if = "is_false")]
    pub require_mfa: bool,
    /// Deny them from outside these VPCs (`vpc-…` ids), except calls AWS services make.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub source_vpc: Vec<String>,
    /// Deny them from outside these addresses or CIDR ranges, except calls AWS services make.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub source_ip: Vec<String>,
    /// Deny them in other regions (`aws:RequestedRegion`), the global services' actions apart.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
}

fn is_false(b: &bool) -> bool {
    !b
}

impl Guards {
    /// No guard set: the template writes exactly what it writes without `guards:`.
    pub fn is_empty(&self) -> bool {
        *self == Guards::default()
    }
}

/// The keys of `guards:`, in the order their statements are written.
pub(crate) const GUARD_KEYS: [&str; 5] = [
    "require-secure-transport",
    "require-mfa",
    "source-vpc",
    "source-ip",
    "regions",
];

impl Ctx<'_> {
    /// `guards:` — a mapping of the keys above; null is none.
    pub(super) fn guards(
        &self,
        v: &Node,
        positions: &mut Positions,
    ) -> Result<Guards, TemplateError> {
        let entries = match &v.value {
            Value::Null => return Ok(Guards::default()),
            Value::Map(entries) => entries,
            other => {
                return Err(self.error(
                    v,
                    "guards",
                    format!(
                        "`guards` must be a mapping, e.g. `guards: {{require-secure-transport: true, regions: [eu-west-1]}}`, found {}",
                        describe(other)
                    ),
                ));
            }
        };
        let mut g = Guards::default();
        for (k, value) in entries {
            let name = self.key_text(k, "guards")?;
            let Some(&known) = GUARD_KEYS.iter().find(|&&c| c == name) else {
                return Err(self.unknown_key(k, &name, "guards", &GUARD_KEYS));
            };
            let path = format!("guards.{known}");
            positions.record(&path, value);
            match known {
                "require-secure-transport" => {
                    g.require_secure_transport = self.flag(value, &path)?
                }
                "require-mfa" => g.require_mfa = self.flag(value, &path)?,
                "source-vpc" => {
                    g.source_vpc = self.one_or_list(value, &path, "VPC ids", positions)?
                }
                "source-ip" => {
                    g.source_ip =
                        self.one_or_list(value, &path, "IP addresses or CIDR ranges", positions)?
                }
                _ => g.regions = self.one_or_list(value, &path, "region names", positions)?,
            }
        }
        Ok(g)
    }

    /// `true` or `false`; null is `false`.
    fn flag(&self, v: &Node, path: &str) -> Result<bool, TemplateError> {
        match &v.value {
            Value::Bool(b) => Ok(*b),
            Value::Null => Ok(false),
            other => Err(self.error(
                v,
                path,
                format!(
                    "`{path}` must be `true` or `false`, found {}",
                    describe(other)
                ),
            )),
        }
    }

    /// One value, or a list of them.
    fn one_or_list(
        &self,
        v: &Node,
        path: &str,
        what: &str,
        positions: &mut Positions,
    ) -> Result<Vec<String>, TemplateError> {
        match &v.value {
            Value::Str(one) if one.trim().is_empty() => Ok(Vec::new()),
            Value::Str(one) => {
                positions.record(&format!("{path}[0]"), v);
                Ok(vec![one.clone()])
            }
            _ => self.list(v, path, what, positions),
        }
    }
}

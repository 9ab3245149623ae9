//! `GetAccountAuthorizationDetails` pages merged into the JSON the AWS CLI prints for
//! `aws iam get-account-authorization-details` (the format Cloudsplaining and similar tools
//! read): PascalCase keys, policy documents decoded into JSON objects, ISO 8601 dates.

use aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput;
use aws_sdk_iam::primitives::{DateTime, DateTimeFormat};
use aws_sdk_iam::types::{
    AttachedPermissionsBoundary, AttachedPolicy, GroupDetail, InstanceProfile, ManagedPolicyDetail,
    PolicyDetail, PolicyVersion, Role, RoleDetail, RoleLastUsed, Tag, UserDetail,
};
use serde_json::{Map, Value};

use super::files::decode_policy_document;

#[derive(Default)]
pub(super) struct Details {
    users: Vec<UserDetail>,
    groups: Vec<GroupDetail>,
    roles: Vec<RoleDetail>,
    policies: Vec<ManagedPolicyDetail>,
}

impl Details {
    pub(super) fn add_page(&mut self, page: GetAccountAuthorizationDetailsOutput) {
        self.users.extend(page.user_detail_list.unwrap_or_default());
        self.groups
            .extend(page.group_detail_list.unwrap_or_default());
        self.roles.extend(page.role_detail_list.unwrap_or_default());
        self.policies.extend(page.policies.unwrap_or_default());
    }

    pub(super) fn to_json(&self) -> Value {
        let mut out = Object::default();
        out.list("UserDetailList", self.users.iter().map(user));
        out.list("GroupDetailList", self.groups.iter().map(group));
        out.list("RoleDetailList", self.roles.iter().map(role_detail));
        out.list("Policies", self.policies.iter().map(managed_policy));
        out.into()
    }
}

/// A JSON object that leaves out absent fields, as the CLI does.
#[derive(Default)]
struct Object(Map<String, Value>);

impl Object {
    fn str(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(value) = value {
            self.0.insert(key.into(), value.into());
        }
        self
    }
    fn value(&mut self, key: &str, value: Option<Value>) -> &mut Self {
        if let Some(value) = value {
            self.0.insert(key.into(), value);
        }
        self
    }
    fn date(&mut self, key: &str, value: Option<&DateTime>) -> &mut Self {
        self.value(
            key,
            value
                .and_then(|d| d.fmt(DateTimeFormat::DateTime).ok())
                .map(Value::from),
        )
    }
    fn document(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        self.value(key, value.map(document))
    }
    fn list<I: IntoIterator<Item = Value>>(&mut self, key: &str, items: I) -> &mut Self {
        self.0
            .insert(key.into(), Value::Array(items.into_iter().collect()));
        self
    }
    fn opt_list<'a, T: 'a>(
        &mut self,
        key: &str,
        items: Option<&'a [T]>,
        f: impl Fn(&'a T) -> Value,
    ) -> &mut Self {
        if let Some(items) = items {
            self.list(key, items.iter().map(f));
        }
        self
    }
}

impl From<Object> for Value {
    fn from(object: Object) -> Value {
        Value::Object(object.0)
    }
}

/// The fields every IAM entity (user, group, role, instance profile) begins with: `Path`,
/// `{Kind}Name`, `{Kind}Id`, `Arn`, `CreateDate`.
fn entity(
    kind: &str,
    path: Option<&str>,
    name: Option<&str>,
    id: Option<&str>,
    arn: Option<&str>,
    created: Option<&DateTime>,
) -> Object {
    let mut o = Object::default();
    o.str("Path", path)
        .str(&format!("{kind}Name"), name)
        .str(&format!("{kind}Id"), id)
        .str("Arn", arn)
        .date("CreateDate", created);
    o
}

/// The fields both forms of a role (the detail, and the summary in an instance profile) end
/// with: the permissions boundary, tags and last use.
fn role_tail(
    o: &mut Object,
    boundary_of: Option<&AttachedPermissionsBoundary>,
    tags: Option<&[Tag]>,
    last: Option<&RoleLastUsed>,
) {
    o.value("PermissionsBoundary", boundary_of.map(boundary))
        .opt_list("Tags", tags, tag)
        .value("RoleLastUsed", last.map(last_used));
}

/// A decoded document; one that does not decode is kept as the string IAM sent.
fn document(encoded: &str) -> Value {
    decode_policy_document(encoded).unwrap_or_else(|_| Value::from(encoded))
}

fn user(u: &UserDetail) -> Value {
    let mut o = entity(
        "User",
        u.path.as_deref(),
        u.user_name.as_deref(),
        u.user_id.as_deref(),
        u.arn.as_deref(),
        u.create_date.as_ref(),
    );
    o.opt_list(
        "UserPolicyList",
        u.user_policy_list.as_deref(),
        inline_policy,
    )
    .opt_list("GroupList", u.group_list.as_deref(), |g| {
        Value::from(g.as_str())
    })
    .opt_list(
        "AttachedManagedPolicies",
        u.attached_managed_policies.as_deref(),
        attached_policy,
    )
    .value(
        "PermissionsBoundary",
        u.permissions_boundary.as_ref().map(boundary),
    )
    .opt_list("Tags", u.tags.as_deref(), tag);
    o.into()
}

fn group(g: &GroupDetail) -> Value {
    let mut o = entity(
        "Group",
        g.path.as_deref(),
        g.group_name.as_deref(),
        g.group_id.as_deref(),
        g.arn.as_deref(),
        g.create_date.as_ref(),
    );
    o.opt_list(
        "GroupPolicyList",
        g.group_policy_list.as_deref(),
        inline_policy,
    )
    .opt_list(
        "AttachedManagedPolicies",
        g.attached_managed_policies.as_deref(),
        attached_policy,
    );
    o.into()
}

fn role_detail(r: &RoleDetail) -> Value {
    let mut o = entity(
        "Role",
        r.path.as_deref(),
        r.role_name.as_deref(),
        r.role_id.as_deref(),
        r.arn.as_deref(),
        r.create_date.as_ref(),
    );
    o.document(
        "AssumeRolePolicyDocument",
        r.assume_role_policy_document.as_deref(),
    )
    .opt_list(
        "InstanceProfileList",
        r.instance_profile_list.as_deref(),
        instance_profile,
    )
    .opt_list(
        "RolePolicyList",
        r.role_policy_list.as_deref(),
        inline_policy,
    )
    .opt_list(
        "AttachedManagedPolicies",
        r.attached_managed_policies.as_deref(),
        attached_policy,
    );
    role_tail(
        &mut o,
        r.permissions_boundary.as_ref(),
        r.tags.as_deref(),
        r.role_last_used.as_ref(),
    );
    o.into()
}

fn instance_profile(p: &InstanceProfile) -> Value {
    let mut o = entity(
        "InstanceProfile",
        Some(&p.path),
        Some(&p.instance_profile_name),
        Some(&p.instance_profile_id),
        Some(&p.arn),
        Some(&p.create_date),
    );
    o.list("Roles", p.roles.iter().map(role))
        .opt_list("Tags", p.tags.as_deref(), tag);
    o.into()
}

fn role(r: &Role) -> Value {
    let mut o = entity(
        "Role",
        Some(&r.path),
        Some(&r.role_name),
        Some(&r.role_id),
        Some(&r.arn),
        Some(&r.create_date),
    );
    o.document(
        "AssumeRolePolicyDocument",
        r.assume_role_policy_document.as_deref(),
    )
    .str("Description", r.description.as_deref())
    .value(
        "MaxSessionDuration",
        r.max_session_duration.map(Value::from),
    );
    role_tail(
        &mut o,
        r.permissions_boundary.as_ref(),
        r.tags.as_deref(),
        r.role_last_used.as_ref(),
    );
    o.into()
}

/// The policy's name; some emulators (moto) leave it out, so it falls back to the ARN's last
/// path segment (`arn:aws:iam::123456789012:policy/path/Name`).
fn managed_policy_name(p: &ManagedPolicyDetail) -> Option<&str> {
    p.policy_name
        .as_deref()
        .or_else(|| p.arn.as_deref().and_then(|arn| arn.rsplit('/').next()))
}

fn managed_policy(p: &ManagedPolicyDetail) -> Value {
    let mut o = Object::default();
    o.str("PolicyName", managed_policy_name(p))
        .str("PolicyId", p.policy_id.as_deref())
        .str("Arn", p.arn.as_deref())
        .str("Path", p.path.as_deref())
        .str("DefaultVersionId", p.default_version_id.as_deref())
        .value("AttachmentCount", p.attachment_count.map(Value::from))
        .value(
            "PermissionsBoundaryUsageCount",
            p.permissions_boundary_usage_count.map(Value::from),
        )
        .value("IsAttachable", Some(p.is_attachable.into()))
        .str("Description", p.description.as_deref())
        .date("CreateDate", p.create_date.as_ref())
        .date("UpdateDate", p.update_date.as_ref())
        .opt_list(
            "PolicyVersionList",
            p.policy_version_list.as_deref(),
            policy_version,
        );
    o.into()
}

fn policy_version(v: &PolicyVersion) -> Value {
    let mut o = Object::default();
    o.document("Document", v.document.as_deref())
        .str("VersionId", v.version_id.as_deref())
        .value("IsDefaultVersion", Some(v.is_default_version.into()))
        .date("CreateDate", v.create_date.as_ref());
    o.into()
}

fn inline_policy(p: &PolicyDetail) -> Value {
    let mut o = Object::default();
    o.str("PolicyName", p.policy_name.as_deref())
        .document("PolicyDocument", p.policy_document.as_deref());
    o.into()
}

fn attached_policy(p: &AttachedPolicy) -> Value {
    let mut o = Object::default();
    o.str("PolicyName", p.policy_name.as_deref())
        .str("PolicyArn", p.policy_arn.as_deref());
    o.into()
}

fn boundary(b: &AttachedPermissionsBoundary) -> Value {
    let mut o = Object::default();
    o.str(
        "PermissionsBoundaryType",
        b.permissions_boundary_type.as_ref().map(|t| t.as_str()),
    )
    .str(
        "PermissionsBoundaryArn",
        b.permissions_boundary_arn.as_deref(),
    );
    o.into()
}

fn tag(t: &Tag) -> Value {
    let mut o = Object::default();
    o.str("Key", Some(&t.key)).str("Value", Some(&t.value));
    o.into()
}

fn last_used(r: &RoleLastUsed) -> Value {
    let mut o = Object::default();
    o.date("LastUsedDate", r.last_used_date.as_ref())
        .str("Region", r.region.as_deref());
    o.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_merge_and_missing_policy_names_come_from_the_arn() {
        let policy = |arn: &str, name: Option<&str>| {
            ManagedPolicyDetail::builder()
                .arn(arn)
                .set_policy_name(name.map(Into::into))
                .policy_version_list(
                    PolicyVersion::builder()
                        .document("%7B%22Version%22%3A%222012-10-17%22%7D")
                        .version_id("v1")
                        .is_default_version(true)
                        .build(),
                )
                .build()
        };
        let mut details = Details::default();
        details.add_page(
            GetAccountAuthorizationDetailsOutput::builder()
                .policies(policy(
                    "arn:aws:iam::123456789012:policy/team/a/Alpha",
                    None,
                ))
                .user_detail_list(UserDetail::builder().user_name("u").group_list("g").build())
                .build(),
        );
        details.add_page(
            GetAccountAuthorizationDetailsOutput::builder()
                .policies(policy(
                    "arn:aws:iam::123456789012:policy/Beta",
                    Some("Beta"),
                ))
                .role_detail_list(
                    RoleDetail::builder()
                        .role_name("r")
                        .assume_role_policy_document("%7B%7D")
                        .build(),
                )
                .build(),
        );
        let json = details.to_json();
        assert_eq!(json["Policies"][0]["PolicyName"], "Alpha");
        assert_eq!(json["Policies"][1]["PolicyName"], "Beta");
        assert_eq!(
            json["Policies"][0]["PolicyVersionList"][0]["Document"]["Version"],
            "2012-10-17"
        );
        assert_eq!(json["UserDetailList"][0]["GroupList"][0], "g");
        assert_eq!(
            json["RoleDetailList"][0]["AssumeRolePolicyDocument"],
            serde_json::json!({})
        );
        assert_eq!(json["GroupDetailList"], serde_json::json!([]));
        assert!(
            json["UserDetailList"][0].get("Tags").is_none(),
            "absent fields stay absent"
        );
    }
}

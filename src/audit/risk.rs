//! The risk categories of the 2020 `analyze` command and the privilege-escalation methods,
//! from the lists in `aws-docs/audit/` (origin: aws-docs/README.md), compiled in.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::grants::{ActionSet, GrantedActions, GrantedName};
use crate::data::{AccessLevel, Action, LevelSource};

const PRIVILEGE_ESCALATION: &str = include_str!("../../aws-docs/audit/privilege-escalation.txt");
const RESOURCE_EXPOSURE: &str = include_str!("../../aws-docs/audit/resource-exposure.txt");
const CREDENTIALS_EXPOSURE: &str = include_str!("../../aws-docs/audit/credentials-exposure.txt");
const NETWORK_EXPOSURE: &str = include_str!("../../aws-docs/audit/network-exposure.txt");
const ESCALATION_METHODS: &str =
    include_str!("../../aws-docs/audit/privilege-escalation-methods.json");

/// A risk category of the 2020 analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RiskCategory {
    ResourceExposure,
    PrivilegeEscalation,
    NetworkExposure,
    CredentialsExposure,
}

impl RiskCategory {
    /// In the 2020 report's column order.
    pub const ALL: [RiskCategory; 4] = [
        RiskCategory::ResourceExposure,
        RiskCategory::PrivilegeEscalation,
        RiskCategory::NetworkExposure,
        RiskCategory::CredentialsExposure,
    ];

    /// The JSON report key (`privilege_escalation`).
    pub const fn report_key(self) -> &'static str {
        match self {
            RiskCategory::ResourceExposure => "resource_exposure",
            RiskCategory::PrivilegeEscalation => "privilege_escalation",
            RiskCategory::NetworkExposure => "network_exposure",
            RiskCategory::CredentialsExposure => "credentials_exposure",
        }
    }

    /// The report-config key and the `check` rule id (`privilege-escalation`).
    pub const fn id(self) -> &'static str {
        match self {
            RiskCategory::ResourceExposure => "resource-exposure",
            RiskCategory::PrivilegeEscalation => "privilege-escalation",
            RiskCategory::NetworkExposure => "network-exposure",
            RiskCategory::CredentialsExposure => "credentials-exposure",
        }
    }

    /// The column title (`Privilege Escalation`).
    pub const fn title(self) -> &'static str {
        match self {
            RiskCategory::ResourceExposure => "Resource Exposure",
            RiskCategory::PrivilegeEscalation => "Privilege Escalation",
            RiskCategory::NetworkExposure => "Network Exposure",
            RiskCategory::CredentialsExposure => "Credentials Exposure",
        }
    }
}

/// One action list: the names resolved against the IAM data, plus the lower-case names the
/// data does not know (kept so they still match a policy that spells them out).
struct ActionList {
    known: ActionSet,
    unknown: HashSet<String>,
}

impl ActionList {
    fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> ActionList {
        let mut list = ActionList {
            known: ActionSet::default(),
            unknown: HashSet::new(),
        };
        for name in names.into_iter().map(str::trim).filter(|n| !n.is_empty()) {
            match Action::lookup(name) {
                Some(a) => {
                    list.known.insert(a);
                }
                None => {
                    list.unknown.insert(name.to_lowercase());
                }
            }
        }
        list
    }
}

struct Lists {
    privilege_escalation: ActionList,
    resource_exposure: ActionList,
    credentials_exposure: ActionList,
    network_exposure: ActionList,
    methods: Vec<EscalationMethod>,
}

static LISTS: LazyLock<Lists> = LazyLock::new(|| Lists {
    privilege_escalation: ActionList::from_names(PRIVILEGE_ESCALATION.lines()),
    resource_exposure: ActionList::from_names(RESOURCE_EXPOSURE.lines()),
    credentials_exposure: ActionList::from_names(CREDENTIALS_EXPOSURE.lines()),
    network_exposure: ActionList::from_names(NETWORK_EXPOSURE.lines()),
    methods: parse_methods(ESCALATION_METHODS),
});

#[derive(serde::Deserialize)]
struct MethodsFile {
    methods: Vec<MethodEntry>,
}

#[derive(serde::Deserialize)]
struct MethodEntry {
    name: String,
    actions: Vec<String>,
}

fn parse_methods(text: &str) -> Vec<EscalationMethod> {
    // The file is compiled in and a unit test parses it: a failure here is a build defect.
    let file: MethodsFile = serde_json::from_str(text)
        .expect("aws-docs/audit/privilege-escalation-methods.json is valid");
    file.methods
        .into_iter()
        .map(|m| EscalationMethod {
            name: m.name,
            actions: m
                .actions
                .iter()
                .map(|name| match Action::lookup(name) {
                    Some(a) => GrantedName::Known(a),
                    None => GrantedName::Unknown(name.to_lowercase()),
                })
                .collect(),
        })
        .collect()
}

/// A way to escalate privileges: holding every one of its actions is enough.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EscalationMethod {
    pub name: String,
    pub actions: Vec<GrantedName>,
}

/// Every action at the Permissions management level under `levels` (cached for the bundled
/// and raw levels; a custom overrides file is rare enough to compute each time).
fn permissions_management(levels: &LevelSource) -> std::borrow::Cow<'static, [Action]> {
    static BUNDLED: LazyLock<Vec<Action>> = LazyLock::new(|| pm_actions(&LevelSource::Bundled));
    static RAW: LazyLock<Vec<Action>> = LazyLock::new(|| pm_actions(&LevelSource::Raw));
    match levels {
        LevelSource::Bundled => BUNDLED.as_slice().into(),
        LevelSource::Raw => RAW.as_slice().into(),
        LevelSource::Custom(_) => pm_actions(levels).into(),
    }
}

fn pm_actions(levels: &LevelSource) -> Vec<Action> {
    Action::all()
        .filter(|a| levels.level(*a) == AccessLevel::PermissionsManagement)
        .collect()
}

/// Every known privilege-escalation method (cloudsplaining's table; 59 methods).
pub fn escalation_methods() -> &'static [EscalationMethod] {
    &LISTS.methods
}

/// The risk questions about a set of granted actions.
impl GrantedActions {
    /// The granted actions in a risk category, sorted by lower-case name.
    ///
    /// Resource exposure is the 2020 list together with every action at the Permissions
    /// management level under `levels` (the 2020 definition of the category).
    pub fn in_category(&self, category: RiskCategory, levels: &LevelSource) -> Vec<GrantedName> {
        let lists = &*LISTS;
        let list = match category {
            RiskCategory::ResourceExposure => &lists.resource_exposure,
            RiskCategory::PrivilegeEscalation => &lists.privilege_escalation,
            RiskCategory::NetworkExposure => &lists.network_exposure,
            RiskCategory::CredentialsExposure => &lists.credentials_exposure,
        };
        let resource_exposure = category == RiskCategory::ResourceExposure;
        let in_list = |a: &Action| {
            list.known.contains(a)
                || (resource_exposure && levels.level(*a) == AccessLevel::PermissionsManagement)
        };
        // Walk the smaller side: the category's candidates, or what the policy grants.
        let candidates = list.known.len()
            + if resource_exposure {
                permissions_management(levels).len()
            } else {
                0
            };
        let mut known: Vec<Action> = if self.known.len() > candidates {
            let mut c: Vec<Action> = list.known.iter().collect();
            if resource_exposure {
                c.extend(permissions_management(levels).iter().copied());
            }
            c.sort_unstable();
            c.dedup();
            c.retain(|a| self.known.contains(a));
            c
        } else {
            self.known.iter().filter(in_list).collect()
        };
        known.sort_unstable();
        let mut out: Vec<GrantedName> = known
            .into_iter()
            .map(GrantedName::Known)
            .chain(
                self.unknown
                    .iter()
                    .filter(|n| list.unknown.contains(*n))
                    .map(|n| GrantedName::Unknown(n.clone())),
            )
            .collect();
        out.sort_by_cached_key(GrantedName::lower);
        out
    }

    /// The escalation methods all of whose actions are granted.
    pub fn complete_methods(&self) -> Vec<&'static EscalationMethod> {
        escalation_methods()
            .iter()
            .filter(|m| m.actions.iter().all(|a| self.contains(a)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn granted(patterns: &[&str]) -> GrantedActions {
        let mut g = GrantedActions::default();
        for p in patterns {
            g.add_pattern(p);
        }
        g
    }

    #[test]
    fn the_embedded_lists_load() {
        let lists = &*LISTS;
        assert_eq!(
            lists.privilege_escalation.known.len() + lists.privilege_escalation.unknown.len(),
            35
        );
        assert_eq!(
            lists.credentials_exposure.known.len() + lists.credentials_exposure.unknown.len(),
            26
        );
        assert_eq!(
            lists.network_exposure.known.len() + lists.network_exposure.unknown.len(),
            33
        );
        assert_eq!(
            lists.resource_exposure.known.len() + lists.resource_exposure.unknown.len(),
            240
        );
        assert_eq!(escalation_methods().len(), 59);
        let ec2 = escalation_methods()
            .iter()
            .find(|m| m.name == "CreateEC2WithExistingIP")
            .unwrap();
        let names: Vec<String> = ec2.actions.iter().map(GrantedName::display).collect();
        assert_eq!(names, ["iam:PassRole", "ec2:RunInstances"]);
    }

    #[test]
    fn methods_need_every_action() {
        let names = |g: &GrantedActions| -> Vec<String> {
            g.complete_methods()
                .iter()
                .map(|m| m.name.clone())
                .collect()
        };
        assert!(names(&granted(&["iam:PassRole"])).is_empty());
        assert_eq!(
            names(&granted(&["iam:PassRole", "ec2:RunInstances"])),
            ["CreateEC2WithExistingIP"]
        );
        assert!(
            names(&granted(&["iam:*", "ec2:*"])).contains(&"CreateEC2WithExistingIP".to_string())
        );
        assert!(
            names(&granted(&["iam:passrole", "EC2:runinstances"]))
                .contains(&"CreateEC2WithExistingIP".to_string())
        );
        assert_eq!(
            names(&granted(&["iam:CreateAccessKey"])),
            ["CreateAccessKey"]
        );
    }

    #[test]
    fn categories() {
        let levels = LevelSource::Bundled;
        let g = granted(&[
            "ecr:GetAuthorizationToken",
            "s3:PutBucketPolicy",
            "ec2:AuthorizeSecurityGroupIngress",
            "s3:GetObject",
        ]);
        let lower = |c| -> Vec<String> {
            g.in_category(c, &levels)
                .iter()
                .map(GrantedName::lower)
                .collect()
        };
        assert_eq!(
            lower(RiskCategory::CredentialsExposure),
            ["ecr:getauthorizationtoken"]
        );
        assert_eq!(
            lower(RiskCategory::ResourceExposure),
            ["s3:putbucketpolicy"]
        );
        assert!(lower(RiskCategory::PrivilegeEscalation).is_empty());
        // Network exposure is the 2020 list only.
        assert!(lower(RiskCategory::NetworkExposure).is_empty());
        let g = granted(&["ec2:AllocateAddress"]);
        assert_eq!(
            g.in_category(RiskCategory::NetworkExposure, &levels).len(),
            1
        );
    }
}

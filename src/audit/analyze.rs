//! The 2020 `analyze` report: per policy, the actions of each risk category (privilege
//! escalation, resource exposure, network exposure, credentials exposure), as JSON, CSV and
//! Markdown, with a report config that excludes policies, switches categories off and drops
//! false positives.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::downloaded::{self, DownloadedPolicy};
use super::grants::{GrantedName, PolicyGrants};
use super::policy::ParsedPolicy;
use super::risk::RiskCategory;
use crate::data::LevelSource;
use crate::expand::glob_match;

/// A report config that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {message}")]
pub struct ReportConfigError {
    pub origin: String,
    pub message: String,
}

/// A policy-name pattern of `excluded-role-patterns`.
#[derive(Clone, Debug)]
pub enum NamePattern {
    /// Only `*` wildcards: matched against the whole name, case-sensitively.
    Glob(String),
    /// Any other regex syntax: matched from the start of the name (2020's `re.match`).
    Regex(regex_lite::Regex),
}

impl NamePattern {
    pub fn new(pattern: &str) -> Result<NamePattern, String> {
        if pattern.chars().any(|c| ".+?()[]{}|^$\\".contains(c)) {
            regex_lite::Regex::new(&format!("^(?:{pattern})"))
                .map(NamePattern::Regex)
                .map_err(|e| format!("excluded-role-patterns: \"{pattern}\" is not a valid regular expression: {e}"))
        } else {
            Ok(NamePattern::Glob(pattern.to_string()))
        }
    }

    pub fn matches(&self, name: &str) -> bool {
        match self {
            NamePattern::Glob(g) => glob_case_sensitive(g, name),
            NamePattern::Regex(r) => r.is_match(name),
        }
    }
}

fn glob_case_sensitive(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

/// The report config (`report-config:` with `excluded-role-patterns`, `risk-categories`,
/// `false-positives`).
#[derive(Clone, Debug)]
pub struct ReportConfig {
    pub excluded: Vec<NamePattern>,
    disabled: Vec<RiskCategory>,
    /// account id → policy name → action patterns to leave out.
    false_positives: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

/// The built-in config: 2020's `report-config.yml`.
pub const DEFAULT_REPORT_CONFIG: &str = r#"report-config:
    excluded-role-patterns:
        - "Administrator*"
    risk-categories:
        resource-exposure: yes
        privilege-escalation: yes
        credentials-exposure: yes
        network-exposure: yes
    false-positives:
        account_id:
            role_name:
                - "service:actionName"
"#;

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig {
            excluded: vec![NamePattern::Glob("Administrator*".to_string())],
            disabled: Vec::new(),
            false_positives: BTreeMap::new(),
        }
    }
}

impl ReportConfig {
    /// Parse a report config (YAML); `origin` names it in errors.
    pub fn from_yaml_str(origin: &str, text: &str) -> Result<ReportConfig, ReportConfigError> {
        let err = |message: String| ReportConfigError {
            origin: origin.to_string(),
            message,
        };
        let root: Value = serde_saphyr::from_str(text).map_err(|e| {
            err(format!(
                "not valid YAML: {}",
                crate::yaml::describe_error(&e)
            ))
        })?;
        let Some(config) = root.get("report-config") else {
            return Err(err(
                "expected a top-level `report-config:` mapping".to_string()
            ));
        };
        let Value::Object(config) = config else {
            return Err(err("`report-config` must be a mapping".to_string()));
        };
        let mut out = ReportConfig {
            excluded: Vec::new(),
            disabled: Vec::new(),
            false_positives: BTreeMap::new(),
        };
        for (key, value) in config {
            match key.as_str() {
                "excluded-role-patterns" => {
                    for p in string_list(value).ok_or_else(|| {
                        err("`excluded-role-patterns` must be a list of strings".to_string())
                    })? {
                        out.excluded.push(NamePattern::new(&p).map_err(err)?);
                    }
                }
                "risk-categories" => out.disabled = disabled_categories(value).map_err(err)?,
                "false-positives" => out.false_positives = false_positives(value).map_err(err)?,
                other => {
                    return Err(err(format!(
                        "unknown key `report-config.{other}`; expected excluded-role-patterns, risk-categories or false-positives"
                    )));
                }
            }
        }
        Ok(out)
    }

    pub fn is_excluded(&self, policy_name: &str) -> bool {
        self.excluded.iter().any(|p| p.matches(policy_name))
    }

    pub fn category_enabled(&self, category: RiskCategory) -> bool {
        !self.disabled.contains(&category)
    }

    fn is_false_positive(&self, account: &str, policy: &str, action: &str) -> bool {
        self.false_positives
            .get(account)
            .and_then(|p| p.get(policy))
            .is_some_and(|patterns| patterns.iter().any(|p| glob_match(p, action)))
    }
}

/// `risk-categories:`: the categories switched off.
fn disabled_categories(value: &Value) -> Result<Vec<RiskCategory>, String> {
    let Value::Object(categories) = value else {
        return Err("`risk-categories` must be a mapping of category: yes/no".to_string());
    };
    let mut disabled = Vec::new();
    for (name, on) in categories {
        let category = RiskCategory::ALL
            .into_iter()
            .find(|c| c.id() == name)
            .ok_or_else(|| {
                format!(
                    "unknown risk category `{name}`; expected resource-exposure, privilege-escalation, credentials-exposure or network-exposure"
                )
            })?;
        if !yes_or_no(on).ok_or_else(|| format!("risk-categories.{name}: expected yes or no"))? {
            disabled.push(category);
        }
    }
    Ok(disabled)
}

/// A YAML boolean, or one of the words YAML 1.1 read as one (2020's config says `yes`).
fn yes_or_no(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.to_lowercase().as_str() {
            "yes" | "true" | "on" | "y" => Some(true),
            "no" | "false" | "off" | "n" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// `false-positives:`: account id → policy name → action patterns.
fn false_positives(
    value: &Value,
) -> Result<BTreeMap<String, BTreeMap<String, Vec<String>>>, String> {
    let Value::Object(accounts) = value else {
        return Err(
            "`false-positives` must be a mapping of account id → policy name → actions".to_string(),
        );
    };
    let mut out: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for (account, policies) in accounts {
        let Value::Object(policies) = policies else {
            return Err(format!(
                "false-positives.{account}: expected a mapping of policy name → actions"
            ));
        };
        for (policy, actions) in policies {
            let actions = string_list(actions).ok_or_else(|| {
                format!("false-positives.{account}.{policy}: expected a list of actions")
            })?;
            out.entry(account.clone())
                .or_default()
                .insert(policy.clone(), actions);
        }
    }
    Ok(out)
}

/// A JSON Schema (draft-07) of the report config, next to its reader so the keys stay one
/// list: `policy_sentry schema report-config`.
pub fn report_config_schema() -> Value {
    let categories: serde_json::Map<String, Value> = RiskCategory::ALL
        .iter()
        .map(|c| {
            let schema = serde_json::json!({
                "description": format!("Report {} (yes, the default) or leave it out (no).", c.title()),
                "anyOf": [
                    { "type": "boolean" },
                    { "type": "string", "pattern": "^(?:[Yy]([Ee][Ss])?|[Nn][Oo]?|[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|[Oo][Nn]|[Oo][Ff][Ff])$" },
                ],
            });
            (c.id().to_string(), schema)
        })
        .collect();
    let strings = |description: &str| {
        serde_json::json!({
            "description": description,
            "type": ["array", "null"],
            "items": { "type": "string" },
        })
    };
    serde_json::json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "policy_sentry analyze report config",
        "description": "The --report-config file of `policy_sentry analyze` (2020's report-config.yml).",
        "type": "object",
        "required": ["report-config"],
        "properties": {
            "report-config": {
                "type": "object",
                "properties": {
                    "excluded-role-patterns": strings("Policy names to leave out: globs (Administrator*), or regular expressions (a pattern with any of . + ? ( ) [ ] { } | ^ $ \\ is one)."),
                    "risk-categories": {
                        "description": "Which risk categories to report.",
                        "type": "object",
                        "properties": categories,
                        "additionalProperties": false,
                    },
                    "false-positives": {
                        "description": "Account id → policy name → action patterns (globs) not to report for that policy.",
                        "type": "object",
                        "additionalProperties": {
                            "type": "object",
                            "additionalProperties": strings("Action patterns (ecr:get*)."),
                        },
                    },
                },
                "additionalProperties": false,
            },
        },
    })
}

fn string_list(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Null => Some(Vec::new()),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => None,
    }
}

/// The findings of one policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyReport {
    pub account_id: String,
    /// Category → sorted, duplicate-free lower-case actions (only categories with findings).
    pub categories: BTreeMap<RiskCategory, Vec<String>>,
    /// Complete privilege-escalation methods: name → lower-case actions.
    pub escalation_methods: BTreeMap<String, Vec<String>>,
}

impl PolicyReport {
    pub fn count(&self, category: RiskCategory) -> usize {
        self.categories.get(&category).map_or(0, Vec::len)
    }
}

/// Analyse one policy: what it allows (`NotAction` as every other action, less what it denies
/// unconditionally; see [`PolicyGrants`]) against the risk lists. Returns `None` when it has no
/// finding; entries that match no action of the IAM data are pushed to `warnings`.
pub fn analyze_policy(
    policy: &ParsedPolicy,
    policy_name: &str,
    account_id: &str,
    config: &ReportConfig,
    levels: &LevelSource,
    warnings: &mut Vec<String>,
) -> Option<PolicyReport> {
    let grants = PolicyGrants::of(policy);
    let unmatched: Vec<&str> = (grants.statements.iter())
        .flat_map(|g| g.unmatched.iter().map(|e| e.value.as_str()))
        .collect();
    if !unmatched.is_empty() {
        // One line per policy: AWS managed policies name many actions newer than the data.
        warnings.push(format!(
            "{}: {} action {} no action of the IAM data (counted only where a risk list names them; `policy_sentry check` says why): {}",
            policy.origin,
            unmatched.len(),
            if unmatched.len() == 1 { "entry matches" } else { "entries match" },
            unmatched.join(", ")
        ));
    }
    let granted = grants.allowed();
    let keep = |a: &String| !config.is_false_positive(account_id, policy_name, a);
    let mut categories = BTreeMap::new();
    let mut escalation_methods = BTreeMap::new();
    for category in RiskCategory::ALL
        .into_iter()
        .filter(|c| config.category_enabled(*c))
    {
        let mut actions: Vec<String> = granted
            .in_category(category, levels)
            .iter()
            .map(GrantedName::lower)
            .collect();
        if category == RiskCategory::PrivilegeEscalation {
            for method in granted.complete_methods() {
                let names: Vec<String> = method.actions.iter().map(GrantedName::lower).collect();
                if names.iter().all(keep) {
                    actions.extend(names.iter().cloned());
                    escalation_methods.insert(method.name.clone(), names);
                }
            }
        }
        actions.retain(keep);
        actions.sort();
        actions.dedup();
        if !actions.is_empty() {
            categories.insert(category, actions);
        }
    }
    if categories.is_empty() {
        return None;
    }
    Some(PolicyReport {
        account_id: account_id.to_string(),
        categories,
        escalation_methods,
    })
}

/// A report over many policies, keyed by policy name, in name order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub policies: BTreeMap<String, PolicyReport>,
}

impl Report {
    /// The report over downloaded policies (read and parsed by the caller): each policy
    /// under its report key ([`downloaded::report_keys`]), those the config excludes left out.
    pub fn of_downloaded(
        policies: &[(DownloadedPolicy, ParsedPolicy)],
        config: &ReportConfig,
        levels: &LevelSource,
        warnings: &mut Vec<String>,
    ) -> Report {
        let located: Vec<DownloadedPolicy> = policies.iter().map(|(d, _)| d.clone()).collect();
        let keys = downloaded::report_keys(&located);
        let mut report = Report::default();
        for ((found, policy), key) in policies.iter().zip(keys) {
            if config.is_excluded(&found.name) {
                continue;
            }
            let analysed = analyze_policy(
                policy,
                &found.name,
                &found.account_id,
                config,
                levels,
                warnings,
            );
            if let Some(r) = analysed {
                report.policies.insert(key, r);
            }
        }
        report
    }
}

/// The order of keys inside a policy's JSON entry: 2020's example report.
const JSON_ORDER: [RiskCategory; 4] = [
    RiskCategory::ResourceExposure,
    RiskCategory::PrivilegeEscalation,
    RiskCategory::CredentialsExposure,
    RiskCategory::NetworkExposure,
];

impl Report {
    /// `{policy: {"account_id", category: [actions]…, "privilege_escalation_methods"}}`.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        for (name, report) in &self.policies {
            let mut entry = Map::new();
            entry.insert("account_id".into(), report.account_id.clone().into());
            for category in JSON_ORDER {
                if let Some(actions) = report.categories.get(&category) {
                    entry.insert(category.report_key().into(), actions.clone().into());
                }
            }
            if !report.escalation_methods.is_empty() {
                let methods: Map<String, Value> = report
                    .escalation_methods
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone().into()))
                    .collect();
                entry.insert(
                    "privilege_escalation_methods".into(),
                    Value::Object(methods),
                );
            }
            out.insert(name.clone(), Value::Object(entry));
        }
        Value::Object(out)
    }

    /// One row per policy with the number of actions per category (RFC 4180 quoting).
    pub fn to_csv(&self) -> String {
        let mut out = String::from("Account ID,Policy Name");
        for c in RiskCategory::ALL {
            out.push(',');
            out.push_str(c.title());
        }
        out.push_str("\r\n");
        for (name, report) in &self.policies {
            out.push_str(&csv_field(&report.account_id));
            out.push(',');
            out.push_str(&csv_field(name));
            for c in RiskCategory::ALL {
                out.push_str(&format!(",{}", report.count(c)));
            }
            out.push_str("\r\n");
        }
        out
    }

    /// The Markdown report: what the categories mean, a summary table, then each policy's actions.
    pub fn to_markdown(&self) -> String {
        let mut md = String::from(
            "# Policy Sentry audit report\n\n\
             Policies with actions in one of four risk categories. The JSON report has the same data.\n\n\
             ## Risk categories\n\n\
             - **Privilege Escalation**: actions with which a principal can raise its own permissions (Rhino Security Labs' research), \
             including every action of each complete escalation method, such as `iam:passrole` + `ec2:runinstances`.\n\
             - **Resource Exposure**: actions that change who may access a resource: resource-based and trust policies, \
             AWS RAM shares, and every action at the Permissions management access level.\n\
             - **Network Exposure**: actions that can make resources reachable from the network, such as security group \
             ingress rules, public IP addresses or public database instances.\n\
             - **Credentials Exposure**: actions whose responses contain credentials or tokens, such as `ecr:getauthorizationtoken`.\n\n\
             ## Summary\n\n",
        );
        md.push_str("| Account ID | Policy Name |");
        for c in RiskCategory::ALL {
            md.push_str(&format!(" {} |", c.title()));
        }
        md.push_str("\n|---|---|---|---|---|---|\n");
        for (name, report) in &self.policies {
            md.push_str(&format!(
                "| {} | {} |",
                md_cell(&report.account_id),
                md_cell(name)
            ));
            for c in RiskCategory::ALL {
                md.push_str(&format!(" {} |", report.count(c)));
            }
            md.push('\n');
        }
        for (name, report) in &self.policies {
            md.push_str(&format!("\n## Policy: {}\n\n", md_cell(name)));
            md.push_str("| Category | Actions |\n|---|---|\n");
            for c in RiskCategory::ALL {
                if let Some(actions) = report.categories.get(&c) {
                    let list: Vec<String> = actions.iter().map(|a| format!("`{a}`")).collect();
                    md.push_str(&format!("| {} | {} |\n", c.title(), list.join("<br>")));
                }
            }
            if !report.escalation_methods.is_empty() {
                let methods: Vec<&str> = report
                    .escalation_methods
                    .keys()
                    .map(String::as_str)
                    .collect();
                md.push_str(&format!(
                    "\nPrivilege-escalation methods: {}.\n",
                    methods.join(", ")
                ));
            }
        }
        md
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(actions: &str) -> ParsedPolicy {
        ParsedPolicy::parse(
            "p.json",
            &format!(r#"{{"Statement":[{{"Effect":"Allow","Action":{actions},"Resource":"*"}},{{"Effect":"Deny","Action":"s3:PutBucketPolicy","Resource":"*"}}]}}"#),
        )
        .unwrap()
    }

    #[test]
    fn reports_2020_categories_in_lower_case() {
        let mut warnings = Vec::new();
        let config = ReportConfig::default();
        let r = analyze_policy(
            &policy(r#"["ecr:GetAuthorizationToken", "iam:PassRole", "ec2:RunInstances"]"#),
            "p",
            "123456789012",
            &config,
            &LevelSource::Bundled,
            &mut warnings,
        )
        .unwrap();
        assert_eq!(
            r.categories[&RiskCategory::CredentialsExposure],
            ["ecr:getauthorizationtoken"]
        );
        assert_eq!(
            r.categories[&RiskCategory::PrivilegeEscalation],
            ["ec2:runinstances", "iam:passrole"]
        );
        assert_eq!(
            r.categories[&RiskCategory::NetworkExposure],
            ["ec2:runinstances"]
        );
        assert_eq!(
            r.escalation_methods.keys().collect::<Vec<_>>(),
            ["CreateEC2WithExistingIP"]
        );
        // Deny statements are ignored, as in 2020.
        assert!(
            analyze_policy(
                &policy(r#""s3:GetObject""#),
                "p",
                "1",
                &config,
                &LevelSource::Bundled,
                &mut warnings
            )
            .is_none()
        );
    }

    #[test]
    fn config_switches_and_false_positives() {
        let config = ReportConfig::from_yaml_str(
            "c.yml",
            "report-config:\n  excluded-role-patterns: ['Admin*', '^Break(Glass|Out)']\n  risk-categories:\n    network-exposure: no\n  false-positives:\n    '1':\n      p: ['ecr:get*']\n",
        )
        .unwrap();
        assert!(
            config.is_excluded("AdminRole")
                && config.is_excluded("BreakGlassRole")
                && !config.is_excluded("MyAdmin")
        );
        let mut warnings = Vec::new();
        let r = analyze_policy(
            &policy(
                r#"["ecr:GetAuthorizationToken", "ec2:AllocateAddress", "iam:CreateAccessKey"]"#,
            ),
            "p",
            "1",
            &config,
            &LevelSource::Bundled,
            &mut warnings,
        )
        .unwrap();
        assert!(!r.categories.contains_key(&RiskCategory::NetworkExposure));
        assert_eq!(
            r.categories[&RiskCategory::CredentialsExposure],
            ["iam:createaccesskey"]
        );
        let bad = ReportConfig::from_yaml_str(
            "c.yml",
            "report-config:\n  risk-categories:\n    network: no\n",
        )
        .unwrap_err();
        assert!(
            bad.to_string()
                .starts_with("c.yml: unknown risk category `network`"),
            "{bad}"
        );
    }

    #[test]
    fn default_config_text_matches_the_built_in_one() {
        let parsed = ReportConfig::from_yaml_str("default", DEFAULT_REPORT_CONFIG).unwrap();
        assert!(parsed.is_excluded("AdministratorAccess"));
        assert!(
            RiskCategory::ALL
                .iter()
                .all(|c| parsed.category_enabled(*c))
        );
    }

    #[test]
    fn globs_are_whole_name_and_case_sensitive() {
        assert!(glob_case_sensitive("Administrator*", "AdministratorAccess"));
        assert!(!glob_case_sensitive(
            "Administrator*",
            "administratorAccess"
        ));
        assert!(glob_case_sensitive("*Access", "AdministratorAccess"));
        assert!(glob_case_sensitive("a*b*c", "aXbYc"));
        assert!(!glob_case_sensitive("a*b*c", "aXbY"));
    }
}

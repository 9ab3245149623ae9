//! The folder of downloaded policies: the layout `download-policies` writes and `analyze
//! downloaded-policies` reads, in one place so the two cannot drift apart.
//!
//! ```text
//! <root>/<account-id>/customer-managed/<PolicyName>.json
//! <root>/<account-id>/aws-managed/<PolicyName>.json
//! <root>/<account-id>/account-authorization-details.json
//! ```
//!
//! The default root is `~/.policy_sentry/analysis` (2020's code; its README said otherwise).
//! A policy's name is its file's stem; a report keys policies by name, and a name found more
//! than once (the same policy name in two accounts) as `<account-id>/<folder>/<name>`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the policies come from, for the file layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PolicyScope {
    CustomerManaged,
    AwsManaged,
}

impl PolicyScope {
    /// In the order `analyze` reads them.
    pub const ALL: [PolicyScope; 2] = [PolicyScope::CustomerManaged, PolicyScope::AwsManaged];

    /// Folder name under the account folder.
    pub const fn folder(self) -> &'static str {
        match self {
            PolicyScope::CustomerManaged => "customer-managed",
            PolicyScope::AwsManaged => "aws-managed",
        }
    }
}

/// The raw `GetAccountAuthorizationDetails` response, in each account folder.
pub const AUTHORIZATION_DETAILS_FILE: &str = "account-authorization-details.json";

/// `~/.policy_sentry/analysis` under `home`: where download-policies writes and analyze reads
/// when no folder is given.
pub fn default_root(home: &Path) -> PathBuf {
    home.join(".policy_sentry").join("analysis")
}

/// `<root>/<account-id>`.
pub fn account_folder(root: &Path, account_id: &str) -> PathBuf {
    root.join(account_id)
}

/// `<account folder>/<customer-managed|aws-managed>`.
pub fn scope_folder(account_folder: &Path, scope: PolicyScope) -> PathBuf {
    account_folder.join(scope.folder())
}

/// `<scope folder>/<PolicyName>.json`.
pub fn policy_file(scope_folder: &Path, policy_name: &str) -> PathBuf {
    scope_folder.join(format!("{policy_name}.json"))
}

/// IAM names (`[\w+=,.@-]+`) and account ids are safe file names; refuse anything that could
/// leave the folder or hide the file.
pub fn is_safe_file_stem(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\', '\0'])
}

/// A policy's name: its file's stem.
pub fn policy_name(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// One policy file of the layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DownloadedPolicy {
    pub account_id: String,
    pub scope: PolicyScope,
    pub name: String,
    pub path: PathBuf,
}

impl DownloadedPolicy {
    /// The policy at `path` of `scope`, in the account folder `account_id`.
    pub fn new(account_id: &str, scope: PolicyScope, path: PathBuf) -> DownloadedPolicy {
        DownloadedPolicy {
            account_id: account_id.to_string(),
            scope,
            name: policy_name(&path),
            path,
        }
    }

    /// `<account-id>/<folder>/<name>`: the report key when the name alone is ambiguous.
    pub fn qualified_name(&self) -> String {
        format!("{}/{}/{}", self.account_id, self.scope.folder(), self.name)
    }
}

/// The report key of each policy, in order: its name, or its qualified name when another
/// policy has the same name (2020 keyed by name alone, so all but one of them were lost).
pub fn report_keys(policies: &[DownloadedPolicy]) -> Vec<String> {
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for p in policies {
        *count.entry(&p.name).or_default() += 1;
    }
    policies
        .iter()
        .map(|p| {
            if count[p.name.as_str()] > 1 {
                p.qualified_name()
            } else {
                p.name.clone()
            }
        })
        .collect()
}

/// What a search of the folder found.
#[cfg(feature = "cli")]
#[derive(Debug, Default)]
pub struct Found {
    /// Account folders (any folder directly under the root).
    pub accounts: usize,
    /// The policy files, account by account (name order), customer-managed first.
    pub policies: Vec<DownloadedPolicy>,
    /// Entries left out, and why: for stderr.
    pub skipped: Vec<String>,
    /// Folders that could not be read.
    pub errors: Vec<(PathBuf, std::io::Error)>,
}

/// The policy files under `root` (which must be a folder): `*.json` of each scope folder of
/// each account folder, hidden names skipped, each folder searched once.
#[cfg(feature = "cli")]
pub fn find(root: &Path) -> std::io::Result<Found> {
    use crate::io::{Walk, Walker};
    const POLICY_FILES: Walk<'static> = Walk {
        extensions: &["json"],
        recursive: false,
    };
    let mut found = Found::default();
    let mut walker = Walker::new();
    for account_dir in crate::io::visible_entries(root)?
        .into_iter()
        .filter(|p| p.is_dir())
    {
        found.accounts += 1;
        let account = folder_name(&account_dir);
        for scope in PolicyScope::ALL {
            let folder = scope_folder(&account_dir, scope);
            if !folder.is_dir() {
                continue;
            }
            let walked = walker.walk(&folder, POLICY_FILES);
            found.errors.extend(walked.errors);
            found.skipped.extend(walked.skipped);
            found.policies.extend(
                walked
                    .files
                    .into_iter()
                    .map(|f| DownloadedPolicy::new(&account, scope, f)),
            );
        }
    }
    Ok(found)
}

#[cfg(feature = "cli")]
fn folder_name(folder: &Path) -> String {
    folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_the_layout() {
        let account = account_folder(Path::new("root"), "123456789012");
        let folder = scope_folder(&account, PolicyScope::AwsManaged);
        assert_eq!(
            policy_file(&folder, "ReadOnly"),
            Path::new("root/123456789012/aws-managed/ReadOnly.json")
        );
        assert_eq!(
            default_root(Path::new("/home/u")),
            Path::new("/home/u/.policy_sentry/analysis")
        );
        let p = DownloadedPolicy::new(
            "1",
            PolicyScope::CustomerManaged,
            policy_file(&folder, "a.b"),
        );
        assert_eq!(p.name, "a.b");
    }

    #[test]
    fn names_found_twice_are_qualified() {
        let p = |account: &str, scope, name: &str| {
            DownloadedPolicy::new(account, scope, PathBuf::from(format!("{name}.json")))
        };
        let policies = [
            p("111", PolicyScope::CustomerManaged, "shared"),
            p("111", PolicyScope::CustomerManaged, "alone"),
            p("222", PolicyScope::AwsManaged, "shared"),
        ];
        assert_eq!(
            report_keys(&policies),
            [
                "111/customer-managed/shared",
                "alone",
                "222/aws-managed/shared"
            ]
        );
    }

    #[test]
    fn unsafe_names_are_refused() {
        assert!(is_safe_file_stem("My+Policy=,.@-1"));
        for bad in ["", ".", "..", ".hidden", "a/b", "a\\b"] {
            assert!(!is_safe_file_stem(bad), "{bad:?}");
        }
    }

    #[cfg(feature = "cli")]
    #[test]
    fn find_reads_both_scopes_of_every_account() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "{}").unwrap();
        };
        write("222/aws-managed/B.json");
        write("111/customer-managed/a.json");
        write("111/aws-managed/c.JSON");
        write("111/account-authorization-details.json");
        write("111/customer-managed/.hidden.json");
        write("111/customer-managed/notes.txt");
        std::fs::write(dir.path().join("overall.json"), "{}").unwrap();
        let found = find(dir.path()).unwrap();
        assert_eq!(found.accounts, 2);
        let got: Vec<String> = found
            .policies
            .iter()
            .map(DownloadedPolicy::qualified_name)
            .collect();
        assert_eq!(
            got,
            [
                "111/customer-managed/a",
                "111/aws-managed/c",
                "222/aws-managed/B"
            ]
        );
        assert!(found.errors.is_empty() && found.skipped.is_empty());
    }
}

//! The profile names of the user's AWS config and credentials files (for `--recursive`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no AWS profiles found (looked in {})", .looked_in.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" and "))]
    None { looked_in: Vec<PathBuf> },
}

/// Every profile named in the config file (`AWS_CONFIG_FILE`, default `~/.aws/config`) and the
/// credentials file (`AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`), sorted, each
/// once. A missing file is no error; none found at all is.
pub fn profile_names() -> Result<Vec<String>, ProfileError> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let file = |var: &str, default: &str| match std::env::var_os(var) {
        Some(path) => expand_home(Path::new(&path), home.as_deref()),
        None => home
            .as_deref()
            .unwrap_or(Path::new("."))
            .join(".aws")
            .join(default),
    };
    profile_names_in(
        &file("AWS_CONFIG_FILE", "config"),
        &file("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
    )
}

/// [`profile_names`] for explicit file paths.
pub fn profile_names_in(config: &Path, credentials: &Path) -> Result<Vec<String>, ProfileError> {
    let mut names = BTreeSet::new();
    for (path, is_config) in [(config, true), (credentials, false)] {
        match std::fs::read_to_string(path) {
            Ok(text) => names.extend(section_profiles(&text, is_config)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(ProfileError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
        }
    }
    if names.is_empty() {
        return Err(ProfileError::None {
            looked_in: vec![config.to_owned(), credentials.to_owned()],
        });
    }
    Ok(names.into_iter().collect())
}

fn expand_home(path: &Path, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_owned(),
    }
}

/// Profile names of one file's `[section]` headers. In the config file a profile is
/// `[profile NAME]` or `[default]` (other sections, `[sso-session x]`, `[services x]`, are not
/// profiles); in the credentials file every section is one.
fn section_profiles(text: &str, is_config: bool) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let header = line.trim().strip_prefix('[')?.split(']').next()?.trim();
            let name = if !is_config || header == "default" {
                header
            } else {
                header
                    .strip_prefix("profile")
                    .filter(|rest| rest.starts_with([' ', '\t']))?
                    .trim()
            };
            (!name.is_empty()).then(|| name.to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_profiles_skip_other_sections() {
        let config = "[default]\nregion = us-east-1\n[profile dev]\nsso_session = corp\n\
                      [sso-session corp]\nsso_region = us-east-1\n[services local]\n[profile  spaced ]\n[profiles-not]\n";
        assert_eq!(section_profiles(config, true), ["default", "dev", "spaced"]);
    }

    #[test]
    fn credentials_sections_are_all_profiles() {
        let credentials = "# keys\n[default]\naws_access_key_id = x\n[prod] # comment\n\n[ ci ]\n";
        assert_eq!(
            section_profiles(credentials, false),
            ["default", "prod", "ci"]
        );
    }

    #[test]
    fn both_files_are_merged_and_missing_ones_are_fine() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        let credentials = dir.path().join("credentials");
        std::fs::write(&config, "[profile b]\n[default]\n").unwrap();
        std::fs::write(&credentials, "[a]\n[b]\n").unwrap();
        assert_eq!(
            profile_names_in(&config, &credentials).unwrap(),
            ["a", "b", "default"]
        );
        assert_eq!(
            profile_names_in(&config, &dir.path().join("none")).unwrap(),
            ["b", "default"]
        );
        let err = profile_names_in(&dir.path().join("x"), &dir.path().join("y")).unwrap_err();
        assert!(
            err.to_string().starts_with("no AWS profiles found"),
            "{err}"
        );
    }

    #[test]
    fn a_leading_tilde_means_home() {
        assert_eq!(
            expand_home(Path::new("~/.aws/c"), Some(Path::new("/h"))),
            Path::new("/h/.aws/c")
        );
        assert_eq!(
            expand_home(Path::new("/x/c"), Some(Path::new("/h"))),
            Path::new("/x/c")
        );
    }
}

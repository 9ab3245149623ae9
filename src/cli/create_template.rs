//! `policy_sentry create-template`: write a template to fill in for `write-policy`.
//!
//! Upstream appends to an existing file (D7); ours refuses unless `--force`, writes through a
//! temporary file renamed into place (never a partial file), and `-o -` means stdout.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use clap::{Args, ValueEnum};
use policy_sentry::io::{self, WriteError, WriteMode};
use policy_sentry::template_text::{
    TemplateKind, schema_comment, template_text, template_text_with_name,
};

use super::{Exit, GlobalArgs};

#[derive(Args, Debug)]
pub struct CreateTemplateArgs {
    /// Where to write the template; `-` prints it on stdout.
    #[arg(short = 'o', long = "output-file", value_name = "FILE")]
    output_file: PathBuf,
    /// crud: resource ARNs per access level; actions: a list of actions.
    #[arg(short = 't', long = "template-type", value_enum, ignore_case = true)]
    template_type: TemplateType,
    /// Fill in the template's `name:` (from the 2020 interface).
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Replace FILE if it already exists (by default an existing file is left alone).
    #[arg(long)]
    force: bool,
    /// Start the template with `# yaml-language-server: $schema=PATH`, so editors complete
    /// and check its keys; write the schema there with `policy_sentry schema template > PATH`.
    #[arg(
        long,
        value_name = "PATH",
        num_args = 0..=1,
        default_missing_value = policy_sentry::template::schema::SCHEMA_FILE_NAME
    )]
    schema_comment: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum TemplateType {
    Crud,
    Actions,
}

impl From<TemplateType> for TemplateKind {
    fn from(kind: TemplateType) -> Self {
        match kind {
            TemplateType::Crud => TemplateKind::Crud,
            TemplateType::Actions => TemplateKind::Actions,
        }
    }
}

pub fn run(args: &CreateTemplateArgs, _global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let kind = TemplateKind::from(args.template_type);
    let mut text = match &args.name {
        Some(name) => template_text_with_name(kind, name)?,
        None => template_text(kind).to_string(),
    };
    if let Some(path) = &args.schema_comment {
        let Some(comment) = schema_comment(path) else {
            bail!("--schema-comment {path:?}: a schema path must be non-blank and on one line");
        };
        text.insert_str(0, &comment);
    }
    if args.output_file == Path::new("-") {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()?;
        return Ok(Exit::Success.into());
    }
    let path = &args.output_file;
    write_template(path, text.as_bytes(), args.force)?;
    let shown = std::path::absolute(path).unwrap_or_else(|_| path.clone());
    eprintln!("write-policy template file written to: {}", shown.display());
    Ok(Exit::Success.into())
}

/// Write the template atomically (never a partial file); without `replace`, an existing
/// `path` is an error and is never touched, even if it appears while we write.
fn write_template(path: &Path, contents: &[u8], replace: bool) -> anyhow::Result<()> {
    let mode = if replace {
        WriteMode::Replace
    } else {
        WriteMode::NoClobber
    };
    match io::write_atomically(path, contents, mode) {
        Ok(()) => Ok(()),
        Err(WriteError::Exists { .. }) => bail!(
            "{} already exists; create-template does not overwrite files (use --force to replace it, or choose another -o FILE)",
            path.display()
        ),
        Err(WriteError::IsDirectory { .. }) => bail!(
            "{} is a directory; give a file name with -o",
            path.display()
        ),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_existing_file_is_left_alone_without_force_and_replaced_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.yml");
        std::fs::write(&path, "mine\n").unwrap();
        let err = write_template(&path, b"new\n", false).unwrap_err();
        assert!(err.to_string().contains("t.yml already exists"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine\n");
        write_template(&path, b"new\n", true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["t.yml"], "no temporary file is left behind");
    }

    #[test]
    fn a_missing_directory_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/t.yml");
        let err = format!("{:#}", write_template(&path, b"x", false).unwrap_err());
        assert!(err.contains("no/such/t.yml"), "{err}");
        assert!(!path.exists());
    }
}

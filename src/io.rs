//! File handling shared by the library, the command-line program and `download`: JSON as
//! upstream writes it, atomic writes (with `cli` or `download`: they need `tempfile`),
//! size-limited reads and a folder walker. Public only because the `policy_sentry` binary is a
//! separate crate; not part of the library's supported interface.

#[cfg(any(feature = "cli", feature = "download"))]
mod atomic;
mod parallel;

use std::collections::HashSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[cfg(any(feature = "cli", feature = "download"))]
pub use atomic::{WriteError, WriteMode, write_atomically};
pub use parallel::map_in_order;

/// Default of `--max-input-bytes`: larger inputs are refused before they are read whole.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 8 << 20;

/// The name given for standard input in messages (`-` on the command line).
pub const STDIN_NAME: &str = "<stdin>";

/// JSON as Python's `json.dumps` writes it, the way upstream writes every JSON document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonStyle {
    /// A 4-space indent (`indent=4`); otherwise one line with `", "` and `": "` separators.
    pub indented: bool,
    /// Every character outside printable ASCII as `\uXXXX` (`ensure_ascii=True`); otherwise
    /// written as UTF-8.
    pub ascii_only: bool,
}

impl JsonStyle {
    /// What the command-line program prints: indented, UTF-8.
    pub const PRETTY: JsonStyle = JsonStyle {
        indented: true,
        ascii_only: false,
    };
}

/// Serialize `value` as JSON in `style` (no final newline).
pub fn write_json<W: Write, T: serde::Serialize + ?Sized>(
    out: W,
    value: &T,
    style: JsonStyle,
) -> serde_json::Result<()> {
    write_json_with_indent(out, value, style, b"    ")
}

/// [`write_json`] with `indent` for each level when `style.indented`, in place of Python's
/// four spaces (upstream's iam-definition.json is indented by two).
pub fn write_json_with_indent<W: Write, T: serde::Serialize + ?Sized>(
    out: W,
    value: &T,
    style: JsonStyle,
    indent: &'static [u8],
) -> serde_json::Result<()> {
    let formatter = PythonFormatter {
        style,
        indent,
        depth: 0,
        has_value: false,
    };
    value.serialize(&mut serde_json::Serializer::with_formatter(out, formatter))
}

/// [`write_json`] into a string.
pub fn json_string<T: serde::Serialize + ?Sized>(
    value: &T,
    style: JsonStyle,
) -> serde_json::Result<String> {
    let mut out = Vec::new();
    write_json(&mut out, value, style)?;
    Ok(String::from_utf8(out).expect("serde_json writes UTF-8"))
}

/// Serialize as JSON with a 4-space indent (as upstream writes its files) and a final newline.
pub fn write_pretty_json<W: Write, T: serde::Serialize + ?Sized>(
    mut out: W,
    value: &T,
) -> serde_json::Result<()> {
    write_json(&mut out, value, JsonStyle::PRETTY)?;
    out.write_all(b"\n").map_err(serde_json::Error::io)
}

/// [`write_pretty_json`] into a string.
pub fn pretty_json<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::new();
    write_pretty_json(&mut out, value)?;
    Ok(String::from_utf8(out).expect("serde_json writes UTF-8"))
}

/// serde_json's formatter for [`JsonStyle`]: the layout of its `PrettyFormatter`, Python's
/// separators on one line, Python's escapes.
struct PythonFormatter {
    style: JsonStyle,
    /// One level of indentation (with `style.indented`).
    indent: &'static [u8],
    depth: usize,
    /// Whether the array or object being written has an element (so its end goes on a new line).
    has_value: bool,
}

impl PythonFormatter {
    fn separate<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> std::io::Result<()> {
        match (self.style.indented, first) {
            (true, true) => out.write_all(b"\n")?,
            (true, false) => out.write_all(b",\n")?,
            (false, true) => {}
            (false, false) => out.write_all(b", ")?,
        }
        self.indent(out)
    }

    fn indent<W: ?Sized + Write>(&self, out: &mut W) -> std::io::Result<()> {
        if self.style.indented {
            for _ in 0..self.depth {
                out.write_all(self.indent)?;
            }
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value && self.style.indented {
            out.write_all(b"\n")?;
            self.indent(out)?;
        }
        out.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for PythonFormatter {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        out: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.separate(out, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        out: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.separate(out, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        out.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    /// Python escapes every character outside `' '..='~'` (DEL too) as UTF-16 units.
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        out: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        if !self.style.ascii_only {
            return out.write_all(fragment.as_bytes());
        }
        for c in fragment.chars() {
            if (' '..='~').contains(&c) {
                out.write_all(&[c as u8])?;
            } else {
                for unit in c.encode_utf16(&mut [0u16; 2]) {
                    write!(out, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
}

/// An input that was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(
        "{origin}: larger than the input size limit of {limit} bytes; refused (raise the limit with --max-input-bytes or POLICY_SENTRY_MAX_INPUT_BYTES)"
    )]
    TooLarge { origin: String, limit: u64 },
    #[error("{origin}: cannot read: {cause}")]
    Io {
        origin: String,
        cause: std::io::Error,
    },
    #[error("{origin}: not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 { origin: String, offset: usize },
}

/// How an input path is named in messages: `<stdin>` for `-`, the path otherwise.
pub fn input_name(path: &Path) -> String {
    if is_stdin(path) {
        STDIN_NAME.to_string()
    } else {
        path.display().to_string()
    }
}

/// `-` stands for standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The UTF-8 text of `path` (`-`: standard input), refused without reading it whole when it is
/// over `limit` bytes: at most `limit + 1` bytes are ever read.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let origin = input_name(path);
    let io_error = |cause| ReadError::Io {
        origin: origin.clone(),
        cause,
    };
    let too_large = || ReadError::TooLarge {
        origin: origin.clone(),
        limit,
    };
    let bytes = if is_stdin(path) {
        read_limited(std::io::stdin().lock(), limit).map_err(io_error)?
    } else {
        let file = std::fs::File::open(path).map_err(io_error)?;
        let meta = file.metadata().map_err(io_error)?;
        if meta.is_dir() {
            return Err(io_error(std::io::Error::other("is a folder, not a file")));
        }
        if meta.is_file() && meta.len() > limit {
            return Err(too_large());
        }
        read_limited(file, limit).map_err(io_error)?
    };
    let Some(bytes) = bytes else {
        return Err(too_large());
    };
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 {
        origin: origin.clone(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// All of `reader`, or `None` if it holds more than `limit` bytes.
fn read_limited<R: Read>(reader: R, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// Folder search: which files, and how deep.
#[derive(Clone, Copy, Debug)]
pub struct Walk<'a> {
    /// File extensions to keep, compared case-insensitively (`json` keeps `a.JSON`).
    pub extensions: &'a [&'a str],
    /// Search sub-folders too.
    pub recursive: bool,
}

/// What a search found.
#[derive(Debug, Default)]
pub struct Walked {
    /// The files, in search order.
    pub files: Vec<PathBuf>,
    /// Folders that could not be read, and why.
    pub errors: Vec<(PathBuf, std::io::Error)>,
    /// Entries left out, and why (a folder already searched, a device or pipe): for stderr.
    pub skipped: Vec<String>,
    /// Entries the search's own rules leave out (hidden, another extension, a sub-folder of a
    /// search that is not recursive), for a command to list where the folder is meant to hold
    /// nothing else.
    pub passed_over: Vec<(PathBuf, PassedOver)>,
}

/// Why the search passed over an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PassedOver {
    /// The name starts with `.`.
    Hidden,
    /// A file without one of the extensions searched for.
    OtherExtension,
    /// A folder, and the search is not recursive.
    SubFolder,
}

/// Searches folders for files with given extensions: entries sorted by name (byte order), a
/// folder's files listed at its place; names starting with `.` (hidden files and folders) are
/// skipped. Symbolic links are followed, but each folder is searched at most once (compared
/// by canonical path), so links back to a parent cannot loop. One `Walker` remembers the
/// folders of all its searches.
#[derive(Debug, Default)]
pub struct Walker {
    searched: HashSet<PathBuf>,
}

impl Walker {
    pub fn new() -> Walker {
        Walker::default()
    }

    /// The files under `root` (a folder) that `walk` selects.
    pub fn walk(&mut self, root: &Path, walk: Walk<'_>) -> Walked {
        let mut found = Walked::default();
        self.folder(root, walk, &mut found);
        found
    }

    fn folder(&mut self, dir: &Path, walk: Walk<'_>, found: &mut Walked) {
        match std::fs::canonicalize(dir) {
            Ok(real) => {
                if !self.searched.insert(real.clone()) {
                    found.skipped.push(format!(
                        "{}: skipped: the folder {} was searched already",
                        dir.display(),
                        real.display()
                    ));
                    return;
                }
            }
            Err(e) => return found.errors.push((dir.to_path_buf(), e)),
        }
        let entries = match sorted_entries(dir) {
            Ok(entries) => entries,
            Err(e) => return found.errors.push((dir.to_path_buf(), e)),
        };
        for path in entries {
            if is_hidden(&path) {
                found.passed_over.push((path, PassedOver::Hidden));
                continue;
            }
            match std::fs::metadata(&path) {
                Ok(meta) if meta.is_dir() => {
                    if walk.recursive {
                        self.folder(&path, walk, found);
                    } else {
                        found.passed_over.push((path, PassedOver::SubFolder));
                    }
                }
                _ if !has_extension(&path, walk.extensions) => {
                    found.passed_over.push((path, PassedOver::OtherExtension));
                }
                // A dangling link is listed: reading it reports the problem.
                Ok(meta) if !meta.is_file() => found.skipped.push(format!(
                    "{}: skipped: not a regular file (a device, pipe or socket)",
                    path.display()
                )),
                _ => found.files.push(path),
            }
        }
    }
}

/// The entries of a folder, sorted by name (byte order), without names starting with `.`.
pub fn visible_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries = sorted_entries(dir)?;
    entries.retain(|path| !is_hidden(path));
    Ok(entries)
}

/// Every entry of a folder, sorted by name (byte order).
fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        names.push(entry?.file_name());
    }
    names.sort_by(|a, b| a.as_encoded_bytes().cmp(b.as_encoded_bytes()));
    Ok(names.into_iter().map(|name| dir.join(name)).collect())
}

/// A name starting with `.` (a hidden file or folder).
fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| name.as_encoded_bytes().starts_with(b"."))
}

/// Whether the file name ends in `.EXT` for one of `extensions`, ignoring ASCII case.
pub fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

#[cfg(test)]
mod tests;

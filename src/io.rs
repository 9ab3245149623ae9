//! File handling shared by the command-line program and `download`: atomic writes, pretty
//! JSON, size-limited reads and a folder walker. Public only because the `policy_sentry`
//! binary is a separate crate; not part of the library's supported interface.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Default of `--max-input-bytes`: larger inputs are refused before they are read whole.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 8 << 20;

/// The name given for standard input in messages (`-` on the command line).
pub const STDIN_NAME: &str = "<stdin>";

/// Whether an existing file may be replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteMode {
    Replace,
    /// Fail if the path exists, even if it appears while we write.
    NoClobber,
}

/// A file that could not be written; the file on disk is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{} already exists", .path.display())]
    Exists { path: PathBuf },
    #[error("{} is a directory, not a file name", .path.display())]
    IsDirectory { path: PathBuf },
    #[error("cannot write {}: {cause}", .path.display())]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
}

impl WriteError {
    fn io(path: &Path, cause: std::io::Error) -> WriteError {
        WriteError::Io {
            path: path.to_path_buf(),
            cause,
        }
    }
}

/// For callers that report plain I/O errors; the kind says what happened.
impl From<WriteError> for std::io::Error {
    fn from(err: WriteError) -> std::io::Error {
        let kind = match &err {
            WriteError::Exists { .. } => std::io::ErrorKind::AlreadyExists,
            WriteError::IsDirectory { .. } => std::io::ErrorKind::IsADirectory,
            WriteError::Io { .. } => std::io::ErrorKind::Other,
        };
        match err {
            WriteError::Io { cause, .. } => cause,
            other => std::io::Error::new(kind, other.to_string()),
        }
    }
}

/// Write `contents` to `path` through a temporary file in the same folder (flushed to disk,
/// then renamed), so `path` either keeps its old content or holds all of `contents`.
/// The parent folder must exist.
pub fn write_atomically(path: &Path, contents: &[u8], mode: WriteMode) -> Result<(), WriteError> {
    let exists = || path.symlink_metadata().is_ok();
    if path.is_dir() {
        return Err(WriteError::IsDirectory {
            path: path.to_path_buf(),
        });
    }
    if mode == WriteMode::NoClobber && exists() {
        return Err(WriteError::Exists {
            path: path.to_path_buf(),
        });
    }
    let (dir, name) = match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => (dir, name),
        (None, Some(name)) => (Path::new(""), name),
        _ => {
            return Err(WriteError::IsDirectory {
                path: path.to_path_buf(),
            });
        }
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // The file gets the usual mode (0666 less the umask), not a temporary file's private 0600.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut temp = builder
        .tempfile_in(dir)
        .map_err(|e| WriteError::io(path, e))?;
    temp.write_all(contents)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| WriteError::io(path, e))?;
    match mode {
        WriteMode::Replace => temp.persist(path).map(drop),
        WriteMode::NoClobber => match temp.persist_noclobber(path) {
            Ok(_) => Ok(()),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(WriteError::Exists {
                    path: path.to_path_buf(),
                });
            }
            // File systems without hard links or RENAME_NOREPLACE: the check above is the
            // best that can be done.
            Err(e) if !exists() => e.file.persist(path).map(drop),
            Err(e) => Err(e),
        },
    }
    .map_err(|e| WriteError::io(path, e.error))?;
    sync_folder(dir);
    Ok(())
}

/// Make the rename itself durable. Best effort: some file systems refuse to sync a folder.
fn sync_folder(dir: &Path) {
    #[cfg(unix)]
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Serialize as JSON with a 4-space indent (as upstream writes its files) and a final newline.
pub fn write_pretty_json<W: Write, T: serde::Serialize + ?Sized>(
    mut out: W,
    value: &T,
) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(
        &mut out,
        serde_json::ser::PrettyFormatter::with_indent(b"    "),
    );
    value.serialize(&mut ser)?;
    out.write_all(b"\n").map_err(serde_json::Error::io)
}

/// [`write_pretty_json`] into a string.
pub fn pretty_json<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::new();
    write_pretty_json(&mut out, value)?;
    Ok(String::from_utf8(out).expect("serde_json writes UTF-8"))
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
        let entries = match visible_entries(dir) {
            Ok(entries) => entries,
            Err(e) => return found.errors.push((dir.to_path_buf(), e)),
        };
        for path in entries {
            match std::fs::metadata(&path) {
                Ok(meta) if meta.is_dir() => {
                    if walk.recursive {
                        self.folder(&path, walk, found);
                    }
                }
                _ if !has_extension(&path, walk.extensions) => {}
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
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name();
        if !name.as_encoded_bytes().starts_with(b".") {
            names.push(name);
        }
    }
    names.sort_by(|a, b| a.as_encoded_bytes().cmp(b.as_encoded_bytes()));
    Ok(names.into_iter().map(|name| dir.join(name)).collect())
}

/// Whether the file name ends in `.EXT` for one of `extensions`, ignoring ASCII case.
pub fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

#[cfg(test)]
mod tests;

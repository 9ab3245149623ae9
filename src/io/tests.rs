use super::*;

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn replace_writes_and_overwrites_leaving_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.json");
    write_atomically(&path, b"one", WriteMode::Replace).unwrap();
    write_atomically(&path, b"two", WriteMode::Replace).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"two");
    assert_eq!(names_in(dir.path()), ["p.json"]);
}

#[test]
fn no_clobber_leaves_an_existing_file_or_link_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yml");
    write_atomically(&path, b"first", WriteMode::NoClobber).unwrap();
    let err = write_atomically(&path, b"second", WriteMode::NoClobber).unwrap_err();
    assert!(matches!(err, WriteError::Exists { .. }), "{err}");
    assert!(err.to_string().ends_with("t.yml already exists"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), b"first");
    #[cfg(unix)]
    {
        // A dangling link is something there too: writing through it could land anywhere.
        let link = dir.path().join("link.yml");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &link).unwrap();
        let err = write_atomically(&link, b"x", WriteMode::NoClobber).unwrap_err();
        assert!(matches!(err, WriteError::Exists { .. }), "{err}");
        assert!(!dir.path().join("nowhere").exists());
    }
    assert_eq!(names_in(dir.path()).len(), 1 + usize::from(cfg!(unix)));
}

#[test]
fn written_files_get_the_usual_mode_not_a_temporary_files() {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain");
        std::fs::write(&plain, b"").unwrap();
        let atomic = dir.path().join("atomic");
        write_atomically(&atomic, b"", WriteMode::NoClobber).unwrap();
        let mode = |p: &Path| p.metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&atomic), mode(&plain));
    }
}

#[test]
fn folders_and_missing_parents_are_errors_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let err = write_atomically(dir.path(), b"x", WriteMode::Replace).unwrap_err();
    assert!(matches!(err, WriteError::IsDirectory { .. }), "{err}");
    let missing = dir.path().join("no/such/t.yml");
    let err = write_atomically(&missing, b"x", WriteMode::NoClobber).unwrap_err();
    assert!(err.to_string().contains("no/such/t.yml"), "{err}");
    assert!(!missing.exists());
}

#[test]
fn pretty_json_indents_by_four_keeps_key_order_and_ends_with_a_newline() {
    let value: serde_json::Value = serde_json::from_str(r#"{"b":1,"a":[true]}"#).unwrap();
    assert_eq!(
        pretty_json(&value).unwrap(),
        "{\n    \"b\": 1,\n    \"a\": [\n        true\n    ]\n}\n"
    );
}

#[test]
fn reads_up_to_the_limit_and_refuses_one_byte_more() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.json");
    std::fs::write(&path, "12345").unwrap();
    assert_eq!(read_text(&path, 5).unwrap(), "12345");
    let err = read_text(&path, 4).unwrap_err();
    assert!(matches!(err, ReadError::TooLarge { limit: 4, .. }), "{err}");
    assert!(
        err.to_string()
            .contains("p.json: larger than the input size limit of 4 bytes")
    );
    // Sizes the file system does not know (devices, pipes) are counted while reading.
    assert_eq!(read_limited(&b"12345"[..], 5).unwrap().unwrap(), b"12345");
    assert_eq!(read_limited(&b"123456"[..], 5).unwrap(), None);
}

#[test]
fn endless_inputs_are_refused_after_limit_bytes() {
    let zero = Path::new("/dev/zero");
    if !zero.exists() {
        eprintln!("SKIPPED: no /dev/zero");
        return;
    }
    let err = read_text(zero, 1 << 20).unwrap_err();
    assert_eq!(
        err.to_string(),
        "/dev/zero: larger than the input size limit of 1048576 bytes; refused (raise the limit with --max-input-bytes or POLICY_SENTRY_MAX_INPUT_BYTES)"
    );
}

#[test]
fn unreadable_inputs_say_which_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.json");
    std::fs::write(&path, b"{\"a\": \"caf\xe9\"}").unwrap();
    let err = read_text(&path, 100).unwrap_err().to_string();
    assert!(
        err.ends_with("latin1.json: not UTF-8 text (invalid byte at offset 10)"),
        "{err}"
    );
    let err = read_text(dir.path(), 100).unwrap_err().to_string();
    assert!(err.contains("cannot read: is a folder"), "{err}");
    let err = read_text(&dir.path().join("missing.json"), 100)
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing.json: cannot read: "), "{err}");
    assert_eq!(input_name(Path::new("-")), "<stdin>");
}

const JSON: Walk<'static> = Walk {
    extensions: &["json"],
    recursive: true,
};

fn relative(root: &Path, files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .map(|f| f.strip_prefix(root).unwrap().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn walks_sorted_by_name_skipping_hidden_entries_and_other_extensions() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for sub in ["b", ".git", "a"] {
        std::fs::create_dir(root.join(sub)).unwrap();
    }
    for file in [
        "b/z.json",
        "b/A.JSON",
        "a/x.Json",
        "B.json",
        "a.json",
        ".hidden.json",
        ".git/c.json",
        "notes.txt",
        "json",
    ] {
        std::fs::write(root.join(file), "{}").unwrap();
    }
    let walked = Walker::new().walk(root, JSON);
    assert!(walked.errors.is_empty() && walked.skipped.is_empty());
    assert_eq!(
        relative(root, &walked.files),
        ["B.json", "a/x.Json", "a.json", "b/A.JSON", "b/z.json"]
    );
    let passed_over = |walked: &Walked| -> Vec<(String, PassedOver)> {
        let paths: Vec<PathBuf> = walked.passed_over.iter().map(|p| p.0.clone()).collect();
        relative(root, &paths)
            .into_iter()
            .zip(walked.passed_over.iter().map(|p| p.1))
            .collect()
    };
    let other = |name: &str| (name.to_string(), PassedOver::OtherExtension);
    let hidden = |name: &str| (name.to_string(), PassedOver::Hidden);
    assert_eq!(
        passed_over(&walked),
        [
            hidden(".git"),
            hidden(".hidden.json"),
            other("json"),
            other("notes.txt")
        ]
    );
    let flat = Walker::new().walk(
        root,
        Walk {
            extensions: &["yml", "json"],
            recursive: false,
        },
    );
    assert_eq!(relative(root, &flat.files), ["B.json", "a.json"]);
    let folder = |name: &str| (name.to_string(), PassedOver::SubFolder);
    assert_eq!(
        passed_over(&flat),
        [
            hidden(".git"),
            hidden(".hidden.json"),
            folder("a"),
            folder("b"),
            other("json"),
            other("notes.txt")
        ]
    );
}

#[cfg(unix)]
#[test]
fn links_back_to_a_parent_are_searched_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("policies");
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::write(root.join("p.json"), "{}").unwrap();
    std::fs::write(root.join("sub/q.json"), "{}").unwrap();
    std::os::unix::fs::symlink("..", root.join("sub/up")).unwrap();
    std::os::unix::fs::symlink("..", root.join("sub/up2")).unwrap();
    std::os::unix::fs::symlink("sub", root.join("zlink")).unwrap();
    let walked = Walker::new().walk(&root, JSON);
    assert_eq!(relative(&root, &walked.files), ["p.json", "sub/q.json"]);
    assert_eq!(walked.skipped.len(), 3, "{:?}", walked.skipped);
    assert!(
        walked.skipped[2].contains("zlink: skipped: the folder"),
        "{:?}",
        walked.skipped
    );
    // One walker remembers its folders: naming a folder again finds nothing new.
    let mut walker = Walker::new();
    assert_eq!(walker.walk(&root, JSON).files.len(), 2);
    assert!(walker.walk(&root.join("sub"), JSON).files.is_empty());
}

#[test]
fn unreadable_folders_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let walked = Walker::new().walk(&dir.path().join("missing"), JSON);
    assert_eq!(walked.errors.len(), 1);
    assert!(walked.files.is_empty());
}

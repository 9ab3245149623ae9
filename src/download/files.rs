//! Policy documents as IAM returns them, and writing them safely.

use std::path::Path;

/// IAM returns policy documents percent-encoded (RFC 3986). Decode one into JSON. `+` is a
/// literal plus, not a space (IAM encodes spaces as `%20`). A document that already starts as
/// JSON (some emulators do not encode) is taken as it is.
pub fn decode_policy_document(encoded: &str) -> Result<serde_json::Value, String> {
    let text = if encoded.trim_start().starts_with('{') {
        encoded.to_owned()
    } else {
        percent_decode(encoded)?
    };
    serde_json::from_str(&text).map_err(|err| format!("the document is not valid JSON: {err}"))
}

fn percent_decode(encoded: &str) -> Result<String, String> {
    let bytes = encoded.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(byte) => decoded.push(byte),
                None => return Err(format!("bad percent-encoding at byte {i} of the document")),
            }
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).map_err(|_| "the decoded document is not UTF-8".to_owned())
}

// The folder layout (which names are safe, where each file goes) is shared with the reader,
// `analyze downloaded-policies`.
pub(super) use crate::audit::downloaded::is_safe_file_stem;

/// Write a JSON document (4-space indent, as upstream wrote the files) all at once,
/// replacing an older download of it; creates the parent folder.
pub(super) fn write_json(path: &Path, value: &serde_json::Value) -> std::io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let text = crate::io::pretty_json(value).map_err(std::io::Error::other)?;
    Ok(crate::io::write_atomically(
        path,
        text.as_bytes(),
        crate::io::WriteMode::Replace,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_percent_decoded_keeping_plus_signs() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C\
                       %22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Aa%20b+c%2Fd%2B%C3%A9%22%7D%5D%7D";
        let doc = decode_policy_document(encoded).unwrap();
        assert_eq!(doc["Statement"][0]["Resource"], "arn:aws:s3:::a b+c/d+é");
        assert_eq!(doc["Version"], "2012-10-17");
    }

    #[test]
    fn plain_json_documents_are_accepted_and_bad_ones_are_reported() {
        assert_eq!(
            decode_policy_document(" {\"a\": \"100%\"}").unwrap()["a"],
            "100%"
        );
        assert!(
            decode_policy_document("%7B%2")
                .unwrap_err()
                .contains("percent-encoding")
        );
        assert!(
            decode_policy_document("%7Bnope")
                .unwrap_err()
                .contains("not valid JSON")
        );
        assert!(decode_policy_document("%FF").unwrap_err().contains("UTF-8"));
    }

    #[test]
    fn documents_are_written_indented_replacing_older_downloads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new/p.json");
        write_json(&path, &serde_json::json!({"b": 1})).unwrap();
        write_json(&path, &serde_json::json!({"b": 2, "a": [true]})).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\n    \"b\": 2,\n    \"a\": [\n        true\n    ]\n}\n"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path().join("new"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["p.json"]);
    }
}

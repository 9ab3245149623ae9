//! [`Text`]: a string of the embedded data kept in pieces.

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Serialize, Serializer};

/// A string of the embedded data stored as up to three static pieces, so that the parts many
/// strings share are in the binary once: an action's description is a common opening
/// (`Grants permission to create a `) and the rest; its API documentation link a head
/// (`https://docs.aws.amazon.com/AmazonS3/latest/API/API_`), a middle (usually the action's
/// name) and a tail (`.html`).
///
/// It prints ([`Display`](fmt::Display)), serialises and compares as the whole string, without
/// allocating; [`Text::to_cow`] gives a `Cow<'static, str>` (borrowed when one piece holds it
/// all), `to_string()` a `String`.
///
/// ```
/// use policy_sentry::data::Action;
/// let link = Action::lookup("s3:GetObject").unwrap().api_documentation_link().unwrap();
/// assert_eq!(link, "https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html");
/// assert_eq!(link.to_string().len(), link.len());
/// ```
#[derive(Clone, Copy)]
pub struct Text {
    parts: [&'static str; 3],
}

impl Text {
    #[inline]
    pub(crate) const fn new(parts: [&'static str; 3]) -> Text {
        Text { parts }
    }

    /// The pieces in order; their concatenation is the string.
    pub fn parts(self) -> [&'static str; 3] {
        self.parts
    }

    /// Length in bytes of the whole string.
    #[allow(clippy::len_without_is_empty)] // is_empty is below
    pub fn len(self) -> usize {
        self.parts.iter().map(|p| p.len()).sum()
    }

    /// Whether the string is empty.
    pub fn is_empty(self) -> bool {
        self.parts.iter().all(|p| p.is_empty())
    }

    /// The whole string: borrowed when at most one piece is non-empty, else joined.
    pub fn to_cow(self) -> Cow<'static, str> {
        let mut non_empty = self.parts.iter().filter(|p| !p.is_empty());
        match (non_empty.next(), non_empty.next()) {
            (None, _) => Cow::Borrowed(""),
            (Some(only), None) => Cow::Borrowed(only),
            _ => Cow::Owned(self.parts.concat()),
        }
    }

    fn bytes(self) -> impl Iterator<Item = u8> {
        self.parts.into_iter().flat_map(str::bytes)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.width().is_some() || f.precision().is_some() {
            // Padding and truncation apply to the whole string.
            return f.pad(&self.to_cow());
        }
        self.parts.iter().try_for_each(|p| f.write_str(p))
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.to_cow(), f)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.len() == other.len() && self.bytes().eq(other.bytes())
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.len() == other.len() && self.bytes().eq(other.bytes())
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl Hash for Text {
    /// Hashes like the whole `str` (pieces split elsewhere hash the same).
    fn hash<H: Hasher>(&self, state: &mut H) {
        for p in self.parts {
            state.write(p.as_bytes());
        }
        state.write_u8(0xff);
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::hash_map::DefaultHasher;

    fn hash(t: Text) -> u64 {
        let mut h = DefaultHasher::new();
        t.hash(&mut h);
        h.finish()
    }

    #[test]
    fn pieces_act_as_the_whole_string() {
        let a = Text::new(["ab", "c", ""]);
        let b = Text::new(["a", "", "bc"]);
        assert_eq!(a, b);
        assert_eq!(hash(a), hash(b));
        assert_eq!(a, "abc");
        assert_ne!(a, "abcd");
        assert_ne!(a, Text::new(["ab", "d", ""]));
        assert_eq!(a.len(), 3);
        assert!(!a.is_empty() && Text::new(["", "", ""]).is_empty());
        assert_eq!(format!("{a}|{a:>5}|{a:.2}|{a:?}"), "abc|  abc|ab|\"abc\"");
        assert_eq!(serde_json::to_string(&b).unwrap(), "\"abc\"");
    }

    #[test]
    fn to_cow_borrows_a_single_piece() {
        assert!(matches!(
            Text::new(["", "x", ""]).to_cow(),
            Cow::Borrowed("x")
        ));
        assert!(matches!(
            Text::new(["", "", ""]).to_cow(),
            Cow::Borrowed("")
        ));
        assert_eq!(Text::new(["x", "y", "z"]).to_cow(), "xyz");
    }
}

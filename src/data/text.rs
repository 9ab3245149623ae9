//! [`Text`]: a string of the embedded data kept in pieces.

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Serialize, Serializer};

use super::tables::{DESCRIPTION_WORDS, STRINGS};

/// A string of the embedded data stored as up to three static pieces, so that the parts many
/// strings share are in the binary once: an action's description is a common opening
/// (`Grants permission to create a `) and the rest, word-coded (each frequent word is one or
/// two bytes naming it in a shared word table, decoded while writing); its API documentation
/// link a head (`https://docs.aws.amazon.com/AmazonS3/latest/API/API_`), a middle (usually the
/// action's name) and a tail (`.html`).
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
    repr: Repr,
}

/// An enum, not a struct of both, so that a `Text` stays three `&str` wide (48 bytes).
#[derive(Clone, Copy)]
enum Repr {
    /// Pieces whose concatenation is the string (links).
    Pieces([&'static str; 3]),
    /// A plain head followed by word-coded bytes (descriptions): see [`Decoded`].
    Coded(&'static str, &'static [u8]),
}

/// Words with one-byte codes (0x80..=0xBF); as `ONE_BYTE_WORDS` of `build/pieces.rs`.
const ONE_BYTE_WORDS: usize = 64;

impl Text {
    #[inline]
    pub(crate) const fn new(parts: [&'static str; 3]) -> Text {
        Text {
            repr: Repr::Pieces(parts),
        }
    }

    /// A head followed by word-coded bytes (`build/pieces.rs`, `Words::encode`).
    #[inline]
    pub(crate) const fn coded(head: &'static str, coded: &'static [u8]) -> Text {
        Text {
            repr: Repr::Coded(head, coded),
        }
    }

    /// The pieces in order (some may be empty); their concatenation is the string.
    pub fn pieces(self) -> impl Iterator<Item = &'static str> + Clone {
        let (parts, codes) = match self.repr {
            Repr::Pieces(parts) => (parts, &[][..]),
            Repr::Coded(head, codes) => ([head, "", ""], codes),
        };
        parts.into_iter().chain(Decoded { codes })
    }

    /// Length in bytes of the whole string.
    #[allow(clippy::len_without_is_empty)] // is_empty is below
    pub fn len(self) -> usize {
        self.pieces().map(str::len).sum()
    }

    /// Whether the string is empty.
    pub fn is_empty(self) -> bool {
        self.pieces().all(str::is_empty)
    }

    /// The whole string: borrowed when at most one piece is non-empty, else joined.
    pub fn to_cow(self) -> Cow<'static, str> {
        let mut non_empty = self.pieces().filter(|p| !p.is_empty());
        match (non_empty.next(), non_empty.next()) {
            (None, _) => Cow::Borrowed(""),
            (Some(only), None) => Cow::Borrowed(only),
            _ => Cow::Owned(self.pieces().collect()),
        }
    }

    fn bytes(self) -> impl Iterator<Item = u8> {
        self.pieces().flat_map(str::bytes)
    }
}

/// The pieces of word-coded bytes: a run of bytes below 0x80 is that ASCII text; 0x80..=0xBF
/// is one of the first [`ONE_BYTE_WORDS`] words of `DESCRIPTION_WORDS`; 0xC0..=0xFF and the
/// next byte name one of the others.
#[derive(Clone)]
struct Decoded {
    codes: &'static [u8],
}

impl Iterator for Decoded {
    type Item = &'static str;

    #[inline]
    fn next(&mut self) -> Option<&'static str> {
        let (&first, rest) = self.codes.split_first()?;
        let id = match first {
            0..=0x7f => {
                let end = self.codes.iter().position(|&b| b >= 0x80);
                let (ascii, rest) = self.codes.split_at(end.unwrap_or(self.codes.len()));
                self.codes = rest;
                // ASCII, so valid UTF-8 (build.rs codes every other byte).
                return Some(std::str::from_utf8(ascii).unwrap_or(""));
            }
            0x80..=0xbf => {
                self.codes = rest;
                usize::from(first - 0x80)
            }
            _ => {
                let (&second, rest) = rest.split_first()?;
                self.codes = rest;
                ONE_BYTE_WORDS + (usize::from(first - 0xc0) << 8 | usize::from(second))
            }
        };
        Some(DESCRIPTION_WORDS.get(id).map_or("", |w| w.get()))
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.width().is_some() || f.precision().is_some() {
            // Padding and truncation apply to the whole string.
            return f.pad(&self.to_cow());
        }
        match self.repr {
            Repr::Pieces(parts) => parts.iter().try_for_each(|p| f.write_str(p)),
            Repr::Coded(head, codes) => {
                f.write_str(head)?;
                write_decoded(codes, f)
            }
        }
    }
}

/// Decode word-coded bytes (see [`Decoded`]) into a buffer on the stack and write it in one
/// call per 256 bytes: a `write_str` per word made writing descriptions ~6× slower.
fn write_decoded(codes: &[u8], out: &mut impl fmt::Write) -> fmt::Result {
    let mut buf = [0u8; 256];
    let mut len = 0;
    let mut at = 0;
    while let Some(&first) = codes.get(at) {
        let piece: &[u8] = match first {
            0..=0x7f => {
                let run = &codes[at..];
                let end = run.iter().position(|&b| b >= 0x80).unwrap_or(run.len());
                at += end;
                &run[..end]
            }
            0x80..=0xbf => {
                at += 1;
                word_bytes(usize::from(first - 0x80))
            }
            _ => {
                let second = codes.get(at + 1).copied().ok_or(fmt::Error)?;
                at += 2;
                word_bytes(ONE_BYTE_WORDS + (usize::from(first - 0xc0) << 8 | usize::from(second)))
            }
        };
        if len + piece.len() > buf.len() {
            write_buffer(&buf[..len], out)?;
            len = 0;
            if piece.len() > buf.len() {
                write_buffer(piece, out)?;
                continue;
            }
        }
        buf[len..len + piece.len()].copy_from_slice(piece);
        len += piece.len();
    }
    write_buffer(&buf[..len], out)
}

/// The bytes of a word of the dictionary (whole words, so the buffer stays valid UTF-8).
#[inline]
fn word_bytes(id: usize) -> &'static [u8] {
    let Some(word) = DESCRIPTION_WORDS.get(id) else {
        return &[];
    };
    // Bytes, not `str` slicing: no char-boundary checks per word.
    let start = word.off as usize;
    STRINGS
        .as_bytes()
        .get(start..start + word.len as usize)
        .unwrap_or(&[])
}

fn write_buffer(bytes: &[u8], out: &mut impl fmt::Write) -> fmt::Result {
    // Whole words and ASCII bytes: valid UTF-8, checked rather than assumed.
    out.write_str(std::str::from_utf8(bytes).map_err(|_| fmt::Error)?)
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
        for p in self.pieces() {
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
    fn coded_bytes_decode_to_words_and_ascii() {
        let word = |id: usize| DESCRIPTION_WORDS[id].get();
        let second = ONE_BYTE_WORDS + 300;
        let codes: &'static [u8] = &[b'(', 0x80, 0xc1, 44, b')', b' '];
        let coded = Text::coded("Lists ", codes);
        let expected = format!("Lists ({}{}) ", word(0), word(second));
        assert!(!word(0).is_empty() && !word(second).is_empty());
        assert_eq!(coded.to_string(), expected);
        assert_eq!(coded.len(), expected.len());
        assert_eq!(coded, expected.as_str());
        let whole: &'static str = expected.clone().leak();
        assert_eq!(hash(coded), hash(Text::new([whole, "", ""])));
        assert_eq!(coded.to_cow(), expected);
        // A code cut short ends the text (`Display` reports it as an error).
        assert_eq!(
            Text::coded("", &[b'a', 0xc0]).pieces().collect::<String>(),
            "a"
        );
        // Longer than the decoding buffer.
        let long: &'static [u8] = [0x80u8; 300].to_vec().leak();
        assert_eq!(Text::coded("", long).to_string(), word(0).repeat(300));
    }

    #[test]
    fn a_text_is_three_str_wide() {
        assert_eq!(std::mem::size_of::<Text>(), 48);
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

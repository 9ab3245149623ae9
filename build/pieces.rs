//! The long strings of an action stored in pieces, so that the parts they share are stored once:
//! an API documentation link is a head and a tail around a middle that is usually the action's
//! name (`https://…/APIReference/` `API_` + name + `.html`), a description a common opening
//! (`Grants permission to create a `) and the rest, word-coded ([`Words`]: frequent words are
//! one or two bytes, condition key descriptions too). The runtime joins and decodes the pieces
//! while writing (`src/data/text.rs`); the result is byte-identical to the page's.

use std::collections::{BTreeSet, HashMap};

/// How many description openings the tables keep: their ids are a `u8`, and id 0 is "none".
pub const MAX_OPENINGS: usize = 255;
/// Openings are whole words; longer ones than this are rarely shared.
const MAX_OPENING_WORDS: usize = 7;

/// An API link as (head, middle, tail). The middle is the action's name where the link contains
/// it (its last occurrence, so `…#…-CreateConnection` anchors too); otherwise the part after
/// the last `/`, with the folder as head and an empty tail.
pub fn split_link<'a>(link: &'a str, name: &str) -> (&'a str, &'a str, &'a str) {
    if !name.is_empty()
        && let Some(at) = link.rfind(name)
    {
        return (
            &link[..at],
            &link[at..at + name.len()],
            &link[at + name.len()..],
        );
    }
    let at = link.rfind('/').map_or(0, |slash| slash + 1);
    (&link[..at], &link[at..], "")
}

/// The openings shared by the most bytes of descriptions, chosen once for the whole data.
pub struct Openings {
    /// Id − 1 → opening (id 0 is the empty opening).
    chosen: Vec<String>,
    ids: HashMap<String, u8>,
}

/// Each word-boundary opening of a description (ends with its space), shortest first.
fn openings_of(description: &str) -> impl Iterator<Item = &str> {
    description
        .match_indices(' ')
        .take(MAX_OPENING_WORDS)
        .map(|(at, _)| &description[..=at])
}

impl Openings {
    /// Score each opening by the bytes it would save (uses × length) over the distinct
    /// descriptions, keep the best [`MAX_OPENINGS`]; ties by text, so the choice is stable.
    pub fn choose<'a>(descriptions: impl Iterator<Item = &'a str>) -> Openings {
        let distinct: BTreeSet<&str> = descriptions.collect();
        let mut uses: HashMap<&str, usize> = HashMap::new();
        for d in &distinct {
            for opening in openings_of(d) {
                *uses.entry(opening).or_default() += 1;
            }
        }
        let mut scored: Vec<(usize, &str)> = uses
            .into_iter()
            .filter(|&(_, n)| n > 1)
            .map(|(opening, n)| (n * opening.len(), opening))
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        scored.truncate(MAX_OPENINGS);
        let chosen: Vec<String> = scored.into_iter().map(|(_, o)| o.to_string()).collect();
        let ids = (1..=MAX_OPENINGS as u8)
            .zip(&chosen)
            .map(|(id, o)| (o.clone(), id))
            .collect();
        Openings { chosen, ids }
    }

    /// The chosen openings in id order, from id 1.
    pub fn chosen(&self) -> &[String] {
        &self.chosen
    }

    /// (opening id, rest) of a description: its longest chosen opening, or 0 and all of it.
    pub fn split<'a>(&self, description: &'a str) -> (u8, &'a str) {
        openings_of(description)
            .filter_map(|o| self.ids.get(o).map(|&id| (id, &description[o.len()..])))
            .last()
            .unwrap_or((0, description))
    }
}

/// Word codes of the descriptions' rests: a byte below 0x80 is itself (ASCII); 0x80..=0xBF is
/// one of the [`ONE_BYTE_WORDS`] most used words; 0xC0..=0xFF and the next byte are another word.
/// Only printing reads a description, so it is stored coded (`src/data/text.rs` decodes it).
pub const ONE_BYTE_WORDS: usize = 64;
/// All words the codes can name: 64 one-byte codes and 64 × 256 two-byte codes.
pub const MAX_WORDS: usize = ONE_BYTE_WORDS + 64 * 256;

/// The tokens of a text: an ASCII word (letters and digits) with the space after it, if any;
/// or one character. Their concatenation is the text.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let mut end = first.len_utf8();
        if first.is_ascii_alphanumeric() {
            end = rest
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(rest.len());
            if rest[end..].starts_with(' ') {
                end += 1;
            }
        }
        let (token, tail) = rest.split_at(end);
        rest = tail;
        Some(token)
    })
}

/// The word dictionary of the descriptions, chosen once for the whole data.
pub struct Words {
    /// Id → word; ids below [`ONE_BYTE_WORDS`] have one-byte codes.
    chosen: Vec<String>,
    ids: HashMap<String, usize>,
}

impl Words {
    /// Keep the words that save bytes (uses × (length − 2) over the distinct texts, less the
    /// word's own bytes and table entry), best first, up to [`MAX_WORDS`]; a token that is not
    /// ASCII is always kept (the codes have no room for other bytes). The most used words get
    /// the one-byte codes. Ties by text, so the choice is stable.
    pub fn choose<'a>(texts: impl Iterator<Item = &'a str>) -> Result<Words, String> {
        let distinct: BTreeSet<&str> = texts.collect();
        let mut uses: HashMap<&str, usize> = HashMap::new();
        for text in &distinct {
            for token in tokens(text) {
                *uses.entry(token).or_default() += 1;
            }
        }
        let saving = |word: &str, n: usize| (n * word.len()) as i64 - 3 * n as i64 - 8;
        let mut scored: Vec<(bool, i64, &str)> = uses
            .iter()
            .map(|(&w, &n)| (!w.is_ascii(), saving(w, n), w))
            .filter(|&(forced, gain, _)| forced || gain > 0)
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
        if scored.iter().filter(|s| s.0).count() > MAX_WORDS {
            return Err(format!(
                "descriptions: more than {MAX_WORDS} distinct non-ASCII tokens"
            ));
        }
        scored.truncate(MAX_WORDS);
        let mut chosen: Vec<&str> = scored.into_iter().map(|(_, _, w)| w).collect();
        // The one-byte codes go to the words that save most with them.
        chosen.sort_by(|a, b| {
            let gain = |w: &str| uses[w] * (w.len() - 1);
            gain(b).cmp(&gain(a)).then(a.cmp(b))
        });
        let chosen: Vec<String> = chosen.into_iter().map(str::to_string).collect();
        let ids = chosen
            .iter()
            .enumerate()
            .map(|(id, w)| (w.clone(), id))
            .collect();
        Ok(Words { chosen, ids })
    }

    /// The chosen words in id order.
    pub fn chosen(&self) -> &[String] {
        &self.chosen
    }

    /// The coded bytes of a text.
    pub fn encode(&self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len());
        for token in tokens(text) {
            match self.ids.get(token) {
                Some(&id) if id < ONE_BYTE_WORDS => out.push(0x80 + id as u8),
                Some(&id) => {
                    let id = id - ONE_BYTE_WORDS;
                    out.extend([0xC0 + (id >> 8) as u8, id as u8]);
                }
                // Not chosen, so ASCII (`choose` keeps every other token).
                None => out.extend_from_slice(token.as_bytes()),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_splits_around_the_last_occurrence_of_the_name() {
        let link = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html";
        let (head, middle, tail) = split_link(link, "GetObject");
        assert_eq!(head, "https://docs.aws.amazon.com/AmazonS3/latest/API/API_");
        assert_eq!((middle, tail), ("GetObject", ".html"));
        let anchor = "https://x/glue/catalog.html#catalog-CreateConnection";
        assert_eq!(
            split_link(anchor, "CreateConnection").0,
            "https://x/glue/catalog.html#catalog-"
        );
    }

    #[test]
    fn a_link_without_the_name_splits_at_the_last_slash() {
        let link =
            "https://docs.aws.amazon.com/greengrass/v1/apireference/listbulkdeployments-get.html";
        let (head, middle, tail) = split_link(link, "ListBulkDeployments");
        assert_eq!(
            head,
            "https://docs.aws.amazon.com/greengrass/v1/apireference/"
        );
        assert_eq!((middle, tail), ("listbulkdeployments-get.html", ""));
        assert_eq!(split_link("", "X"), ("", "", ""));
        assert_eq!(split_link("no-slash", ""), ("", "no-slash", ""));
    }

    #[test]
    fn pieces_join_to_the_link() {
        for (link, name) in [
            ("a/b/API_X.html", "X"),
            ("a/X/b", "X"),
            ("X", "X"),
            ("a/", "Y"),
        ] {
            let (h, m, t) = split_link(link, name);
            assert_eq!(format!("{h}{m}{t}"), link);
        }
    }

    #[test]
    fn descriptions_keep_their_longest_chosen_opening() {
        let descriptions = [
            "Grants permission to create a bucket",
            "Grants permission to create a table",
            "Grants permission to delete a bucket",
            "Lists things",
        ];
        let openings = Openings::choose(descriptions.into_iter());
        assert!(openings.chosen().len() <= MAX_OPENINGS);
        let (id, rest) = openings.split(descriptions[0]);
        assert_eq!(
            openings.chosen()[id as usize - 1],
            "Grants permission to create a "
        );
        assert_eq!(rest, "bucket");
        let (id, rest) = openings.split(descriptions[2]);
        assert_eq!(
            format!("{}{rest}", openings.chosen()[id as usize - 1]),
            descriptions[2]
        );
        // Used once: no opening.
        assert_eq!(openings.split("Lists things"), (0, "Lists things"));
    }

    #[test]
    fn tokens_join_to_the_text() {
        let text = "Grants permission to list S3 buckets (v2), \u{e9}t\u{e9}";
        let t: Vec<&str> = tokens(text).collect();
        assert_eq!(t[..3], ["Grants ", "permission ", "to "]);
        assert_eq!(t.concat(), text);
    }

    /// Decode as `src/data/text.rs` does.
    fn decode(words: &Words, mut codes: &[u8]) -> String {
        let mut out = String::new();
        while let Some((&b, rest)) = codes.split_first() {
            codes = rest;
            match b {
                0..=0x7f => out.push(b as char),
                0x80..=0xbf => out.push_str(&words.chosen()[usize::from(b - 0x80)]),
                _ => {
                    let id = usize::from(b - 0xc0) << 8 | usize::from(codes[0]);
                    codes = &codes[1..];
                    out.push_str(&words.chosen()[ONE_BYTE_WORDS + id]);
                }
            }
        }
        out
    }

    #[test]
    fn coded_descriptions_decode_to_themselves() {
        let mut texts: Vec<String> = (0..400)
            .map(|i| {
                format!(
                    "Grants permission to describe alpha{} of beta{} {}",
                    i % 150,
                    i % 90,
                    i % 7
                )
            })
            .collect();
        texts.push("caf\u{e9} once".to_string());
        let words = Words::choose(texts.iter().map(String::as_str)).unwrap();
        assert!(
            words.chosen().len() > ONE_BYTE_WORDS,
            "two-byte codes are exercised"
        );
        assert!(
            words.chosen().iter().any(|w| w == "\u{e9}"),
            "non-ASCII is always coded"
        );
        for text in &texts {
            let codes = words.encode(text);
            assert_eq!(decode(&words, &codes), *text);
        }
        assert!(words.encode(&texts[0]).len() < texts[0].len() / 2);
    }
}

//! The long strings of an action stored in pieces, so that the parts they share are stored once:
//! an API documentation link is a head and a tail around a middle that is usually the action's
//! name (`https://…/APIReference/` `API_` + name + `.html`), a description a common opening
//! (`Grants permission to create a `) and the rest. The runtime joins the pieces again
//! (`src/data/text.rs`); the joined string is byte-identical to the page's.

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
}

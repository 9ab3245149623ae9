//! "Did you mean …?": close matches for a mistyped name.
//!
//! One pass over the candidates: a candidate whose length differs from the query's by more
//! than the allowed distance is only tested for containment, and the distance of the others is
//! computed only where it can still end within the allowed distance (a band of the table),
//! stopping as soon as it cannot. A list searched often (`Names`, the actions of a service)
//! is lower-cased once. The answers are those of a full edit-distance scan (a property test
//! compares the two).

/// Optimal-string-alignment distance (Levenshtein plus transpositions), case-insensitive.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a = lower_chars(a);
    let b = lower_chars(b);
    Distance::default().within(&a, &b, a.len().max(b.len()))
}

fn lower_chars(s: &str) -> Vec<char> {
    s.chars().flat_map(char::to_lowercase).collect()
}

/// Reusable rows of the distance table.
#[derive(Default)]
struct Distance {
    before_previous: Vec<usize>,
    previous: Vec<usize>,
    current: Vec<usize>,
}

impl Distance {
    /// The distance of `a` and `b` when it is at most `limit`, else `limit + 1`.
    ///
    /// A cell `(i, j)` costs at least its value plus the difference of the lengths left,
    /// `|(m - j) - (n - i)|`; a cell where that is over the limit is no step of an answer
    /// within it, and is taken as over the limit (the cells left form a band of the table).
    /// Once two rows in a row are over (a transposition looks back two rows), so is the
    /// answer.
    fn within<T: Copy + Eq>(&mut self, a: &[T], b: &[T], limit: usize) -> usize {
        let over = limit + 1;
        let (n, m) = (a.len(), b.len());
        if n.abs_diff(m) > limit {
            return over;
        }
        for row in [
            &mut self.before_previous,
            &mut self.previous,
            &mut self.current,
        ] {
            row.clear();
            row.resize(m + 1, over);
        }
        // Diagonals `t = j - i` within reach: |t| + |d - t| <= limit.
        let (d, reach) = (m as isize - n as isize, limit as isize);
        let (t_min, t_max) = (-(reach - d).div_euclid(2), (d + reach).div_euclid(2));
        let left_over = |i: usize, j: usize| (d - (j as isize - i as isize)).unsigned_abs();
        let columns = |i: usize| {
            let low = (i as isize + t_min).max(0) as usize;
            (low, ((i as isize + t_max).max(-1) + 1) as usize)
        };
        let (_, end) = columns(0);
        for j in 0..end.min(m + 1) {
            self.previous[j] = if j + left_over(0, j) > limit { over } else { j };
        }
        let mut previous_min = 0;
        for i in 1..=n {
            let (low, end) = columns(i);
            let end = end.min(m + 1);
            if low > 0 {
                self.current[low - 1] = over;
            }
            if end <= m {
                self.current[end] = over;
            }
            let mut row_min = over;
            for j in low..end {
                let v = if j == 0 {
                    i
                } else {
                    let cost = usize::from(a[i - 1] != b[j - 1]);
                    let mut v = (self.previous[j] + 1)
                        .min(self.current[j - 1] + 1)
                        .min(self.previous[j - 1] + cost);
                    if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                        v = v.min(self.before_previous[j - 2] + 1);
                    }
                    v
                };
                let v = if v + left_over(i, j) > limit { over } else { v };
                self.current[j] = v;
                row_min = row_min.min(v);
            }
            if row_min > limit && previous_min > limit {
                return over;
            }
            previous_min = row_min;
            std::mem::swap(&mut self.before_previous, &mut self.previous);
            std::mem::swap(&mut self.previous, &mut self.current);
        }
        self.previous[m].min(over)
    }
}

/// How many of each character a name holds, characters folded into 32 counts (a name's
/// "bag"). A letter added, dropped or changed changes the bags' difference by one, two
/// letters swapped not at all: so the larger side of the difference is at most the distance
/// (folding and counts capped at 255 only make it smaller).
type Bag = [u8; 32];

fn bag(chars: &[char]) -> Bag {
    let mut bag = [0u8; 32];
    for &c in chars {
        let slot = &mut bag[c as usize % 32];
        *slot = slot.saturating_add(1);
    }
    bag
}

/// How many characters `a` has beyond `b`, and `b` beyond `a`: the larger is a lower bound
/// of their distance, and a name holds another only if it has nothing fewer.
fn bag_difference(a: &Bag, b: &Bag) -> (usize, usize) {
    // Two sums of byte differences: a form compilers turn into a few vector instructions.
    let excess = |a: &Bag, b: &Bag| -> usize {
        a.iter()
            .zip(b)
            .map(|(&x, &y)| u32::from(x.saturating_sub(y)))
            .sum::<u32>() as usize
    };
    (excess(a, b), excess(b, a))
}

/// A query made ready for scoring candidates.
struct Query {
    lower: String,
    chars: Vec<char>,
    bag: Bag,
    ascii: bool,
    /// The allowed distance: about a third of the query's length.
    max: usize,
}

impl Query {
    fn new(query: &str) -> Option<Query> {
        let lower = query.to_lowercase();
        if lower.is_empty() {
            return None;
        }
        let len = lower.chars().count();
        let chars = lower_chars(&lower);
        Some(Query {
            bag: bag(&chars),
            ascii: lower.is_ascii(),
            chars,
            max: (len / 3).max(1),
            lower,
        })
    }

    /// The rank of a candidate, if it is close: its distance when within the allowed one
    /// (and the query is long enough to guess from), else past every such distance when one
    /// name holds the other.
    fn score(&self, distance: &mut Distance, candidate: Candidate<'_>) -> Option<usize> {
        let Candidate { lower, chars, bag } = candidate;
        let (more, fewer) = bag_difference(&self.bag, bag);
        let d = if more.max(fewer) > self.max {
            self.max + 1
        } else {
            distance.within(&self.chars, chars, self.max)
        };
        if d <= self.max && (d == 0 || long_enough_to_guess(&self.chars, chars)) {
            return Some(d);
        }
        let q = &self.lower;
        // Where both are ASCII, the bags are those of the texts compared here.
        let ascii = self.ascii && lower.is_ascii();
        let holds = q.len() >= 3
            && ((lower.len() >= q.len() && (more == 0 || !ascii) && lower.contains(q.as_str()))
                || (lower.len() >= 4
                    && q.len() >= lower.len()
                    && (fewer == 0 || !ascii)
                    && q.contains(lower)));
        holds.then(|| self.max + 1 + lower.len().abs_diff(q.len()))
    }
}

/// Whether `query` has enough characters for a candidate one edit away to be a guess rather
/// than any name: a one-character query has none (every name of one or two characters is one
/// edit from it: `x` got "did you mean q?"), and a two-character query keeps its first
/// character (`s4` → `s3`, but not `zq` → `mq`). Longer queries are guarded by the allowed
/// distance, a third of their length.
fn long_enough_to_guess<T: PartialEq>(query: &[T], candidate: &[T]) -> bool {
    match query.len() {
        0 | 1 => false,
        2 => candidate.first() == query.first(),
        _ => true,
    }
}

/// A candidate lower-cased: the text, its characters (lower-cased once more, as the distance
/// compares them) and its bag.
#[derive(Clone, Copy)]
struct Candidate<'c> {
    lower: &'c str,
    chars: &'c [char],
    bag: &'c Bag,
}

/// The best `limit` of scored candidates: closest first, ties in candidate order.
fn best(mut scored: Vec<(usize, usize, &str)>, limit: usize) -> Vec<&str> {
    scored.sort();
    scored.dedup_by(|a, b| a.2 == b.2);
    scored.into_iter().take(limit).map(|(_, _, c)| c).collect()
}

/// Up to `limit` candidates closest to `query`: those within a distance of about a third of
/// the query's length (none one edit from a one-character query, see
/// `long_enough_to_guess`), plus candidates that contain the query or
/// that it contains.
/// Closest first, ties in candidate order.
pub fn suggest<'a, I>(query: &str, candidates: I, limit: usize) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let Some(query) = Query::new(query) else {
        return Vec::new();
    };
    let mut distance = Distance::default();
    let (mut lower, mut chars) = (String::new(), Vec::new());
    let mut scored = Vec::new();
    for (i, c) in candidates.into_iter().enumerate() {
        lower.clear();
        if c.is_ascii() {
            lower.push_str(c);
            lower.make_ascii_lowercase();
        } else {
            lower.push_str(&c.to_lowercase());
        }
        chars.clear();
        chars.extend(lower.chars().flat_map(char::to_lowercase));
        let candidate = Candidate {
            lower: &lower,
            chars: &chars,
            bag: &bag(&chars),
        };
        if let Some(rank) = query.score(&mut distance, candidate) {
            scored.push((rank, i, c));
        }
    }
    best(scored, limit)
}

/// A list of names searched again and again, lower-cased once.
#[derive(Debug, Clone)]
pub struct Names {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    name: &'static str,
    lower: Box<str>,
    chars: Box<[char]>,
    bag: Bag,
}

impl Names {
    pub fn new(names: impl IntoIterator<Item = &'static str>) -> Names {
        let entries = names
            .into_iter()
            .map(|name| {
                let lower = name.to_lowercase();
                let chars = lower_chars(&lower);
                Entry {
                    name,
                    bag: bag(&chars),
                    chars: chars.into(),
                    lower: lower.into(),
                }
            })
            .collect();
        Names { entries }
    }

    /// [`suggest`] over these names.
    pub fn suggest(&self, query: &str, limit: usize) -> Vec<&'static str> {
        let Some(query) = Query::new(query) else {
            return Vec::new();
        };
        let mut distance = Distance::default();
        let scored = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                let candidate = Candidate {
                    lower: &e.lower,
                    chars: &e.chars,
                    bag: &e.bag,
                };
                let rank = query.score(&mut distance, candidate)?;
                Some((rank, i, e.name))
            })
            .collect();
        best(scored, limit)
    }
}

/// " (did you mean a, b?)" or an empty string.
pub fn did_you_mean<S: AsRef<str>>(suggestions: &[S]) -> String {
    if suggestions.is_empty() {
        return String::new();
    }
    let list: Vec<&str> = suggestions.iter().map(AsRef::as_ref).collect();
    format!(" (did you mean {}?)", list.join(", "))
}

/// The search as it was first written — every candidate lower-cased, the whole distance table —
/// kept as the oracle of the fast search (the property tests below) and as the baseline of
/// `benches/lookup.rs`.
#[doc(hidden)]
pub mod reference {
    use super::lower_chars;

    /// The full table, every cell (the first version of this module).
    pub fn full_distance(a: &str, b: &str) -> usize {
        let a = lower_chars(a);
        let b = lower_chars(b);
        let (n, m) = (a.len(), b.len());
        let mut prev2 = vec![0usize; m + 1];
        let mut prev: Vec<usize> = (0..=m).collect();
        let mut cur = vec![0usize; m + 1];
        for i in 1..=n {
            cur[0] = i;
            for j in 1..=m {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(prev2[j - 2] + 1);
                }
                cur[j] = v;
            }
            std::mem::swap(&mut prev2, &mut prev);
            std::mem::swap(&mut prev, &mut cur);
        }
        prev[m]
    }

    /// The full scan the fast search replaces: every candidate lower-cased and measured.
    pub fn full_scan<'a>(query: &str, candidates: &[&'a str], limit: usize) -> Vec<&'a str> {
        let q = query.to_lowercase();
        if q.is_empty() {
            return Vec::new();
        }
        let max = (q.chars().count() / 3).max(1);
        let mut scored: Vec<(usize, usize, &'a str)> = Vec::new();
        for (i, c) in candidates.iter().enumerate() {
            let lc = c.to_lowercase();
            let d = full_distance(&q, &lc);
            let (qc, cc) = (lower_chars(&q), lower_chars(&lc));
            if d <= max && (d == 0 || super::long_enough_to_guess(&qc, &cc)) {
                scored.push((d, i, *c));
            } else if q.len() >= 3 && (lc.contains(&q) || (lc.len() >= 4 && q.contains(&lc))) {
                scored.push((max + 1 + lc.len().abs_diff(q.len()), i, *c));
            }
        }
        scored.sort();
        scored.dedup_by(|a, b| a.2 == b.2);
        scored.into_iter().take(limit).map(|(_, _, c)| c).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::reference::{full_distance, full_scan};
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn distance() {
        assert_eq!(edit_distance("getobject", "GetObject"), 0);
        assert_eq!(edit_distance("getobjct", "getobject"), 1);
        assert_eq!(edit_distance("getobjcet", "getobject"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("ca", "abc"), 3);
    }

    #[test]
    fn suggestions_rank_closest_first() {
        let names = ["GetObject", "GetObjectAcl", "PutObject", "ListBucket"];
        assert_eq!(suggest("GetObjct", names, 3), vec!["GetObject"]);
        assert_eq!(suggest("s3x", ["s3", "ec2", "sqs"], 3), vec!["s3"]);
        assert!(suggest("zzzzzzzz", names, 3).is_empty());
    }

    #[test]
    fn very_short_names_get_no_guess_at_random() {
        let prefixes = ["q", "s3", "sqs", "a4b", "mq", "es", "ce", "ec2", "ecr"];
        // One character: every short name is one edit away, so none is a guess.
        for letter in ["x", "a", "Z", "s", "e", "m"] {
            assert!(suggest(letter, prefixes, 3).is_empty(), "{letter}");
        }
        assert_eq!(suggest("Q", prefixes, 3), vec!["q"]);
        // Two characters: one edit, keeping the first character.
        assert_eq!(suggest("s4", prefixes, 3), vec!["s3"]);
        assert_eq!(suggest("ec", prefixes, 3), vec!["es", "ec2", "ecr"]);
        assert_eq!(suggest("sq", prefixes, 3), vec!["s3", "sqs"]);
        assert_eq!(suggest("q2", prefixes, 3), vec!["q"]);
        for pair in ["zq", "3s", "xs"] {
            assert!(suggest(pair, prefixes, 3).is_empty(), "{pair}");
        }
        // From three characters on, a third of the length decides.
        assert_eq!(suggest("s3x", prefixes, 3), vec!["s3"]);
        assert_eq!(suggest("zqs", prefixes, 3), vec!["sqs"]);
    }

    /// `name` with `edits` random edits: a letter dropped, added, changed, two swapped, or
    /// a case flipped.
    fn mutate(name: &str, edits: &[(u8, usize, char)]) -> String {
        let mut chars: Vec<char> = name.chars().collect();
        for &(kind, at, letter) in edits {
            let at = if chars.is_empty() {
                0
            } else {
                at % chars.len()
            };
            match kind % 5 {
                0 if !chars.is_empty() => {
                    chars.remove(at);
                }
                1 => chars.insert(at, letter),
                2 if !chars.is_empty() => chars[at] = letter,
                3 if at + 1 < chars.len() => chars.swap(at, at + 1),
                _ if !chars.is_empty() => chars[at] = chars[at].to_ascii_uppercase(),
                _ => {}
            }
        }
        chars.into_iter().collect()
    }

    fn services() -> Vec<crate::data::Service> {
        crate::data::Service::all().collect()
    }

    proptest! {
        #[test]
        fn banded_distance_is_the_full_distance(a in "[abAB\u{e9}\u{130}]{0,9}", b in "[abAB\u{e9}\u{130}]{0,9}", limit in 0usize..6) {
            let full = full_distance(&a, &b);
            let banded = Distance::default().within(&lower_chars(&a), &lower_chars(&b), limit);
            prop_assert_eq!(banded, full.min(limit + 1));
        }

        #[test]
        fn bag_distance_is_a_lower_bound(a in "[abAB\u{e9}\u{130}z?]{0,12}", b in "[abAB\u{e9}\u{130}z?]{0,12}") {
            let (a, b) = (lower_chars(&a), lower_chars(&b));
            let full = Distance::default().within(&a, &b, a.len().max(b.len()));
            let (more, fewer) = bag_difference(&bag(&a), &bag(&b));
            prop_assert!(more.max(fewer) <= full);
        }

        #[test]
        fn fast_search_returns_what_the_full_scan_returned(
            service in 0usize..450,
            action in 0usize..1000,
            edits in proptest::collection::vec((0u8..5, 0usize..40, proptest::char::range('0', 'z')), 0..5),
            limit in 1usize..4,
        ) {
            let all = services();
            let service = all[service % all.len()];
            let names: Vec<&str> = service.actions().map(|a| a.name()).collect();
            let query = mutate(names[action % names.len()], &edits);
            prop_assert_eq!(suggest(&query, names.iter().copied(), limit), full_scan(&query, &names, limit), "{}", query);
            prop_assert_eq!(Names::new(names.iter().copied()).suggest(&query, limit), full_scan(&query, &names, limit), "{}", query);
            let prefixes: Vec<&str> = all.iter().map(|s| s.prefix()).collect();
            let prefix = mutate(service.prefix(), &edits);
            prop_assert_eq!(suggest(&prefix, prefixes.iter().copied(), 3), full_scan(&prefix, &prefixes, 3), "{}", prefix);
        }

        #[test]
        fn fast_search_on_any_text(query in "\\PC{0,12}", candidates in proptest::collection::vec("\\PC{0,12}", 0..12)) {
            let names: Vec<&str> = candidates.iter().map(String::as_str).collect();
            prop_assert_eq!(suggest(&query, names.iter().copied(), 3), full_scan(&query, &names, 3));
            let kept: Vec<&'static str> = candidates.into_iter().map(|c| &*Box::leak(c.into_boxed_str())).collect();
            prop_assert_eq!(Names::new(kept.iter().copied()).suggest(&query, 3), full_scan(&query, &kept, 3));
        }
    }
}

//! "Did you mean …?": close matches for a mistyped name.
//!
//! One pass over the candidates without allocating per candidate: a candidate whose length
//! differs from the query's by more than the allowed distance is only tested for containment,
//! and the distance of the others is computed in a band of the allowed width, stopping as soon
//! as it must exceed it. The answers are those of a full edit-distance scan (a property test
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
    /// The distance of `a` and `b` when it is at most `limit`, else `limit + 1`. A cell off
    /// the band `|i - j| <= limit` is over the limit, and so is every cell reached only through
    /// two rows over it (a transposition looks back two rows).
    fn within(&mut self, a: &[char], b: &[char], limit: usize) -> usize {
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
        for (j, cell) in self.previous.iter_mut().enumerate().take(limit.min(m) + 1) {
            *cell = j;
        }
        let mut previous_min = 0;
        for i in 1..=n {
            self.current.fill(over);
            let (low, high) = (i.saturating_sub(limit), (i + limit).min(m));
            let mut row_min = over;
            if low == 0 {
                self.current[0] = i;
                row_min = i;
            }
            for j in low.max(1)..=high {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (self.previous[j] + 1)
                    .min(self.current[j - 1] + 1)
                    .min(self.previous[j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(self.before_previous[j - 2] + 1);
                }
                let v = v.min(over);
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

/// Up to `limit` candidates closest to `query`: those within a distance of about a third of
/// the query's length (and not wholly different), plus candidates that contain the query or
/// that it contains.
/// Closest first, ties in candidate order.
pub fn suggest<'a, I>(query: &str, candidates: I, limit: usize) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let q = query.to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let q_chars = lower_chars(&q);
    let q_len = q.chars().count();
    let max = (q_len / 3).max(1);
    let mut distance = Distance::default();
    let (mut lc, mut lc_chars) = (String::new(), Vec::new());
    let mut scored: Vec<(usize, usize, &'a str)> = Vec::new();
    for (i, c) in candidates.into_iter().enumerate() {
        lc.clear();
        if c.is_ascii() {
            lc.push_str(c);
            lc.make_ascii_lowercase();
        } else {
            lc.push_str(&c.to_lowercase());
        }
        lc_chars.clear();
        lc_chars.extend(lc.chars().flat_map(char::to_lowercase));
        let d = distance.within(&q_chars, &lc_chars, max);
        // Replacing every letter is no match: `x` is not a typo of `q`.
        let shares_a_letter = d < q_len.max(lc.chars().count());
        if d <= max && shares_a_letter {
            scored.push((d, i, c));
        } else if q.len() >= 3 && (lc.contains(&q) || (lc.len() >= 4 && q.contains(&lc))) {
            scored.push((max + 1 + lc.len().abs_diff(q.len()), i, c));
        }
    }
    scored.sort();
    scored.dedup_by(|a, b| a.2 == b.2);
    scored.into_iter().take(limit).map(|(_, _, c)| c).collect()
}

/// " (did you mean a, b?)" or an empty string.
pub fn did_you_mean<S: AsRef<str>>(suggestions: &[S]) -> String {
    if suggestions.is_empty() {
        return String::new();
    }
    let list: Vec<&str> = suggestions.iter().map(AsRef::as_ref).collect();
    format!(" (did you mean {}?)", list.join(", "))
}

#[cfg(test)]
mod tests {
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
    fn one_letter_names_are_not_suggested_for_other_letters() {
        let prefixes = ["q", "s3", "sqs", "a4b"];
        for letter in ["x", "a", "Z"] {
            assert!(suggest(letter, prefixes, 3).is_empty(), "{letter}");
        }
        assert_eq!(suggest("Q", prefixes, 3), vec!["q"]);
        assert_eq!(suggest("q2", prefixes, 3), vec!["q"]);
        assert_eq!(suggest("s", prefixes, 3), vec!["s3"]);
    }

    /// The full table, every cell (the first version of this module).
    fn full_distance(a: &str, b: &str) -> usize {
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
    fn full_scan<'a>(query: &str, candidates: &[&'a str], limit: usize) -> Vec<&'a str> {
        let q = query.to_lowercase();
        if q.is_empty() {
            return Vec::new();
        }
        let max = (q.chars().count() / 3).max(1);
        let mut scored: Vec<(usize, usize, &'a str)> = Vec::new();
        for (i, c) in candidates.iter().enumerate() {
            let lc = c.to_lowercase();
            let d = full_distance(&q, &lc);
            let shares_a_letter = d < q.chars().count().max(lc.chars().count());
            if d <= max && shares_a_letter {
                scored.push((d, i, *c));
            } else if q.len() >= 3 && (lc.contains(&q) || (lc.len() >= 4 && q.contains(&lc))) {
                scored.push((max + 1 + lc.len().abs_diff(q.len()), i, *c));
            }
        }
        scored.sort();
        scored.dedup_by(|a, b| a.2 == b.2);
        scored.into_iter().take(limit).map(|(_, _, c)| c).collect()
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
            let prefixes: Vec<&str> = all.iter().map(|s| s.prefix()).collect();
            let prefix = mutate(service.prefix(), &edits);
            prop_assert_eq!(suggest(&prefix, prefixes.iter().copied(), 3), full_scan(&prefix, &prefixes, 3), "{}", prefix);
        }

        #[test]
        fn fast_search_on_any_text(query in "\\PC{0,12}", candidates in proptest::collection::vec("\\PC{0,12}", 0..12)) {
            let names: Vec<&str> = candidates.iter().map(String::as_str).collect();
            prop_assert_eq!(suggest(&query, names.iter().copied(), 3), full_scan(&query, &names, 3));
        }
    }
}

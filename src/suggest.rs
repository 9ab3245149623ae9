//! "Did you mean …?": close matches for a mistyped name.

/// Optimal-string-alignment distance (Levenshtein plus transpositions), case-insensitive.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
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
    let max = (q.chars().count() / 3).max(1);
    let mut scored: Vec<(usize, usize, &'a str)> = Vec::new();
    for (i, c) in candidates.into_iter().enumerate() {
        let lc = c.to_lowercase();
        let d = edit_distance(&q, &lc);
        // Replacing every letter is no match: `x` is not a typo of `q`.
        let shares_a_letter = d < q.chars().count().max(lc.chars().count());
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

    #[test]
    fn distance() {
        assert_eq!(edit_distance("getobject", "GetObject"), 0);
        assert_eq!(edit_distance("getobjct", "getobject"), 1);
        assert_eq!(edit_distance("getobjcet", "getobject"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
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
}

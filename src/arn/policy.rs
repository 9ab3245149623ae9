//! A policy's `Resource` against an ARN format of the data, as IAM reads the resource: a
//! pattern over the whole ARN where `*` is any run of characters (`:` and `/` included), `?`
//! is one character, a policy variable (`${aws:username}`) is unknown text (so `*`), and
//! `${*}`, `${?}`, `${$}` are those characters. `check` asks whether the pattern can match
//! SOME ARN of the format: whether the two languages intersect.
//!
//! One narrowing: in a resource with five `:` or more (every ARN written field by field),
//! the wildcards before the fifth `:` stay within their field. Otherwise the `*` of
//! `arn:aws:dynamodb:*:*:table/T/index/*` could span the whole ARN up to a stream label,
//! which holds any text here, and no ARN with a wildcard region or account could ever be
//! reported. A resource that means a `*` to span fields with five `:` after it
//! (`arn:aws:logs:*:log-group:g:*`) is read as having the account `log-group`.
//!
//! The format's language: its literal text; `${Partition}`, `${Region}`, `${Account}` and
//! any other name in the first five fields is a name without `:`, maybe empty (the pages
//! write `${Region}` for a few global resources whose ARNs have none);
//! a field the format leaves empty (S3's region and account) stays empty; a `*` the page
//! wrote (braket's `arn:${Partition}:braket:*:*:…`) is any run. A name in the resource part
//! is any non-empty text, `/` and `:` included (log group `/aws/lambda/f` before
//! `:log-stream:`, the `:*` AWS writes after a log group, object keys, parameter paths, role
//! paths, secret names): leniency here costs only missed findings, never a false alarm. One
//! exception keeps resource types apart that differ only by what follows a name: when
//! another format of the same ARN namespace continues a format with `/` after its last name
//! (`${BucketName}` by `${BucketName}/${ObjectName}`, `table/${TableName}` by
//! `table/${TableName}/stream/${StreamLabel}`), that name holds no `/` in any format of the
//! namespace — so an object ARN is no bucket, and a stream or index ARN no table. 150 formats
//! of the June 2026 pages are continued so; their last names are all IDs, or names AWS
//! forbids `/` in (buckets, tables, pipelines, containers).
//!
//! Intersection of two such patterns is decided by a walk over both at once (a product
//! automaton), one row of states per position of the policy's pattern: O(n·m) steps, two
//! rows of memory reused across formats.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::{fill_format, service_of, usable_format};
use crate::data::Service;

/// Which of `:` and `/` a run or a name may hold (every other character it may).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Class {
    colon: bool,
    slash: bool,
}

impl Class {
    const ANY: Class = Class {
        colon: true,
        slash: true,
    };
    /// A name in the first five fields.
    const FIELD: Class = Class {
        colon: false,
        slash: true,
    };
    /// The last name of a format another format continues with `/`.
    const NO_SLASH: Class = Class {
        colon: true,
        slash: false,
    };

    fn allows(self, byte: u8) -> bool {
        match byte {
            b':' => self.colon,
            b'/' => self.slash,
            _ => true,
        }
    }
}

/// One step of a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    /// This byte.
    Byte(u8),
    /// One character of the class.
    One(Class),
    /// A run of characters of the class, maybe empty.
    Run(Class),
}

impl Tok {
    /// Whether two one-character steps can read the same character.
    fn meets(self, other: Tok) -> bool {
        match (self, other) {
            (Tok::Byte(a), Tok::Byte(b)) => a == b,
            (Tok::Byte(b), Tok::One(c)) | (Tok::One(c), Tok::Byte(b)) => c.allows(b),
            // Every class holds letters.
            _ => true,
        }
    }

    /// Whether a run of `class` can read the one-character step `self`.
    fn within(self, class: Class) -> bool {
        match self {
            Tok::Byte(b) => class.allows(b),
            _ => true,
        }
    }
}

/// A policy's resource read as IAM reads it.
fn compile_resource(text: &str, out: &mut Vec<Tok>) {
    out.clear();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let tok = match bytes[i] {
            b'*' => Tok::Run(Class::ANY),
            b'?' => Tok::One(Class::ANY),
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                if let Some(len) = text[i + 2..].find('}') {
                    let variable = match &text[i + 2..i + 2 + len] {
                        "*" => Tok::Byte(b'*'),
                        "?" => Tok::Byte(b'?'),
                        "$" => Tok::Byte(b'$'),
                        _ => Tok::Run(Class::ANY),
                    };
                    variable.push_onto(out);
                    i += len + 3;
                    continue;
                }
                Tok::Byte(b'$')
            }
            b => Tok::Byte(b),
        };
        tok.push_onto(out);
        i += 1;
    }
    keep_wildcards_in_their_fields(out);
}

/// In a resource with five `:` or more, the wildcards before the fifth stay in their field
/// (module docs).
fn keep_wildcards_in_their_fields(toks: &mut [Tok]) {
    if toks.iter().filter(|t| **t == Tok::Byte(b':')).count() < 5 {
        return;
    }
    let mut colons = 0;
    for tok in toks.iter_mut() {
        match tok {
            Tok::Byte(b':') if colons == 4 => return,
            Tok::Byte(b':') => colons += 1,
            Tok::One(class) | Tok::Run(class) => *class = Class::FIELD,
            Tok::Byte(_) => {}
        }
    }
}

impl Tok {
    /// Push, merging a run into a run before it (`**` is `*`).
    fn push_onto(self, out: &mut Vec<Tok>) {
        if let (Tok::Run(_), Some(Tok::Run(_))) = (self, out.last()) {
            return;
        }
        out.push(self);
    }
}

/// An ARN format of the data as a language (module docs), and where its first five fields
/// end (after the fifth `:`). `None` for what is no format of six fields (`*`, `arn:aws:s3`).
fn compile_format(format: &str, out: &mut Vec<Tok>) -> Option<usize> {
    out.clear();
    let text = usable_format(format);
    if text.bytes().filter(|&b| b == b':').count() < 5 {
        return None;
    }
    let slashless = slashless_names(format);
    let bytes = text.as_bytes();
    let (mut i, mut colons, mut name, mut fields_end) = (0, 0, 0, 0);
    while i < bytes.len() {
        let in_fields = colons < 5;
        let placeholder = match bytes[i] {
            b'$' | b'{' => placeholder_len(&text[i..]),
            _ => None,
        };
        if let Some(len) = placeholder {
            let class = if in_fields {
                Class::FIELD
            } else if slashless & (1 << name.min(63)) != 0 {
                Class::NO_SLASH
            } else {
                Class::ANY
            };
            // A name in the first five fields may be empty: the pages write `${Region}`
            // for some global resources (ram, aws-marketplace) whose ARNs have none.
            if !in_fields {
                out.push(Tok::One(class));
            }
            Tok::Run(class).push_onto(out);
            (i, name) = (i + len, name + 1);
            continue;
        }
        match bytes[i] {
            b'*' if in_fields => Tok::Run(Class::FIELD).push_onto(out),
            b'*' => Tok::Run(Class::ANY).push_onto(out),
            b':' => {
                colons += 1;
                out.push(Tok::Byte(b':'));
                if colons == 5 {
                    fields_end = out.len();
                }
            }
            b => out.push(Tok::Byte(b)),
        }
        i += 1;
    }
    Some(fields_end)
}

/// The length of the placeholder `text` starts with: `${Name}`, or `{Name}` as a few pages
/// write it (D27).
fn placeholder_len(text: &str) -> Option<usize> {
    let open = if text.starts_with("${") {
        2
    } else if text.starts_with('{') {
        1
    } else {
        return None;
    };
    text[open..].find('}').map(|len| open + len + 1)
}

/// The names of a format's placeholders (`BucketName`), in order.
fn placeholder_names(format: &str) -> impl Iterator<Item = &str> {
    let mut rest = format;
    std::iter::from_fn(move || {
        loop {
            let at = rest.find(['$', '{'])?;
            match placeholder_len(&rest[at..]) {
                Some(len) => {
                    let name = rest[at..at + len].trim_start_matches('$');
                    rest = &rest[at + len..];
                    return Some(&name[1..name.len() - 1]);
                }
                None => rest = &rest[at + 1..],
            }
        }
    })
}

/// Which placeholders of `format` (bit k: the k-th) are names that hold no `/` (module
/// docs); 0 for a format not in the data.
pub(super) fn slashless_names(format: &str) -> u64 {
    static MASKS: OnceLock<Masks> = OnceLock::new();
    MASKS
        .get_or_init(slashless_masks)
        .get(format)
        .copied()
        .unwrap_or(0)
}

/// [`slashless_names`] by format. Looked up for every (resource, format) pair `check` walks:
/// FNV-1a hashes a format several times faster than the default SipHash, and the keys are
/// the data's own.
type Masks = HashMap<&'static str, u64, std::hash::BuildHasherDefault<Fnv>>;

#[derive(Default)]
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

/// The data's formats by ARN namespace, each with its resource part, every name written `*`.
fn formats_by_namespace() -> HashMap<&'static str, Vec<(&'static str, String)>> {
    let mut by_namespace: HashMap<&'static str, Vec<(&'static str, String)>> = HashMap::new();
    for rt in Service::all().flat_map(Service::resource_types) {
        let format = rt.arn_format();
        let filled = fill_format(format, super::Partition::Aws);
        let (Some(namespace), Some(resource)) = (
            service_of(usable_format(format)),
            filled.splitn(6, ':').nth(5),
        ) else {
            continue;
        };
        let resource = resource.to_string();
        by_namespace
            .entry(namespace)
            .or_default()
            .push((format, resource));
    }
    by_namespace
}

/// For every format of the data that has one, the mask of [`slashless_names`]: the names that
/// end a format another format of the namespace continues with `/` (`BucketName`, by
/// `${BucketName}/${ObjectName}`), wherever the namespace's formats use them.
fn slashless_masks() -> Masks {
    let mut masks = Masks::default();
    for formats in formats_by_namespace().values() {
        let continued = |resource: &String| {
            resource.ends_with('*')
                && formats.iter().any(|(_, other)| {
                    other
                        .strip_prefix(resource.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
                })
        };
        let slashless: HashSet<&str> = formats
            .iter()
            .filter(|(_, resource)| continued(resource))
            .filter_map(|(format, _)| placeholder_names(format).last())
            .collect();
        for (format, _) in formats {
            let mask = placeholder_names(format)
                .enumerate()
                .filter(|(k, name)| *k < 64 && slashless.contains(name))
                .fold(0u64, |mask, (k, _)| mask | 1 << k);
            if mask != 0 {
                masks.insert(*format, mask);
            }
        }
    }
    masks
}

/// One policy resource matched against many formats: compiled once, buffers reused.
#[derive(Debug, Default)]
pub(super) struct PolicyResource {
    pattern: Vec<Tok>,
    /// Where its first five fields end (after the fifth `:`) when it is written field by
    /// field: then fields and resource parts are walked apart, and the fields' answer is kept
    /// for the next format with the same fields (most formats of a statement share them).
    fields_end: Option<usize>,
    /// The service field when it is plain text in a resource written field by field: formats
    /// of other services are rejected without a walk.
    service: Option<String>,
    /// The plain text that starts its resource part (`table/T` of `…:table/T*`), when written
    /// field by field: formats whose resource part starts otherwise are rejected unwalked.
    resource_start: Option<Vec<u8>>,
    format: Vec<Tok>,
    /// The last format's first five fields, and whether the resource's can match them.
    last_fields: Option<(String, bool)>,
    row: Vec<bool>,
    next_row: Vec<bool>,
}

impl PolicyResource {
    pub(super) fn new(resource: &str) -> PolicyResource {
        let mut out = PolicyResource::default();
        compile_resource(resource, &mut out.pattern);
        out.fields_end = fields_end(&out.pattern);
        if let Some(end) = out.fields_end {
            out.service = resource
                .split(':')
                .nth(2)
                .filter(|s| !s.contains(['*', '?', '$']))
                .map(str::to_string);
            out.resource_start = Some(
                out.pattern[end..]
                    .iter()
                    .map_while(|t| match t {
                        Tok::Byte(b) => Some(*b),
                        _ => None,
                    })
                    .collect(),
            );
        }
        out
    }

    /// Whether the resource can match some ARN of `format`.
    pub(super) fn matches(&mut self, format: &str) -> bool {
        let text = usable_format(format);
        let Some(colons) = first_colons(text) else {
            return false;
        };
        if self.other_service_field(&text[colons[1] + 1..colons[2]])
            || self.other_resource_start(&text[colons[4] + 1..])
        {
            return false;
        }
        let Some(theirs) = compile_format(format, &mut self.format) else {
            return false;
        };
        match self.fields_end {
            Some(mine) => {
                self.fields_can_match(&text[..colons[4]], theirs)
                    && intersects(
                        &self.pattern[mine..],
                        &self.format[theirs..],
                        &mut self.row,
                        &mut self.next_row,
                    )
            }
            None => intersects(
                &self.pattern,
                &self.format,
                &mut self.row,
                &mut self.next_row,
            ),
        }
    }

    /// Whether the resource, written field by field, has first five fields that can match
    /// those of `format` (the resource part aside).
    pub(super) fn fields_match(&mut self, format: &str) -> bool {
        let text = usable_format(format);
        let Some(colons) = first_colons(text) else {
            return false;
        };
        if self.fields_end.is_none() || self.other_service_field(&text[colons[1] + 1..colons[2]]) {
            return false;
        }
        compile_format(format, &mut self.format)
            .is_some_and(|theirs| self.fields_can_match(&text[..colons[4]], theirs))
    }

    /// [`PolicyResource::fields_match`] for the format just compiled, whose first five
    /// `fields` (their text) end at token `theirs`.
    fn fields_can_match(&mut self, fields: &str, theirs: usize) -> bool {
        if let Some((last, answer)) = &self.last_fields
            && last == fields
        {
            return *answer;
        }
        let mine = self.fields_end.unwrap_or(self.pattern.len());
        let answer = intersects(
            &self.pattern[..mine],
            &self.format[..theirs],
            &mut self.row,
            &mut self.next_row,
        );
        self.last_fields = Some((fields.to_string(), answer));
        answer
    }

    /// Whether the plain starts of the two resource parts disagree (the walk would fail).
    fn other_resource_start(&self, theirs: &str) -> bool {
        let Some(mine) = &self.resource_start else {
            return false;
        };
        let theirs = &theirs.as_bytes()[..theirs.find(['$', '{', '*']).unwrap_or(theirs.len())];
        let n = mine.len().min(theirs.len());
        mine[..n] != theirs[..n]
    }

    /// Whether `format` names a service other than the resource's: no walk needed.
    pub(super) fn other_service(&self, format: &str) -> bool {
        let text = usable_format(format);
        first_colons(text).is_some_and(|c| self.other_service_field(&text[c[1] + 1..c[2]]))
    }

    fn other_service_field(&self, theirs: &str) -> bool {
        self.service
            .as_ref()
            .is_some_and(|service| !theirs.contains(['{', '*']) && theirs != service)
    }
}

/// Where the first five fields of a resource written field by field end: after its fifth
/// `:`, whose wildcards before it stay in their fields (`keep_wildcards_in_their_fields`).
fn fields_end(pattern: &[Tok]) -> Option<usize> {
    let mut colons = 0;
    pattern
        .iter()
        .position(|t| {
            colons += usize::from(*t == Tok::Byte(b':'));
            colons == 5
        })
        .map(|at| at + 1)
}

/// Where the first five `:` of `text` are, if it has five.
fn first_colons(text: &str) -> Option<[usize; 5]> {
    let mut at = [0; 5];
    let mut found = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b':' {
            at[found] = i;
            found += 1;
            if found == 5 {
                return Some(at);
            }
        }
    }
    None
}

/// Whether some text is in both languages. State (i, j): the first i steps of the pattern and
/// the first j of the format have read the same text. A row is one i; moves within a row (the
/// format's run reads nothing, the pattern's run reads the format's next character) go left
/// to right, so one pass closes it.
fn intersects(pattern: &[Tok], format: &[Tok], row: &mut Vec<bool>, next: &mut Vec<bool>) -> bool {
    let m = format.len();
    row.clear();
    row.resize(m + 1, false);
    next.resize(m + 1, false);
    row[0] = true;
    for i in 0..=pattern.len() {
        let step = pattern.get(i).copied();
        for j in 0..m {
            let moves = row[j]
                && match (format[j], step) {
                    (Tok::Run(_), _) => true,
                    (f, Some(Tok::Run(class))) => f.within(class),
                    _ => false,
                };
            if moves {
                row[j + 1] = true;
            }
        }
        let Some(step) = step else {
            return row[m];
        };
        next.fill(false);
        let mut alive = false;
        for (j, _) in row.iter().enumerate().filter(|(_, reached)| **reached) {
            let to = match (step, format.get(j).copied()) {
                (Tok::Run(_), _) => Some(j),
                (_, Some(Tok::Run(class))) => step.within(class).then_some(j),
                (_, Some(f)) => step.meets(f).then_some(j + 1),
                (_, None) => None,
            };
            if let Some(to) = to {
                next[to] = true;
                alive = true;
            }
        }
        if !alive {
            return false;
        }
        std::mem::swap(row, next);
    }
    unreachable!("the last row returns")
}

/// Whether one policy resource covers another, both read as IAM reads them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coverage {
    /// Every ARN the inner pattern matches, the outer matches too.
    Covers,
    /// Some ARN the inner pattern matches, the outer does not (one was found).
    DoesNotCover,
    /// Neither could be shown: review by hand.
    Unsure,
}

/// Whether `outer` covers every ARN `inner` can match ([`Coverage`]). Shown by walking both
/// at once where each step of `inner` is read by a step of `outer` that reads at least as much
/// (a character by `?` or `*`, a `?` by `?` or `*`, a `*` only by a `*`); refuted by a sample
/// ARN of `inner` (its runs empty, or one filler character) that `outer` does not match.
pub(super) fn covers(outer: &str, inner: &str) -> Coverage {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    compile_resource(outer, &mut a);
    compile_resource(inner, &mut b);
    if steps_cover(&a, &b) {
        return Coverage::Covers;
    }
    // The filler: no character a pattern can write, so only wildcards read it.
    for run in [&[][..], &[Tok::Byte(0)][..]] {
        let sample: Vec<Tok> = b
            .iter()
            .flat_map(|t| match t {
                Tok::Byte(_) => std::slice::from_ref(t),
                Tok::One(_) => &[Tok::Byte(0)][..],
                Tok::Run(_) => run,
            })
            .copied()
            .collect();
        if !intersects(&a, &sample, &mut Vec::new(), &mut Vec::new()) {
            return Coverage::DoesNotCover;
        }
    }
    Coverage::Unsure
}

/// What [`covers`] says of a text without wildcards or variables (an ARN of a request): for
/// such a text, covering is matching, so the two patterns' sampling is not needed. One pass
/// over the text with the set of pattern steps reached.
pub(super) fn matches_text(pattern: &str, text: &str) -> bool {
    let mut toks = Vec::new();
    compile_resource(pattern, &mut toks);
    if toks.len() < 128 {
        matches_text_by_mask(&toks, text)
    } else {
        matches_text_by_list(&toks, text)
    }
}

/// [`matches_text`] for a pattern of any length: the steps reached, one flag each.
fn matches_text_by_list(toks: &[Tok], text: &str) -> bool {
    let n = toks.len();
    let (mut reached, mut next) = (vec![false; n + 1], vec![false; n + 1]);
    reached[0] = true;
    skip_runs(toks, &mut reached);
    for &byte in text.as_bytes() {
        next.fill(false);
        for (i, tok) in toks.iter().enumerate().filter(|(i, _)| reached[*i]) {
            match *tok {
                Tok::Run(class) if class.allows(byte) => next[i] = true,
                Tok::One(class) if class.allows(byte) => next[i + 1] = true,
                Tok::Byte(b) if b == byte => next[i + 1] = true,
                _ => {}
            }
        }
        skip_runs(toks, &mut next);
        if !next.contains(&true) {
            return false;
        }
        std::mem::swap(&mut reached, &mut next);
    }
    reached[n]
}

/// [`matches_text`] for a pattern of fewer than 128 steps: the steps reached are the bits of
/// one number, and each byte of the text visits only those (most patterns of a policy have a
/// few reached at a time), not every step.
fn matches_text_by_mask(toks: &[Tok], text: &str) -> bool {
    let runs = toks
        .iter()
        .enumerate()
        .filter(|(_, t)| matches!(t, Tok::Run(_)))
        .fold(0u128, |mask, (i, _)| mask | 1 << i);
    // A run may read nothing: a reached run reaches the step after it (runs never follow runs,
    // `push_onto` merges them, but a loop costs nothing when they do not).
    let skip_runs = |mut reached: u128| loop {
        let more = reached | (reached & runs) << 1;
        if more == reached {
            return reached;
        }
        reached = more;
    };
    let mut reached = skip_runs(1);
    for &byte in text.as_bytes() {
        let mut next = 0u128;
        let mut visit = reached;
        while visit != 0 {
            let i = visit.trailing_zeros() as usize;
            visit &= visit - 1;
            match toks.get(i) {
                Some(Tok::Run(class)) if class.allows(byte) => next |= 1 << i,
                Some(Tok::One(class)) if class.allows(byte) => next |= 1 << (i + 1),
                Some(Tok::Byte(b)) if *b == byte => next |= 1 << (i + 1),
                _ => {}
            }
        }
        if next == 0 {
            return false;
        }
        reached = skip_runs(next);
    }
    reached & 1 << toks.len() != 0
}

/// A run may read nothing: a reached run reaches the step after it.
fn skip_runs(toks: &[Tok], reached: &mut [bool]) {
    for (i, tok) in toks.iter().enumerate() {
        if reached[i] && matches!(tok, Tok::Run(_)) {
            reached[i + 1] = true;
        }
    }
}

/// Whether some ARN matches both policy resources.
pub(super) fn overlap(one: &str, other: &str) -> bool {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    compile_resource(one, &mut a);
    compile_resource(other, &mut b);
    intersects(&a, &b, &mut Vec::new(), &mut Vec::new())
}

/// The walk of [`covers`]: state (i, j) when the first i steps of `outer` have read the first
/// j of `inner`.
fn steps_cover(outer: &[Tok], inner: &[Tok]) -> bool {
    let (n, m) = (outer.len(), inner.len());
    let mut reached = vec![false; (n + 1) * (m + 1)];
    reached[0] = true;
    for i in 0..=n {
        for j in 0..=m {
            if !reached[i * (m + 1) + j] {
                continue;
            }
            let (Some(&a), next) = (outer.get(i), inner.get(j).copied()) else {
                continue;
            };
            if let Tok::Run(_) = a {
                reached[(i + 1) * (m + 1) + j] = true;
            }
            let Some(b) = next else { continue };
            match (a, b) {
                (Tok::Run(ca), _) if reads_all(ca, b) => reached[i * (m + 1) + j + 1] = true,
                (Tok::One(ca), Tok::Byte(_) | Tok::One(_)) if reads_all(ca, b) => {
                    reached[(i + 1) * (m + 1) + j + 1] = true
                }
                (Tok::Byte(x), Tok::Byte(y)) if x == y => reached[(i + 1) * (m + 1) + j + 1] = true,
                _ => {}
            }
        }
    }
    reached[n * (m + 1) + m]
}

/// Whether a step of class `class` reads every character the step `step` reads.
fn reads_all(class: Class, step: Tok) -> bool {
    match step {
        Tok::Byte(b) => class.allows(b),
        Tok::One(c) | Tok::Run(c) => (class.colon || !c.colon) && (class.slash || !c.slash),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(resource: &str, format: &str) -> bool {
        PolicyResource::new(resource).matches(format)
    }

    #[test]
    fn resources_compile_as_iam_reads_them() {
        let mut out = Vec::new();
        compile_resource("a*?${aws:username}${*}${?}${$}${x", &mut out);
        use Tok::*;
        let any = Class::ANY;
        assert_eq!(
            out,
            [
                Byte(b'a'),
                Run(any),
                One(any),
                Run(any),
                Byte(b'*'),
                Byte(b'?'),
                Byte(b'$'),
                Byte(b'$'),
                Byte(b'{'),
                Byte(b'x')
            ]
        );
    }

    #[test]
    fn glob_intersection() {
        let object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
        let bucket = "arn:${Partition}:s3:::${BucketName}";
        assert!(m("arn:aws:s3:::b/*", object));
        assert!(!m("arn:aws:s3:::b/*", bucket));
        assert!(m("arn:aws:s3:::my-bucket*", object));
        assert!(m("arn:aws:s3:::my-bucket*", bucket));
        assert!(m("arn:aws:s3:::*", object));
        assert!(!m("arn:aws:s3:::*/*", bucket));
        // Empty fields stay empty; a `*` may be empty.
        assert!(!m("arn:aws:s3:us-east-1:123456789012:b/k", object));
        assert!(m("arn:aws:s3:*:*:b/k", object));
        assert!(!m("arn:aws:s3:?*:*:b/k", object));
        // With fewer than five `:`, `?` may be a `:`: the bucket name then holds `:b`.
        assert!(m("arn:aws:s3:?*:b/k", object));
        // A name is never empty.
        assert!(!m("arn:aws:s3:::/k", object));
        assert!(!m("arn:aws:s3:::", bucket));
        // `*` and `?` cross fields, as in IAM.
        assert!(m("arn:aws:s3*", object));
        assert!(m("arn:*:b/k", object));
        assert!(m("arn:aws:s?:::b", bucket));
        assert!(!m("arn:aws:s?:::b", object));
        assert!(!m("arn:aws:sqs:*:*:b", bucket));
        // Policy variables are unknown text; `${*}` is a literal `*`.
        assert!(m("arn:aws:s3:::b/home/${aws:username}/*", object));
        assert!(m("arn:aws:s3:::b/${*}", object));
        assert!(!m(
            "arn:aws:s3:::b${*}",
            "arn:${Partition}:s3:::${BucketName}/x"
        ));
        assert!(!m("*", "*"));
        assert!(!m("arn:aws:s3", "arn:aws:s3"));
    }

    #[test]
    fn names_hold_slashes_and_colons() {
        let group = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}";
        let stream = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}";
        let lambda = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/my-func:*";
        assert!(m(lambda, group) && m(lambda, stream));
        let codebuild =
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/codebuild/proj:log-stream:*";
        assert!(m(codebuild, stream));
        assert!(!m(
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/x",
            stream
        ));
        let table = "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}";
        let table_stream = "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}/stream/${StreamLabel}";
        assert!(m("arn:aws:dynamodb:*:*:table/*", table_stream));
        assert!(m("arn:aws:dynamodb:*:*:table/T/stream/*", table_stream));
        assert!(!m("arn:aws:dynamodb:*:*:table/T/stream/*", table));
        assert!(!m("arn:aws:dynamodb:*:*:table/T/index/*", table_stream));
        // The fields stay in place: a name there holds no `:`, and nor does a wildcard of a
        // resource written field by field.
        assert!(!m("arn:aws:dynamodb:a:b:c:table/T", table));
        assert!(!m("arn:aws:dynamodb:*:*:*:table/T", table));
        assert!(m("arn:aws:dynamodb:*:table/T", table));
        let function = "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}";
        assert!(!m("arn:aws:lambda:*:*:functions:f", function));
        assert!(m("arn:aws:lambda:*:*:function:f:*", function));
    }

    #[test]
    fn slashless_names_come_from_the_data() {
        let masks = slashless_masks();
        for (format, mask) in [
            ("arn:${Partition}:s3:::${BucketName}", 0b10),
            ("arn:${Partition}:s3:::${BucketName}/${ObjectName}", 0b010),
            (
                "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}",
                0b1000,
            ),
            (
                "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}/stream/${StreamLabel}",
                0b01000,
            ),
        ] {
            assert_eq!(masks.get(format), Some(&mask), "{format}");
        }
        for format in [
            "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}",
            "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}",
            "arn:${Partition}:events:${Region}:${Account}:event-bus/${EventBusName}",
        ] {
            assert_eq!(masks.get(format), None, "{format}");
        }
        let names: Vec<&str> = placeholder_names("arn:${Partition}:x:::a/{Date}/$/${B}").collect();
        assert_eq!(names, ["Partition", "Date", "B"]);
    }

    /// Whether `toks` reads all of `text` (the oracle: plain recursion).
    fn accepts(toks: &[Tok], text: &[u8]) -> bool {
        match (toks.first(), text.first()) {
            (None, _) => text.is_empty(),
            (Some(Tok::Run(c)), _) => {
                accepts(&toks[1..], text)
                    || text
                        .first()
                        .is_some_and(|&b| c.allows(b) && accepts(toks, &text[1..]))
            }
            (Some(_), None) => false,
            (Some(&t), Some(&b)) => t.meets(Tok::Byte(b)) && accepts(&toks[1..], &text[1..]),
        }
    }

    fn tok() -> impl Strategy<Value = Tok> {
        let class =
            (any::<bool>(), any::<bool>()).prop_map(|(colon, slash)| Class { colon, slash });
        prop_oneof![
            prop::sample::select(&b"a/:"[..]).prop_map(Tok::Byte),
            class.clone().prop_map(Tok::One),
            class.prop_map(Tok::Run),
        ]
    }

    proptest! {
        /// The walk agrees with trying every text over `a`, `/`, `:` up to the longest a
        /// shortest common text can be (one character per step that is not a run).
        #[test]
        fn intersection_agrees_with_brute_force(
            pattern in prop::collection::vec(tok(), 0..5),
            format in prop::collection::vec(tok(), 0..5),
        ) {
            let longest = [&pattern, &format]
                .iter()
                .map(|t| t.iter().filter(|t| !matches!(t, Tok::Run(_))).count())
                .sum::<usize>();
            let mut texts: Vec<Vec<u8>> = vec![Vec::new()];
            let mut brute = false;
            for _ in 0..=longest {
                if texts.iter().any(|t| accepts(&pattern, t) && accepts(&format, t)) {
                    brute = true;
                    break;
                }
                texts = texts
                    .iter()
                    .flat_map(|t| b"a/:".iter().map(move |&b| [t.as_slice(), &[b]].concat()))
                    .collect();
            }
            let walk = intersects(&pattern, &format, &mut Vec::new(), &mut Vec::new());
            prop_assert_eq!(walk, brute, "{:?} {:?}", pattern, format);
        }

        /// A policy resource made from a real ARN of a format by turning parts of it into
        /// wildcards matches the format.
        #[test]
        fn wildcards_over_an_arn_still_match(
            index in 0usize..100_000,
            name in "[a-z0-9]{1,4}(/[a-z0-9]{1,4}){0,2}",
            cuts in prop::collection::vec((0usize..200, 0usize..6, any::<bool>()), 0..3),
        ) {
            let formats: Vec<&str> = Service::all()
                .flat_map(|s| s.resource_types().map(|r| r.arn_format()))
                .collect();
            let format = formats[index % formats.len()];
            let name = if slashless_names(format) != 0 { name.replace('/', "-") } else { name };
            let mut arn = fill_format(format, super::super::Partition::Aws).replace('*', &name);
            for (at, len, star) in cuts {
                let at = at % (arn.len() + 1);
                let mut end = (at + len).min(arn.len());
                // A wildcard stays in its field before the fifth `:` (module docs).
                let fields_end = arn.match_indices(':').nth(4).map_or(0, |(i, _)| i);
                if at <= fields_end {
                    end = end.min(at + arn[at..].find(':').unwrap_or(0));
                }
                // A later cut over an earlier wildcard would narrow it (`*` over "ar" then `?`).
                if arn[at..end].contains(['*', '?']) {
                    continue;
                }
                let with = if star { "*" } else { &"?".repeat(end - at) };
                arn.replace_range(at..end, with);
            }
            prop_assert!(PolicyResource::new(&arn).matches(format), "{} {}", arn, format);
        }

        #[test]
        fn never_panics(resource in "\\PC{0,40}", format in "\\PC{0,60}") {
            let _ = PolicyResource::new(&resource).matches(&format);
        }
    }

    #[test]
    fn coverage_of_resources() {
        use Coverage::*;
        let cases = [
            ("*", "arn:aws:s3:::b/x", Covers),
            ("*", "*", Covers),
            ("arn:aws:s3:::b/*", "arn:aws:s3:::b/x", Covers),
            ("arn:aws:s3:::b/*", "arn:aws:s3:::b/x/*", Covers),
            ("arn:aws:s3:::b/*", "arn:aws:s3:::b/?", Covers),
            ("arn:aws:s3:::b/?", "arn:aws:s3:::b/*", DoesNotCover),
            ("arn:aws:s3:::b/x", "arn:aws:s3:::b/*", DoesNotCover),
            ("arn:aws:s3:::b/*", "*", DoesNotCover),
            ("arn:aws:s3:::b/*", "arn:aws:s3:::c/*", DoesNotCover),
            ("arn:aws:s3:::b/*", "arn:aws:s3:::b/*", Covers),
            // Both mean "at least one character": true, but not shown step by step.
            ("arn:aws:s3:::b/?*", "arn:aws:s3:::b/*?", Unsure),
            // A region's `*` stays in its field; the inner one spans fields.
            (
                "arn:aws:ec2:*:*:instance/*",
                "arn:aws:ec2:*:*:instance/i-1",
                Covers,
            ),
            (
                "arn:aws:iam::*:role/a*",
                "arn:aws:iam::*:role/a${aws:username}",
                Covers,
            ),
            (
                "arn:aws:iam::*:role/a",
                "arn:aws:iam::*:role/${aws:username}",
                DoesNotCover,
            ),
        ];
        for (outer, inner, expected) in cases {
            assert_eq!(covers(outer, inner), expected, "{outer} ⊇ {inner}");
        }
        assert!(overlap("arn:aws:s3:::b/x", "arn:aws:s3:::b/*"));
        assert!(overlap("*", "arn:aws:s3:::b/*"));
        assert!(!overlap("arn:aws:s3:::c/x", "arn:aws:s3:::b/*"));
    }

    proptest! {
        /// For a text without wildcards, matching is what covers says.
        #[test]
        fn matches_text_is_covers_for_plain_texts(outer in "[ab*?/:]{0,8}", inner in "[ab/:]{0,8}") {
            prop_assert_eq!(matches_text(&outer, &inner), covers(&outer, &inner) == Coverage::Covers);
        }

        /// The bit-mask walk and the list walk agree, on ARNs whose wildcards keep to their
        /// fields too.
        #[test]
        fn mask_walk_is_list_walk(
            outer in "(arn:aws:s3:[a*]?:[1*]?:)?[ab*?/:]{0,10}",
            inner in "(arn:aws:s3:a?:1?:)?[ab/:]{0,10}",
        ) {
            let mut toks = Vec::new();
            compile_resource(&outer, &mut toks);
            prop_assert_eq!(matches_text_by_mask(&toks, &inner), matches_text_by_list(&toks, &inner));
        }

        /// Covers is never claimed where a sample of the inner pattern escapes the outer one.
        #[test]
        fn covers_is_sound(outer in "[ab*?/]{0,6}", inner in "[ab*?/]{0,6}", fill in "[ab/]{0,3}") {
            if covers(&outer, &inner) == Coverage::Covers {
                let sample: String = inner.chars().map(|c| match c {
                    '*' => fill.clone(),
                    '?' => "a".to_string(),
                    c => c.to_string(),
                }).collect();
                prop_assert!(overlap(&outer, &sample), "{outer} ⊇ {inner} but not {sample}");
            }
        }
    }
}

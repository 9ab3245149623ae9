//! `write-policy --max-size N` / `--fit KIND`: policies that each fit IAM's size limit and
//! together grant exactly what the one written policy grants.
//!
//! A policy that fits is returned as written. Otherwise it is first tightened without changing
//! what it grants (statements with the same effect, condition and resources merged, their
//! actions shortened to the safe wildcards of `--minimize`, then statements with the same
//! effect, condition and actions merged), and, if still too large, split: statements too large
//! for a policy of their own are cut along their action or resource list, then the pieces are
//! packed first-fit decreasing. Each policy gets its own copy of the template's guards, over
//! its own actions: a `Deny` in a policy that is not attached does not guard anything, and the
//! policies of a split may well be attached to different principals.

use std::cmp::Reverse;
use std::collections::HashSet;

use super::conditions::unique_sid;
use super::minimize::{MinimizeCache, minimize_actions};
use super::policy::{WrittenPolicy, WrittenStatement};
use super::{Warning, WriteError, WriteOptions, guards, write_unguarded};
use crate::template::Template;

/// The policies for a size limit, with the sizes met on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fitted {
    /// One policy when it fits (as written, or tightened); else several, each within the limit.
    pub policies: Vec<WrittenPolicy>,
    pub warnings: Vec<Warning>,
    /// The size of the policy as written (characters without whitespace).
    pub written_size: usize,
    /// Its size once tightened, when it did not fit as written.
    pub tightened_size: Option<usize>,
}

/// Write the template's policy within `limit` characters without whitespace, splitting it into
/// several policies when it cannot fit in one.
pub fn write_fitted(
    template: &Template,
    options: &WriteOptions,
    limit: usize,
) -> Result<Fitted, WriteError> {
    let mut warnings = Vec::new();
    let unguarded = write_unguarded(template, options, &mut warnings)?;
    let written = guards::append(
        unguarded.clone(),
        &template.guards,
        options.minimize,
        &mut warnings,
    );
    let written_size = written.size_without_whitespace();
    if written_size <= limit {
        return Ok(Fitted {
            policies: vec![written],
            warnings,
            written_size,
            tightened_size: None,
        });
    }
    let min_length = options.minimize.unwrap_or(0);
    // The guards' warnings were given for the whole policy already.
    let guard = |policy: WrittenPolicy| {
        guards::append(policy, &template.guards, Some(min_length), &mut Vec::new())
    };
    let tightened = tighten(unguarded, min_length);
    let whole = guard(tightened.clone());
    let tightened_size = Some(whole.size_without_whitespace());
    let policies = if whole.size_without_whitespace() <= limit {
        vec![whole]
    } else {
        split(tightened.statements, limit, &guard)?
    };
    Ok(Fitted {
        policies,
        warnings,
        written_size,
        tightened_size,
    })
}

/// The same grants in fewer characters: statements of the same effect, condition and
/// resources merged and their actions minimized; then those with the same actions merged.
fn tighten(policy: WrittenPolicy, min_length: usize) -> WrittenPolicy {
    let same_scope = |a: &WrittenStatement, b: &WrittenStatement| {
        a.effect == b.effect && a.condition == b.condition
    };
    let mut by_resources: Vec<WrittenStatement> = Vec::new();
    for mut statement in policy.statements {
        statement.resource.sort();
        statement.resource.dedup();
        match by_resources
            .iter_mut()
            .find(|s| same_scope(s, &statement) && s.resource == statement.resource)
        {
            Some(earlier) => earlier.action.append(&mut statement.action),
            None => by_resources.push(statement),
        }
    }
    let mut cache = MinimizeCache::default();
    let mut by_actions: Vec<WrittenStatement> = Vec::new();
    for mut statement in by_resources {
        statement.action = minimize_actions(&statement.action, min_length, &mut cache);
        match by_actions
            .iter_mut()
            .find(|s| same_scope(s, &statement) && s.action == statement.action)
        {
            Some(earlier) => {
                earlier.resource.append(&mut statement.resource);
                earlier.resource.sort();
                earlier.resource.dedup();
            }
            None => by_actions.push(statement),
        }
    }
    WrittenPolicy {
        version: policy.version,
        statements: by_actions,
    }
}

/// A statement or a cut of one, with its place in the policy (statement, cut) for ordering.
type Piece = ((usize, usize), WrittenStatement);

/// The policy of some pieces, in statement order, SIDs made unique, guards appended.
fn assemble(pieces: &[&Piece], guard: &dyn Fn(WrittenPolicy) -> WrittenPolicy) -> WrittenPolicy {
    let mut ordered: Vec<&Piece> = pieces.to_vec();
    ordered.sort_by_key(|(place, _)| *place);
    let mut used = HashSet::new();
    let statements = ordered
        .into_iter()
        .map(|(_, statement)| WrittenStatement {
            sid: unique_sid(&statement.sid, &mut used),
            ..statement.clone()
        })
        .collect();
    guard(WrittenPolicy::new(statements))
}

fn fits(pieces: &[&Piece], limit: usize, guard: &dyn Fn(WrittenPolicy) -> WrittenPolicy) -> bool {
    assemble(pieces, guard).size_without_whitespace() <= limit
}

/// Cut the statements too large for a policy of their own, then pack the pieces first-fit
/// decreasing: the largest first, each into the first policy it fits in.
fn split(
    statements: Vec<WrittenStatement>,
    limit: usize,
    guard: &dyn Fn(WrittenPolicy) -> WrittenPolicy,
) -> Result<Vec<WrittenPolicy>, WriteError> {
    let mut pieces: Vec<Piece> = Vec::new();
    for (index, statement) in statements.into_iter().enumerate() {
        let before = pieces.len();
        cut(statement, index, limit, guard, &mut pieces)?;
        for (n, piece) in pieces[before..].iter_mut().enumerate() {
            piece.0 = (index, n);
        }
    }
    let size = |(_, s): &Piece| serde_json::to_string(s).map_or(0, |t| t.len());
    pieces.sort_by_key(|piece| Reverse(size(piece)));
    let mut bins: Vec<Vec<&Piece>> = Vec::new();
    for piece in &pieces {
        let slot = bins.iter_mut().find(|bin| {
            let mut with = bin.to_vec();
            with.push(piece);
            fits(&with, limit, guard)
        });
        match slot {
            Some(bin) => bin.push(piece),
            None => bins.push(vec![piece]),
        }
    }
    // Policies in the order of their first statement.
    bins.sort_by_key(|bin| bin.iter().map(|(place, _)| *place).min());
    Ok(bins.iter().map(|bin| assemble(bin, guard)).collect())
}

/// `statement` as pieces that each fit in a policy of their own: whole when it fits, else its
/// longer list (actions or resources) cut into runs, greedily, each run cut again if needed.
fn cut(
    statement: WrittenStatement,
    index: usize,
    limit: usize,
    guard: &dyn Fn(WrittenPolicy) -> WrittenPolicy,
    out: &mut Vec<Piece>,
) -> Result<(), WriteError> {
    let piece: Piece = ((index, 0), statement);
    if fits(&[&piece], limit, guard) {
        out.push(piece);
        return Ok(());
    }
    let statement = piece.1;
    let chars = |list: &[String]| list.iter().map(String::len).sum::<usize>();
    let (actions, resources) = (statement.action.len(), statement.resource.len());
    let by_actions = match (actions > 1, resources > 1) {
        (false, false) => return Err(cannot_fit(&piece_of(statement), limit, guard)),
        (true, false) => true,
        (false, true) => false,
        (true, true) => chars(&statement.action) >= chars(&statement.resource),
    };
    let list = if by_actions {
        &statement.action
    } else {
        &statement.resource
    };
    let with = |items: &[String]| {
        let mut s = statement.clone();
        if by_actions {
            s.action = items.to_vec();
        } else {
            s.resource = items.to_vec();
        }
        s
    };
    let mut run: Vec<String> = Vec::new();
    for item in list {
        run.push(item.clone());
        if run.len() > 1 && !fits(&[&((index, 0), with(&run))], limit, guard) {
            let last = run.pop().expect("just pushed");
            cut(with(&run), index, limit, guard, out)?;
            run = vec![last];
        }
    }
    cut(with(&run), index, limit, guard, out)
}

fn piece_of(statement: WrittenStatement) -> Piece {
    ((0, 0), statement)
}

fn cannot_fit(
    piece: &Piece,
    limit: usize,
    guard: &dyn Fn(WrittenPolicy) -> WrittenPolicy,
) -> WriteError {
    let statement = &piece.1;
    let first = |list: &[String]| list.first().cloned().unwrap_or_default();
    WriteError::CannotFit {
        sid: statement.sid.clone(),
        action: first(&statement.action),
        resource: first(&statement.resource),
        size: assemble(&[piece], guard).size_without_whitespace(),
        limit,
    }
}

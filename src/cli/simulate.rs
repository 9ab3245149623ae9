//! `policy_sentry simulate`: would this request be allowed by these policies, and why.
//! Exit 0 allowed, 1 denied (any request of `--requests`), 2 bad input.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use policy_sentry::audit::ParsedPolicy;
use policy_sentry::simulate::{
    Policies, Request, RequestLineError, Verdict, decide, evaluate, render_text,
    requests_from_jsonl,
};

use super::{Exit, GlobalArgs};

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["action", "requests"])))]
pub struct SimulateArgs {
    /// The principal's identity-based policies (JSON files).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub identity_policy: Vec<PathBuf>,
    /// The resource's resource-based policy (bucket policy, key policy, trust policy…).
    #[arg(long, value_name = "FILE")]
    pub resource_policy: Option<PathBuf>,
    /// Service control policies, one file per level of the organization: each must allow.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub scp: Vec<PathBuf>,
    /// Resource control policies, one file per level: each must allow. They restrict only the
    /// services that support RCPs (s3, sts, kms, sqs, secretsmanager, …: see the README).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub rcp: Vec<PathBuf>,
    /// The principal's permissions boundary.
    #[arg(long, value_name = "FILE")]
    pub boundary: Option<PathBuf>,
    /// The session policy of the role session.
    #[arg(long, value_name = "FILE")]
    pub session_policy: Option<PathBuf>,
    /// The organization's management account, whose principals SCPs do not restrict.
    #[arg(long, value_name = "ID")]
    pub management_account: Option<String>,
    /// The action (service:Action).
    #[arg(long, value_name = "ACTION", requires = "resource")]
    pub action: Option<String>,
    /// The resource ARN (`*` for actions that take none).
    #[arg(long, value_name = "ARN", requires = "action")]
    pub resource: Option<String>,
    /// The caller: user, role, assumed-role session or root ARN, or a service principal.
    /// Without it the identity policies given are the caller's, and a resource-based policy
    /// names the caller only with `"Principal": "*"`.
    #[arg(long, value_name = "ARN", conflicts_with = "requests")]
    pub principal: Option<String>,
    /// The account owning the resource (default: the account in the resource ARN, else the
    /// principal's).
    #[arg(long, value_name = "ID", conflicts_with = "requests")]
    pub resource_account: Option<String>,
    /// A context key and value; repeat a key for a multivalued key (aws:TagKeys=a aws:TagKeys=b).
    #[arg(long, value_name = "KEY=VALUE", conflicts_with = "requests")]
    pub context: Vec<String>,
    /// Many requests, one JSON object per line; writes one JSON decision per line.
    #[arg(long, value_name = "FILE.jsonl")]
    pub requests: Option<PathBuf>,
    /// Output format of a single request.
    #[arg(long, value_enum, default_value_t = SimulateFormat::Text)]
    pub fmt: SimulateFormat,
    /// The decision alone, without the explanation: `Allowed` (text), `{"decision":"Allowed"}`
    /// (json, and each line of --requests). Much faster for large batches.
    #[arg(long)]
    pub decision_only: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum SimulateFormat {
    Text,
    Json,
}

pub fn run(args: &SimulateArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let policies = match read_policies(args, global) {
        Ok(p) => p,
        Err(message) => return Ok(input_error(&message)),
    };
    let answer = if args.decision_only {
        Answer::Decision
    } else {
        Answer::Explained
    };
    if let Some(path) = &args.requests {
        return run_batch(path, &policies, answer, global);
    }
    let request = match single_request(args) {
        Ok(r) => r,
        Err(message) => return Ok(input_error(&message)),
    };
    if answer == Answer::Decision {
        let verdict = decide(&request, &policies);
        match args.fmt {
            SimulateFormat::Text => println!("{verdict:?}"),
            SimulateFormat::Json => super::print_json(&DecisionOnly { decision: verdict })?,
        }
        return Ok(verdict_exit(verdict.is_allowed()));
    }
    let decision = evaluate(&request, &policies);
    match args.fmt {
        SimulateFormat::Text => std::io::stdout()
            .lock()
            .write_all(render_text(&decision).as_bytes())?,
        SimulateFormat::Json => super::print_json(&decision)?,
    }
    Ok(verdict_exit(decision.decision.is_allowed()))
}

/// What each request's answer holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    /// The decision and its explanation ([`evaluate`]).
    Explained,
    /// `--decision-only`: the decision alone ([`decide`]; no explanation is built).
    Decision,
}

/// The answer of `--decision-only`: the `decision` field of the full answer, alone.
#[derive(serde::Serialize)]
struct DecisionOnly {
    decision: Verdict,
}

/// `--requests FILE.jsonl`: every line checked before any is answered.
fn run_batch(
    path: &Path,
    policies: &Policies,
    kind: Answer,
    global: &GlobalArgs,
) -> anyhow::Result<ExitCode> {
    let text = global.read_input(path)?;
    let origin = policy_sentry::io::input_name(path);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let requests = match read_requests(&origin, &text, workers) {
        Ok(r) => r,
        Err(e) => return Ok(input_error(&e.to_string())),
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut all_allowed = true;
    // Blocks keep the memory of the answers bounded; within one, the slices are answered on
    // every core and written in order. Decisions alone are a few bytes each: one block, so the
    // threads never wait for each other between blocks.
    let block_len = match kind {
        Answer::Explained => workers * BATCH_SLICE,
        Answer::Decision => requests.len().max(1),
    };
    for block in requests.chunks(block_len) {
        let slices: Vec<&[Request]> = block.chunks(BATCH_SLICE).collect();
        for answered in
            policy_sentry::io::map_in_order(&slices, |slice| answer(slice, policies, kind))
        {
            let (allowed, lines) = answered?;
            all_allowed &= allowed;
            out.write_all(&lines)?;
        }
    }
    out.flush()?;
    eprintln!("{} requests simulated", requests.len());
    Ok(verdict_exit(all_allowed))
}

/// [`requests_from_jsonl`] on every core: the text cut at line ends into a few pieces per
/// worker, each read on its own, the first error (in line order) numbered as in the file.
fn read_requests(
    origin: &str,
    text: &str,
    workers: usize,
) -> Result<Vec<Request>, RequestLineError> {
    let pieces = line_pieces(text, workers * 4);
    let read = policy_sentry::io::map_in_order(&pieces, |&(lines_before, piece)| {
        requests_from_jsonl(origin, piece).map_err(|mut e| {
            e.line += lines_before;
            e
        })
    });
    let mut requests =
        Vec::with_capacity(read.iter().map(|r| r.as_ref().map_or(0, Vec::len)).sum());
    for piece in read {
        requests.extend(piece?);
    }
    Ok(requests)
}

/// `text` in about `count` pieces that end at line ends, each with the number of lines before it.
fn line_pieces(text: &str, count: usize) -> Vec<(usize, &str)> {
    let size = text.len().div_ceil(count.max(1)).max(1);
    let mut pieces = Vec::with_capacity(count);
    let (mut start, mut lines_before) = (0, 0);
    while start < text.len() {
        let cut = (start + size).min(text.len());
        // Searched as bytes: `cut` may fall inside a character, a `\n` byte never does.
        let end = text.as_bytes()[cut..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| cut + i + 1);
        let piece = &text[start..end];
        pieces.push((lines_before, piece));
        lines_before += piece.bytes().filter(|&b| b == b'\n').count();
        start = end;
    }
    pieces
}

/// Requests one worker of `--requests` answers at a time.
const BATCH_SLICE: usize = 512;

/// One JSON answer per line for each request, and whether all were allowed.
fn answer(
    requests: &[Request],
    policies: &Policies,
    kind: Answer,
) -> serde_json::Result<(bool, Vec<u8>)> {
    // An explained decision is a few KiB of JSON: sized once rather than grown by copies.
    let line_size = match kind {
        Answer::Explained => 4096,
        Answer::Decision => 32,
    };
    let mut lines = Vec::with_capacity(requests.len() * line_size);
    let mut all_allowed = true;
    for request in requests {
        let allowed = match kind {
            Answer::Explained => {
                let decision = evaluate(request, policies);
                serde_json::to_writer(&mut lines, &decision)?;
                decision.decision.is_allowed()
            }
            Answer::Decision => {
                let decision = decide(request, policies);
                serde_json::to_writer(&mut lines, &DecisionOnly { decision })?;
                decision.is_allowed()
            }
        };
        all_allowed &= allowed;
        lines.push(b'\n');
    }
    Ok((all_allowed, lines))
}

fn verdict_exit(allowed: bool) -> ExitCode {
    if allowed { Exit::Success } else { Exit::Failed }.into()
}

fn input_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    Exit::InputError.into()
}

/// The request of `--action`, `--resource`, `--principal`, `--resource-account`, `--context`.
fn single_request(args: &SimulateArgs) -> Result<Request, String> {
    let (Some(action), Some(resource)) = (&args.action, &args.resource) else {
        return Err("give --action and --resource, or --requests FILE.jsonl".into());
    };
    let mut request = Request::new(action, resource, args.principal.as_deref());
    request.resource_account = args.resource_account.clone();
    for pair in &args.context {
        let Some((key, value)) = pair.split_once('=').filter(|(k, _)| !k.trim().is_empty()) else {
            return Err(format!(
                "--context {pair:?}: expected KEY=VALUE (e.g. aws:SourceIp=10.0.0.1)"
            ));
        };
        request.context.push(key.trim(), value);
    }
    request.check()?;
    request.add_implied_context();
    Ok(request)
}

/// Every policy file of the flags, parsed; the first that cannot be read or parsed is the
/// error (file, line, field).
fn read_policies(args: &SimulateArgs, global: &GlobalArgs) -> Result<Policies, String> {
    let read = |path: &PathBuf| -> Result<ParsedPolicy, String> {
        let text = global.read_input(path).map_err(|e| e.to_string())?;
        ParsedPolicy::parse(&policy_sentry::io::input_name(path), &text).map_err(|e| e.to_string())
    };
    let read_all = |paths: &[PathBuf]| paths.iter().map(read).collect::<Result<Vec<_>, _>>();
    let read_one = |path: &Option<PathBuf>| path.as_ref().map(read).transpose();
    if let Some(id) = &args.management_account
        && !(id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!(
            "--management-account {id:?}: expected a 12-digit AWS account ID"
        ));
    }
    Ok(Policies {
        identity: read_all(&args.identity_policy)?,
        resource: read_one(&args.resource_policy)?,
        scps: read_all(&args.scp)?,
        rcps: read_all(&args.rcp)?,
        boundary: read_one(&args.boundary)?,
        session: read_one(&args.session_policy)?,
        management_account: args.management_account.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::line_pieces;

    #[test]
    fn pieces_end_at_line_ends_whatever_the_characters() {
        let text = "{\"a\":\"é€\"}\n{\"b\":\"ü\"}\n\u{1F600}\n{}";
        for count in 1..=text.len() + 1 {
            let pieces = line_pieces(text, count);
            let joined: String = pieces.iter().map(|(_, piece)| *piece).collect();
            assert_eq!(joined, text, "{count} pieces");
            let mut lines = 0;
            for (before, piece) in &pieces {
                assert_eq!(*before, lines);
                lines += piece.matches('\n').count();
            }
        }
    }
}

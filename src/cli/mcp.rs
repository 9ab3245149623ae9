//! `policy_sentry mcp`: a Model Context Protocol server on stdin/stdout, for AI assistants.
//! Each tool answers what its command prints with `--fmt json`, from the same functions; the
//! inputs are the tool's arguments only (no file is read or written, no network).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use policy_sentry::audit::findings_json::findings_json;
use policy_sentry::audit::{CheckOptions, CheckReport, CheckedFile, diff};
use policy_sentry::explain::{Explanation, explain, parse_denied};
use policy_sentry::write::WriteOptions;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ContentBlock};
use rmcp::schemars::JsonSchema;
use rmcp::{ServerHandler, ServiceExt, tool, tool_handler, tool_router};
use serde::Deserialize;

use super::query::{
    ActionTableArgs, ArnTableArgs, ConditionTableArgs, LevelArg, QueryCommand, ServiceTableArgs,
    ServiceTableFormat, TableFormat,
};
use super::write_policy::{PolicyFormat, format_policy, warning_lines, write_from_text};
use super::{Exit, GlobalArgs};

#[derive(Args, Debug)]
#[command(after_long_help = MCP_HELP)]
pub struct McpArgs {}

const MCP_HELP: &str = "Serves the tools query_action_table, query_arn_table, query_condition_table, query_service_table, write_policy, expand, check, diff and explain_denied over stdio (JSON-RPC, one message a line) until stdin closes. Each tool's text is what the command prints with --fmt json. The global options (--no-overrides, --access-level-overrides-file, --max-input-bytes) apply to every call. See the README's \"MCP server\" for the client configuration.";

pub fn run(_args: &McpArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let server = PolicySentryServer {
        global: global.clone(),
        tool_router: PolicySentryServer::tool_router(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let service = server.serve(rmcp::transport::stdio()).await?;
        service.waiting().await?;
        anyhow::Ok(())
    })?;
    Ok(Exit::Success.into())
}

#[derive(Clone)]
struct PolicySentryServer {
    global: GlobalArgs,
    tool_router: ToolRouter<Self>,
}

/// A tool's answer: its text, or why there is none (an `isError` result).
type Answer = Result<CallToolResult, String>;

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(deny_unknown_fields)]
struct ActionTableParams {
    /// Service prefix (`s3`, any case), or `all`.
    service: String,
    /// Action name without the prefix (`GetObject`, any case; `Get*` for a prefix match).
    name: Option<String>,
    /// Only actions at this access level: read, write, list, tagging or permissions-management.
    access_level: Option<String>,
    /// Actions that support this condition key (`s3:x-amz-acl`).
    condition: Option<String>,
    /// Actions on this resource type (`object`); `*`: actions that support only the `*` resource.
    resource_type: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(deny_unknown_fields)]
struct ArnTableParams {
    /// Service prefix (`s3`, any case).
    service: String,
    /// One resource type's details (`bucket`, any case).
    name: Option<String>,
    /// Resource type names with their ARN formats (instead of the ARN formats only).
    #[serde(default)]
    list_arn_types: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(deny_unknown_fields)]
struct ConditionTableParams {
    /// Service prefix (`s3`, any case); leave it out with `global`.
    service: Option<String>,
    /// The global condition keys (`aws:SourceIp`, …) instead of a service's.
    #[serde(default)]
    global: bool,
    /// One condition key's details (`s3:x-amz-acl`, any case).
    name: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(deny_unknown_fields)]
struct WritePolicyParams {
    /// The template, as YAML or JSON text (`policy_sentry create-template` writes one).
    template: String,
    /// Shorten actions to safe wildcards (`s3:Get*`), keeping at least this many characters
    /// after the colon (0 for the shortest).
    minimize: Option<usize>,
    /// Partition of the resources written from ARN formats (aws, aws-cn, aws-us-gov, …);
    /// overrides the template's.
    partition: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(deny_unknown_fields)]
struct ExpandParams {
    /// Actions or wildcard patterns (`s3:Get*Tagging`, `ec2:*`), any case.
    actions: Vec<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(deny_unknown_fields)]
struct CheckParams {
    /// The IAM policy document, as JSON text.
    policy: String,
    /// The name the findings give the policy (default `policy.json`).
    name: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(deny_unknown_fields)]
struct DiffParams {
    /// The old policy as JSON text (or a template as YAML text, written first).
    old: String,
    /// The new policy as JSON text (or a template as YAML text, written first).
    new: String,
    /// The name the answer gives the old policy (default `old.json`).
    old_name: Option<String>,
    /// The name the answer gives the new policy (default `new.json`).
    new_name: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(deny_unknown_fields)]
struct ExplainDeniedParams {
    /// The text holding the denial: error messages, log lines, JSON logs, CloudTrail events.
    message: String,
}

#[tool_router]
impl PolicySentryServer {
    /// `query action-table`.
    #[tool(
        description = "Actions of an AWS service (or `all`): all of them, at an access level, on a resource type, with a condition key; or one action's details (access level, resource ARN formats, condition keys). Answers what `policy_sentry query action-table --fmt json` prints."
    )]
    fn query_action_table(&self, Parameters(p): Parameters<ActionTableParams>) -> Answer {
        let access_level = match p
            .access_level
            .as_deref()
            .map(|l| LevelArg::from_str(l, true))
        {
            None => None,
            Some(Ok(level)) => Some(level),
            Some(Err(_)) => return Err(bad_level(p.access_level.as_deref().unwrap_or(""))),
        };
        self.query(QueryCommand::ActionTable(ActionTableArgs {
            service: p.service,
            name: p.name,
            access_level,
            condition: p.condition,
            resource_type: p.resource_type,
            wildcard_only: false,
            fmt: TableFormat::Json,
        }))
    }

    /// `query arn-table`.
    #[tool(
        description = "Resource types of an AWS service and their ARN formats, or one resource type's details (ARN format, condition keys). Answers what `policy_sentry query arn-table --fmt json` prints."
    )]
    fn query_arn_table(&self, Parameters(p): Parameters<ArnTableParams>) -> Answer {
        self.query(QueryCommand::ArnTable(ArnTableArgs {
            service: p.service,
            name: p.name,
            list_arn_types: p.list_arn_types,
            fmt: TableFormat::Json,
        }))
    }

    /// `query condition-table`.
    #[tool(
        description = "Condition keys of an AWS service, or the global condition keys (`global: true`), or one key's details (description, value type). Answers what `policy_sentry query condition-table --fmt json` prints."
    )]
    fn query_condition_table(&self, Parameters(p): Parameters<ConditionTableParams>) -> Answer {
        if p.global == p.service.is_some() {
            return Err(
                "give either `service` (a service prefix such as s3) or `global: true`, not both and not neither"
                    .to_string(),
            );
        }
        self.query(QueryCommand::ConditionTable(ConditionTableArgs {
            service: p.service,
            global: p.global,
            name: p.name,
            fmt: TableFormat::Json,
        }))
    }

    /// `query service-table`.
    #[tool(
        description = "Every AWS service prefix and service name in the IAM database. Answers what `policy_sentry query service-table --fmt json` prints."
    )]
    fn query_service_table(&self) -> Answer {
        self.query(QueryCommand::ServiceTable(ServiceTableArgs {
            fmt: ServiceTableFormat::Json,
        }))
    }

    /// `write-policy`.
    #[tool(
        description = "Write a least-privilege IAM policy from a template (YAML or JSON text: `mode: crud` with ARNs per access level, or `mode: actions` with action names). Answers what `policy_sentry write-policy` prints; warnings follow as further text items."
    )]
    fn write_policy(&self, Parameters(p): Parameters<WritePolicyParams>) -> Answer {
        self.within_limit("template", &p.template)?;
        let partition = p
            .partition
            .as_deref()
            .map(super::write_policy::parse_partition)
            .transpose()?;
        guarded(|| {
            let options = WriteOptions {
                minimize: p.minimize,
                levels: self.global.level_source().map_err(error_text)?,
            };
            let (written, parsed) =
                write_from_text("template", &p.template, false, partition, &options)
                    .map_err(error_text)?;
            let mut policy = format_policy(&written.policy, PolicyFormat::Json);
            policy.push('\n');
            let warnings = warning_lines(&parsed, &written.warnings);
            Ok(texts(std::iter::once(policy).chain(warnings)))
        })
    }

    /// `expand`.
    #[tool(
        description = "Expand action wildcards (`s3:Get*`, `ec2:Describe*`) to the actions they match, as a sorted JSON list. Answers what `policy_sentry expand` prints."
    )]
    fn expand(&self, Parameters(p): Parameters<ExpandParams>) -> Answer {
        if p.actions.is_empty() {
            return Err("`actions` is empty: give at least one action or pattern".to_string());
        }
        guarded(|| match super::expand::expand_all(&p.actions) {
            Ok(names) => json_answer(&names),
            Err(errors) => Err(errors.join("\n")),
        })
    }

    /// `check`.
    #[tool(
        description = "Lint an IAM policy document (JSON text) offline: privilege escalation, data exfiltration, resource exposure, wildcards, unknown actions, resource ARNs that match no resource type. Answers the findings JSON `policy_sentry check --fmt json` prints."
    )]
    fn check(&self, Parameters(p): Parameters<CheckParams>) -> Answer {
        self.within_limit("policy", &p.policy)?;
        guarded(|| {
            let levels = self.global.level_source().map_err(error_text)?;
            let name = p.name.as_deref().unwrap_or("policy.json");
            let checked = CheckedFile::check(name, &p.policy, &CheckOptions { levels });
            if let Some(problem) = &checked.problem {
                return Err(problem.clone());
            }
            let mut report = CheckReport::default();
            report.files.push(checked);
            json_answer(&findings_json(&report))
        })
    }

    /// `diff`.
    #[tool(
        description = "The access a new IAM policy grants that an old one does not, and the reverse (actions added, removed, widened, narrowed, or changed to review), on the effective grant. Answers what `policy_sentry diff --fmt json` prints."
    )]
    fn diff(&self, Parameters(p): Parameters<DiffParams>) -> Answer {
        self.within_limit("old", &p.old)?;
        self.within_limit("new", &p.new)?;
        guarded(|| {
            let parse = |name, text| {
                super::diff::policy_from_text(name, text, false, &self.global).map_err(error_text)
            };
            let old = parse(p.old_name.as_deref().unwrap_or("old.json"), &p.old)?;
            let new = parse(p.new_name.as_deref().unwrap_or("new.json"), &p.new)?;
            json_answer(&diff(
                std::slice::from_ref(&old),
                std::slice::from_ref(&new),
            ))
        })
    }

    /// `explain-denied`.
    #[tool(
        description = "Explain an AWS access-denied error message (or log lines, CloudTrail events): which policy type denied what, and the Allow that fixes it. Answers what `policy_sentry explain-denied --fmt json` prints."
    )]
    fn explain_denied(&self, Parameters(p): Parameters<ExplainDeniedParams>) -> Answer {
        self.within_limit("message", &p.message)?;
        guarded(|| {
            let found = parse_denied(&p.message);
            if found.is_empty() {
                return Err(super::explain_denied::NO_DENIAL_FOUND.to_string());
            }
            let explained: Vec<Explanation> = found.iter().map(explain).collect();
            json_answer(&explained)
        })
    }
}

#[tool_handler(
    router = self.tool_router,
    name = "policy_sentry",
    instructions = "AWS IAM least-privilege policies from the IAM database compiled into policy_sentry: look up actions, ARN formats and condition keys, write policies from templates, expand wildcards, lint and compare policies, explain access-denied errors. Offline: no AWS account is needed."
)]
impl ServerHandler for PolicySentryServer {}

impl PolicySentryServer {
    /// A query's JSON document, as `query … --fmt json` prints it.
    fn query(&self, command: QueryCommand) -> Answer {
        guarded(|| {
            let answer = super::query::answer(&command, &self.global).map_err(error_text)?;
            json_answer(&answer.document)
        })
    }

    /// A text argument within `--max-input-bytes`, as a file would have to be.
    fn within_limit(&self, argument: &str, text: &str) -> Result<(), String> {
        let limit = self.global.max_input_bytes;
        if text.len() as u64 > limit {
            return Err(format!(
                "`{argument}` is {} bytes, more than --max-input-bytes ({limit})",
                text.len()
            ));
        }
        Ok(())
    }
}

/// The answer, or the panic turned into an error result: the server keeps serving.
fn guarded(answer: impl FnOnce() -> Answer) -> Answer {
    catch_unwind(AssertUnwindSafe(answer)).unwrap_or_else(|_| {
        Err("internal error: policy_sentry panicked on this input (a bug: please report it with the arguments)".to_string())
    })
}

/// One JSON document, as the CLI prints it (4-space indent, final newline).
fn json_answer<T: serde::Serialize + ?Sized>(value: &T) -> Answer {
    let mut text = Vec::new();
    policy_sentry::io::write_pretty_json(&mut text, value).map_err(|e| e.to_string())?;
    let text = String::from_utf8(text).map_err(|e| e.to_string())?;
    Ok(texts([text]))
}

fn texts(items: impl IntoIterator<Item = String>) -> CallToolResult {
    CallToolResult::success(items.into_iter().map(ContentBlock::text).collect())
}

fn error_text(err: anyhow::Error) -> String {
    super::error_text(&err)
}

fn bad_level(level: &str) -> String {
    let names: Vec<String> = LevelArg::value_variants()
        .iter()
        .filter_map(|v| v.to_possible_value())
        .map(|v| v.get_name().to_string())
        .collect();
    format!(
        "`access_level` {level:?} is not an access level: expected one of {}",
        names.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_a_tool_is_an_error_result_not_the_end_of_the_server() {
        let answer = guarded(|| panic!("a bug"));
        assert!(answer.unwrap_err().starts_with("internal error:"));
        assert!(guarded(|| json_answer(&["s3:GetObject"])).is_ok());
    }

    #[test]
    fn every_tool_has_an_object_input_schema_and_a_description() {
        let tools = PolicySentryServer::tool_router().list_all();
        assert_eq!(tools.len(), 9);
        for tool in tools {
            assert_eq!(
                tool.input_schema.get("type"),
                Some(&serde_json::Value::from("object"))
            );
            assert!(
                tool.description.is_some_and(|d| d.len() > 40),
                "{}",
                tool.name
            );
        }
    }

    #[test]
    fn an_unknown_access_level_names_the_right_ones() {
        let message = bad_level("everything");
        assert!(
            message.contains("read, write, list, tagging, permissions-management"),
            "{message}"
        );
    }
}

"""A real MCP client (the `mcp` package from PyPI) against `policy_sentry mcp`.

Usage: python3 client.py BINARY WORKDIR

Starts BINARY mcp over stdio, lists the tools, calls every tool and compares each answer with
the stdout of the same command line (BINARY ... --fmt json, run in WORKDIR); calls with bad
arguments must give an MCP error (an isError result or a JSON-RPC error) and the server must
go on answering. Prints one line per check and a count last; exits 1 on a failure.
"""

import asyncio
import json
import os
import subprocess
import sys

from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.shared.exceptions import MCPError

BINARY, WORKDIR = sys.argv[1], sys.argv[2]

TOOLS = {
    "query_action_table",
    "query_arn_table",
    "query_condition_table",
    "query_service_table",
    "write_policy",
    "expand",
    "check",
    "diff",
    "explain_denied",
}

TEMPLATE_YAML = "mode: crud\nread:\n- arn:aws:s3:::reports-bucket\nwrite:\n- arn:aws:sqs:us-east-1:123456789012:jobs\n"
TEMPLATE_JSON = json.dumps({"mode": "actions", "actions": ["s3:GetObject", "kms:Decrypt"]})
RISKY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["iam:PassRole", "s3:*"], "Resource": "*"}
        ],
    }
)
NARROW = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
        ],
    }
)
DENIED = (
    "An error occurred (AccessDenied) when calling the GetObject operation: User: "
    "arn:aws:iam::123456789012:user/dev is not authorized to perform: s3:GetObject on "
    "resource: arn:aws:s3:::reports-bucket/a.csv because no identity-based policy allows "
    "the s3:GetObject action"
)

# (tool, arguments, command line, stdin, files to write in WORKDIR first)
CALLS = [
    ("query_action_table", {"service": "s3", "name": "GetObject"},
     ["query", "action-table", "--service", "s3", "--name", "GetObject"], None, {}),
    ("query_action_table", {"service": "ec2", "access_level": "permissions-management"},
     ["query", "action-table", "--service", "ec2", "--access-level", "permissions-management"], None, {}),
    ("query_action_table", {"service": "s3", "condition": "s3:x-amz-acl"},
     ["query", "action-table", "--service", "s3", "--condition", "s3:x-amz-acl"], None, {}),
    ("query_action_table", {"service": "all", "resource_type": "*"},
     ["query", "action-table", "--service", "all", "--resource-type", "*"], None, {}),
    ("query_arn_table", {"service": "s3"},
     ["query", "arn-table", "--service", "s3"], None, {}),
    ("query_arn_table", {"service": "s3", "list_arn_types": True},
     ["query", "arn-table", "--service", "s3", "--list-arn-types"], None, {}),
    ("query_arn_table", {"service": "s3", "name": "bucket"},
     ["query", "arn-table", "--service", "s3", "--name", "bucket"], None, {}),
    ("query_condition_table", {"service": "s3"},
     ["query", "condition-table", "--service", "s3"], None, {}),
    ("query_condition_table", {"service": "s3", "name": "s3:x-amz-acl"},
     ["query", "condition-table", "--service", "s3", "--name", "s3:x-amz-acl"], None, {}),
    ("query_condition_table", {"global": True, "name": "aws:SourceIp"},
     ["query", "condition-table", "--global", "--name", "aws:SourceIp"], None, {}),
    ("query_service_table", {},
     ["query", "service-table"], None, {}),
    ("write_policy", {"template": TEMPLATE_YAML},
     ["write-policy"], TEMPLATE_YAML, {}),
    ("write_policy", {"template": TEMPLATE_JSON, "minimize": 0},
     ["write-policy", "--minimize", "0"], TEMPLATE_JSON, {}),
    ("expand", {"actions": ["s3:Get*Tagging", "kms:Decrypt"]},
     ["expand", "s3:Get*Tagging", "kms:Decrypt"], None, {}),
    ("check", {"policy": RISKY},
     ["check", "--fmt", "json", "policy.json"], None, {"policy.json": RISKY}),
    ("diff", {"old": NARROW, "new": RISKY},
     ["diff", "--fmt", "json", "old.json", "new.json"], None, {"old.json": NARROW, "new.json": RISKY}),
    ("explain_denied", {"message": DENIED},
     ["explain-denied", "--fmt", "json", DENIED], None, {}),
]

# Bad arguments: each must be an MCP error, never a crash.
BAD_CALLS = [
    ("query_action_table", {"service": "nosuchservice"}),
    ("query_action_table", {"service": "s3", "access_level": "everything"}),
    ("query_action_table", {}),
    ("query_arn_table", {"service": "s3", "name": "nosuchtype"}),
    ("query_condition_table", {"service": "s3", "global": True}),
    ("query_condition_table", {"service": 42}),
    ("write_policy", {"template": "mode: crud\nread: [not-an-arn\n"}),
    ("write_policy", {"template": "mode: crud\nread:\n- arn:aws:s3:::b\n", "partition": "mars"}),
    ("write_policy", {"template": "x", "unknown_argument": 1}),
    ("expand", {"actions": ["nosuchservice:Get*"]}),
    ("expand", {"actions": []}),
    ("check", {"policy": "{not json"}),
    ("diff", {"old": "{", "new": NARROW}),
    ("explain_denied", {"message": "all good here"}),
    ("no_such_tool", {}),
]

results = {"passed": 0, "failed": 0}


def report(ok, what, detail=""):
    results["passed" if ok else "failed"] += 1
    print(f"{'ok  ' if ok else 'FAIL'} {what}{': ' + detail if detail and not ok else ''}", flush=True)


def cli_stdout(argv, stdin, files):
    for name, text in files.items():
        with open(os.path.join(WORKDIR, name), "w") as f:
            f.write(text)
    argv = list(argv)
    if argv[0] in ("query", "expand", "explain-denied") and "--fmt" not in argv:
        argv += ["--fmt", "json"]
    done = subprocess.run([BINARY, *argv], input=stdin, capture_output=True, text=True, cwd=WORKDIR)
    return done.stdout


async def bad_call(session, tool, arguments):
    what = f"{tool} {json.dumps(arguments)[:60]} -> MCP error"
    try:
        result = await session.call_tool(tool, arguments)
    except MCPError as e:
        report(True, what + f" (JSON-RPC {e.code})")
        return
    message = " ".join(c.text for c in result.content if c.type == "text")
    report(bool(result.is_error) and message != "", what, f"not an error: {message[:200]}")


async def main():
    server = StdioServerParameters(command=BINARY, args=["mcp"], cwd=WORKDIR)
    async with stdio_client(server) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            listed = await session.list_tools()
            names = {t.name for t in listed.tools}
            report(names == TOOLS, f"tools/list: {len(names)} tools", f"got {sorted(names)}")
            for tool in listed.tools:
                has_schema = tool.input_schema.get("type") == "object"
                report(has_schema and bool(tool.description), f"{tool.name}: schema and description")
            called = set()
            # Good and bad calls interleaved: after each error the server must still answer.
            for i, (tool, arguments, argv, stdin, files) in enumerate(CALLS):
                result = await session.call_tool(tool, arguments)
                text = result.content[0].text if result.content else ""
                expected = cli_stdout(argv, stdin, files)
                report(
                    not result.is_error and text == expected and expected != "",
                    f"{tool} == policy_sentry {' '.join(argv)[:70]}",
                    f"is_error={result.is_error}\nmcp: {text[:300]!r}\ncli: {expected[:300]!r}",
                )
                called.add(tool)
                if i < len(BAD_CALLS):
                    await bad_call(session, *BAD_CALLS[i])
            for bad in BAD_CALLS[len(CALLS):]:
                await bad_call(session, *bad)
            report(called == TOOLS, "every tool called", f"not called: {sorted(TOOLS - called)}")
            # Still serving after all the errors.
            result = await session.call_tool("expand", {"actions": ["s3:GetObject"]})
            report(result.content[0].text == '[\n    "s3:GetObject"\n]\n', "still serving after the errors")
    print(f"mcp client: {results['passed']} checks passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

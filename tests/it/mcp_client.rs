//! `policy_sentry mcp` with a real MCP client: `tests/mcp/client.py`, on the `mcp` package
//! from PyPI, lists the tools, calls each one and compares its answer with the CLI's stdout
//! for the same input, and checks that bad arguments give an MCP error while the server goes
//! on serving. The Python is POLICY_SENTRY_MCP_PYTHON (`.ci/run` sets it to a virtual
//! environment with a pinned `mcp`), else `python3`; without the package the test says
//! SKIPPED.

use std::process::Command;

use crate::common::{self, BIN};

fn python_with_mcp() -> Option<String> {
    let python = std::env::var("POLICY_SENTRY_MCP_PYTHON").unwrap_or_else(|_| "python3".into());
    let found = Command::new(&python)
        .args(["-c", "import mcp"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !found {
        common::skipped!(
            "MCP client test ({python} -c 'import mcp' failed; .ci/run installs mcp from PyPI and sets POLICY_SENTRY_MCP_PYTHON)"
        );
    }
    found.then_some(python)
}

#[test]
fn a_real_client_gets_the_cli_answers_and_errors_for_bad_arguments() {
    let Some(python) = python_with_mcp() else {
        return;
    };
    let workdir = tempfile::tempdir().unwrap();
    let out = Command::new(&python)
        .arg(common::crate_path("tests/mcp/client.py"))
        .arg(BIN)
        .arg(workdir.path())
        .output()
        .expect("run tests/mcp/client.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "the MCP client reported failures:\n{stdout}"
    );
    assert!(
        stdout.contains(" 0 failed") && !stdout.contains("FAIL"),
        "{stdout}"
    );
}

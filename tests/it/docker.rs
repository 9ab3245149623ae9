//! The FROM scratch image (Dockerfile, scripts/docker-build) runs the README's Docker lines,
//! the 2020 one-string form included. Needs an image: `.ci/run` builds it with
//! `CONTAINER_ENGINE=../shared/tools/container scripts/docker-build` and then runs this test
//! with `POLICY_SENTRY_DOCKER_IMAGE=policy_sentry:latest`; otherwise the test skips.

use std::process::Command;

use serde_json::Value;

use crate::common;

struct Engine {
    program: String,
    image: String,
}

fn engine() -> Option<Engine> {
    let image = std::env::var("POLICY_SENTRY_DOCKER_IMAGE").ok()?;
    let program = std::env::var("CONTAINER_ENGINE").unwrap_or_else(|_| "docker".into());
    Some(Engine { program, image })
}

/// `ENGINE run -i --rm IMAGE ARGS…` with `stdin`; returns (exit code, stdout).
fn run(engine: &Engine, args: &[&str], stdin: &[u8]) -> (i32, String) {
    let mut command = Command::new(&engine.program);
    command
        .args(["run", "-i", "--rm", &engine.image])
        .args(args);
    let out = common::output(&mut command, Some(stdin));
    let code = out.status.code().unwrap_or(-1);
    if code != 0 {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    }
    (code, String::from_utf8(out.stdout).unwrap())
}

/// The same command run by the test's own binary, for comparison.
fn host(args: &[&str], stdin: &[u8]) -> Value {
    let out = common::run(args, Some(stdin));
    assert!(
        out.status.success(),
        "host run of {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The arguments a 2020 one-string command line stands for.
fn words(line: &str) -> Vec<&str> {
    line.split(' ').collect()
}

#[test]
fn image_runs_the_readme_docker_lines() {
    let Some(engine) = engine() else {
        common::skipped!(
            "no image to test (set POLICY_SENTRY_DOCKER_IMAGE and CONTAINER_ENGINE; .ci/run does when a container engine works)"
        );
        return;
    };
    // docker run -i --rm policy_sentry query action-table --service s3
    let args = ["query", "action-table", "--service", "s3"];
    let (code, out) = run(&engine, &args, b"");
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        host(&args, b"")
    );

    // 2020: docker run -i --rm policy_sentry "query action-table --service all --access-level permissions-management"
    let line = "query action-table --service all --access-level permissions-management";
    let (code, out) = run(&engine, &[line], b"");
    assert_eq!(code, 0);
    let expected = host(&words(line), b"");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap(), expected);

    // 2020: cat crud.yml | docker run -i --rm policy_sentry "write-policy --crud"
    let crud = std::fs::read(common::crate_path("examples/yml/crud.yml")).unwrap();
    let line = "write-policy --crud";
    let (code, out) = run(&engine, &[line], &crud);
    assert_eq!(code, 0);
    let policy: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(policy, host(&words(line), &crud));
    assert!(!policy["Statement"].as_array().unwrap().is_empty());
}

//! `download-policies` against a real IAM API: moto's server (scripts/moto-server, started by
//! .ci/run). Every test works in an account of its own (moto keys accounts by the credentials
//! STS AssumeRole hands out), so the tests run in parallel and on a server that is reused.
//! Without an emulator (POLICY_SENTRY_MOTO_URL unset and scripts/moto-server unable to start
//! one) each test prints SKIPPED on stderr and passes. A server the tests start themselves keeps
//! running for the next run; `scripts/moto-server --stop` ends it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Instant;

use aws_sdk_iam::config::Credentials;
use serde_json::{Value, json};

use crate::common;

const MOTO_URL_VAR: &str = "POLICY_SENTRY_MOTO_URL";

/// The emulator's URL: the environment's, or one scripts/moto-server starts (it installs
/// moto[server] into a cached virtualenv and reuses a running server).
fn moto_url() -> Option<&'static str> {
    static URL: OnceLock<Option<String>> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(url) = std::env::var(MOTO_URL_VAR) {
            return Some(url);
        }
        let script = common::crate_path("scripts/moto-server");
        let output = Command::new(&script).output().ok()?;
        if !output.status.success() {
            eprintln!(
                "scripts/moto-server failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            );
            return None;
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        stdout
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{MOTO_URL_VAR}=")))
            .map(str::to_owned)
    })
    .as_deref()
}

macro_rules! require_moto {
    ($test:literal) => {
        match moto_url() {
            Some(url) => url,
            None => {
                common::skipped!(
                    "{}: no IAM emulator ({MOTO_URL_VAR} unset and scripts/moto-server could not start moto)",
                    $test
                );
                return;
            }
        }
    };
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn random_u64() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}

/// A fresh moto account, with temporary credentials for it.
struct Account {
    id: String,
    credentials: Credentials,
    iam: aws_sdk_iam::Client,
    runtime: tokio::runtime::Runtime,
}

async fn sdk_config(url: &str, credentials: Credentials) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(policy_sentry::download::https_client())
        .credentials_provider(credentials)
        .region(aws_config::Region::from_static("us-east-1"))
        .endpoint_url(url)
        .load()
        .await
}

impl Account {
    fn new(url: &str) -> Account {
        let id = format!("{}", 100_000_000_000 + random_u64() % 900_000_000_000);
        let runtime = runtime();
        let credentials = runtime.block_on(async {
            let base = Credentials::new("AKIAMOTOBASE", "moto-base-secret", None, None, "test");
            let sts = aws_sdk_sts::Client::new(&sdk_config(url, base).await);
            let assumed = sts
                .assume_role()
                .role_arn(format!("arn:aws:iam::{id}:role/policy-sentry-test"))
                .role_session_name("policy-sentry-test")
                .send()
                .await
                .expect("moto's STS AssumeRole");
            let c = assumed.credentials.expect("credentials");
            Credentials::new(
                c.access_key_id,
                c.secret_access_key,
                Some(c.session_token),
                None,
                "test",
            )
        });
        let iam = aws_sdk_iam::Client::new(&runtime.block_on(sdk_config(url, credentials.clone())));
        Account {
            id,
            credentials,
            iam,
            runtime,
        }
    }

    fn create_policy(&self, name: &str, document: &Value) -> String {
        self.runtime.block_on(async {
            let created = self
                .iam
                .create_policy()
                .policy_name(name)
                .policy_document(document.to_string())
                .send()
                .await
                .unwrap_or_else(|e| panic!("CreatePolicy {name}: {e:?}"));
            created.policy.and_then(|p| p.arn).expect("policy ARN")
        })
    }

    fn create_role(&self, name: &str, attach: &[String], inline: Option<&Value>) {
        self.runtime.block_on(async {
            let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
            self.iam
                .create_role()
                .role_name(name)
                .assume_role_policy_document(trust.to_string())
                .send()
                .await
                .unwrap();
            for arn in attach {
                self.iam
                    .attach_role_policy()
                    .role_name(name)
                    .policy_arn(arn)
                    .send()
                    .await
                    .unwrap();
            }
            if let Some(doc) = inline {
                let put = self
                    .iam
                    .put_role_policy()
                    .role_name(name)
                    .policy_name("inline");
                put.policy_document(doc.to_string()).send().await.unwrap();
            }
        })
    }

    fn create_user_in_group(
        &self,
        user: &str,
        group: &str,
        attach_user: &[String],
        attach_group: &[String],
    ) {
        self.runtime.block_on(async {
            self.iam.create_user().user_name(user).send().await.unwrap();
            self.iam
                .create_group()
                .group_name(group)
                .send()
                .await
                .unwrap();
            self.iam
                .add_user_to_group()
                .user_name(user)
                .group_name(group)
                .send()
                .await
                .unwrap();
            for arn in attach_user {
                self.iam
                    .attach_user_policy()
                    .user_name(user)
                    .policy_arn(arn)
                    .send()
                    .await
                    .unwrap();
            }
            for arn in attach_group {
                self.iam
                    .attach_group_policy()
                    .group_name(group)
                    .policy_arn(arn)
                    .send()
                    .await
                    .unwrap();
            }
        })
    }

    fn secrets(&self) -> [&str; 2] {
        [
            self.credentials.secret_access_key(),
            self.credentials.session_token().unwrap_or("no token"),
        ]
    }
}

/// Documents with what URL-encoding must survive: `+`, spaces, `/`, `%`, non-ASCII, conditions.
fn document(i: usize) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": format!("Stmt{i}"),
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": format!("arn:aws:s3:::bucket-{i}/a b+c/100%/é/*"),
            "Condition": {
                "StringEquals": {"aws:PrincipalTag/team": format!("t+{i} x/y")},
                "Bool": {"aws:SecureTransport": "true"}
            }
        }, {
            "Effect": "Deny",
            "NotAction": "iam:*",
            "Resource": "*"
        }]
    })
}

/// The binary with only the AWS environment a test gives it (no user's profiles, no IMDS).
fn download_command(home: &Path) -> Command {
    let mut command = Command::new(common::BIN);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("AWS_") {
            command.env_remove(key);
        }
    }
    command
        .arg("download-policies")
        .env("HOME", home)
        .env("AWS_CONFIG_FILE", home.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("aws-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_REGION", "us-east-1");
    command
}

fn with_credentials<'a>(command: &'a mut Command, account: &Account) -> &'a mut Command {
    let c = &account.credentials;
    command
        .env("AWS_ACCESS_KEY_ID", c.access_key_id())
        .env("AWS_SECRET_ACCESS_KEY", c.secret_access_key())
        .env(
            "AWS_SESSION_TOKEN",
            c.session_token().expect("assumed-role token"),
        )
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_no_secrets(output: &Output, account: &Account) {
    for secret in account.secrets() {
        assert!(
            !text(&output.stdout).contains(secret),
            "a credential on stdout"
        );
        assert!(
            !text(&output.stderr).contains(secret),
            "a credential on stderr"
        );
    }
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// File stem → document of every `*.json` in `dir`.
/// `download-policies --include-unattached` of `account` from `endpoint` into `<home>/out`:
/// what it did, and the account's folder there.
fn download_all(account: &Account, endpoint: &str, home: &Path) -> (Output, PathBuf) {
    let out = home.join("out");
    let output = with_credentials(&mut download_command(home), account)
        .args([
            "--include-unattached",
            "--endpoint-url",
            endpoint,
            "--output-dir",
        ])
        .arg(&out)
        .output()
        .unwrap();
    (output, out.join(&account.id))
}

fn written_documents(dir: &Path) -> BTreeMap<String, Value> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .map(|path| {
            assert_eq!(
                path.extension().and_then(|e| e.to_str()),
                Some("json"),
                "stray file {}",
                path.display()
            );
            (
                path.file_stem().unwrap().to_string_lossy().into_owned(),
                read_json(&path),
            )
        })
        .collect()
}

#[test]
fn every_customer_managed_policy_is_downloaded_across_pages() {
    let url = require_moto!("every_customer_managed_policy_is_downloaded_across_pages");
    let account = Account::new(url);
    // 130 policies: more than one ListPolicies page (moto's default page is 100 items, as IAM's).
    let mut created = BTreeMap::new();
    let mut arns = Vec::new();
    for i in 0..130 {
        let name = match i % 10 {
            0 => format!("Team+Ops=Read,Only.{i}@corp-x"),
            _ => format!("policy-{i:03}"),
        };
        arns.push(account.create_policy(&name, &document(i)));
        created.insert(name, document(i));
    }
    // Attach two thirds; the rest stay unattached.
    let attached: Vec<String> = arns
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 != 0)
        .map(|(_, a)| a.clone())
        .collect();
    let (for_roles, rest) = attached.split_at(40);
    let (for_user, for_group) = rest.split_at(20);
    account.create_role("app-role", &for_roles[..20], Some(&document(1000)));
    account.create_role("batch-role", &for_roles[20..], None);
    account.create_user_in_group("alice", "developers", for_user, for_group);

    let home = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let (output, account_dir) = download_all(&account, url, home.path());
    let elapsed = started.elapsed();
    let stderr = text(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}\n{stderr}",
        output.status
    );
    assert_no_secrets(&output, &account);

    assert_eq!(
        text(&output.stdout),
        format!("{}\n", account_dir.display()),
        "stdout names the account folder"
    );
    let written = written_documents(&account_dir.join("customer-managed"));
    assert_eq!(written.len(), 130, "{stderr}");
    assert_eq!(written, created, "every document as it was created");
    assert!(
        stderr.contains("130/130 customer-managed policies written (2 pages listed)"),
        "{stderr}"
    );
    assert!(
        !account_dir.join("aws-managed").exists(),
        "AWS-managed policies only with --aws-managed"
    );
    // 4-space indentation, as upstream wrote them.
    let one =
        std::fs::read_to_string(account_dir.join("customer-managed/policy-001.json")).unwrap();
    assert!(
        one.starts_with("{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {"),
        "{one}"
    );

    let details = read_json(&account_dir.join("account-authorization-details.json"));
    let policies = details["Policies"].as_array().unwrap();
    assert_eq!(policies.len(), 130);
    for policy in policies {
        let name = policy["PolicyName"]
            .as_str()
            .expect("PolicyName (from the ARN where moto omits it)");
        let default = policy["PolicyVersionList"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["IsDefaultVersion"] == true)
            .unwrap();
        assert_eq!(default["Document"], created[name], "{name}");
    }
    let roles: Vec<&str> = details["RoleDetailList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["RoleName"].as_str().unwrap())
        .collect();
    assert!(
        roles.contains(&"app-role") && roles.contains(&"batch-role"),
        "{roles:?}"
    );
    let app_role = details["RoleDetailList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["RoleName"] == "app-role")
        .unwrap();
    assert_eq!(
        app_role["AttachedManagedPolicies"]
            .as_array()
            .unwrap()
            .len(),
        20
    );
    assert_eq!(
        app_role["RolePolicyList"][0]["PolicyDocument"],
        document(1000)
    );
    assert_eq!(
        app_role["AssumeRolePolicyDocument"]["Statement"][0]["Action"],
        "sts:AssumeRole"
    );
    assert_eq!(
        details["UserDetailList"][0]["GroupList"],
        json!(["developers"])
    );
    assert_eq!(
        details["GroupDetailList"][0]["AttachedManagedPolicies"]
            .as_array()
            .unwrap()
            .len(),
        for_group.len()
    );
    eprintln!(
        "figure: 130 policies created, {} written, 2 ListPolicies pages, {:.2} s against moto",
        written.len(),
        elapsed.as_secs_f64()
    );
}

#[test]
fn without_include_unattached_only_attached_policies_and_aws_managed_ones_on_request() {
    let url = require_moto!(
        "without_include_unattached_only_attached_policies_and_aws_managed_ones_on_request"
    );
    let account = Account::new(url);
    let attached: Vec<String> = (0..5)
        .map(|i| account.create_policy(&format!("attached-{i}"), &document(i)))
        .collect();
    for i in 0..3 {
        account.create_policy(&format!("unattached-{i}"), &document(i));
    }
    let mut attach = attached.clone();
    attach.push("arn:aws:iam::aws:policy/ReadOnlyAccess".into());
    account.create_role("reader", &attach, None);

    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("out");
    // The endpoint from the SDK's own variable this time.
    let output = with_credentials(&mut download_command(home.path()), &account)
        .env("AWS_ENDPOINT_URL", url)
        .args(["--aws-managed", "--output-dir"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}\n{stderr}",
        output.status
    );
    assert_no_secrets(&output, &account);

    let account_dir = out.join(&account.id);
    let written = written_documents(&account_dir.join("customer-managed"));
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        [
            "attached-0",
            "attached-1",
            "attached-2",
            "attached-3",
            "attached-4"
        ]
    );
    assert_eq!(written["attached-3"], document(3));
    let aws_managed = written_documents(&account_dir.join("aws-managed"));
    assert!(
        aws_managed.contains_key("ReadOnlyAccess"),
        "{:?}",
        aws_managed.keys().collect::<Vec<_>>()
    );
    assert!(
        !aws_managed.contains_key("AdministratorAccess"),
        "unattached AWS-managed policies are left out"
    );
    assert_eq!(
        aws_managed["ReadOnlyAccess"]["Statement"][0]["Effect"],
        "Allow"
    );
    let details = read_json(&account_dir.join("account-authorization-details.json"));
    let names: Vec<&str> = details["Policies"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["PolicyName"].as_str())
        .collect();
    assert!(
        names.contains(&"unattached-2") && names.contains(&"ReadOnlyAccess"),
        "the raw details keep everything"
    );
}

#[test]
fn recursive_keeps_what_worked_and_names_the_profile_that_failed() {
    let url = require_moto!("recursive_keeps_what_worked_and_names_the_profile_that_failed");
    let account = Account::new(url);
    let arn = account.create_policy("only-one", &document(7));
    account.create_role("r", &[arn], None);

    let home = tempfile::tempdir().unwrap();
    let c = &account.credentials;
    std::fs::write(
        home.path().join("aws-config"),
        "[profile good]\nregion = us-east-1\n\n[profile broken]\ncredential_process = false\n\n\
         [sso-session corp]\nsso_region = us-east-1\n",
    )
    .unwrap();
    std::fs::write(
        home.path().join("aws-credentials"),
        format!(
            "[good]\naws_access_key_id = {}\naws_secret_access_key = {}\naws_session_token = {}\n",
            c.access_key_id(),
            c.secret_access_key(),
            c.session_token().unwrap()
        ),
    )
    .unwrap();
    let out: PathBuf = home.path().join("out");
    let output = download_command(home.path())
        .args(["--recursive", "--endpoint-url", url, "--output-dir"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a failed profile makes the run fail\n{stderr}"
    );
    assert_no_secrets(&output, &account);
    let account_dir = out.join(&account.id);
    assert_eq!(
        text(&output.stdout),
        format!("{}\n", account_dir.display()),
        "only the good account was written"
    );
    assert_eq!(
        written_documents(&account_dir.join("customer-managed")),
        BTreeMap::from([("only-one".to_owned(), document(7))])
    );
    assert!(
        account_dir
            .join("account-authorization-details.json")
            .is_file()
    );
    assert!(
        stderr.contains("profile broken: failed: sts:GetCallerIdentity failed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 account failed or incomplete"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("corp"),
        "sso-session sections are not profiles\n{stderr}"
    );
}

#[test]
fn recursive_without_any_profile_is_an_error() {
    let home = tempfile::tempdir().unwrap();
    let output = download_command(home.path())
        .args(["--recursive", "--output-dir"])
        .arg(home.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(
        text(&output.stderr).contains("no AWS profiles found"),
        "{}",
        text(&output.stderr)
    );
}

/// Issue 6, item 3: `analyze downloaded-policies` reads what `download-policies` wrote. Until
/// the analyze command exists in this build, the test says so and skips.
#[test]
fn analyze_reads_the_downloaded_policies() {
    let url = require_moto!("analyze_reads_the_downloaded_policies");
    let account = Account::new(url);
    let risky = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": ["iam:PassRole", "ec2:RunInstances", "s3:PutBucketPolicy"], "Resource": "*"}]});
    let arn = account.create_policy("deployer", &risky);
    account.create_role("ci", &[arn], None);

    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("analysis");
    let download = with_credentials(&mut download_command(home.path()), &account)
        .args(["--endpoint-url", url, "--output-dir"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(download.status.success(), "{}", text(&download.stderr));

    let analyze = Command::new(common::BIN)
        .args(["analyze", "downloaded-policies", "--input-dir"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = text(&analyze.stderr);
    let missing = [
        "not available in this build yet",
        "unrecognized subcommand",
        "unexpected argument 'downloaded-policies'",
    ];
    if missing.iter().any(|m| stderr.contains(m)) {
        common::skipped!(
            "analyze_reads_the_downloaded_policies: `analyze downloaded-policies` is not in this build yet"
        );
        return;
    }
    assert!(analyze.status.success(), "{stderr}");
    let report: Value = serde_json::from_slice(&analyze.stdout).expect("the JSON report on stdout");
    let finding = &report["deployer"];
    assert_eq!(finding["account_id"], account.id.as_str(), "{report:#}");
    let escalation: Vec<&str> = finding["privilege_escalation"]
        .as_array()
        .expect("privilege_escalation")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(escalation.contains(&"iam:passrole"), "{escalation:?}");
    assert!(
        finding["resource_exposure"]
            .as_array()
            .unwrap()
            .contains(&json!("s3:putbucketpolicy")),
        "{report:#}"
    );
    assert!(
        out.join("overall.json").is_file() && out.join("overall.csv").is_file(),
        "the 2020 report files"
    );
}

/// A python proxy in front of moto that throttles every `every`th request; killed on drop.
struct ThrottlingProxy {
    child: std::process::Child,
    url: String,
}

impl ThrottlingProxy {
    fn start(upstream: &str, every: usize, fail_text: Option<&str>) -> Option<ThrottlingProxy> {
        use std::io::BufRead;
        let script = common::crate_path("tests/moto/throttling_proxy.py");
        let mut child = Command::new("python3")
            .arg(script)
            .args([upstream, &every.to_string()])
            .args(fail_text)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .ok()?;
        let mut port = String::new();
        std::io::BufReader::new(child.stdout.take()?)
            .read_line(&mut port)
            .ok()?;
        let url = format!("http://127.0.0.1:{}", port.trim());
        Some(ThrottlingProxy { child, url })
    }

    /// [`ThrottlingProxy::start`], or `None` after saying that `test` is skipped.
    fn start_for(
        test: &str,
        upstream: &str,
        every: usize,
        fail_text: Option<&str>,
    ) -> Option<ThrottlingProxy> {
        let proxy = ThrottlingProxy::start(upstream, every, fail_text);
        if proxy.is_none() {
            common::skipped!("{test}: python3 cannot run the proxy");
        }
        proxy
    }

    /// (requests, throttled) so far.
    fn stats(&self) -> (u64, u64) {
        use std::io::{Read, Write};
        let address = self.url.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        write!(stream, "GET /stats HTTP/1.0\r\nHost: {address}\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let body: Value = serde_json::from_str(response.split("\r\n\r\n").nth(1).unwrap()).unwrap();
        (
            body["requests"].as_u64().unwrap(),
            body["throttled"].as_u64().unwrap(),
        )
    }
}

impl Drop for ThrottlingProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn throttled_requests_are_retried_until_every_policy_is_written() {
    let url = require_moto!("throttled_requests_are_retried_until_every_policy_is_written");
    let account = Account::new(url);
    let mut created = BTreeMap::new();
    for i in 0..20 {
        let name = format!("throttled-{i:02}");
        account.create_policy(&name, &document(i));
        created.insert(name, document(i));
    }
    let test = "throttled_requests_are_retried_until_every_policy_is_written";
    let Some(proxy) = ThrottlingProxy::start_for(test, url, 4, None) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let (output, account_dir) = download_all(&account, &proxy.url, home.path());
    let stderr = text(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}\n{stderr}",
        output.status
    );
    assert_eq!(
        written_documents(&account_dir.join("customer-managed")),
        created
    );
    assert!(
        account_dir
            .join("account-authorization-details.json")
            .is_file()
    );
    let (requests, throttled) = proxy.stats();
    // 1 GetCallerIdentity + 1 ListPolicies + 20 GetPolicyVersion + 1 details = 23 answered.
    assert!(
        throttled >= 5 && requests >= 23 + throttled,
        "{requests} requests, {throttled} throttled"
    );
    eprintln!("figure: {throttled} of {requests} requests throttled, all 20 policies written");
}

#[test]
fn a_policy_that_cannot_be_fetched_fails_the_run_but_not_the_others() {
    let url = require_moto!("a_policy_that_cannot_be_fetched_fails_the_run_but_not_the_others");
    let account = Account::new(url);
    for name in ["fine-one", "broken-one", "fine-two"] {
        account.create_policy(name, &document(name.len()));
    }
    // Every 1000th request throttled: in effect only the injected failure.
    let test = "a_policy_that_cannot_be_fetched_fails_the_run_but_not_the_others";
    let Some(proxy) = ThrottlingProxy::start_for(test, url, 1000, Some("broken-one")) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let (output, account_dir) = download_all(&account, &proxy.url, home.path());
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_no_secrets(&output, &account);
    let written = written_documents(&account_dir.join("customer-managed"));
    assert_eq!(written.keys().collect::<Vec<_>>(), ["fine-one", "fine-two"]);
    assert!(
        account_dir
            .join("account-authorization-details.json")
            .is_file(),
        "the rest is still written"
    );
    let expected = format!(
        "failed: iam:GetPolicyVersion failed for policy arn:aws:iam::{}:policy/broken-one",
        account.id
    );
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(
        stderr.contains("2/3 customer-managed policies written"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_profile_is_refused_with_a_suggestion() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("aws-config"),
        "[profile production]\n[default]\n",
    )
    .unwrap();
    let output = download_command(home.path())
        .args(["--profile", "prodution", "--output-dir"])
        .arg(home.path())
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(output.stdout.is_empty());
    assert!(
        stderr.contains("profile \"prodution\" is not in the AWS config or credentials files (did you mean production?)"),
        "{stderr}"
    );
}

//! Download an AWS account's IAM policies for offline analysis (`download-policies`).
//!
//! Per account: STS `GetCallerIdentity` gives the account id; IAM `ListPolicies` (every page)
//! lists the managed policies, `GetPolicyVersion` fetches each default version's document
//! (URL-decoded, written as 4-space indented JSON); `GetAccountAuthorizationDetails` (every
//! page, merged) is kept raw for tools that read that format. Layout under the output folder
//! (defined in [`crate::audit::downloaded`], which `analyze downloaded-policies` reads with):
//!
//! ```text
//! <account-id>/customer-managed/<PolicyName>.json
//! <account-id>/aws-managed/<PolicyName>.json          (with `aws_managed`)
//! <account-id>/account-authorization-details.json
//! ```
//!
//! Credentials come from the SDK's default chain (environment, profiles, SSO, credential
//! process, IMDS). Throttling and transient errors are retried by the SDK's standard retry mode
//! (exponential backoff with jitter, [`MAX_ATTEMPTS`] attempts). A failure on one policy or one
//! page does not lose the rest: the report lists what failed. No credential is ever formatted
//! into an error or a report.

mod details;
mod files;
mod profiles;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_sdk_iam::types::{EntityType, PolicyScopeType};
use tokio::task::JoinSet;

pub use files::decode_policy_document;

use crate::audit::downloaded;
pub use profiles::{ProfileError, profile_names, profile_names_in};

/// Attempts per request (the SDK's default is 3): IAM throttles bursts hard.
pub const MAX_ATTEMPTS: u32 = 6;
/// `GetPolicyVersion` requests in flight at once.
const CONCURRENT_FETCHES: usize = 8;
/// IAM is a global service; its endpoint is resolved from this region when none is configured.
const FALLBACK_REGION: &str = "us-east-1";

/// What to download, for one account.
#[derive(Clone, Debug, Default)]
pub struct DownloadOptions {
    /// Named profile of the AWS config/credentials files; `None`: the SDK's default chain
    /// (which honours `AWS_PROFILE`).
    pub profile: Option<String>,
    /// Endpoint for IAM and STS (an emulator, a VPC endpoint); the SDK's own
    /// `AWS_ENDPOINT_URL_IAM` / `AWS_ENDPOINT_URL` apply when this is `None`.
    pub endpoint_url: Option<String>,
    /// Also policies attached to nothing (upstream downloaded attached ones only).
    pub include_unattached: bool,
    /// Also AWS-managed policies, into `aws-managed/`.
    pub aws_managed: bool,
    /// Folder holding one sub-folder per account.
    pub output_dir: PathBuf,
}

pub use crate::audit::downloaded::PolicyScope;

impl PolicyScope {
    fn api_scope(self) -> PolicyScopeType {
        match self {
            PolicyScope::CustomerManaged => PolicyScopeType::Local,
            PolicyScope::AwsManaged => PolicyScopeType::Aws,
        }
    }
}

/// Progress of one account's download, for a progress line.
#[derive(Clone, Debug)]
pub enum Progress<'a> {
    /// The caller's identity is known.
    Account { account_id: &'a str },
    /// Another page of `ListPolicies` arrived.
    Listing {
        scope: PolicyScope,
        policies: usize,
        pages: usize,
    },
    /// `done` of `total` policy documents fetched (written or failed).
    Fetching {
        scope: PolicyScope,
        done: usize,
        total: usize,
    },
    /// Another page of `GetAccountAuthorizationDetails` arrived.
    Details { pages: usize },
}

/// Something that could not be downloaded or written; the rest of the account still was.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("cannot load the AWS configuration{}: {message}", profile_note(.profile))]
    Config {
        profile: Option<String>,
        message: String,
    },
    #[error("{operation} failed: {message}")]
    Api {
        operation: &'static str,
        message: String,
    },
    #[error("{operation} failed for policy {policy}: {message}")]
    Policy {
        operation: &'static str,
        policy: String,
        message: String,
    },
    #[error("policy {policy}: {message}")]
    Document { policy: String, message: String },
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
}

fn profile_note(profile: &Option<String>) -> String {
    profile
        .as_ref()
        .map(|p| format!(" of profile {p}"))
        .unwrap_or_default()
}

/// Counts for one scope of policies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScopeReport {
    /// Policies `ListPolicies` returned.
    pub listed: usize,
    /// Pages of `ListPolicies` followed.
    pub pages: usize,
    /// Policy files written.
    pub written: usize,
}

/// What happened for one account. `failures` empty means everything was written.
#[derive(Debug, Default)]
pub struct AccountReport {
    pub profile: Option<String>,
    /// `None` when even the caller's identity could not be read (nothing was written then).
    pub account_id: Option<String>,
    /// The account's folder, when known.
    pub account_dir: Option<PathBuf>,
    pub customer_managed: ScopeReport,
    pub aws_managed: Option<ScopeReport>,
    /// Pages of `GetAccountAuthorizationDetails` followed; `None` when it failed.
    pub details_pages: Option<usize>,
    pub failures: Vec<DownloadError>,
    pub elapsed: Duration,
}

impl AccountReport {
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Download one account's policies (blocking; runs its own single-threaded runtime).
pub fn download_account(
    options: &DownloadOptions,
    progress: &mut dyn FnMut(Progress<'_>),
) -> AccountReport {
    let started = Instant::now();
    let mut report = AccountReport {
        profile: options.profile.clone(),
        ..AccountReport::default()
    };
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(download_into(options, progress, &mut report)),
        Err(err) => report.failures.push(DownloadError::Runtime(err)),
    }
    report.elapsed = started.elapsed();
    report
}

/// An HTTPS client on rustls with the ring provider (the SDK's default uses aws-lc, whose C
/// build takes much longer).
#[doc(hidden)]
pub fn https_client() -> aws_sdk_iam::config::SharedHttpClient {
    use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

/// The SDK configuration for one profile (or the default chain) and endpoint.
pub async fn load_sdk_config(
    profile: Option<&str>,
    endpoint_url: Option<&str>,
) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(https_client())
        .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS));
    if let Some(profile) = profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}

fn region_or_fallback(config: &aws_config::SdkConfig) -> aws_config::Region {
    config
        .region()
        .cloned()
        .unwrap_or_else(|| aws_config::Region::from_static(FALLBACK_REGION))
}

/// An IAM client for `config`, in us-east-1 when the configuration names no region.
#[doc(hidden)]
pub fn iam_client(config: &aws_config::SdkConfig) -> aws_sdk_iam::Client {
    let conf = aws_sdk_iam::config::Builder::from(config)
        .region(region_or_fallback(config))
        .build();
    aws_sdk_iam::Client::from_conf(conf)
}

/// An STS client for `config`, in us-east-1 when the configuration names no region.
#[doc(hidden)]
pub fn sts_client(config: &aws_config::SdkConfig) -> aws_sdk_sts::Client {
    let conf = aws_sdk_sts::config::Builder::from(config)
        .region(region_or_fallback(config))
        .build();
    aws_sdk_sts::Client::from_conf(conf)
}

/// An SDK error and its causes on one line, each message once ("dispatch failure: … loading
/// credentials: …"). Only `Display` texts: the `Debug` forms hold whole HTTP responses.
fn sdk_message(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cause = Some(err);
    while let Some(err) = cause {
        let text = err.to_string();
        if !text.is_empty() && !parts.iter().any(|seen| seen.contains(&text)) {
            parts.push(text);
        }
        cause = err.source();
    }
    parts.join(": ")
}

async fn download_into(
    options: &DownloadOptions,
    progress: &mut dyn FnMut(Progress<'_>),
    report: &mut AccountReport,
) {
    let config = load_sdk_config(options.profile.as_deref(), options.endpoint_url.as_deref()).await;
    let account_id = match sts_client(&config).get_caller_identity().send().await {
        Ok(identity) => match identity.account {
            Some(id) => id,
            None => {
                report.failures.push(DownloadError::Api {
                    operation: "sts:GetCallerIdentity",
                    message: "the response names no account".into(),
                });
                return;
            }
        },
        Err(err) => {
            report.failures.push(DownloadError::Api {
                operation: "sts:GetCallerIdentity",
                message: sdk_message(&err),
            });
            return;
        }
    };
    if !files::is_safe_file_stem(&account_id) {
        report.failures.push(DownloadError::Api {
            operation: "sts:GetCallerIdentity",
            message: format!("unexpected account id {account_id:?}"),
        });
        return;
    }
    progress(Progress::Account {
        account_id: &account_id,
    });
    let account_dir = downloaded::account_folder(&options.output_dir, &account_id);
    report.account_id = Some(account_id);
    report.account_dir = Some(account_dir.clone());
    let iam = iam_client(&config);

    report.customer_managed = download_scope(
        &iam,
        PolicyScope::CustomerManaged,
        options,
        &account_dir,
        progress,
        &mut report.failures,
    )
    .await;
    if options.aws_managed {
        report.aws_managed = Some(
            download_scope(
                &iam,
                PolicyScope::AwsManaged,
                options,
                &account_dir,
                progress,
                &mut report.failures,
            )
            .await,
        );
    }
    report.details_pages =
        download_details(&iam, options, &account_dir, progress, &mut report.failures).await;
}

/// A managed policy as `ListPolicies` names it.
struct Listed {
    name: String,
    arn: String,
    default_version: String,
}

/// Every policy of `scope` into `<account_dir>/<scope folder>/`.
async fn download_scope(
    iam: &aws_sdk_iam::Client,
    scope: PolicyScope,
    options: &DownloadOptions,
    account_dir: &Path,
    progress: &mut dyn FnMut(Progress<'_>),
    failures: &mut Vec<DownloadError>,
) -> ScopeReport {
    let mut report = ScopeReport::default();
    let listed = list_policies(iam, scope, options, &mut report, progress, failures).await;
    report.listed = listed.len();

    let folder = downloaded::scope_folder(account_dir, scope);
    if let Err(source) = std::fs::create_dir_all(&folder) {
        failures.push(DownloadError::Write {
            path: folder,
            source,
        });
        return report;
    }
    report.written = fetch_all(iam, scope, listed, &folder, progress, failures).await;
    report
}

/// The policies of `scope`, every page of `ListPolicies` (counted in `report.pages`) until
/// one fails.
async fn list_policies(
    iam: &aws_sdk_iam::Client,
    scope: PolicyScope,
    options: &DownloadOptions,
    report: &mut ScopeReport,
    progress: &mut dyn FnMut(Progress<'_>),
    failures: &mut Vec<DownloadError>,
) -> Vec<Listed> {
    let mut listed = Vec::new();
    let mut pages = iam
        .list_policies()
        .scope(scope.api_scope())
        .only_attached(!options.include_unattached)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(page) => page,
            Err(err) => {
                // The paginator cannot go on without the failed page's marker.
                failures.push(DownloadError::Api {
                    operation: "iam:ListPolicies",
                    message: sdk_message(&err),
                });
                break;
            }
        };
        report.pages += 1;
        for policy in page.policies.unwrap_or_default() {
            match (policy.policy_name, policy.arn, policy.default_version_id) {
                (Some(name), Some(arn), Some(default_version)) => listed.push(Listed {
                    name,
                    arn,
                    default_version,
                }),
                (name, arn, _) => failures.push(DownloadError::Document {
                    policy: name.or(arn).unwrap_or_else(|| "(unnamed)".into()),
                    message: "ListPolicies gave no name, ARN or default version".into(),
                }),
            }
        }
        progress(Progress::Listing {
            scope,
            policies: listed.len(),
            pages: report.pages,
        });
    }
    listed
}

/// Fetch and write the listed policies, `CONCURRENT_FETCHES` at a time; the number written.
async fn fetch_all(
    iam: &aws_sdk_iam::Client,
    scope: PolicyScope,
    listed: Vec<Listed>,
    folder: &Path,
    progress: &mut dyn FnMut(Progress<'_>),
    failures: &mut Vec<DownloadError>,
) -> usize {
    let (total, mut done, mut written) = (listed.len(), 0, 0);
    let mut queue = listed.into_iter();
    let mut in_flight = JoinSet::new();
    loop {
        while in_flight.len() < CONCURRENT_FETCHES {
            let Some(policy) = queue.next() else { break };
            let iam = iam.clone();
            let folder = folder.to_path_buf();
            in_flight.spawn(async move { fetch_and_write(&iam, policy, &folder).await });
        }
        let Some(joined) = in_flight.join_next().await else {
            break;
        };
        done += 1;
        match joined {
            Ok(Ok(())) => written += 1,
            Ok(Err(err)) => failures.push(err),
            Err(join_error) => failures.push(DownloadError::Api {
                operation: "iam:GetPolicyVersion",
                message: format!("the request task ended abnormally: {join_error}"),
            }),
        }
        progress(Progress::Fetching { scope, done, total });
    }
    written
}

async fn fetch_and_write(
    iam: &aws_sdk_iam::Client,
    policy: Listed,
    folder: &Path,
) -> Result<(), DownloadError> {
    if !files::is_safe_file_stem(&policy.name) {
        return Err(DownloadError::Document {
            policy: policy.arn,
            message: format!("the name {:?} cannot be a file name", policy.name),
        });
    }
    let version = iam
        .get_policy_version()
        .policy_arn(&policy.arn)
        .version_id(&policy.default_version)
        .send()
        .await
        .map_err(|err| DownloadError::Policy {
            operation: "iam:GetPolicyVersion",
            policy: policy.arn.clone(),
            message: sdk_message(&err),
        })?;
    let encoded = version
        .policy_version
        .and_then(|v| v.document)
        .ok_or_else(|| DownloadError::Document {
            policy: policy.arn.clone(),
            message: "GetPolicyVersion returned no document".into(),
        })?;
    let document = decode_policy_document(&encoded).map_err(|message| DownloadError::Document {
        policy: policy.arn.clone(),
        message,
    })?;
    let path = downloaded::policy_file(folder, &policy.name);
    files::write_json(&path, &document).map_err(|source| DownloadError::Write { path, source })
}

async fn download_details(
    iam: &aws_sdk_iam::Client,
    options: &DownloadOptions,
    account_dir: &Path,
    progress: &mut dyn FnMut(Progress<'_>),
    failures: &mut Vec<DownloadError>,
) -> Option<usize> {
    let mut filter = vec![
        EntityType::User,
        EntityType::Role,
        EntityType::Group,
        EntityType::LocalManagedPolicy,
    ];
    if options.aws_managed {
        filter.push(EntityType::AwsManagedPolicy);
    }
    let mut merged = details::Details::default();
    let mut pages = iam
        .get_account_authorization_details()
        .set_filter(Some(filter))
        .into_paginator()
        .send();
    let mut count = 0;
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => {
                count += 1;
                merged.add_page(page);
                progress(Progress::Details { pages: count });
            }
            Err(err) => {
                // Half a snapshot would mislead the tools that read it: write none.
                failures.push(DownloadError::Api {
                    operation: "iam:GetAccountAuthorizationDetails",
                    message: sdk_message(&err),
                });
                return None;
            }
        }
    }
    let path = account_dir.join(downloaded::AUTHORIZATION_DETAILS_FILE);
    match files::write_json(&path, &merged.to_json()) {
        Ok(()) => Some(count),
        Err(source) => {
            failures.push(DownloadError::Write { path, source });
            None
        }
    }
}

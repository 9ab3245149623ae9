//! Policy Sentry: AWS IAM least-privilege policies, with the IAM database (the AWS "Actions,
//! resources, and condition keys" pages) compiled into the crate — no database file, no network,
//! no set-up. The command-line tool `policy_sentry` is described in the README; this is the
//! library under it.
//!
//! | to… | use |
//! |---|---|
//! | look up services, actions, ARN formats, condition keys | [`data`] (the tables), [`query`] (upstream's query answers) |
//! | write a least-privilege policy from a template | [`template::Template::parse`], then [`template::ParsedTemplate::write`] or [`write::write_policy`] |
//! | read a policy and check it (unknown names, ARNs that fit no action, risky grants) | [`audit::ParsedPolicy::parse`], [`audit::check_policy`], [`audit::grants()`] |
//! | expand a wildcard action | [`expand::expand`], [`expand::why_no_match`] |
//! | match an ARN against an ARN format | [`arn`] |
//! | read an account's policies (feature `download`) | `download` |
//!
//! Query the data:
//!
//! ```
//! use policy_sentry::data::{AccessLevel, Service};
//!
//! let s3 = Service::lookup("s3").unwrap();
//! let get_object = s3.action("getobject").unwrap(); // any case, as the pages spell it
//! assert_eq!(get_object.to_string(), "s3:GetObject");
//! assert_eq!(get_object.access_level(), AccessLevel::Read);
//! ```
//!
//! Write a policy from a template (the YAML `policy_sentry create-template` writes):
//!
//! ```
//! use policy_sentry::template::Template;
//! use policy_sentry::write::WriteOptions;
//!
//! let parsed = Template::parse("reader.yml", "mode: crud\nread:\n- arn:aws:s3:::reports/*\n")?;
//! let policy = parsed.write(&WriteOptions::default())?.policy;
//! let actions = &policy.statements[0].action;
//! assert!(actions.contains(&"s3:GetObject".to_string()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Check a policy, as `policy_sentry check` does:
//!
//! ```
//! use policy_sentry::audit::{CheckOptions, ParsedPolicy, Rule, check_policy};
//!
//! let text = r#"{"Version": "2012-10-17", "Statement": [
//!     {"Effect": "Allow", "Action": "s3:GetObjct", "Resource": "*"}]}"#;
//! let policy = ParsedPolicy::parse("policy.json", text)?;
//! let findings = check_policy(&policy, &CheckOptions::default());
//! assert_eq!(findings[0].rule, Rule::UnknownAction);
//! assert!(findings[0].message.contains("did you mean s3:GetObject?"));
//! assert_eq!(findings[0].actions.names(), ["s3:GetObject"]);
//! # Ok::<(), policy_sentry::audit::PolicyError>(())
//! ```
//!
//! Expand a wildcard, or say why it matches nothing:
//!
//! ```
//! use policy_sentry::expand::{expand, why_no_match};
//!
//! let names: Vec<String> = expand("s3:GetObjectT*").iter().map(|a| a.to_string()).collect();
//! assert!(names.contains(&"s3:GetObjectTagging".to_string()));
//! let why = why_no_match("s3:GetObjcet").unwrap();
//! assert!(why.to_string().contains("s3:GetObject"));
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod arn;
pub mod audit;
mod condition;
pub mod data;
#[cfg(feature = "download")]
#[cfg_attr(docsrs, doc(cfg(feature = "download")))]
pub mod download;
mod effect;
pub mod error;
pub mod expand;
pub mod explain;
#[doc(hidden)]
pub mod io;
pub mod query;
pub mod simulate;
/// Did-you-mean search; used by the binary and the benchmarks, not part of the API.
#[doc(hidden)]
pub mod suggest;
pub mod template;
pub mod template_text;
pub mod write;
mod yaml;

pub use effect::Effect;

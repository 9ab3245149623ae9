//! Policy Sentry: AWS IAM least-privilege policies from the IAM database compiled into the
//! crate. See the README for the command-line tool.
//!
//! ```
//! let cloud9 = policy_sentry::data::Service::lookup("cloud9").unwrap();
//! assert_eq!(cloud9.name(), "AWS Cloud9");
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod arn;
pub mod audit;
pub mod data;
#[cfg(feature = "download")]
#[cfg_attr(docsrs, doc(cfg(feature = "download")))]
pub mod download;
pub mod error;
pub mod expand;
#[doc(hidden)]
pub mod io;
pub mod query;
pub mod suggest;
pub mod template;
pub mod template_text;
pub mod write;
mod yaml;

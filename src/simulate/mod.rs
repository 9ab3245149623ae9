//! An offline IAM policy simulator: would a request be allowed, and why.

pub mod conditions;
pub mod context;
pub mod variables;

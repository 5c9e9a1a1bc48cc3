//! Rendering leaklint's results for people (miette's graphical reports) and
//! for tools: a stable JSON schema (see `docs/json-format.md`), SARIF 2.1.0,
//! GitHub Actions annotations, unix one-liners, checkstyle and JUnit XML.
//!
//! Build a [`Report`] from the per-file results; it puts everything in a
//! deterministic order (files by path; findings by line, column, rule), so
//! the output does not depend on how many threads produced the results.

mod checkstyle;
mod cut;
mod display_path;
mod fingerprint;
mod github;
mod heap_evidence;
mod human;
mod json;
mod junit;
mod miette_adapter;
mod report;
mod sarif;
mod unix;
mod xml;

pub use checkstyle::render_checkstyle;
pub use display_path::display_path;
pub use github::render_github;
pub use heap_evidence::{HeapEvidence, format_bytes};
pub use human::{HumanOptions, HumanOutput, render_human};
pub use json::{JSON_SCHEMA_VERSION, TOOL_NAME, render_json};
pub use junit::render_junit;
pub use report::{FailureKind, FileErrorOut, FileResult, Report, Summary};
pub use sarif::{SarifLimits, SarifOutput, render_sarif, render_sarif_with_limits};
pub use unix::render_unix;

#[cfg(test)]
mod test_support;

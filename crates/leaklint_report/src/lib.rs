//! Rendering leaklint's results for people (miette's graphical reports) and
//! for tools (a stable JSON schema, see `docs/json-format.md`).
//!
//! Build a [`Report`] from the per-file results; it puts everything in a
//! deterministic order (files by path; findings by line, column, rule), so
//! the output does not depend on how many threads produced the results.

mod display_path;
mod heap_evidence;
mod human;
mod json;
mod miette_adapter;
mod report;
mod sarif;

pub use display_path::display_path;
pub use heap_evidence::{HeapEvidence, format_bytes};
pub use human::{HumanOptions, HumanOutput, render_human};
pub use json::{JSON_SCHEMA_VERSION, TOOL_NAME, render_json};
pub use report::{FailureKind, FileErrorOut, FileResult, Report, Summary};
pub use sarif::render_sarif;

#[cfg(test)]
mod test_support;

//! Hand-made findings for the renderers' tests, standing in for real rules.

use leaklint_core::{Diagnostic, Label, Severity, Span};

use crate::report::{FailureKind, FileErrorOut, FileResult, Report};

const SERVER: &str = "\
const cache = new Map();

export function handle(req) {
  cache.set(req.id, req.body);
  return cache.size;
}
";

const TIMER: &str = "const 名前 = \"😀\"; setInterval(() => poll(名前), 1000);\n";

fn span_of(source: &str, needle: &str) -> Span {
    let start = source.find(needle).expect("needle in source") as u32;
    Span::new(start, start + needle.len() as u32)
}

/// Two files with findings (one with a secondary label and help; one with
/// non-ASCII text before the span), given out of order, plus a file error.
pub fn sample_report() -> Report {
    let unbounded = Diagnostic {
        rule: "no-unbounded-collection",
        severity: Severity::Warning,
        message: "`cache` grows on every call to `handle` and is never cleared".into(),
        span: span_of(SERVER, "cache.set(req.id, req.body)"),
        label: "an entry is added on every call".into(),
        related: vec![Label {
            span: span_of(SERVER, "cache = new Map()"),
            message: "`cache` lives as long as the module".into(),
        }],
        help: "Delete the entry when the request ends, or bound the Map (an LRU cache).".into(),
        fixes: Vec::new(),
        subject: None,
    };
    let interval = Diagnostic {
        rule: "no-uncleared-interval",
        severity: Severity::Error,
        message: "This interval is never cleared".into(),
        span: span_of(TIMER, "setInterval(() => poll(名前), 1000)"),
        label: String::new(),
        related: vec![],
        help: String::new(),
        fixes: Vec::new(),
        subject: None,
    };
    Report::new(
        3,
        vec![
            FileResult::new("src/timer.ts", TIMER, vec![interval]),
            FileResult::new("src/server.js", SERVER, vec![unbounded]),
        ],
        vec![FileErrorOut {
            path: "src/broken.js".into(),
            kind: FailureKind::SyntaxError,
            message: "syntax error: Unexpected token".into(),
            line: Some(2),
            column: Some(5),
        }],
    )
}

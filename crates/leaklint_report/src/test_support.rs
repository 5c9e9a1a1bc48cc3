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

static INTERVAL_RULE: leaklint_core::RuleMeta = leaklint_core::RuleMeta {
    id: "no-uncleared-interval",
    default_severity: Severity::Error,
    summary: "An interval is started and never cleared.",
    docs: "# no-uncleared-interval\n\nAn interval keeps its callback alive until it is cleared.\n",
    tags: &["memory", "timers"],
    precision: leaklint_core::Precision::Medium,
};

static COLLECTION_RULE: leaklint_core::RuleMeta = leaklint_core::RuleMeta {
    id: "no-unbounded-collection",
    default_severity: Severity::Warning,
    summary: "A long-lived collection grows and is never emptied.",
    docs: "# no-unbounded-collection\n\nA long-lived collection grows and is never\nemptied, over several lines.\n\n\
           ## Examples\n\n```js fail\nconst seen = new Map();\n```\n",
    tags: &["memory", "collections"],
    precision: leaklint_core::Precision::High,
};

/// Descriptions of the two rules in [`sample_report`], given out of id order.
pub fn sample_rules() -> Vec<&'static leaklint_core::RuleMeta> {
    vec![&COLLECTION_RULE, &INTERVAL_RULE]
}

/// The SARIF 2.1.0 schema (the SARIF SDK's corrected copy), which
/// `scripts/setup.sh` puts under `.tools/`. Fails, naming the script, when absent.
pub fn sarif_schema() -> &'static jsonschema::Validator {
    static SCHEMA: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/sarif-schema/sarif-2.1.0.schema.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|err| {
            panic!("cannot read the SARIF schema at {} ({err}); run scripts/setup.sh to install it", path.display())
        });
        let schema: serde_json::Value = serde_json::from_str(&text).expect("the SARIF schema is JSON");
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&schema)
            .expect("the SARIF schema compiles")
    })
}

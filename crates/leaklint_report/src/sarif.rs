//! SARIF 2.1.0 output: one run, locations relative to `%SRCROOT%` (the
//! directory leaklint ran in), columns in UTF-16 code units as GitHub code
//! scanning expects. Nothing absolute goes in, so the output does not depend
//! on where the repository is checked out.

use leaklint_core::{LineIndex, RuleMeta, Severity, Span};
use serde_json::{Value, json};

use crate::report::Report;

const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/leaklint/leaklint";
const SRCROOT: &str = "%SRCROOT%";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Percent-encode a relative path for a URI reference: everything but
/// unreserved characters and `/` is escaped, byte by byte.
fn uri_reference(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn region(source: &str, lines: &LineIndex, span: Span) -> Value {
    let start = lines.position(source, span.start);
    let end = lines.position(source, span.end.max(span.start));
    json!({
        "startLine": start.line,
        "startColumn": start.column_utf16,
        "endLine": end.line,
        "endColumn": end.column_utf16,
    })
}

fn location(uri: &str, source: &str, lines: &LineIndex, span: Span, message: Option<&str>) -> Value {
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri, "uriBaseId": SRCROOT },
            "region": region(source, lines, span),
        }
    });
    if let Some(text) = message {
        loc["message"] = json!({ "text": text });
    }
    loc
}

fn rule_descriptor(rule: &RuleMeta) -> Value {
    json!({
        "id": rule.id,
        "name": rule.id,
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": rule.summary },
        "help": { "text": rule.docs, "markdown": rule.docs },
        "helpUri": format!("{INFORMATION_URI}/blob/main/rules/{}.md", rule.id),
        "defaultConfiguration": { "level": level(rule.default_severity) },
        "properties": {
            "tags": ["memory-leak", "reliability"],
            "precision": "high",
            "problem.severity": level(rule.default_severity),
        },
    })
}

/// The SARIF document for `report`. `rules` are the rules that ran.
pub fn render_sarif(report: &Report, rules: &[&'static RuleMeta], version: &str) -> String {
    let mut rules: Vec<&RuleMeta> = rules.to_vec();
    rules.sort_by_key(|r| r.id);
    let mut results = Vec::new();
    for file in report.results() {
        let source = file.source();
        let lines = LineIndex::new(source);
        let uri = uri_reference(file.path());
        for d in file.diagnostics() {
            let index = rules.iter().position(|r| r.id == d.rule);
            let mut result = json!({
                "ruleId": d.rule,
                "level": level(d.severity),
                "message": { "text": format!("{} {}", d.message, d.help) },
                "locations": [location(&uri, source, &lines, d.span, None)],
            });
            if let Some(i) = index {
                result["ruleIndex"] = json!(i);
            }
            if !d.related.is_empty() {
                let related: Vec<Value> = d
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        let mut loc = location(&uri, source, &lines, l.span, Some(&l.message));
                        loc["id"] = json!(i);
                        loc
                    })
                    .collect();
                result["relatedLocations"] = json!(related);
            }
            results.push(result);
        }
    }
    let notifications: Vec<Value> = report
        .file_errors()
        .iter()
        .map(|e| {
            let mut physical = json!({ "artifactLocation": { "uri": uri_reference(&e.path), "uriBaseId": SRCROOT } });
            if let Some(line) = e.line {
                physical["region"] = json!({ "startLine": line, "startColumn": e.column.unwrap_or(1) });
            }
            json!({
                "level": "error",
                "message": { "text": format!("{}: {}", e.kind.as_str(), e.message) },
                "locations": [{ "physicalLocation": physical }],
            })
        })
        .collect();
    let doc = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "leaklint",
                    "semanticVersion": version,
                    "informationUri": INFORMATION_URI,
                    "rules": rules.iter().map(|r| rule_descriptor(r)).collect::<Vec<_>>(),
                }
            },
            "originalUriBaseIds": {
                SRCROOT: { "description": { "text": "The directory leaklint was run from." } }
            },
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "utf16CodeUnits",
            "results": results,
        }]
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("SARIF values serialise");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_escape_everything_but_unreserved_characters() {
        assert_eq!(uri_reference("src/a b/ü.js"), "src/a%20b/%C3%BC.js");
        assert_eq!(uri_reference("lib\\x.js"), "lib/x.js");
    }
}

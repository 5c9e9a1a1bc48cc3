//! SARIF 2.1.0 output for GitHub code scanning and other SARIF viewers: one
//! run, locations relative to `%SRCROOT%` (the directory leaklint ran in),
//! columns in UTF-16 code units, line hashes as GitHub's upload action
//! computes them. Nothing absolute or time-dependent goes in, so the same
//! checkout gives the same bytes wherever it lies.

use std::io::Write as _;

use flate2::Compression;
use flate2::write::GzEncoder;
use leaklint_core::{Diagnostic, Fix, LineIndex, RuleMeta, Severity, Span};
use serde_json::{Value, json};

use crate::fingerprint::LineHashes;
use crate::report::{FileErrorOut, FileResult, Report};

/// The OASIS schema location (errata 01), which SARIF consumers recognise.
const SARIF_SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/leaklint/leaklint";
const SRCROOT: &str = "%SRCROOT%";

/// Upload limits a consumer enforces; over them, results are dropped from the
/// end (and a notification says so) rather than the whole upload rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SarifLimits {
    pub max_results: usize,
    /// Size of the document once gzip-compressed.
    pub max_gzip_bytes: usize,
}

impl SarifLimits {
    /// GitHub code scanning: 25,000 results per run, 10 MB gzip-compressed per upload.
    pub const GITHUB: SarifLimits = SarifLimits { max_results: 25_000, max_gzip_bytes: 10_000_000 };
}

/// A rendered SARIF document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SarifOutput {
    /// Pretty-printed JSON with a trailing newline.
    pub document: String,
    /// Findings left out to stay within [`SarifLimits`]; 0 normally.
    pub omitted_results: usize,
}

/// The SARIF document for `report` within GitHub's limits. `rules` are the
/// rules that ran; each gets a descriptor, in id order.
pub fn render_sarif(report: &Report, rules: &[&RuleMeta], version: &str) -> SarifOutput {
    render_sarif_with_limits(report, rules, version, SarifLimits::GITHUB)
}

pub fn render_sarif_with_limits(
    report: &Report,
    rules: &[&RuleMeta],
    version: &str,
    limits: SarifLimits,
) -> SarifOutput {
    let mut rules: Vec<&RuleMeta> = rules.to_vec();
    rules.sort_by_key(|r| r.id);
    rules.dedup_by_key(|r| r.id);
    let results = results(report, &rules);
    let total = results.len();
    let mut kept = total.min(limits.max_results);
    loop {
        let document = document(&rules, version, &results[..kept], total, report.file_errors());
        let size = gzip_size(&document);
        if size <= limits.max_gzip_bytes || kept == 0 {
            return SarifOutput { document, omitted_results: total - kept };
        }
        // Shrink in proportion to the excess, with a margin, so this converges in a few rounds.
        let ratio = limits.max_gzip_bytes as f64 / size as f64;
        kept = ((kept as f64 * ratio * 0.9) as usize).min(kept - 1);
    }
}

fn gzip_size(text: &str) -> usize {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    // Writing into a Vec cannot fail.
    encoder.write_all(text.as_bytes()).expect("gzip into memory");
    encoder.finish().expect("gzip into memory").len()
}

fn document(rules: &[&RuleMeta], version: &str, results: &[Value], total: usize, errors: &[FileErrorOut]) -> String {
    let mut notifications: Vec<Value> = errors.iter().map(file_error_notification).collect();
    if results.len() < total {
        notifications.push(json!({
            "level": "warning",
            "descriptor": { "id": "results-truncated" },
            "message": { "text": format!(
                "Only the first {} of {total} findings are included, to stay within the upload limits of SARIF consumers \
                 (GitHub: 25,000 results, 10 MB compressed). Run leaklint locally to see them all.",
                results.len()
            ) },
        }));
    }
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
    // Serialising JSON values into a String cannot fail.
    let mut out = serde_json::to_string_pretty(&doc).expect("SARIF values serialise");
    out.push('\n');
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn rule_descriptor(rule: &RuleMeta) -> Value {
    json!({
        "id": rule.id,
        "name": pascal_case(rule.id),
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": first_paragraph(rule.docs).unwrap_or_else(|| rule.summary.to_string()) },
        "help": { "text": markdown_to_text(rule.docs), "markdown": rule.docs },
        "helpUri": format!("{INFORMATION_URI}/blob/main/rules/{}.md", rule.id),
        "defaultConfiguration": { "level": level(rule.default_severity) },
        "properties": {
            "tags": rule.tags,
            "precision": rule.precision.as_str(),
            "problem.severity": level(rule.default_severity),
        },
    })
}

/// `no-listener-leak` → `NoListenerLeak`: SARIF's `name` is an identifier-like form of the id.
fn pascal_case(id: &str) -> String {
    id.split(['-', '_', '/'])
        .flat_map(|word| {
            let mut chars = word.chars();
            chars.next().map(|first| first.to_ascii_uppercase()).into_iter().chain(chars)
        })
        .collect()
}

/// The first paragraph of a rule page (below its title), on one line.
fn first_paragraph(markdown: &str) -> Option<String> {
    let paragraph: Vec<&str> = markdown
        .lines()
        .map(str::trim)
        .skip_while(|line| line.is_empty() || line.starts_with('#'))
        .take_while(|line| !line.is_empty())
        .collect();
    (!paragraph.is_empty()).then(|| paragraph.join(" "))
}

/// A rule page as plain text for viewers that do not render Markdown:
/// heading marks, bold marks and code fences dropped (code indented
/// instead), links written as `text (url)`.
fn markdown_to_text(markdown: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push_str("    ");
            out.push_str(line);
        } else {
            let text = if line.starts_with('#') { line.trim_start_matches('#').trim_start() } else { line };
            out.push_str(&unlink(&text.replace("**", "")));
        }
        out.push('\n');
    }
    out
}

/// `[text](url)` → `text (url)`; anything else unchanged.
fn unlink(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let link = after.find("](").and_then(|close| {
            let url_and_rest = &after[close + 2..];
            url_and_rest.find(')').map(|end| (&after[..close], &url_and_rest[..end], &url_and_rest[end + 1..]))
        });
        match link {
            Some((text, url, tail)) if !text.contains('[') => {
                out.push_str(&rest[..open]);
                out.push_str(text);
                out.push_str(" (");
                out.push_str(url);
                out.push(')');
                rest = tail;
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn results(report: &Report, rules: &[&RuleMeta]) -> Vec<Value> {
    let mut results = Vec::new();
    for file in report.results() {
        let place = FilePlace::new(file);
        let line_hashes = LineHashes::new(file.source());
        for (index, d) in file.diagnostics().iter().enumerate() {
            let mut value = result(&place, &line_hashes, rules, d);
            // `check --heap`: the snapshot evidence rides in the result's property bag.
            if let Some(evidence) = file.evidence(index) {
                value["properties"]["heapEvidence"] = json!(evidence);
            }
            results.push(value);
        }
    }
    results
}

/// What every location in one file needs.
struct FilePlace<'a> {
    uri: String,
    source: &'a str,
    lines: LineIndex,
}

impl<'a> FilePlace<'a> {
    fn new(file: &'a FileResult) -> Self {
        Self { uri: uri_reference(file.path()), source: file.source(), lines: LineIndex::new(file.source()) }
    }

    fn artifact(&self) -> Value {
        json!({ "uri": self.uri, "uriBaseId": SRCROOT })
    }

    /// Start and end line and column; the end column is one past the last
    /// character, both counted in UTF-16 code units from 1.
    fn region(&self, span: Span) -> Value {
        let start = self.lines.position(self.source, span.start);
        let end = self.lines.position(self.source, span.end.max(span.start));
        json!({
            "startLine": start.line,
            "startColumn": start.column_utf16,
            "endLine": end.line,
            "endColumn": end.column_utf16,
        })
    }

    fn location(&self, span: Span) -> Value {
        json!({ "physicalLocation": { "artifactLocation": self.artifact(), "region": self.region(span) } })
    }
}

fn result(place: &FilePlace<'_>, line_hashes: &LineHashes, rules: &[&RuleMeta], d: &Diagnostic) -> Value {
    let mut result = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": { "text": message_text(d) },
        "locations": [place.location(d.span)],
    });
    if let Some(index) = rules.iter().position(|r| r.id == d.rule) {
        result["ruleIndex"] = json!(index);
    }
    let start_line = place.lines.position(place.source, d.span.start).line;
    if let Some(hash) = line_hashes.line(start_line) {
        result["partialFingerprints"] = json!({ "primaryLocationLineHash": hash });
    }
    if !d.related.is_empty() {
        let related: Vec<Value> = d
            .related
            .iter()
            .enumerate()
            .map(|(id, label)| {
                let mut location = place.location(label.span);
                location["id"] = json!(id);
                location["message"] = json!({ "text": label.message });
                location
            })
            .collect();
        result["relatedLocations"] = json!(related);
    }
    if !d.fixes.is_empty() {
        result["fixes"] = json!(d.fixes.iter().map(|fix| sarif_fix(place, fix)).collect::<Vec<_>>());
    }
    result
}

/// The finding and, when there is one, its help: the text must make sense
/// without the rule's page, as it is all an alert list shows.
fn message_text(d: &Diagnostic) -> String {
    if d.help.is_empty() {
        return d.message.clone();
    }
    let ends_sentence = d.message.ends_with(['.', '!', '?']);
    format!("{}{} {}", d.message, if ends_sentence { "" } else { "." }, d.help)
}

fn sarif_fix(place: &FilePlace<'_>, fix: &Fix) -> Value {
    let replacements: Vec<Value> = fix
        .edits
        .iter()
        .map(
            |edit| json!({ "deletedRegion": place.region(edit.span), "insertedContent": { "text": edit.replacement } }),
        )
        .collect();
    json!({
        "description": { "text": fix.message },
        "artifactChanges": [{ "artifactLocation": place.artifact(), "replacements": replacements }],
        // Safe fixes change nothing but the leak and may be applied without review.
        "properties": { "safe": fix.safe },
    })
}

fn file_error_notification(error: &FileErrorOut) -> Value {
    let mut physical = json!({ "artifactLocation": { "uri": uri_reference(&error.path), "uriBaseId": SRCROOT } });
    // Only the line: the column is counted in characters and the text is not at
    // hand to convert it to the run's UTF-16 units.
    if let Some(line) = error.line {
        physical["region"] = json!({ "startLine": line });
    }
    json!({
        "level": "error",
        "descriptor": { "id": error.kind.as_str() },
        "message": { "text": format!("{}: {}", error.path, error.message) },
        "locations": [{ "physicalLocation": physical }],
    })
}

/// Percent-encode a relative path for a URI reference: everything but
/// unreserved characters and `/` is escaped, byte by byte. `\\` separates
/// folders only on Windows; elsewhere it is part of a name (`back\\slash.js`).
fn uri_reference(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let path = if cfg!(windows) { path.replace('\\', "/") } else { path.to_string() };
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use leaklint_core::{Edit, Label, Precision};

    use super::*;
    use crate::report::FailureKind;
    use crate::test_support::{sample_report, sample_rules, sarif_schema};

    fn render(report: &Report) -> Value {
        let out = render_sarif(report, &sample_rules(), "9.9.9");
        assert_eq!(out.omitted_results, 0);
        serde_json::from_str(&out.document).expect("SARIF is JSON")
    }

    fn assert_valid(document: &Value) {
        let schema = sarif_schema();
        let errors: Vec<String> =
            schema.iter_errors(document).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "SARIF does not match the 2.1.0 schema:\n{}", errors.join("\n"));
    }

    #[test]
    fn snapshot_sample_report() {
        let out = render_sarif(&sample_report(), &sample_rules(), "9.9.9");
        assert_valid(&serde_json::from_str(&out.document).unwrap());
        insta::with_settings!({ snapshot_path => "../tests/snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("sarif_sample_report", out.document);
        });
    }

    #[test]
    fn schema_check_rejects_an_invalid_document() {
        // The check itself must be able to fail: a level SARIF does not define.
        let mut doc = render(&sample_report());
        doc["runs"][0]["results"][0]["level"] = json!("fatal");
        assert!(sarif_schema().iter_errors(&doc).next().is_some());
    }

    #[test]
    fn empty_report_has_an_empty_results_array_and_all_rules() {
        let doc = render(&Report::new(4, vec![], vec![]));
        assert_valid(&doc);
        let run = &doc["runs"][0];
        assert_eq!(run["results"], json!([]));
        assert_eq!(run["invocations"][0]["toolExecutionNotifications"], json!([]));
        let ids: Vec<&str> =
            run["tool"]["driver"]["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["no-unbounded-collection", "no-uncleared-interval"]);
    }

    #[test]
    fn rule_index_points_at_the_rule_with_that_id() {
        let doc = render(&sample_report());
        let run = &doc["runs"][0];
        for result in run["results"].as_array().unwrap() {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(run["tool"]["driver"]["rules"][index]["id"], result["ruleId"]);
        }
    }

    #[test]
    fn columns_are_utf16_units_after_non_ascii_text() {
        let doc = render(&sample_report());
        let timer = doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/timer.ts")
            .unwrap();
        let region = &timer["locations"][0]["physicalLocation"]["region"];
        // `const 名前 = "😀"; ` is 16 characters but 17 UTF-16 units (the emoji is a
        // surrogate pair) and 23 bytes; the finding starts after it.
        assert_eq!(region["startColumn"], 18);
        // `setInterval(() => poll(名前), 1000)` is 33 units long.
        assert_eq!(region["endColumn"], 18 + 33);
        assert_eq!((region["startLine"].as_u64(), region["endLine"].as_u64()), (Some(1), Some(1)));
        assert_eq!(doc["runs"][0]["columnKind"], "utf16CodeUnits");
    }

    #[test]
    fn fingerprint_is_the_line_hash_of_the_start_line() {
        let doc = render(&sample_report());
        let server = doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ruleId"] == "no-unbounded-collection")
            .unwrap();
        let source =
            sample_report().results().iter().find(|r| r.path() == "src/server.js").unwrap().source().to_string();
        // The finding is on line 4.
        assert_eq!(server["partialFingerprints"]["primaryLocationLineHash"], LineHashes::new(&source).line(4).unwrap());
    }

    #[test]
    fn related_locations_have_ids_and_messages() {
        let doc = render(&sample_report());
        let server = &doc["runs"][0]["results"][0];
        assert_eq!(server["ruleId"], "no-unbounded-collection");
        let related = &server["relatedLocations"][0];
        assert_eq!(related["id"], 0);
        assert_eq!(related["message"]["text"], "`cache` lives as long as the module");
        assert_eq!(related["physicalLocation"]["region"]["startLine"], 1);
    }

    #[test]
    fn message_includes_the_help_as_a_second_sentence() {
        let doc = render(&sample_report());
        assert_eq!(
            doc["runs"][0]["results"][0]["message"]["text"],
            "`cache` grows on every call to `handle` and is never cleared. \
             Delete the entry when the request ends, or bound the Map (an LRU cache)."
        );
        assert_eq!(doc["runs"][0]["results"][1]["message"]["text"], "This interval is never cleared");
    }

    #[test]
    fn fixes_become_artifact_changes_with_utf16_regions() {
        let source = "const 名 = new Map();\nexport const h = (req) => 名.set(req, 1);\n";
        let map_at = source.find("new Map()").unwrap() as u32;
        let diagnostic = Diagnostic {
            rule: "no-unbounded-collection",
            severity: Severity::Error,
            message: "grows".into(),
            span: Span::new(map_at, map_at + 9),
            label: String::new(),
            related: vec![],
            help: String::new(),
            fixes: vec![
                Fix {
                    message: "Use a WeakMap".into(),
                    safe: true,
                    edits: vec![Edit { span: Span::new(map_at + 4, map_at + 7), replacement: "WeakMap".into() }],
                },
                Fix {
                    message: "Insert a comment".into(),
                    safe: false,
                    edits: vec![Edit { span: Span::new(0, 0), replacement: "// bounded elsewhere\n".into() }],
                },
            ],
            subject: None,
        };
        let report = Report::new(1, vec![FileResult::new("src/名.js", source, vec![diagnostic])], vec![]);
        let doc = render(&report);
        assert_valid(&doc);
        let fixes = &doc["runs"][0]["results"][0]["fixes"];
        assert_eq!(fixes.as_array().unwrap().len(), 2);
        assert_eq!(fixes[0]["description"]["text"], "Use a WeakMap");
        assert_eq!(fixes[0]["properties"]["safe"], true);
        let change = &fixes[0]["artifactChanges"][0];
        assert_eq!(change["artifactLocation"]["uri"], "src/%E5%90%8D.js");
        assert_eq!(change["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let replacement = &change["replacements"][0];
        // `const 名 = new ` is 14 UTF-16 units, so `Map` is at column 15.
        assert_eq!(
            replacement["deletedRegion"],
            json!({ "startLine": 1, "startColumn": 15, "endLine": 1, "endColumn": 18 })
        );
        assert_eq!(replacement["insertedContent"]["text"], "WeakMap");
        // An insertion deletes an empty region.
        let insertion = &fixes[1]["artifactChanges"][0]["replacements"][0]["deletedRegion"];
        assert_eq!(insertion, &json!({ "startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1 }));
        assert_eq!(fixes[1]["properties"]["safe"], false);
    }

    #[test]
    fn file_errors_are_tool_execution_notifications() {
        let doc = render(&sample_report());
        let notifications = &doc["runs"][0]["invocations"][0]["toolExecutionNotifications"];
        assert_eq!(notifications.as_array().unwrap().len(), 1);
        let n = &notifications[0];
        assert_eq!(n["level"], "error");
        assert_eq!(n["descriptor"]["id"], FailureKind::SyntaxError.as_str());
        assert_eq!(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "src/broken.js");
        assert_eq!(n["locations"][0]["physicalLocation"]["region"], json!({ "startLine": 2 }));
    }

    #[test]
    fn rule_descriptors_carry_docs_tags_and_precision() {
        let doc = render(&Report::new(0, vec![], vec![]));
        let rule = &doc["runs"][0]["tool"]["driver"]["rules"][0];
        assert_eq!(rule["id"], "no-unbounded-collection");
        assert_eq!(rule["name"], "NoUnboundedCollection");
        assert_eq!(
            rule["fullDescription"]["text"],
            "A long-lived collection grows and is never emptied, over several lines."
        );
        assert!(rule["help"]["markdown"].as_str().unwrap().starts_with("# no-unbounded-collection"));
        assert_eq!(rule["help"]["text"].as_str().unwrap().lines().next(), Some("no-unbounded-collection"));
        assert_eq!(rule["properties"]["tags"], json!(["memory", "collections"]));
        assert_eq!(rule["properties"]["precision"], Precision::High.as_str());
        assert_eq!(rule["properties"]["problem.severity"], "warning");
        assert_eq!(rule["defaultConfiguration"]["level"], "warning");
    }

    #[test]
    fn markdown_becomes_plain_text() {
        let text = markdown_to_text(
            "# t\n\nSee [the docs](https://x.test/a) and **this**.\n\n- item\n  more\n\n```js fail\nlet a;\n```\n",
        );
        assert_eq!(text, "t\n\nSee the docs (https://x.test/a) and this.\n\n- item\n  more\n\n    let a;\n");
        assert_eq!(unlink("[a] b [c](d"), "[a] b [c](d");
        assert_eq!(first_paragraph("# t\n\nOne\ntwo.\n\nThree."), Some("One two.".into()));
        assert_eq!(first_paragraph("# only a title\n"), None);
        assert_eq!(pascal_case("no-listener-leak"), "NoListenerLeak");
    }

    #[test]
    fn over_the_result_limit_keeps_the_first_results_and_says_so() {
        let limits = SarifLimits { max_results: 1, max_gzip_bytes: usize::MAX };
        let out = render_sarif_with_limits(&sample_report(), &sample_rules(), "0", limits);
        assert_eq!(out.omitted_results, 1);
        let doc: Value = serde_json::from_str(&out.document).unwrap();
        assert_valid(&doc);
        assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 1);
        let notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"].as_array().unwrap();
        let note = notes.iter().find(|n| n["descriptor"]["id"] == "results-truncated").unwrap();
        assert!(note["message"]["text"].as_str().unwrap().starts_with("Only the first 1 of 2 findings"));
    }

    #[test]
    fn over_the_size_limit_drops_results_until_it_fits() {
        let source = "x\n".repeat(3000);
        let diagnostics: Vec<Diagnostic> = (0..3000u32)
            .map(|line| Diagnostic {
                rule: "no-unbounded-collection",
                severity: Severity::Warning,
                message: format!("finding number {line} with some text that does not compress to nothing"),
                span: Span::new(line * 2, line * 2 + 1),
                label: String::new(),
                related: vec![],
                help: String::new(),
                fixes: vec![],
                subject: None,
            })
            .collect();
        let report = Report::new(1, vec![FileResult::new("a.js", source.as_str(), diagnostics)], vec![]);
        let unlimited = render_sarif(&report, &sample_rules(), "0");
        let full_size = gzip_size(&unlimited.document);
        let limits = SarifLimits { max_results: usize::MAX, max_gzip_bytes: full_size / 2 };
        let out = render_sarif_with_limits(&report, &sample_rules(), "0", limits);
        assert!(gzip_size(&out.document) <= full_size / 2);
        assert!(out.omitted_results > 1000 && out.omitted_results < 3000, "{}", out.omitted_results);
        let doc: Value = serde_json::from_str(&out.document).unwrap();
        assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 3000 - out.omitted_results);
    }

    #[test]
    fn same_report_gives_the_same_bytes() {
        let a = render_sarif(&sample_report(), &sample_rules(), "1.0.0");
        let b = render_sarif(&sample_report(), &sample_rules(), "1.0.0");
        assert_eq!(a, b);
    }

    #[test]
    fn a_rule_listed_twice_gets_one_descriptor() {
        let rules = sample_rules();
        let twice: Vec<&RuleMeta> = rules.iter().chain(rules.iter()).copied().collect();
        let doc: Value = serde_json::from_str(&render_sarif(&sample_report(), &twice, "0").document).unwrap();
        assert_eq!(doc["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn uris_escape_everything_but_unreserved_characters() {
        assert_eq!(uri_reference("src/a b/ü.js"), "src/a%20b/%C3%BC.js");
        let backslash = if cfg!(windows) { "lib/x.js" } else { "lib%5Cx.js" };
        assert_eq!(uri_reference("lib\\x.js"), backslash);
        assert_eq!(uri_reference("a%b#c?.js"), "a%25b%23c%3F.js");
    }

    #[test]
    fn related_label_uses_the_same_file() {
        // Labels carry no path of their own: they are in the finding's file.
        let label = Label { span: Span::new(0, 1), message: "m".into() };
        let report = Report::new(
            1,
            vec![FileResult::new(
                "x.js",
                "ab",
                vec![Diagnostic {
                    rule: "no-unbounded-collection",
                    severity: Severity::Error,
                    message: "m".into(),
                    span: Span::new(1, 2),
                    label: String::new(),
                    related: vec![label],
                    help: String::new(),
                    fixes: vec![],
                    subject: None,
                }],
            )],
            vec![],
        );
        let doc = render(&report);
        assert_eq!(
            doc["runs"][0]["results"][0]["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "x.js"
        );
    }
}

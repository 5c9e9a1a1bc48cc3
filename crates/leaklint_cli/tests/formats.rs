//! The machine formats from real runs: SARIF checked against the SARIF 2.1.0
//! schema (clean, leaky, unreadable files, suggested fixes, non-ASCII text),
//! byte-identical across runs and checkout paths; `-o FILE`; and a snapshot
//! of each CI format on one small tree.

mod common;

use std::sync::OnceLock;

use common::{Run, Tree, leaklint, workspace_root};
use serde_json::{Value, json};

/// Non-ASCII text before the finding and before its related place, on their lines.
const LEAK_JS: &str = "const label = \"café 😀\"; const cache = new Map();\n\
                       require(\"http\").createServer((req, res) => { const s = \"ü😀\"; cache.set(req, res); });\n";

/// A leak after non-ASCII text on its line, a file the parser rejects, and a clean file.
fn small_tree() -> Tree {
    let tree = Tree::new();
    tree.write("src/leak.js", LEAK_JS).write("src/broken.ts", "let broken = ;\n").clean_js("src/clean.js");
    tree
}

/// The SARIF SDK's corrected SARIF 2.1.0 schema, installed by `scripts/setup.sh`.
fn sarif_schema() -> &'static jsonschema::Validator {
    static SCHEMA: OnceLock<jsonschema::Validator> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let path = workspace_root().join(".tools/sarif-schema/sarif-2.1.0.schema.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|err| {
            panic!("cannot read the SARIF schema at {} ({err}); run scripts/setup.sh to install it", path.display())
        });
        let schema: Value = serde_json::from_str(&text).expect("the SARIF schema is JSON");
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&schema)
            .expect("the SARIF schema compiles")
    })
}

/// Parse stdout as SARIF and check it against the schema.
fn valid_sarif(run: &Run) -> Value {
    let doc = run.json();
    let errors: Vec<String> =
        sarif_schema().iter_errors(&doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF does not match the 2.1.0 schema:\n{}", errors.join("\n"));
    doc
}

fn results(doc: &Value) -> &Vec<Value> {
    doc["runs"][0]["results"].as_array().expect("results is an array")
}

#[test]
fn fixtures_sarif_is_valid_and_has_fixes_fingerprints_and_rule_indexes() {
    let run = leaklint(&workspace_root(), &["check", "--format", "sarif", "fixtures"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let doc = valid_sarif(&run);
    let rules = doc["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(!results(&doc).is_empty());
    for result in results(&doc) {
        let index = result["ruleIndex"].as_u64().expect("every result has a ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(result["partialFingerprints"]["primaryLocationLineHash"].is_string());
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("fixtures/") && !uri.contains('\\'), "{uri}");
    }
    // Some rules suggest edits; those must come through as SARIF fixes.
    assert!(results(&doc).iter().any(|r| r["fixes"].is_array()), "no finding in fixtures/ carries a fix");
    for rule in rules {
        for key in ["shortDescription", "fullDescription"] {
            assert!(!rule[key]["text"].as_str().unwrap().is_empty(), "{} has an empty {key}", rule["id"]);
        }
        assert!(rule["help"]["markdown"].as_str().unwrap().starts_with(&format!("# {}", rule["id"].as_str().unwrap())));
    }
}

#[test]
fn clean_run_has_an_empty_results_array() {
    let tree = Tree::new();
    tree.clean_js("a.js");
    let run = tree.check(&["--format", "sarif"]);
    assert_eq!(run.code, 0);
    let doc = valid_sarif(&run);
    assert_eq!(doc["runs"][0]["results"], json!([]));
    assert_eq!(doc["version"], "2.1.0");
    assert!(!doc["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().is_empty());
}

#[cfg(unix)]
#[test]
fn files_that_cannot_be_checked_are_notifications() {
    let tree = common::bad_input_tree();
    let run = tree.check(&["--format", "sarif"]);
    assert_eq!(run.code, 1);
    let doc = valid_sarif(&run);
    let notifications = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"].as_array().unwrap();
    let ids: Vec<&str> = notifications.iter().map(|n| n["descriptor"]["id"].as_str().unwrap()).collect();
    for kind in ["syntax_error", "not_utf8", "binary", "too_large"] {
        assert!(ids.contains(&kind), "no {kind} notification in {ids:?}");
    }
    assert!(notifications.iter().all(|n| n["level"] == "error"));
}

#[test]
fn columns_after_non_ascii_text_are_utf16_units() {
    let tree = small_tree();
    let run = tree.check(&["--format", "sarif"]);
    let doc = valid_sarif(&run);
    let leak = results(&doc).iter().find(|r| r["ruleId"] == "no-retained-request-closure").expect("the leak is found");
    let region = &leak["locations"][0]["physicalLocation"]["region"];
    let line_2 = LEAK_JS.lines().nth(1).unwrap();
    let before = &line_2[..line_2.find("cache.set").unwrap()];
    // The emoji is two UTF-16 units but one character: the column counts units.
    assert_eq!(before.encode_utf16().count(), before.chars().count() + 1);
    assert_eq!(region["startLine"], 2);
    assert_eq!(region["startColumn"], before.encode_utf16().count() + 1);
    assert_eq!(region["endColumn"], before.encode_utf16().count() + 1 + "cache.set(req, res)".len());
    let related = &leak["relatedLocations"][0]["physicalLocation"]["region"];
    // `const label = "café 😀"; const ` is 30 characters, 31 UTF-16 units and 35 bytes:
    // `cache = new Map()` starts at UTF-16 column 32.
    assert_eq!(related["startLine"], 1);
    assert_eq!(related["startColumn"], 32);
    assert_eq!(related["endColumn"], 32 + "cache = new Map()".len());
}

#[test]
fn sarif_is_byte_identical_across_runs_and_checkout_paths() {
    let first = small_tree();
    // A second checkout at a path of a different length.
    let second = Tree::new();
    let deeper = "some/much/deeper/checkout";
    for rel in ["src/leak.js", "src/broken.ts", "src/clean.js"] {
        second.write(&format!("{deeper}/{rel}"), std::fs::read(first.join(rel)).unwrap());
    }
    let a = first.check(&["--format", "sarif", "-j", "1"]);
    let b = first.check(&["--format", "sarif", "-j", "2"]);
    let c = common::leaklint(&second.join(deeper), &["check", "--format", "sarif"]);
    assert_eq!(a, b);
    assert_eq!(a, c);
    assert!(!a.stdout.contains(first.path().to_str().unwrap()));
}

#[test]
fn output_file_receives_the_report_and_stdout_stays_empty() {
    let tree = small_tree();
    let on_stdout = tree.check(&["--format", "sarif"]);
    let to_file = tree.check(&["--format", "sarif", "-o", "report.sarif"]);
    assert_eq!(to_file.code, on_stdout.code);
    assert_eq!(to_file.stdout, "");
    assert_eq!(std::fs::read_to_string(tree.join("report.sarif")).unwrap(), on_stdout.stdout);
    // Human output to a file: no colour even when asked for, file errors still on stderr.
    let human = tree.check(&["--color", "always", "-o", "report.txt"]);
    assert_eq!(human.stdout, "");
    assert!(human.stderr.contains("src/broken.ts"), "{}", human.stderr);
    let text = std::fs::read_to_string(tree.join("report.txt")).unwrap();
    assert!(text.contains("Found 1 error") && !text.contains('\x1b'), "{text}");
}

#[test]
fn unwritable_output_file_is_an_error() {
    let tree = small_tree();
    let run = tree.check(&["--format", "json", "-o", "missing-dir/report.json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: cannot write the report to missing-dir/report.json: "), "{}", run.stderr);
}

/// stdout of one format on [`small_tree`], with the version redacted.
fn snapshot_format(format: &str) -> String {
    let run = small_tree().check(&["--format", format]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr, "", "machine formats keep stderr empty");
    run.stdout
}

#[test]
fn snapshot_github() {
    insta::assert_snapshot!("format_github", snapshot_format("github"));
}

#[test]
fn snapshot_unix() {
    insta::assert_snapshot!("format_unix", snapshot_format("unix"));
}

#[test]
fn snapshot_checkstyle() {
    insta::assert_snapshot!("format_checkstyle", snapshot_format("checkstyle"));
}

#[test]
fn snapshot_junit() {
    insta::assert_snapshot!("format_junit", snapshot_format("junit"));
}

#[test]
fn snapshot_sarif_results() {
    // The rule descriptors embed every rule's page; the snapshot keeps their
    // ids only, so it changes with findings rather than with documentation.
    let run = small_tree().check(&["--format", "sarif"]);
    assert_eq!((run.code, run.stderr.as_str()), (1, ""));
    let mut doc = valid_sarif(&run);
    let driver = &mut doc["runs"][0]["tool"]["driver"];
    let ids: Vec<Value> = driver["rules"].as_array().unwrap().iter().map(|r| r["id"].clone()).collect();
    driver["rules"] = Value::Array(ids);
    driver["semanticVersion"] = json!("[VERSION]");
    insta::assert_json_snapshot!("format_sarif_results", doc);
}

#[test]
fn xml_formats_are_well_formed_enough_to_balance() {
    // Every element opened is closed: a cheap structural check on real output.
    for format in ["checkstyle", "junit"] {
        let out = snapshot_format(format);
        assert!(out.starts_with("<?xml version=\"1.0\""), "{out}");
        for tag in ["file", "testsuite", "testcase"] {
            assert_eq!(
                out.matches(&format!("<{tag} ")).count(),
                out.matches(&format!("</{tag}>")).count(),
                "{format}: {tag}"
            );
        }
    }
}

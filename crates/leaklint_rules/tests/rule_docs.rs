//! Every rule's page in `rules/<id>.md` is a test: each ```` ```js fail ```` block must
//! produce at least one finding of that rule, each ```` ```js pass ```` block none.
//! Languages: js, jsx, ts, tsx, mjs, cjs (the block is analysed as `example.<lang>`).

use std::path::{Path, PathBuf};
use std::process::Command;

use leaklint_core::{ActiveRule, Edit, analyze, apply_edits};
use leaklint_rules::all_rules;

struct Example {
    lang: String,
    expect_findings: bool,
    code: String,
    line: usize,
}

fn examples(markdown: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut current: Option<Example> = None;
    for (i, line) in markdown.lines().enumerate() {
        if let Some(ex) = current.as_mut() {
            if line.trim_start().starts_with("```") {
                out.push(current.take().expect("inside a block"));
            } else {
                ex.code.push_str(line);
                ex.code.push('\n');
            }
            continue;
        }
        if let Some(info) = line.trim_start().strip_prefix("```") {
            let mut words = info.split_whitespace();
            let lang = words.next().unwrap_or("");
            let expect = words.next();
            if matches!(lang, "js" | "jsx" | "ts" | "tsx" | "mjs" | "cjs") {
                let expect_findings = match expect {
                    Some("fail") => true,
                    Some("pass") => false,
                    other => panic!("line {}: code block needs `fail` or `pass`, got {other:?}", i + 1),
                };
                current = Some(Example { lang: lang.to_string(), expect_findings, code: String::new(), line: i + 1 });
            } else {
                // A non-example block (shell, json): skip to its end.
                current = None;
                let _ = lang;
            }
        }
    }
    assert!(current.is_none(), "unterminated code block");
    out
}

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules")
}

#[test]
fn every_rule_page_runs_its_examples() {
    let mut failures = Vec::new();
    for rule in all_rules() {
        let id = rule.meta().id;
        let page = docs_dir().join(format!("{id}.md"));
        let markdown = std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
        assert_eq!(markdown, rule.meta().docs, "{id}: embedded docs are stale; rebuild");
        let examples = examples(&markdown);
        assert!(examples.iter().any(|e| e.expect_findings), "{id}: no failing example");
        assert!(examples.iter().any(|e| !e.expect_findings), "{id}: no passing example");
        for ex in examples {
            let path = PathBuf::from(format!("example.{}", ex.lang));
            let active = [ActiveRule { rule, severity: rule.meta().default_severity }];
            let found = match analyze(&path, &ex.code, &active) {
                Ok(d) => d,
                Err(e) => {
                    failures.push(format!("{id}.md:{}: example does not parse: {}", ex.line, e.message));
                    continue;
                }
            };
            if ex.expect_findings && found.is_empty() {
                failures.push(format!("{id}.md:{}: `fail` example produced no finding", ex.line));
            }
            if !ex.expect_findings && !found.is_empty() {
                let messages: Vec<_> = found.iter().map(|d| d.message.as_str()).collect();
                failures.push(format!("{id}.md:{}: `pass` example produced {messages:?}", ex.line));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The `fail` examples with each finding's first suggested fix applied still
/// load: `node --check` accepts them (issue 16: a fix once declared a
/// variable twice).
#[test]
fn every_fixed_example_passes_node_check() {
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    for rule in all_rules() {
        let id = rule.meta().id;
        let markdown = rule.meta().docs;
        for ex in examples(markdown).into_iter().filter(|ex| ex.expect_findings) {
            // Node checks plain JavaScript only.
            if !matches!(ex.lang.as_str(), "js" | "cjs" | "mjs") {
                continue;
            }
            let path = dir.path().join(format!("example.{}", ex.lang));
            let active = [ActiveRule { rule, severity: rule.meta().default_severity }];
            let Ok(found) = analyze(&path, &ex.code, &active) else { continue };
            let mut edits: Vec<&Edit> = Vec::new();
            for fix in found.iter().filter_map(|d| d.fixes.first()) {
                let clashes = fix.edits.iter().any(|e| {
                    edits
                        .iter()
                        .any(|t| e.span.start < t.span.end && t.span.start < e.span.end || e.span.start == t.span.start)
                });
                if !clashes {
                    edits.extend(&fix.edits);
                }
            }
            if edits.is_empty() {
                continue;
            }
            let fixed = apply_edits(&ex.code, edits).expect("the fixes fit the example");
            std::fs::write(&path, &fixed).unwrap();
            let node =
                Command::new("node").arg("--check").arg(&path).output().expect("node is installed (scripts/setup.sh)");
            if !node.status.success() {
                failures.push(format!(
                    "{id}.md:{}: fixed example fails node --check:\n{fixed}\n{}",
                    ex.line,
                    String::from_utf8_lossy(&node.stderr)
                ));
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert!(checked >= 3, "only {checked} examples had fixes");
}

#[test]
fn every_page_in_rules_belongs_to_a_rule() {
    for entry in std::fs::read_dir(docs_dir()).expect("rules/ exists") {
        let path = entry.expect("readable").path();
        if path.extension().is_some_and(|e| e == "md") {
            let id = path.file_stem().and_then(|s| s.to_str()).expect("utf-8 name");
            if id == "README" {
                continue;
            }
            assert!(leaklint_rules::find_rule(id).is_some(), "rules/{id}.md has no rule");
        }
    }
}

/// The factory table on the rule page lists every built-in factory.
#[test]
fn per_call_construction_page_lists_every_factory() {
    let page = std::fs::read_to_string(docs_dir().join("no-per-call-construction.md")).expect("page");
    for factory in leaklint_rules::FACTORIES {
        let row = format!("| `{}` | `{}` |", factory.package, factory.export);
        assert!(page.contains(&row), "rules/no-per-call-construction.md does not list {row}");
    }
}

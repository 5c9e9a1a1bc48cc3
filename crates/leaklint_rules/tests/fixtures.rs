//! `fixtures/leaky/*` must each produce findings; `fixtures/clean/*` none.

use std::path::{Path, PathBuf};

use leaklint_core::{ActiveRule, Diagnostic, LineIndex, analyze};
use leaklint_rules::all_rules;

fn run(path: &Path) -> Vec<String> {
    let source = std::fs::read_to_string(path).expect("fixture readable");
    let rules: Vec<_> =
        all_rules().into_iter().map(|r| ActiveRule { rule: r, severity: r.meta().default_severity }).collect();
    let found: Vec<Diagnostic> = analyze(path, &source, &rules).expect("fixture parses");
    let lines = LineIndex::new(&source);
    found
        .iter()
        .map(|d| format!("{}:{} {} {}", lines.position(&source, d.span.start).line, d.rule, d.message, d.help))
        .collect()
}

fn files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures").join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("fixture dir").map(|e| e.expect("entry").path()).collect();
    files.sort();
    assert!(!files.is_empty());
    files
}

/// The rules a leaky fixture names in its `// expect: <rule-id>` lines.
fn expected_rules(path: &Path) -> Vec<String> {
    let source = std::fs::read_to_string(path).expect("fixture readable");
    source.lines().filter_map(|l| l.trim().strip_prefix("// expect: ")).map(|r| r.trim().to_string()).collect()
}

#[test]
fn leaky_fixtures_are_reported_by_the_rules_they_name() {
    let mut covered = Vec::new();
    for file in files("leaky") {
        let found = run(&file);
        eprintln!("{}:\n  {}", file.display(), found.join("\n  "));
        let expected = expected_rules(&file);
        assert!(!expected.is_empty(), "{}: no `// expect: <rule-id>` line", file.display());
        for rule in expected {
            assert!(
                found.iter().any(|f| f.split_whitespace().next().and_then(|w| w.split_once(':')).map(|(_, r)| r)
                    == Some(rule.as_str())),
                "{}: expected a `{rule}` finding, got {found:#?}",
                file.display()
            );
            covered.push(rule);
        }
    }
    for rule in all_rules() {
        assert!(covered.iter().any(|c| c == rule.meta().id), "no leaky fixture for {}", rule.meta().id);
    }
}

#[test]
fn every_leaky_fixture_has_a_clean_twin() {
    for file in files("leaky") {
        let twin = file.parent().unwrap().parent().unwrap().join("clean").join(file.file_name().unwrap());
        assert!(twin.exists(), "{} has no fixed version in fixtures/clean", file.display());
    }
}

#[test]
fn clean_fixtures_are_quiet() {
    for file in files("clean") {
        let found = run(&file);
        assert!(found.is_empty(), "{}: {found:#?}", file.display());
    }
}

/// Every suggested fix on the leaky fixtures applies cleanly, still parses, and
/// the Map -> WeakMap fix makes its finding go away.
#[test]
fn suggested_fixes_apply_and_parse() {
    let rules: Vec<_> =
        all_rules().into_iter().map(|r| ActiveRule { rule: r, severity: r.meta().default_severity }).collect();
    let mut applied = 0;
    for file in files("leaky") {
        let source = std::fs::read_to_string(&file).expect("fixture readable");
        let found = analyze(&file, &source, &rules).expect("fixture parses");
        for diagnostic in &found {
            for fix in &diagnostic.fixes {
                let fixed = fix.apply(&source).unwrap_or_else(|| panic!("{}: fix does not apply", file.display()));
                assert_ne!(fixed, source);
                let after = analyze(&file, &fixed, &rules)
                    .unwrap_or_else(|e| panic!("{}: `{}` breaks the file: {}", file.display(), fix.message, e.message));
                if fix.message.contains("WeakMap") {
                    assert!(
                        !after.iter().any(|d| d.rule == diagnostic.rule && d.message == diagnostic.message),
                        "{}: still reported after `{}`",
                        file.display(),
                        fix.message
                    );
                }
                applied += 1;
            }
        }
    }
    assert!(applied >= 2, "expected the leaky fixtures to offer fixes, applied {applied}");
}

/// `perCallFactories` from the configuration extends the built-in list.
#[test]
fn configured_factories_are_reported() {
    let source = "
const { AcmeClient } = require('@acme/client');
const express = require('express');
const app = express();
app.get('/orders', async (req, res) => {
  const client = new AcmeClient();
  res.json(await client.orders());
});
";
    let rule = leaklint_rules::find_rule("no-per-call-construction").expect("rule exists");
    let active = [ActiveRule { rule, severity: rule.meta().default_severity }];
    let path = Path::new("server.js");
    assert!(analyze(path, source, &active).expect("parses").is_empty());
    let options = leaklint_core::Options {
        per_call_factories: vec![leaklint_core::FactorySpec {
            package: "@acme/client".into(),
            export: "AcmeClient".into(),
            why: "Each client opens a connection pool.".into(),
        }],
        ..Default::default()
    };
    let found = leaklint_core::analyze_with(path, source, &active, &options).expect("parses");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].help.contains("Each client opens a connection pool."), "{}", found[0].help);
}

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

#[test]
fn leaky_fixtures_are_reported() {
    for file in files("leaky") {
        let found = run(&file);
        eprintln!("{}:\n  {}", file.display(), found.join("\n  "));
        assert!(!found.is_empty(), "{}: no finding", file.display());
    }
}

#[test]
fn clean_fixtures_are_quiet() {
    for file in files("clean") {
        let found = run(&file);
        assert!(found.is_empty(), "{}: {found:#?}", file.display());
    }
}

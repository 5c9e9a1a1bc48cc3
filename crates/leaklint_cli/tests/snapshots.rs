//! Snapshots of whole runs: `leaklint check fixtures` in each format, and the
//! bad-input tree. Times are redacted; re-accept with `cargo insta review`
//! when rules or fixtures change.

mod common;

use common::{Run, TIME_FILTER, leaklint, workspace_root};

/// Everything a user sees from one run, in one text.
fn transcript(run: &Run) -> String {
    format!("exit code: {}\n--- stdout ---\n{}--- stderr ---\n{}", run.code, run.stdout, run.stderr)
}

fn assert_transcript(name: &str, run: &Run) {
    insta::with_settings!({ filters => vec![TIME_FILTER], omit_expression => true }, {
        insta::assert_snapshot!(name, transcript(run));
    });
}

#[test]
fn fixtures_human() {
    assert!(common::fixtures_dir().is_dir(), "fixtures/ is missing");
    let run = leaklint(&workspace_root(), &["check", "--color", "never", "fixtures"]);
    assert_transcript("fixtures_human", &run);
}

#[test]
fn fixtures_human_quiet() {
    let run = leaklint(&workspace_root(), &["check", "--color", "never", "--quiet", "fixtures"]);
    assert_transcript("fixtures_human_quiet", &run);
}

#[test]
fn fixtures_json() {
    let run = leaklint(&workspace_root(), &["check", "--format", "json", "fixtures"]);
    // The version changes with every release; everything else is pinned.
    insta::with_settings!({ filters => vec![(r#""version": "[^"]*""#, r#""version": "[VERSION]""#)], omit_expression => true }, {
        insta::assert_snapshot!("fixtures_json", transcript(&run));
    });
}

#[cfg(unix)]
#[test]
fn bad_input_human() {
    let tree = common::bad_input_tree();
    let run = tree.check(&["--color", "never", "missing.js", "."]);
    assert_transcript("bad_input_human", &run);
}

#[cfg(unix)]
#[test]
fn bad_input_json() {
    let tree = common::bad_input_tree();
    let run = tree.check(&["--format", "json", "missing.js", "."]);
    insta::with_settings!({ filters => vec![(r#""version": "[^"]*""#, r#""version": "[VERSION]""#)], omit_expression => true }, {
        insta::assert_snapshot!("bad_input_json", transcript(&run));
    });
}

//! Inputs that once took a whole run down (issue 16): each now costs at most
//! the file it is in, and everything else is still checked and reported.

mod common;

use common::{Tree, leaklint_stdin};

// ---------------------------------------------------------------- deep nesting

/// The three shapes the campaign found, at depths Node accepts.
fn deep_but_valid() -> [(&'static str, String); 3] {
    [
        ("parentheses.js", format!("x = {}1{};\n", "(".repeat(1400), ")".repeat(1400))),
        ("closures.js", format!("module.exports = {}1{};\n", "function () { return ".repeat(500), "; }".repeat(500))),
        ("sum.js", format!("x = {};\n", vec!["1"; 16_000].join(" + "))),
    ]
}

#[test]
fn deeply_nested_code_that_node_accepts_is_checked() {
    for (name, source) in deep_but_valid() {
        let tree = Tree::new();
        tree.write(name, &source);
        let run = tree.check(&[name, "-o", "report.txt"]);
        assert_eq!(run.code, 0, "{name}: {run:?}");
        let report = std::fs::read_to_string(tree.join("report.txt")).expect("the report is written");
        assert!(report.contains("on 1 file."), "{name}: {report}");
    }
}

#[test]
fn code_nested_deeper_than_the_stack_allows_is_one_file_error() {
    let tree = Tree::new();
    tree.clean_js("a.js")
        .write("deep.js", format!("let ok = 1;\nx = {}1{};\n", "(".repeat(200_000), ")".repeat(200_000)));
    let run = tree.check(&["--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let report = run.json();
    assert_eq!(report["files_checked"], 1);
    let error = &report["file_errors"][0];
    assert_eq!((error["file"].as_str(), error["kind"].as_str()), (Some("deep.js"), Some("too_deep")));
    assert_eq!(error["line"], 2);
    assert!(error["column"].as_u64().unwrap() > 1000, "{error}");
    assert!(error["message"].as_str().unwrap().starts_with("nesting too deep: "), "{error}");

    let run = tree.check(&["deep.js"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.starts_with("error: deep.js:2:"), "{}", run.stderr);
    assert!(run.stderr.contains(": nesting too deep: more than "), "{}", run.stderr);
}

#[test]
fn deep_code_on_standard_input_is_checked_too() {
    let tree = Tree::new();
    for (name, source) in deep_but_valid() {
        let run = leaklint_stdin(tree.path(), &["check", "--stdin", "--stdin-filename", name], &source);
        assert_eq!(run.code, 0, "{name}: {run:?}");
    }
    let too_deep = format!("x = {};\n", "!".repeat(300_000) + "a");
    let run = leaklint_stdin(tree.path(), &["check", "--stdin", "--stdin-filename", "x.js"], &too_deep);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("x.js:1:"), "{}", run.stderr);
}

// ---------------------------------------------------------------- wide lines

/// A leak on a line of 500,000 characters, as in bundled files.
fn leak_on_a_wide_line() -> String {
    format!(
        "const http = require('http');\nconst cache = new Map();\nvar filler = \"{}\"; http.createServer((req, res) => {{ cache.set(req.url, 1); res.end(); }}).listen(3000);\n",
        "a".repeat(500_000)
    )
}

#[test]
fn a_finding_past_column_65535_is_reported_in_the_human_format() {
    let tree = Tree::new();
    tree.write("bundle.js", leak_on_a_wide_line());
    let from_file = tree.check(&["bundle.js"]);
    let from_stdin =
        leaklint_stdin(tree.path(), &["check", "--stdin", "--stdin-filename", "bundle.js"], &leak_on_a_wide_line());
    for run in [from_file, from_stdin] {
        assert_eq!(run.code, 1, "{run:?}");
        assert!(run.stdout.contains("no-unbounded-collection"), "{}", run.stdout);
        assert!(run.stdout.contains("╭─[bundle.js:3:500"), "{}", run.stdout);
        assert!(run.stdout.contains(" 3 │ …aaa"), "{}", run.stdout);
        assert!(run.stdout.lines().all(|line| line.chars().count() < 1200));
        assert!(run.stdout.contains("Found 1 error"), "{}", run.stdout);
    }
}

//! Configuration, ignore patterns, stdin, `leaklint rules`, suppression
//! comments and `--fix-suggestions`, through the built binary.

mod common;

use std::fs;

use common::{Run, Tree, leaklint};

/// Two findings: `no-unbounded-collection` on line 4, `no-listener-leak` on line 5.
const LEAKY: &str = "const http = require('http');
const cache = new Map();
http.createServer((req, res) => {
  cache.set(req.url, Date.now());
  process.on('exit', () => res.end());
  res.end();
}).listen(3000);
";

/// `(file, rule, line)` of each finding in a JSON report.
fn findings(run: &Run) -> Vec<(String, String, u64)> {
    run.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
                d["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn owned(items: &[(&str, &str, u64)]) -> Vec<(String, String, u64)> {
    items.iter().map(|(f, r, l)| (f.to_string(), r.to_string(), *l)).collect()
}

fn leaklint_stdin(tree: &Tree, args: &[&str], input: &str) -> Run {
    common::leaklint_stdin(tree.path(), args, input)
}

// ---------------------------------------------------------------- discovery

#[test]
fn nearest_config_wins() {
    let tree = Tree::new();
    tree.write(".leaklintrc.json", r#"{ "rules": { "no-listener-leak": "off" } }"#)
        .write("a.js", LEAKY)
        // Nearest wins alone: no-listener-leak is back at its default here.
        .write("sub/.leaklintrc.json", r#"{ "rules": { "no-unbounded-collection": "off" } }"#)
        .write("sub/deeper/b.js", LEAKY);
    let run = tree.check(&["--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        findings(&run),
        owned(&[("a.js", "no-unbounded-collection", 4), ("sub/deeper/b.js", "no-listener-leak", 5)])
    );
}

#[test]
fn warn_severity_from_config_exits_0() {
    let tree = Tree::new();
    tree.write(
        ".leaklintrc.json",
        "{\n  // both down to warnings\n  \"rules\": { \"no-listener-leak\": \"warn\", \"no-unbounded-collection\": \"warn\", },\n}\n",
    )
    .write("a.js", LEAKY);
    let run = tree.check(&["--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["summary"]["warnings"], 2, "{}", run.stdout);
}

#[test]
fn explicit_config_replaces_discovery() {
    let tree = Tree::new();
    tree.write(".leaklintrc.json", r#"{ "rules": { "nope": "off" } }"#)
        .write("conf/strict.json", r#"{ "rules": { "no-unbounded-collection": "off" } }"#)
        .write("a.js", LEAKY);
    let run = tree.check(&["--format", "json", "--config", "conf/strict.json"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(findings(&run), owned(&[("a.js", "no-listener-leak", 5)]));
}

#[test]
fn bad_config_exits_2_with_file_and_key_path() {
    let tree = Tree::new();
    tree.write("src/.leaklintrc.json", r#"{ "rules": { "no-listener-leak": "on" } }"#).write("src/a.js", LEAKY);
    let run = tree.check(&["src"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            ".leaklintrc.json: rules.no-listener-leak: unknown variant `on`, expected one of `off`, `warn`, `error`"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");

    let run = tree.check(&["--config", "missing.json", "src"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("missing.json: cannot read the configuration file"), "{}", run.stderr);

    tree.write("src/.leaklintrc.json", r#"{ "ignorePattern": [] }"#);
    let run = tree.check(&["src"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains(": ignorePattern: unknown field `ignorePattern`"), "{}", run.stderr);
}

// ---------------------------------------------------------------- ignore patterns

#[test]
fn ignore_patterns_apply_to_walked_and_named_files() {
    let tree = Tree::new();
    tree.write(".leaklintrc.json", r#"{ "ignorePatterns": ["generated/", "*.gen.js"] }"#)
        .write("generated/a.js", LEAKY)
        .write("src/b.gen.js", LEAKY)
        .write("src/c.js", LEAKY);
    let run = tree.check(&["--format", "json"]);
    assert_eq!(run.json()["files_checked"], 1, "{run:?}");
    assert!(findings(&run).iter().all(|(file, _, _)| file == "src/c.js"));
    assert_eq!(run.stderr, "");

    let run = tree.check(&["--format", "json", "generated/a.js", "src/b.gen.js"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["files_checked"], 0);
    assert_eq!(
        run.stderr_lines()[..2],
        [
            format!("note: generated/a.js: ignored by ignorePatterns in {}", tree.join(".leaklintrc.json").display()),
            format!("note: src/b.gen.js: ignored by ignorePatterns in {}", tree.join(".leaklintrc.json").display()),
        ]
    );
    assert_eq!(run.stderr_lines()[2], "note: no JavaScript or TypeScript files to check");
}

#[test]
fn no_files_to_check_exits_0_with_a_note() {
    let tree = Tree::new();
    tree.write("README.md", "# nothing here\n");
    let run = tree.check(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stderr, "note: no JavaScript or TypeScript files to check\n");
}

// ---------------------------------------------------------------- stdin

#[test]
fn stdin_is_checked_as_the_named_file_with_its_config() {
    let tree = Tree::new();
    tree.write("src/.leaklintrc.json", r#"{ "rules": { "no-listener-leak": "off" }, "ignorePatterns": ["vendor/"] }"#);
    let args = ["check", "--format", "json", "--stdin", "--stdin-filename", "src/handler.js"];
    let run = leaklint_stdin(&tree, &args, LEAKY);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(findings(&run), owned(&[("src/handler.js", "no-unbounded-collection", 4)]));
    assert_eq!(run.json()["files_checked"], 1);

    // The file type comes from the name: TypeScript syntax in a .ts name parses.
    let run = leaklint_stdin(&tree, &["check", "--stdin", "--stdin-filename", "src/t.ts"], "let n: number = 1;\n");
    assert_eq!(run.code, 0, "{run:?}");

    let run = leaklint_stdin(&tree, &["check", "--stdin", "--stdin-filename", "src/bad.js"], "let = ;\n");
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("src/bad.js:1:7: syntax error"), "{}", run.stderr);

    let run = leaklint_stdin(&tree, &["check", "--stdin", "--stdin-filename", "src/vendor/x.js"], LEAKY);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.starts_with("note: src/vendor/x.js: ignored by ignorePatterns in "), "{}", run.stderr);
}

#[test]
fn stdin_needs_a_filename_and_no_fixes() {
    let tree = Tree::new();
    let run = leaklint_stdin(&tree, &["check", "--stdin"], LEAKY);
    assert_eq!(run.code, 2, "{run:?}");
    let run = leaklint_stdin(&tree, &["check", "--stdin", "--stdin-filename", "a.js", "--fix-suggestions"], LEAKY);
    assert_eq!(run.code, 2, "{run:?}");
}

// ---------------------------------------------------------------- rules

#[test]
fn rules_lists_every_rule() {
    let tree = Tree::new();
    let run = leaklint(tree.path(), &["rules", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let ids: Vec<String> =
        run.json().as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
    let expected: Vec<String> = leaklint_rules::all_rules().iter().map(|r| r.meta().id.to_string()).collect();
    assert_eq!(ids, expected);

    let run = leaklint(tree.path(), &["rules"]);
    assert_eq!(run.code, 0, "{run:?}");
    let line = run.stdout.lines().find(|l| l.starts_with("no-listener-leak ")).expect("a line for no-listener-leak");
    assert!(
        line.contains(" error ")
            && line.ends_with(leaklint_rules::find_rule("no-listener-leak").unwrap().meta().summary)
    );
}

// ---------------------------------------------------------------- suppressions and fixes

#[test]
fn suppression_comments_hide_findings() {
    let tree = Tree::new();
    let source = LEAKY
        .replace(
            "  cache.set",
            "  // leaklint-disable-next-line no-unbounded-collection -- bounded elsewhere\n  cache.set",
        )
        .replace("res.end());\n", "res.end()); // leaklint-disable-line\n");
    tree.write("a.js", &source);
    let run = tree.check(&["--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(findings(&run), []);
}

#[test]
fn unused_directives_are_reported_and_fixed() {
    let tree = Tree::new();
    let source = format!("// leaklint-disable-next-line no-listener-leak -- stale\nconst x = 1;\n{LEAKY}");
    tree.write("a.js", &source);
    let run = tree.check(&["--format", "json"]);
    assert_eq!(findings(&run).len(), 2, "{run:?}");

    let run = tree.check(&["--format", "json", "--report-unused-disable-directives-severity", "warn"]);
    let all = findings(&run);
    assert!(all.contains(&("a.js".into(), "unused-disable-directive".into(), 1)), "{all:?}");
    assert_eq!(run.json()["diagnostics"][0]["severity"], "warning");

    let run = tree.check(&["--format", "json", "--report-unused-disable-directives", "--fix-suggestions"]);
    assert!(
        run.stderr.contains("fixed: a.js: Remove the unused `leaklint-disable-next-line` directive"),
        "{}",
        run.stderr
    );
    assert_eq!(fs::read_to_string(tree.join("a.js")).unwrap(), format!("const x = 1;\n{LEAKY}"));
    // The report shows what is left after fixing.
    let rules: Vec<String> = findings(&run).into_iter().map(|(_, rule, _)| rule).collect();
    assert_eq!(rules, ["no-unbounded-collection", "no-listener-leak"], "{run:?}");

    let again = tree.check(&["--format", "json", "--report-unused-disable-directives", "--fix-suggestions"]);
    assert!(!again.stderr.contains("fixed:"), "{}", again.stderr);
}

#[cfg(unix)]
#[test]
fn fixed_files_keep_their_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let tree = Tree::new();
    tree.write("run.js", "#!/usr/bin/env node\nx(); // leaklint-disable-line\n");
    fs::set_permissions(tree.join("run.js"), fs::Permissions::from_mode(0o755)).unwrap();
    let run = tree.check(&["--report-unused-disable-directives", "--fix-suggestions"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(fs::read_to_string(tree.join("run.js")).unwrap(), "#!/usr/bin/env node\nx();\n");
    assert_eq!(fs::metadata(tree.join("run.js")).unwrap().permissions().mode() & 0o777, 0o755);
}

#[test]
fn weak_map_fix_is_applied_and_the_finding_goes() {
    let tree = Tree::new();
    let source = "const http = require('http');
const started = new Map();
http.createServer((req, res) => {
  started.set(req, Date.now());
  res.end();
}).listen(3000);
";
    tree.write("w.js", source);
    let run = tree.check(&["--format", "json", "--fix-suggestions"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stderr, "fixed: w.js: Use a `WeakMap`\n");
    assert_eq!(findings(&run), []);
    assert_eq!(fs::read_to_string(tree.join("w.js")).unwrap(), source.replace("new Map()", "new WeakMap()"));
}

#[test]
fn without_the_flag_files_are_never_written() {
    let tree = Tree::new();
    let source = "x(); // leaklint-disable-line\nconst m = new Map();\nrequire('http').createServer((req, res) => { m.set(req, 1); });\n";
    tree.write("a.js", source);
    let run = tree.check(&["--report-unused-disable-directives"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(fs::read_to_string(tree.join("a.js")).unwrap(), source);
}

/// SARIF's `rules[]` lists the rules that ran: one turned off in the configuration is not there.
#[test]
fn sarif_lists_only_the_rules_that_ran() {
    let tree = Tree::new();
    tree.write("server.js", LEAKY);
    tree.write(".leaklintrc.json", r#"{ "rules": { "no-listener-leak": "off" } }"#);
    let run = leaklint(tree.path(), &["check", "--format", "sarif", "server.js"]);
    let sarif: serde_json::Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");
    let ids: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| rule["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"no-unbounded-collection"), "{ids:?}");
    assert!(!ids.contains(&"no-listener-leak"), "{ids:?}");
    assert_eq!(ids.len(), leaklint_rules_count() - 1, "{ids:?}");
}

/// How many rules `leaklint rules --format json` lists.
fn leaklint_rules_count() -> usize {
    let run = leaklint(std::path::Path::new("."), &["rules", "--format", "json"]);
    run.json().as_array().map(Vec::len).or_else(|| run.json()["rules"].as_array().map(Vec::len)).unwrap()
}

//! Inputs that once took a whole run down (issue 16): each now costs at most
//! the file it is in, and everything else is still checked and reported.

mod common;

use common::{Tree, leaklint_stdin};

// ---------------------------------------------------------------- deep nesting

/// The three shapes the campaign found, at depths Node accepts.
fn deep_but_valid() -> [(&'static str, String); 3] {
    [
        ("parentheses.js", format!("x = {}1{};\n", "(".repeat(1400), ")".repeat(1400))),
        ("closures.js", format!("{}x();{}\n", "f(function () { ".repeat(500), " });".repeat(500))),
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

// ---------------------------------------------------------------- --fix-suggestions

/// Sloppy-mode functions whose accidental globals `no-accidental-global` reports.
const SLOPPY: [(&str, &str); 4] = [
    ("twice.js", "function sum(a) {\n  count = 0;\n  count = count + a;\n  return count;\n}\nmodule.exports = sum;\n"),
    ("block.js", "function f(x) {\n  if (x) { total = 1; }\n  return total;\n}\nmodule.exports = f;\n"),
    ("expression.js", "function g(x) {\n  return last = x;\n}\nmodule.exports = g;\n"),
    ("chained.js", "function k(x) {\n  if (x) tmp = 1;\n  a = b = x;\n  return [tmp, a, b];\n}\nmodule.exports = k;\n"),
];

fn node_check(path: &std::path::Path) -> bool {
    std::process::Command::new("node").arg("--check").arg(path).status().expect("node is installed").success()
}

#[test]
fn suggested_fixes_never_leave_a_file_that_does_not_load() {
    let tree = Tree::new();
    for (name, source) in SLOPPY {
        tree.write(name, source);
    }
    let run = tree.check(&["--fix-suggestions", "."]);
    assert!(run.stderr.contains("fixed: twice.js: Declare `count` with `var`"), "{}", run.stderr);
    for (name, _) in SLOPPY {
        assert!(
            node_check(&tree.join(name)),
            "{name} no longer loads:\n{}",
            std::fs::read_to_string(tree.join(name)).unwrap()
        );
    }
    let twice = std::fs::read_to_string(tree.join("twice.js")).unwrap();
    assert_eq!(twice.matches("var count").count(), 1, "{twice}");
    let names: Vec<_> = std::fs::read_dir(tree.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), SLOPPY.len(), "{names:?}");
}

#[cfg(unix)]
#[test]
fn a_fixed_file_keeps_its_hard_links_and_a_read_only_file_is_reported_not_rewritten() {
    use std::os::unix::fs::PermissionsExt;
    let (_, source) = SLOPPY[0];
    let tree = Tree::new();
    tree.write("src/linked.js", source).write("src/locked.js", source);
    std::fs::hard_link(tree.join("src/linked.js"), tree.join("other-name.js")).unwrap();
    std::fs::set_permissions(tree.join("src/locked.js"), std::fs::Permissions::from_mode(0o444)).unwrap();
    let run = tree.check(&["--fix-suggestions", "src"]);
    assert!(run.stderr.contains("note: src/locked.js: fixes not written: the file is read-only"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(tree.join("src/locked.js")).unwrap(), source);
    let fixed = std::fs::read_to_string(tree.join("src/linked.js")).unwrap();
    assert!(fixed.contains("var count"), "{fixed}");
    assert_eq!(std::fs::read_to_string(tree.join("other-name.js")).unwrap(), fixed);
}

// ---------------------------------------------------------------- files that hang

#[cfg(unix)]
#[test]
fn named_pipes_and_devices_are_refused_at_once_not_waited_on() {
    let tree = Tree::new();
    tree.clean_js("ok.js");
    for fifo in ["fifo.js", "fifo.json", "walked/pipe.js"] {
        std::fs::create_dir_all(tree.join(fifo).parent().unwrap()).unwrap();
        assert!(std::process::Command::new("mkfifo").arg(tree.join(fifo)).status().unwrap().success());
    }
    let run = tree.check(&["fifo.js", "ok.js"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("error: fifo.js: not a regular file (a named pipe)"), "{}", run.stderr);
    assert!(run.stdout.contains("on 1 file."), "{}", run.stdout);
    let run = tree.check(&["walked"]);
    assert!(run.stderr.contains("error: walked/pipe.js: not a regular file (a named pipe)"), "{}", run.stderr);
    for config in ["fifo.json", "/dev/zero"] {
        let run = tree.check(&["-c", config, "ok.js"]);
        assert_eq!(run.code, 2, "{run:?}");
        assert!(run.stderr.contains("cannot read the configuration file: not a regular file"), "{}", run.stderr);
    }
}

// ---------------------------------------------------------------- heap snapshots

/// Three objects; the second's size is `size`.
fn snapshot_with_an_object_of(size: &str) -> String {
    r#"{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],"node_types":[["synthetic","object"]],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["element","property","weak"]]},"node_count":3,"edge_count":3},
"nodes":[0,0,1,0,2,1,1,3,SIZE,1,1,2,5,20,0],
"edges":[1,1,5,0,7,10,1,2,10],
"strings":["","Foo","bar"]}"#
        .replace("SIZE", size)
}

#[test]
fn huge_object_sizes_do_not_wrap_the_total_around() {
    let tree = Tree::new();
    tree.write("a.heapsnapshot", snapshot_with_an_object_of("18446744073709551615"));
    let run = common::leaklint(tree.path(), &["heap", "summary", "a.heapsnapshot"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with("a.heapsnapshot: 3 objects, 3 edges, 18446744.1 TB in total"), "{}", run.stdout);
}

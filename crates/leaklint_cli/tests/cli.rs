//! The `leaklint` binary end to end: exit codes, bad inputs, file discovery, determinism.

mod common;

use std::fs;
use std::path::PathBuf;

use common::{CLEAN_JS, CLEAN_TS, Tree, fixtures_dir, leaklint, leaklint_with_env, workspace_root};

/// A file from `fixtures/leaky/`, which by its README always has findings.
fn leaky_fixture() -> (PathBuf, Vec<u8>) {
    let mut files: Vec<PathBuf> = fs::read_dir(fixtures_dir().join("leaky"))
        .expect("fixtures/leaky exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| leaklint_files::is_source_file(path))
        .collect();
    files.sort();
    let first = files.into_iter().next().expect("fixtures/leaky has a source file");
    let text = fs::read(&first).unwrap();
    (first, text)
}

// ---------------------------------------------------------------- exit codes

#[test]
fn clean_files_exit_0_and_say_so() {
    let tree = Tree::new();
    tree.clean_js("a.js").write("b.ts", CLEAN_TS);
    let run = tree.check(&["."]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stderr, "");
    assert_eq!(run.stdout_without_time(), "Found 0 errors and 0 warnings.\nFinished in [TIME] on 2 files.\n");
}

#[test]
fn default_path_is_the_current_directory() {
    let tree = Tree::new();
    tree.clean_js("a.js").clean_js("src/b.js");
    let run = tree.check(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(" on 2 files."), "{}", run.stdout);
}

#[test]
fn empty_directory_exits_0() {
    let tree = Tree::new();
    let run = tree.check(&["--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["files_checked"], 0);
}

#[test]
fn a_file_that_cannot_be_checked_exits_1() {
    let tree = Tree::new();
    tree.clean_js("good.js").write("bad.js", "let = ;\n");
    let run = tree.check(&[]);
    assert_eq!(run.code, 1, "{run:?}");
}

#[test]
fn nonexistent_path_exits_2_after_checking_the_rest() {
    let tree = Tree::new();
    tree.clean_js("src/a.js").write("src/bad.js", "let = ;\n");
    let run = tree.check(&["no/such/dir", "src"]);
    assert_eq!(run.code, 2, "{run:?}");
    let lines = run.stderr_lines();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0], "error: no/such/dir: no such file or directory");
    assert!(lines[1].starts_with("error: src/bad.js:1:7: syntax error: "), "{lines:?}");
    assert!(run.stdout.contains(" on 1 file."), "{}", run.stdout);
}

#[test]
fn usage_errors_exit_2() {
    let tree = Tree::new();
    for args in [
        &["check", "--format", "xml"][..],
        &["check", "--no-such-flag"],
        &["check", "--threads", "0"],
        &["check", "--max-warnings", "many"],
        &["check", "--color", "sometimes"],
        &["frobnicate"],
        &[],
    ] {
        let run = leaklint(tree.path(), args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        // clap explains the mistake, or shows the usage when the command is missing.
        assert!(run.stderr.contains("error:") || run.stderr.contains("Usage:"), "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
    }
}

#[test]
fn max_warnings_and_quiet_leave_a_clean_run_at_0() {
    let tree = Tree::new();
    tree.clean_js("a.js");
    assert_eq!(tree.check(&["--max-warnings", "0"]).code, 0);
    assert_eq!(tree.check(&["--quiet", "--max-warnings", "0"]).code, 0);
}

#[test]
fn quiet_does_not_hide_files_that_could_not_be_checked() {
    let tree = Tree::new();
    tree.write("bad.js", "let = ;\n");
    let run = tree.check(&["--quiet"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr_lines().len(), 1, "{run:?}");
}

#[test]
fn version_flag_prints_name_and_version() {
    let tree = Tree::new();
    let run = leaklint(tree.path(), &["--version"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, format!("leaklint {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn help_lists_the_check_flags() {
    let tree = Tree::new();
    let run = leaklint(tree.path(), &["check", "--help"]);
    assert_eq!(run.code, 0);
    for flag in ["--format", "--quiet", "--max-warnings", "--color", "--threads", "-j"] {
        assert!(run.stdout.contains(flag), "{flag} missing from:\n{}", run.stdout);
    }
}

// ---------------------------------------------------------------- bad inputs

/// Check `tree` and expect exactly one stderr line, starting with `expected`,
/// while the good file next to it is still checked.
fn assert_one_line(tree: &Tree, expected_start: &str) -> String {
    tree.clean_js("good.js");
    let run = tree.check(&[]);
    assert_eq!(run.code, 1, "{run:?}");
    let lines = run.stderr_lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with(expected_start), "expected {expected_start:?}, got {:?}", lines[0]);
    assert!(run.stdout.contains(" on 1 file."), "the good file was not checked: {}", run.stdout);
    lines[0].to_string()
}

#[test]
fn syntax_error_names_line_and_column() {
    let tree = Tree::new();
    tree.write("bad.ts", "const ok = 1;\nconst é: number = ;\n");
    // Column counts characters: `const é: number = ` is 18 characters (19 bytes).
    assert_one_line(&tree, "error: bad.ts:2:19: syntax error: ");
}

#[test]
fn not_utf8_names_the_byte_offset_and_line() {
    let tree = Tree::new();
    tree.write("latin1.js", b"let a = 1;\n// caf\xe9\n");
    let line = assert_one_line(&tree, "error: latin1.js:2:7: ");
    assert_eq!(line, "error: latin1.js:2:7: invalid UTF-8 at byte 17 (line 2)");
}

#[test]
fn binary_file_is_refused() {
    let tree = Tree::new();
    tree.write("image.js", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let line = assert_one_line(&tree, "error: image.js: binary file");
    assert!(line.contains("NUL byte at byte 8"), "{line}");
}

#[test]
fn file_over_the_size_limit_is_refused_with_its_size() {
    let tree = Tree::new();
    tree.huge("bundle.js");
    let line = assert_one_line(&tree, "error: bundle.js: file too large: 33554433 bytes");
    assert!(line.contains("the limit is 33554432 bytes"), "{line}");
}

#[cfg(unix)]
#[test]
fn broken_symlink_is_unreadable() {
    let tree = Tree::new();
    tree.symlink("gone.js", "link.js");
    assert_one_line(&tree, "error: link.js: cannot read file: broken symbolic link (target gone.js does not exist)");
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_reported_not_followed_forever() {
    let tree = Tree::new();
    tree.symlink("..", "sub/up");
    assert_one_line(&tree, "error: sub/up: symbolic link loop");
}

#[cfg(unix)]
#[test]
fn self_referencing_file_symlink_is_a_loop() {
    let tree = Tree::new();
    tree.symlink("self.js", "self.js");
    assert_one_line(&tree, "error: self.js: symbolic link loop");
}

#[cfg(unix)]
#[test]
fn every_bad_input_in_one_run_gives_one_line_each_and_good_files_are_checked() {
    let tree = common::bad_input_tree();
    let run = tree.check(&["missing.js", "."]);
    assert_eq!(run.code, 2, "{run:?}");
    let lines = run.stderr_lines();
    let expected_starts = [
        "error: binary.js: binary file",
        "error: broken-link.js: cannot read file: broken symbolic link",
        "error: huge.js: file too large",
        "error: latin1.js:1:7: invalid UTF-8 at byte 6 (line 1)",
        "error: missing.js: no such file or directory",
        "error: nested/loop: symbolic link loop",
        "error: syntax.js:2:14: syntax error: ",
    ];
    assert_eq!(lines.len(), expected_starts.len(), "{lines:#?}");
    for (line, start) in lines.iter().zip(expected_starts) {
        assert!(line.starts_with(start), "expected {start:?}, got {line:?}");
    }
    assert!(run.stdout.contains("Could not check 7 files."), "{}", run.stdout);
    assert!(run.stdout.contains(" on 2 files."), "{}", run.stdout);

    // Without the missing path the run is a plain "problems found".
    assert_eq!(tree.check(&["."]).code, 1);
}

#[cfg(unix)]
#[test]
fn findings_next_to_bad_inputs_are_still_reported() {
    let tree = common::bad_input_tree();
    let (fixture, text) = leaky_fixture();
    let name = format!("leaky.{}", fixture.extension().unwrap().to_str().unwrap());
    tree.write(&name, text);

    let run = tree.check(&["--color", "never"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stderr_lines().len(), 6, "{}", run.stderr);
    assert!(run.stdout.contains(&format!("╭─[{name}:")), "no finding shown for {name}:\n{}", run.stdout);
    assert!(run.stdout.contains(" in 1 file.\n"), "{}", run.stdout);
    assert!(run.stdout.contains(" on 3 files."), "{}", run.stdout);

    let json = tree.check(&["--format", "json"]).json();
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert!(!diagnostics.is_empty());
    assert!(diagnostics.iter().all(|d| d["file"] == name.as_str()), "{diagnostics:?}");
    assert_eq!(json["file_errors"].as_array().unwrap().len(), 6);
}

#[cfg(unix)]
#[test]
fn json_lists_every_bad_input_and_writes_nothing_to_stderr() {
    let tree = common::bad_input_tree();
    let run = tree.check(&["--format", "json", "missing.js", "."]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stderr, "");
    let json = run.json();
    assert_eq!(json["files_checked"], 2);
    let kinds: Vec<(&str, &str)> = json["file_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["file"].as_str().unwrap(), e["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("binary.js", "binary"),
            ("broken-link.js", "unreadable"),
            ("huge.js", "too_large"),
            ("latin1.js", "not_utf8"),
            ("missing.js", "not_found"),
            ("nested/loop", "symlink_loop"),
            ("syntax.js", "syntax_error"),
        ]
    );
    assert_eq!(json["summary"]["file_errors"], 7);
}

// ---------------------------------------------------------------- discovery

#[test]
fn every_source_extension_is_checked_and_declaration_files_are_skipped() {
    let tree = Tree::new();
    for name in ["a.js", "b.mjs", "c.cjs", "d.jsx", "e.ts", "f.mts", "g.cts", "h.tsx"] {
        tree.clean_js(name);
    }
    // Broken on purpose: reading them would fail the run.
    for name in ["types.d.ts", "types.d.mts", "types.d.cts", "notes.md", "data.json"] {
        tree.write(name, "let = ;");
    }
    let run = tree.check(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(" on 8 files."), "{}", run.stdout);
    // Even when named explicitly.
    let explicit = tree.check(&["types.d.ts"]);
    assert_eq!(explicit.code, 0, "{explicit:?}");
    assert!(explicit.stdout.contains(" on 0 files."), "{}", explicit.stdout);
}

#[test]
fn gitignore_and_ignore_files_are_honoured_outside_a_git_repo() {
    let tree = Tree::new();
    tree.clean_js("src/a.js")
        .write("dist/bundle.js", "let = ;")
        .write("src/gen/out.js", "let = ;")
        .write("src/a.min.js", "let = ;")
        .write(".gitignore", "dist/\n*.min.js\n")
        .write("src/.ignore", "gen/\n");
    let run = tree.check(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(" on 1 file."), "{}", run.stdout);
}

#[test]
fn explicitly_named_ignored_file_is_checked() {
    let tree = Tree::new();
    tree.write("dist/bundle.js", "let = ;").write(".gitignore", "dist/\n");
    let run = tree.check(&["dist/bundle.js"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.starts_with("error: dist/bundle.js:1:7: "), "{}", run.stderr);
}

#[test]
fn node_modules_and_hidden_directories_are_skipped() {
    let tree = Tree::new();
    tree.clean_js("index.js")
        .write("node_modules/pkg/index.js", "let = ;")
        .write("packages/app/node_modules/dep/index.js", "let = ;")
        .write(".cache/build.js", "let = ;")
        .write("src/.generated/x.js", "let = ;");
    let run = tree.check(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(" on 1 file."), "{}", run.stdout);
}

#[test]
fn node_modules_and_hidden_directories_named_explicitly_are_walked() {
    let tree = Tree::new();
    tree.write("node_modules/pkg/index.js", "let = ;")
        .clean_js("node_modules/pkg/lib/ok.js")
        .write(".config/tool.js", "let = ;")
        .write(".gitignore", "node_modules/\n.config/\n");
    let run = tree.check(&["node_modules/pkg", ".config"]);
    assert_eq!(run.code, 1, "{run:?}");
    let lines = run.stderr_lines();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("error: .config/tool.js:1:7: syntax error"), "{lines:?}");
    assert!(lines[1].starts_with("error: node_modules/pkg/index.js:1:7: syntax error"), "{lines:?}");
    assert!(run.stdout.contains(" on 1 file."), "{}", run.stdout);
}

#[test]
fn hidden_files_are_checked() {
    let tree = Tree::new();
    tree.write(".eslintrc.js", "let = ;");
    assert!(tree.check(&[]).stderr.starts_with("error: .eslintrc.js:"));
}

#[test]
fn overlapping_paths_check_each_file_once() {
    let tree = Tree::new();
    tree.clean_js("src/a.js").clean_js("src/lib/b.js");
    let run = tree.check(&["src", "src/lib", "./src/a.js", "."]);
    assert!(run.stdout.contains(" on 2 files."), "{}", run.stdout);
}

#[test]
fn absolute_paths_are_shown_relative_to_the_current_directory() {
    let tree = Tree::new();
    tree.write("src/bad.js", "let = ;");
    let absolute = tree.join("src");
    let run = tree.check(&[absolute.to_str().unwrap()]);
    assert!(run.stderr.starts_with("error: src/bad.js:1:7: "), "{}", run.stderr);
    // From elsewhere the path stays absolute.
    let elsewhere = Tree::new();
    let run = elsewhere.check(&[absolute.to_str().unwrap()]);
    let expected = format!("error: {}/bad.js:1:7: ", absolute.display());
    assert!(run.stderr.starts_with(&expected), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn symlinked_directories_are_followed() {
    let tree = Tree::new();
    tree.clean_js("real/a.js").symlink("../real", "src/linked");
    let run = tree.check(&["src"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(" on 1 file."), "{}", run.stdout);
}

// ---------------------------------------------------------------- output

#[test]
fn thread_count_does_not_change_the_output() {
    let tree = Tree::new();
    for i in 0..60 {
        match i % 6 {
            0 => tree.write(&format!("d{}/f{i}.js", i % 4), format!("let x{i} = ;\n")),
            1 => tree.write(&format!("d{}/f{i}.ts", i % 4), format!("// {i}\n{CLEAN_TS}")),
            2 => tree.write(&format!("d{}/f{i}.js", i % 4), b"\0\0binary"),
            _ => tree.write(&format!("d{}/f{i}.js", i % 4), format!("// {i}\n{CLEAN_JS}")),
        };
    }
    for format in ["human", "json"] {
        let one = tree.check(&["--threads", "1", "--format", format]);
        let two = tree.check(&["-j", "2", "--format", format]);
        let many = tree.check(&["-j", "8", "--format", format]);
        assert_eq!(one.code, 1);
        assert_eq!(one.stderr_lines().len(), if format == "human" { 20 } else { 0 });
        for other in [&two, &many] {
            assert_eq!(one.code, other.code);
            assert_eq!(one.stdout_without_time(), other.stdout_without_time(), "{format}");
            assert_eq!(one.stderr, other.stderr, "{format}");
        }
    }
}

#[test]
fn thread_count_does_not_change_the_findings_on_the_fixtures() {
    for format in ["human", "json"] {
        let runs: Vec<_> = ["1", "2", "8"]
            .iter()
            .map(|threads| {
                leaklint(
                    &workspace_root(),
                    &["check", "--color", "never", "--format", format, "-j", threads, "fixtures"],
                )
            })
            .collect();
        for other in &runs[1..] {
            assert_eq!(runs[0].code, other.code, "{format}");
            assert_eq!(runs[0].stdout_without_time(), other.stdout_without_time(), "{format}");
            assert_eq!(runs[0].stderr, other.stderr, "{format}");
        }
    }
}

#[test]
fn human_output_is_sorted_by_path() {
    let tree = Tree::new();
    for name in ["b/z.js", "a.js", "b/a.js", "c.js", "b.js"] {
        tree.write(name, "let = ;");
    }
    let run = tree.check(&["-j", "2"]);
    let paths: Vec<&str> =
        run.stderr_lines().iter().map(|l| l.trim_start_matches("error: ").split(':').next().unwrap()).collect();
    assert_eq!(paths, ["a.js", "b.js", "b/a.js", "b/z.js", "c.js"]);
}

#[test]
fn color_never_and_auto_on_a_pipe_have_no_escape_codes() {
    let tree = Tree::new();
    tree.write("bad.js", "let = ;");
    for args in [&["--color", "never"][..], &["--color", "auto"], &[]] {
        let run = tree.check(args);
        assert!(!run.stdout.contains('\x1b') && !run.stderr.contains('\x1b'), "{args:?}: {run:?}");
    }
}

#[test]
fn color_always_colours_both_streams_even_with_no_color() {
    let tree = Tree::new();
    tree.write("bad.js", "let = ;");
    let run = leaklint_with_env(tree.path(), &["check", "--color", "always"], &[("NO_COLOR", "1")]);
    assert!(run.stderr.starts_with("\x1b[1;31merror\x1b[0m: bad.js:1:7: "), "{run:?}");
    assert!(run.stdout.contains("\x1b["), "{run:?}");
}

#[test]
fn json_output_is_one_pretty_document_with_a_trailing_newline() {
    let tree = Tree::new();
    tree.clean_js("a.js");
    let run = tree.check(&["--format", "json"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("{\n  \"schema_version\": 1,\n"), "{}", run.stdout);
    assert!(run.stdout.ends_with("}\n"));
    let json = run.json();
    assert_eq!(json["tool"]["name"], "leaklint");
    assert_eq!(json["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(json["files_checked"], 1);
    assert!(!run.stdout.contains("Finished"), "no timings in JSON");
}

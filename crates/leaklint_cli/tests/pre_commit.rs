//! The hooks in `.pre-commit-hooks.yaml`, run by the real `pre-commit
//! try-repo` (installed by `scripts/setup.sh`) on throw-away git
//! repositories, offline: exit 0 on clean code, 1 on a leak.

mod common;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{Tree, workspace_root};

const CLEAN: &str = "export function add(a, b) {\n  return a + b;\n}\n";
/// A proven chain (an error, so the hook fails): a module-level map written by an HTTP server's
/// request handler and never emptied.
const LEAK: &str = "import http from 'node:http';\nconst cache = new Map();\nhttp.createServer((req, res) => {\n  cache.set(req.url, res);\n}).listen(8080);\n";
const EXTENSIONS: [&str; 8] = ["js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx"];

fn pre_commit() -> PathBuf {
    let path = workspace_root().join(".tools/pre-commit/bin/pre-commit");
    assert!(path.is_file(), "pre-commit is not installed at {}; run scripts/setup.sh", path.display());
    path
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=leaklint tests",
            "-c",
            "user.email=tests@leaklint.invalid",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed in {}", dir.display());
}

/// A git repository holding only this repository's hook definitions, committed.
fn hook_repo() -> Tree {
    let repo = Tree::new();
    repo.write(".pre-commit-hooks.yaml", std::fs::read(workspace_root().join(".pre-commit-hooks.yaml")).unwrap());
    git(repo.path(), &["init", "--quiet"]);
    git(repo.path(), &["add", ".pre-commit-hooks.yaml"]);
    git(repo.path(), &["commit", "--quiet", "-m", "hooks"]);
    repo
}

/// A project repository with `files` staged (pre-commit looks at tracked files).
fn project(files: &[(&str, &str)]) -> Tree {
    let project = Tree::new();
    for (path, text) in files {
        project.write(path, text);
    }
    git(project.path(), &["init", "--quiet"]);
    git(project.path(), &["add", "."]);
    project
}

/// Where cargo and rustup keep their state, taken before `HOME` is replaced.
fn toolchain_env() -> Vec<(&'static str, OsString)> {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    let cargo_home = std::env::var_os("CARGO_HOME").unwrap_or_else(|| home.join(".cargo").into());
    let rustup_home = std::env::var_os("RUSTUP_HOME").unwrap_or_else(|| home.join(".rustup").into());
    vec![("CARGO_HOME", cargo_home), ("RUSTUP_HOME", rustup_home)]
}

/// `pre-commit try-repo HOOKS HOOK_ID --all-files` run in `project`, isolated:
/// a private pre-commit cache and `HOME`, with cargo's and rustup's state kept.
fn try_repo_command(hooks: &Path, hook_id: &str, project: &Tree, cache: &Tree) -> Command {
    let mut command = Command::new(pre_commit());
    command
        .args([OsString::from("try-repo"), hooks.into(), hook_id.into(), "--all-files".into()])
        .current_dir(project.path())
        .envs(toolchain_env())
        .env("PRE_COMMIT_HOME", cache.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", cache.path())
        .env_remove("NO_COLOR");
    command
}

/// `try_repo_command` with the `leaklint` cargo built for these tests first on PATH.
fn try_repo(hooks: &Tree, hook_id: &str, project: &Tree) -> Output {
    let leaklint_dir = Path::new(env!("CARGO_BIN_EXE_leaklint")).parent().unwrap().to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(leaklint_dir).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    try_repo_command(hooks.path(), hook_id, project, &Tree::new()).env("PATH", path).output().expect("pre-commit runs")
}

fn describe(output: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout ---\n{}--- stderr ---\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn installed_binary_hook_passes_clean_code_in_every_extension() {
    let files: Vec<(String, &str)> = EXTENSIONS.iter().map(|ext| (format!("src/clean.{ext}"), CLEAN)).collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(path, text)| (path.as_str(), *text)).collect();
    let output = try_repo(&hook_repo(), "leaklint-system", &project(&files));
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("Passed"), "{}", describe(&output));
}

#[test]
fn installed_binary_hook_fails_on_a_leak_in_each_extension() {
    // One leak per run, each in another extension: the `files` pattern must
    // hand every one of them to leaklint (pre-commit's type tags miss .mts/.cts).
    let hooks = hook_repo();
    for ext in ["mts", "cts", "js"] {
        let leak = format!("src/leak.{ext}");
        let output = try_repo(&hooks, "leaklint-system", &project(&[(leak.as_str(), LEAK), ("README.md", "# x\n")]));
        assert_eq!(output.status.code(), Some(1), "{ext}: {}", describe(&output));
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("Failed") && stdout.contains(&leak), "{ext}: {}", describe(&output));
    }
}

#[test]
fn installed_binary_hook_skips_files_of_other_types() {
    // Not JavaScript: the hook has no files to run on, so pre-commit skips it.
    let output = try_repo(&hook_repo(), "leaklint-system", &project(&[("notes.txt", LEAK), ("data.json", "{}\n")]));
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("no files to check"), "{}", describe(&output));
}

/// `pre-commit try-repo <this repository> leaklint --all-files` in `project`:
/// pre-commit clones this repository and runs `cargo install --path .` on it,
/// then runs the `leaklint` it built (its own `bin/` comes first on PATH).
fn run_rust_hook(project: &Tree, cache: &Tree) -> Output {
    try_repo_command(&workspace_root(), "leaklint", project, cache)
        // Under target/, so reruns are incremental; the first build is a full release build
        // (about 3 minutes on two cores). Thin LTO only slows it down.
        .env("CARGO_TARGET_DIR", workspace_root().join("target/pre-commit-hook"))
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .output()
        .expect("pre-commit runs")
}

/// The `language: rust` hook builds leaklint from source and runs it: 0 on clean code, 1 on a leak.
#[test]
fn rust_hook_builds_leaklint_from_source_and_runs_it() {
    let cache = Tree::new();
    let output = run_rust_hook(&project(&[("src/clean.ts", CLEAN), ("src/clean.mts", CLEAN)]), &cache);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    // try-repo installs into a store of its own, so this proves the rust environment was built.
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Installing environment"), "{}", describe(&output));

    let output = run_rust_hook(&project(&[("src/leak.cts", LEAK)]), &cache);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("Found 1 error"), "{}", describe(&output));
}

//! Running the built `leaklint` binary on trees made in tempdirs.

#![allow(dead_code)] // Each test binary uses a different part of this module.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The outcome of one `leaklint` run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn stderr_lines(&self) -> Vec<&str> {
        self.stderr.lines().collect()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|err| panic!("stdout is not JSON ({err}):\n{}", self.stdout))
    }

    /// stdout with the run time replaced, so two runs can be compared.
    pub fn stdout_without_time(&self) -> String {
        redact_time(&self.stdout)
    }
}

/// Run `leaklint` in `cwd`. The environment is made neutral so results do
/// not depend on the machine: no NO_COLOR, no thread-count override.
pub fn leaklint(cwd: &Path, args: &[&str]) -> Run {
    leaklint_with_env(cwd, args, &[])
}

pub fn leaklint_with_env(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_leaklint"));
    command.current_dir(cwd).args(args).env_remove("NO_COLOR").env_remove("RAYON_NUM_THREADS");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("run leaklint");
    Run {
        code: output.status.code().expect("leaklint exited normally, not by a signal"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Run `leaklint` in `cwd` with `input` on its standard input.
pub fn leaklint_stdin(cwd: &Path, args: &[&str], input: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leaklint"))
        .current_dir(cwd)
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run leaklint");
    // leaklint may exit before reading (a usage error); a closed pipe is then expected.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().expect("leaklint exited normally, not by a signal"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// `Finished in 12ms` / `Finished in 1.25s` → `Finished in [TIME]`.
pub fn redact_time(text: &str) -> String {
    text.lines()
        .map(|line| match line.strip_prefix("Finished in ").and_then(|rest| rest.split_once(" on ")) {
            Some((_, files)) => format!("Finished in [TIME] on {files}"),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if text.ends_with('\n') { "\n" } else { "" }
}

/// The insta filter doing the same as [`redact_time`].
pub const TIME_FILTER: (&str, &str) = (r"Finished in [0-9.]+m?s", "Finished in [TIME]");

/// The workspace's `fixtures/` directory.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The workspace root (where `leaklint check fixtures` is run from).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A directory of files for one test.
pub struct Tree {
    dir: tempfile::TempDir,
}

/// Valid code that no rule should ever flag.
pub const CLEAN_JS: &str = "export function add(a, b) {\n  return a + b;\n}\n";
pub const CLEAN_TS: &str = "export function twice(n: number): number {\n  return n * 2;\n}\n";

impl Tree {
    pub fn new() -> Self {
        Self { dir: tempfile::tempdir().expect("tempdir") }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Self {
        let path = self.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
        self
    }

    pub fn clean_js(&self, rel: &str) -> &Self {
        self.write(rel, CLEAN_JS)
    }

    /// A sparse file one byte over the size limit: instant, and no disk used.
    pub fn huge(&self, rel: &str) -> &Self {
        let path = self.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::File::create(path).unwrap().set_len(leaklint_files::MAX_FILE_BYTES + 1).unwrap();
        self
    }

    #[cfg(unix)]
    pub fn symlink(&self, target: &str, rel: &str) -> &Self {
        let link = self.join(rel);
        fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, link).unwrap();
        self
    }

    pub fn check(&self, args: &[&str]) -> Run {
        let mut full = vec!["check"];
        full.extend_from_slice(args);
        leaklint(self.path(), &full)
    }
}

/// One file of each kind leaklint cannot check, next to two good files.
/// Returns the tree; `bad_input_lines` lists the expected stderr lines.
#[cfg(unix)]
pub fn bad_input_tree() -> Tree {
    let tree = Tree::new();
    tree.clean_js("good.js")
        .write("good.ts", CLEAN_TS)
        .write("syntax.js", "const ok = 1;\nlet broken = ;\n")
        .write("latin1.js", b"// caf\xe9\nlet a = 1;\n")
        .write("binary.js", b"\x7fELF\x02\x01\x01\0\0\0\0")
        .huge("huge.js")
        .symlink("missing-target.js", "broken-link.js")
        .symlink("..", "nested/loop");
    tree
}

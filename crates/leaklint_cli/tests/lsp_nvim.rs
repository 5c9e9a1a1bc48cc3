//! `leaklint lsp` in a real editor: headless Neovim (0.7 or newer, installed
//! by scripts/setup.sh) runs tests/nvim/lsp_test.lua, which uses the client
//! configuration in editors/neovim/leaklint.lua, and prints what it saw.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const TIMEOUT: Duration = Duration::from_secs(120);

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).canonicalize().unwrap()
}

#[test]
fn neovim_gets_diagnostics_and_applies_a_code_action() {
    if Command::new("nvim").arg("--version").stdout(Stdio::null()).status().is_err() {
        panic!("`nvim` (Neovim 0.7 or newer) is not on PATH; install it with scripts/setup.sh");
    }
    let root = repo_root();
    let state = tempfile::tempdir().unwrap();
    let mut nvim = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", "luafile tests/nvim/lsp_test.lua"])
        .current_dir(&root)
        .env("LEAKLINT_BIN", env!("CARGO_BIN_EXE_leaklint"))
        .env("LEAKLINT_REPO", &root)
        // Neovim's LSP log and state go to a scratch directory, not the user's.
        .env("XDG_CACHE_HOME", state.path())
        .env("XDG_STATE_HOME", state.path())
        .env("XDG_DATA_HOME", state.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start nvim");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = nvim.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = nvim.kill();
            let _ = nvim.wait();
            panic!("nvim did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let (mut stdout, mut stderr) = (String::new(), String::new());
    nvim.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
    nvim.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let line = stdout.lines().rev().find(|l| l.starts_with('{')).unwrap_or_else(|| {
        panic!("no JSON from tests/nvim/lsp_test.lua ({status}); stdout: {stdout}\nstderr: {stderr}")
    });
    let report: Value = serde_json::from_str(line).unwrap();
    assert!(report.get("error").is_none(), "the Neovim script failed: {}\nstderr: {stderr}", report["error"]);
    assert!(status.success(), "{status}; stderr: {stderr}");
    assert_eq!(
        report["steps"],
        serde_json::json!(["opened", "diagnostics", "code actions", "applied", "rechecked", "stopped"])
    );

    // The finding, as Neovim received it.
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "no-unbounded-collection");
    assert_eq!(d["source"], "leaklint");
    assert_eq!(d["severity"], 1, "error");
    assert_eq!(d["href"], "https://github.com/leaklint/leaklint/blob/main/rules/no-unbounded-collection.md");
    assert_eq!(d["related"], 2, "the write and the declaration");
    assert!(d["message"].as_str().unwrap().contains("`seen`"), "{d}");
    assert_eq!(d["start"], serde_json::json!({ "line": 7, "character": 2 }), "`seen.set(...)` on line 8");
    assert_eq!(d["end"], serde_json::json!({ "line": 7, "character": 27 }));

    // The suppression comment went in above the write, indented like it, and the finding went away.
    assert_eq!(report["applied"], "Disable no-unbounded-collection for this line");
    let lines: Vec<&str> = report["buffer_after"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert_eq!(lines[7], "  // leaklint-disable-next-line no-unbounded-collection");
    assert_eq!(lines[8], "  seen.set(req, Date.now());");
    assert_eq!(lines.len(), 11, "exactly one line added: {lines:#?}");
    assert_eq!(report["diagnostics_after"], serde_json::json!([]));

    // Neovim's stop_client sends shutdown then exit: a clean exit.
    assert_eq!(report["exit"]["code"], 0);
}

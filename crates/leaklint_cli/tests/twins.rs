//! The twins harness, `tests/twins/twins.mjs`: every rule example and fixture compiled (Babel, tsc,
//! esbuild), split into modules and renamed must get the same verdict from the built `leaklint` as
//! the original. Needs Node.js and the compilers `scripts/setup.sh` installs in `tests/twins`.

mod common;

use std::path::Path;
use std::process::Command;

use common::workspace_root;

#[test]
fn twins_get_the_verdict_of_their_original() {
    let root = workspace_root();
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("twins");
    let output = Command::new("node")
        .arg(root.join("tests/twins/twins.mjs"))
        .arg("--leaklint")
        .arg(env!("CARGO_BIN_EXE_leaklint"))
        .arg("--out")
        .arg(&out)
        .current_dir(&root)
        .output()
        .expect("run node (Node.js 18 or newer; then scripts/setup.sh)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    match output.status.code() {
        Some(0) => {}
        Some(1) => {
            // `<example> fail|pass [<kind>] <what>`, then the table and the closing count.
            let disagreements: Vec<&str> = stdout
                .lines()
                .filter(|line| {
                    let mut words = line.split_whitespace();
                    words.next().is_some_and(|w| w != "note:")
                        && matches!(words.next(), Some("fail" | "pass"))
                        && words.next().is_some_and(|w| w.starts_with('['))
                })
                .collect();
            let summary: Vec<&str> = stdout.lines().skip_while(|line| !line.starts_with("kind ")).collect();
            panic!(
                "{} twins disagree with their original (twins in {}):\n{}\n\n{}",
                disagreements.len(),
                out.display(),
                disagreements.join("\n"),
                summary.join("\n")
            );
        }
        code => panic!("tests/twins/twins.mjs failed to run (exit {code:?}):\n{stderr}{stdout}"),
    }
}

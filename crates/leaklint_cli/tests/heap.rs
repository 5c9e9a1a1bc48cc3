//! `leaklint heap` and `check --heap` on real snapshots: the fixture servers
//! under `fixtures/heap/` are driven with requests over 127.0.0.1 by
//! `fixtures/heap/drive.js`, which writes BASE, TARGET and FINAL.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The workspace root, whether this package is the root itself or lives in crates/leaklint_cli.
fn repo() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).canonicalize().unwrap();
    manifest
        .ancestors()
        .find(|dir| dir.join("fixtures/heap").is_dir())
        .expect("fixtures/heap in the workspace")
        .to_path_buf()
}

/// Snapshots of `server` after 40 requests per phase: [base, target, final].
fn snapshots(server: &str, dir: &Path) -> [PathBuf; 3] {
    let output = Command::new("node")
        .arg(repo().join("fixtures/heap/drive.js"))
        .arg(repo().join("fixtures/heap").join(server))
        .arg(dir)
        .arg("40")
        .output()
        .unwrap_or_else(|e| panic!("cannot run `node` ({e}); these tests need Node.js 20 or newer on PATH"));
    assert!(output.status.success(), "driver failed: {}", String::from_utf8_lossy(&output.stderr));
    ["base", "target", "final"].map(|name| dir.join(format!("{name}.heapsnapshot")))
}

fn os(s: &str) -> &std::ffi::OsStr {
    s.as_ref()
}

fn leaklint(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leaklint")).current_dir(repo()).args(args).output().unwrap()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
    })
}

#[test]
fn check_with_three_snapshots_puts_the_confirmed_finding_first() {
    let dir = tempfile::tempdir().unwrap();
    let [base, target, last] = snapshots("closure-server.js", dir.path());
    let mut args: Vec<&std::ffi::OsStr> = vec![os("check"), os("fixtures/heap")];
    for snapshot in [&base, &target, &last] {
        args.extend([os("--heap"), snapshot.as_os_str()]);
    }
    args.extend([os("--format"), os("json")]);
    let report = json(&leaklint(&args));
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 3, "{report:#}");
    let first = &diagnostics[0];
    assert_eq!(first["file"], "fixtures/heap/closure-server.js");
    assert_eq!(first["rule"], "no-retained-request-closure");
    let evidence = &first["heap"];
    assert_eq!(evidence["count_growth"], 40, "{evidence:#}");
    assert_eq!(evidence["snapshots"], 3);
    assert!(evidence["retained_size"].as_u64().unwrap() > 0);
    let reasons = evidence["matched_by"].to_string();
    assert!(
        reasons.contains("`tasks` is on its retainer path") && reasons.contains("defined inside the flagged code"),
        "{reasons}"
    );
    assert!(evidence["retainer_path"].as_str().unwrap().contains("system / Context.tasks"), "{evidence:#}");
    // The other fixtures' findings have no evidence in this process's heap and keep their order after it.
    assert!(diagnostics[1..].iter().all(|d| d.get("heap").is_none()), "{report:#}");
    assert_eq!(diagnostics[1]["file"], "fixtures/heap/listener-server.js");
    assert_eq!(diagnostics[2]["file"], "fixtures/heap/map-server.js");

    // Human output shows the same evidence under the finding.
    args.truncate(args.len() - 2);
    args.extend([os("--color"), os("never")]);
    let human = String::from_utf8(leaklint(&args).stdout).unwrap();
    let at = human.find("heap: (closure) (anonymous): 40 objects leaked").unwrap_or_else(|| panic!("{human}"));
    assert!(at < human.find("listener-server.js").unwrap(), "{human}");
}

#[test]
fn heap_diff_and_summary_name_the_leak() {
    let dir = tempfile::tempdir().unwrap();
    let [base, target, _] = snapshots("map-server.js", dir.path());
    let output = leaklint(&[os("heap"), os("diff"), base.as_os_str(), target.as_os_str(), os("--format"), os("json")]);
    assert!(output.status.success());
    let diff = json(&output);
    let top = &diff["groups"][0];
    assert_eq!(top["class"], "Visit", "{diff:#}");
    assert_eq!(top["new_count"], 40);
    assert!(top["location"]["script"].as_str().unwrap().ends_with("fixtures/heap/map-server.js"));
    let edges: Vec<&str> =
        top["retainer_path"].as_array().unwrap().iter().map(|s| s["edge"].as_str().unwrap()).collect();
    assert!(edges.contains(&"visits"), "{edges:?}");

    // One snapshot: counts instead of growth (5 warm-up + 40 requests), in SARIF's property bag.
    let output =
        leaklint(&[os("check"), os("fixtures/heap"), os("--heap"), target.as_os_str(), os("--format"), os("sarif")]);
    let sarif = json(&output);
    let first = &sarif["runs"][0]["results"][0];
    assert_eq!(first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "fixtures/heap/map-server.js");
    let evidence = &first["properties"]["heapEvidence"];
    assert_eq!((evidence["group"].as_str(), evidence["count_growth"].as_i64()), (Some("Visit"), Some(45)), "{first:#}");
    assert_eq!(evidence["snapshots"], 1);

    let output = leaklint(&[os("heap"), os("summary"), target.as_os_str(), os("--format"), os("json")]);
    let summary = json(&output);
    let classes = summary["classes"].as_array().unwrap();
    assert_eq!(classes.len(), 20);
    let retained: Vec<u64> = classes.iter().map(|c| c["retained_size"].as_u64().unwrap()).collect();
    assert!(retained.windows(2).all(|w| w[0] >= w[1]), "{retained:?}");
    assert!(summary["nodes"].as_u64().unwrap() > 10_000);
}

#[test]
fn a_broken_snapshot_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.heapsnapshot");
    let cut = r#"{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],"#;
    std::fs::write(&path, cut).unwrap();
    let output = leaklint(&[os("heap"), os("summary"), path.as_os_str()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The offset is where the file ends: nothing past the cut was made up.
    let expected = format!("cut.heapsnapshot: at byte {}: unexpected end of file", cut.len());
    assert!(stderr.contains(&expected), "{stderr}");
    let output = leaklint(&[os("check"), os("fixtures/heap"), os("--heap"), path.as_os_str()]);
    assert_eq!(output.status.code(), Some(2));
}

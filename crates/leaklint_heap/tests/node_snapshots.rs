//! Real snapshots: each fixture server under `fixtures/heap/` is driven with
//! requests over 127.0.0.1 by `fixtures/heap/drive.js`, which writes BASE,
//! TARGET and FINAL snapshots; the leaking group must rank first, name its
//! container on the retainer path and point at the fixture line.

use std::path::{Path, PathBuf};
use std::process::Command;

use leaklint_heap::{Analysis, Diff, GrowthRow, ObjectIds, read_file};

const REQUESTS_PER_PHASE: &str = "60";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/heap")
}

/// Run the driver; returns the directory with the three snapshots.
fn snapshots_of(server: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new("node")
        .arg(fixtures().join("drive.js"))
        .arg(fixtures().join(server))
        .arg(dir.path())
        .arg(REQUESTS_PER_PHASE)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `node` ({e}); these tests need Node.js 20 or newer on PATH"));
    assert!(output.status.success(), "driver failed: {}", String::from_utf8_lossy(&output.stderr));
    dir
}

fn diff(dir: &Path, three: bool) -> Diff {
    let base = ObjectIds::of(&read_file(&dir.join("base.heapsnapshot"), None).unwrap());
    let target_snapshot = read_file(&dir.join("target.heapsnapshot"), None).unwrap();
    if !three {
        let analysis = Analysis::new(&target_snapshot);
        return leaklint_heap::diff(&base, None, &target_snapshot, &analysis, 10);
    }
    let target = ObjectIds::ids_of(&target_snapshot);
    drop(target_snapshot);
    let last = read_file(&dir.join("final.heapsnapshot"), None).unwrap();
    let analysis = Analysis::new(&last);
    leaklint_heap::diff(&base, Some(&target), &last, &analysis, 10)
}

fn top(diff: &Diff) -> &GrowthRow {
    &diff.groups[0]
}

fn fixture_line(server: &str, needle: &str) -> u32 {
    let text = std::fs::read_to_string(fixtures().join(server)).unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap() as u32 + 1
}

fn edges(row: &GrowthRow) -> Vec<&str> {
    row.retainer_path.iter().map(|s| s.edge.as_str()).collect()
}

#[test]
fn closure_pushed_to_a_module_array() {
    let dir = snapshots_of("closure-server.js");
    for three in [false, true] {
        let diff = diff(dir.path(), three);
        let row = top(&diff);
        assert_eq!((row.class.as_str(), row.internal), ("(closure)", false), "{three}: {row:#?}");
        assert!(row.growth() >= 60, "{row:#?}");
        let location = row.location.as_ref().unwrap();
        assert!(location.script.ends_with("closure-server.js"), "{location:?}");
        assert_eq!(location.line, fixture_line("closure-server.js", "tasks.push("));
        assert!(edges(row).contains(&"tasks"), "{:?}", row.retainer_path);
        assert!(row.retained_size > row.alloc_size / 2, "{row:#?}");
    }
}

#[test]
fn map_keyed_by_a_per_request_object() {
    let dir = snapshots_of("map-server.js");
    let diff = diff(dir.path(), true);
    let row = top(&diff);
    assert_eq!(row.class, "Visit", "{row:#?}");
    assert_eq!(row.leaked_count, Some(60));
    let location = row.location.as_ref().unwrap();
    assert!(location.script.ends_with("map-server.js"));
    assert_eq!(location.line, fixture_line("map-server.js", "constructor(url)"));
    assert!(edges(row).contains(&"visits"), "{:?}", row.retainer_path);
}

#[test]
fn listener_per_request_on_a_module_emitter() {
    let dir = snapshots_of("listener-server.js");
    let diff = diff(dir.path(), true);
    let row = top(&diff);
    assert_eq!(row.class, "(closure)", "{row:#?}");
    assert_eq!(row.leaked_count, Some(60));
    assert_eq!(row.location.as_ref().unwrap().line, fixture_line("listener-server.js", "bus.on("));
    let path = edges(row);
    assert!(path.contains(&"bus") && path.contains(&"reload"), "{:?}", row.retainer_path);
}

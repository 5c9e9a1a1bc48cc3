//! Small hand-written snapshots: both node layouts, field orders Node does
//! not write, dominators, weak-only nodes, locations, and broken input.

use leaklint_heap::{Analysis, HeapError, HeapSnapshot, ObjectIds, parse};

/// One node: (type, name, id, self_size, edges as (type, name_or_index, to_node index)).
type Node<'a> = (&'a str, &'a str, u64, u64, Vec<(&'a str, &'a str, u32)>);

/// Write a snapshot in the layout `node_fields` names (any order, extra
/// fields written as 0), with `node_types` as the type enum.
fn write(node_fields: &[&str], node_types: &[&str], nodes: &[Node<'_>], locations: &[(u32, u32, u32, u32)]) -> String {
    let edge_types = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"];
    let mut strings: Vec<String> = Vec::new();
    let mut string = |s: &str| -> u64 {
        if let Some(i) = strings.iter().position(|x| x == s) {
            return i as u64;
        }
        strings.push(s.to_owned());
        strings.len() as u64 - 1
    };
    let width = node_fields.len() as u64;
    let mut node_values = Vec::new();
    let mut edge_values = Vec::new();
    for (ty, name, id, size, edges) in nodes {
        for field in node_fields {
            node_values.push(match *field {
                "type" => node_types.iter().position(|t| t == ty).unwrap() as u64,
                "name" => string(name),
                "id" => *id,
                "self_size" => *size,
                "edge_count" => edges.len() as u64,
                _ => 0,
            });
        }
        for (ety, ename, to) in edges {
            edge_values.push(edge_types.iter().position(|t| t == ety).unwrap() as u64);
            edge_values.push(if matches!(*ety, "element" | "hidden") { ename.parse().unwrap() } else { string(ename) });
            edge_values.push(u64::from(*to) * width);
        }
    }
    let location_values: Vec<u64> = locations
        .iter()
        .flat_map(|&(node, script, line, column)| [u64::from(node) * width, script.into(), line.into(), column.into()])
        .collect();
    let list = |v: &[u64]| v.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
    let quoted = |v: &[&str]| v.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(",");
    // The type enum sits at the position of the `type` field; the others are plain value kinds.
    let node_type_meta = node_fields
        .iter()
        .map(|f| if *f == "type" { format!("[{}]", quoted(node_types)) } else { "\"number\"".to_owned() })
        .collect::<Vec<_>>()
        .join(",");
    format!(
        r#"{{"snapshot":{{"meta":{{"node_fields":[{}],"node_types":[{}],"edge_fields":["type","name_or_index","to_node"],"edge_types":[[{}],"string_or_number","node"],"location_fields":["object_index","script_id","line","column"]}},"node_count":{},"edge_count":{}}},
"nodes":[{}],
"edges":[{}],
"locations":[{}],
"strings":[{}]}}"#,
        quoted(node_fields),
        node_type_meta,
        quoted(&edge_types),
        nodes.len(),
        edge_values.len() / 3,
        list(&node_values),
        list(&edge_values),
        list(&location_values),
        strings.iter().map(|s| serde_json_string(s)).collect::<Vec<_>>().join(",")
    )
}

fn serde_json_string(s: &str) -> String {
    format!("{s:?}")
}

const SEVEN: [&str; 7] = ["type", "name", "id", "self_size", "edge_count", "trace_node_id", "detachedness"];
const SIX: [&str; 6] = ["type", "name", "id", "self_size", "edge_count", "trace_node_id"];
const TYPES: [&str; 10] =
    ["hidden", "array", "string", "object", "code", "closure", "regexp", "number", "native", "synthetic"];

fn read(text: &str) -> Result<HeapSnapshot, HeapError> {
    parse(text.as_bytes(), Some(text.len() as u64), None)
}

/// root → Foo --items--> (array) → two Bar; root → other → shared Bar (diamond);
/// root -weak-> Lonely (reachable only weakly).
fn graph() -> Vec<Node<'static>> {
    vec![
        ("synthetic", "", 1, 0, vec![("shortcut", "global", 1), ("element", "1", 5), ("weak", "w", 6)]),
        ("object", "Foo", 3, 10, vec![("property", "items", 2)]),
        ("array", "", 5, 100, vec![("element", "0", 3), ("element", "1", 4)]),
        ("object", "Bar", 7, 1000, vec![]),
        ("object", "Bar", 9, 1000, vec![]),
        ("synthetic", "(GC roots)", 11, 0, vec![("element", "0", 4)]),
        ("object", "Lonely", 13, 7, vec![]),
    ]
}

#[test]
fn seven_and_six_field_layouts_read_the_same() {
    for fields in [&SEVEN[..], &SIX[..], &["edge_count", "id", "self_size", "name", "type"]] {
        let s = read(&write(fields, &TYPES, &graph(), &[])).unwrap_or_else(|e| panic!("{fields:?}: {e}"));
        assert_eq!((s.node_count(), s.edge_count()), (7, 7), "{fields:?}");
        assert_eq!(s.name(1), "Foo");
        assert_eq!(s.id(3), 7);
        assert_eq!(s.self_size(2), 100);
        assert_eq!(s.class_name(2).to_string(), "(array)");
        assert_eq!(s.class_name(3).to_string(), "Bar");
    }
}

#[test]
fn a_type_enum_in_another_order_is_read_by_name() {
    let mut types = TYPES;
    types.reverse();
    let s = read(&write(&SEVEN, &types, &graph(), &[])).unwrap();
    assert_eq!(s.class_name(1).to_string(), "Foo");
    assert_eq!(s.class_name(2).to_string(), "(array)");
    assert_eq!(s.class_name(5).to_string(), "(synthetic)");
}

#[test]
fn dominators_retained_sizes_distances_and_paths() {
    let s = read(&write(&SEVEN, &TYPES, &graph(), &[])).unwrap();
    let a = Analysis::new(&s);
    // Bar #7 only through Foo's array; Bar #9 also from (GC roots): dominated by the root.
    assert_eq!(a.retained_size(2), 100 + 1000);
    assert_eq!(a.retained_size(1), 10 + 100 + 1000);
    assert_eq!(a.immediate_dominator(4), 0);
    assert_eq!(a.retained_size(0), 10 + 100 + 2000 + 7);
    // Weakly held only: its own size, no distance, and no hang.
    assert_eq!(a.retained_size(6), 7);
    assert_eq!(a.distance(6), None);
    // User roots first: Bar #9 is reached through Foo, not (GC roots).
    assert_eq!(a.distance(4), Some(3));
    let path: Vec<String> =
        leaklint_heap::retainer_path(&s, &a, 4).iter().map(|p| format!("{}.{}", p.holder, p.edge)).collect();
    assert_eq!(path, ["Foo.items", "(array).[1]"]);
}

#[test]
fn locations_resolve_script_names_through_the_shared_function_info() {
    let nodes: Vec<Node<'static>> = vec![
        ("synthetic", "", 1, 0, vec![("shortcut", "global", 1)]),
        ("object", "Holder", 3, 10, vec![("context", "tasks", 2)]),
        ("closure", "onRequest", 5, 32, vec![("internal", "shared", 3)]),
        ("code", "onRequest", 7, 40, vec![("internal", "script_or_debug_info", 4)]),
        ("code", "/app/node_modules/@acme/queue/lib/index.js", 9, 50, vec![]),
    ];
    let s = read(&write(&SEVEN, &TYPES, &nodes, &[(2, 42, 9, 4)])).unwrap();
    let a = Analysis::new(&s);
    assert_eq!(a.script_name(42), Some("/app/node_modules/@acme/queue/lib/index.js"));
    let empty = ObjectIds::empty();
    let diff = leaklint_heap::diff(&empty, None, &s, &a, 10);
    let closure = diff.groups.iter().find(|g| g.class == "(closure)").unwrap();
    let location = closure.location.as_ref().unwrap();
    assert_eq!((location.line, location.column), (10, 5));
    assert_eq!(location.package.as_deref(), Some("@acme/queue"));
    assert_eq!(closure.function.as_deref(), Some("onRequest"));
    assert_eq!(closure.retainer_path[0].edge, "tasks");
    assert_eq!(diff.packages[0].package, "@acme/queue");
}

#[test]
fn two_snapshot_diff_counts_new_and_deleted_by_id() {
    let base = read(&write(&SEVEN, &TYPES, &graph(), &[])).unwrap();
    let mut nodes = graph();
    // Bar #7 freed, two new Bars #21 and #23 under the array.
    nodes[2].4 = vec![("element", "0", 3), ("element", "1", 4), ("element", "2", 7)];
    nodes[3].2 = 21;
    nodes.push(("object", "Bar", 23, 1000, vec![]));
    let target = read(&write(&SEVEN, &TYPES, &nodes, &[])).unwrap();
    let a = Analysis::new(&target);
    let diff = leaklint_heap::diff(&ObjectIds::of(&base), None, &target, &a, 10);
    let bar = diff.groups.iter().find(|g| g.class == "Bar").unwrap();
    assert_eq!((bar.new_count, bar.deleted_count, bar.count_delta), (2, 1, 1));
    assert_eq!(bar.size_delta, 1000);
    assert_eq!(diff.groups[0].class, "Bar");
}

#[test]
fn string_escapes_and_surrogate_pairs_decode() {
    let text = write(&SEVEN, &TYPES, &graph(), &[]).replace(r#""Foo""#, r#""F\u00f6o \ud83d\ude00 \"q\"\n""#);
    let s = read(&text).unwrap();
    assert_eq!(s.name(1), "Föo 😀 \"q\"\n");
}

fn error_of(text: &str) -> HeapError {
    read(text).expect_err("must be rejected")
}

#[test]
fn broken_input_is_an_error_with_an_offset() {
    let good = write(&SEVEN, &TYPES, &graph(), &[]);
    // Truncated anywhere: an error at or before the cut, never a panic.
    for cut in (0..good.len()).step_by(7) {
        let e = error_of(&good[..cut]);
        assert!(e.offset <= cut as u64, "cut {cut}: {e}");
    }
    assert!(error_of("").message.contains("empty"));
    assert!(error_of("<html>").message.contains("not a heap snapshot"));
    assert!(error_of(r#"{"nodes":[1]}"#).message.contains("before the `snapshot` header"));
    let e = error_of(&format!("{good} trailing"));
    assert!(e.message.contains("after the snapshot"), "{e}");
    assert_eq!(e.offset, good.len() as u64 + 1);
    let e = error_of(&good.replace("\"nodes\":[", "\"nodes\":[x"));
    assert!(e.message.contains("non-negative integer"), "{e}");
}

#[test]
fn inconsistent_sections_are_rejected() {
    let good = write(&SEVEN, &TYPES, &graph(), &[]);
    // An edge to a node that does not exist (7 nodes, width 7).
    let e = error_of(&good.replace("\"edges\":[5,1,7", "\"edges\":[5,1,700"));
    assert!(e.message.contains("points to node 100"), "{e}");
    let e = error_of(&good.replace("\"edges\":[5,1,7", "\"edges\":[5,1,8"));
    assert!(e.message.contains("not a node offset"), "{e}");
    let e = error_of(&good.replace("\"node_fields\":[\"type\",", "\"node_fields\":[\"kind\","));
    assert!(e.message.contains("no `type` field"), "{e}");
    let e = error_of(&good.replace("\"nodes\":[9,", "\"nodes\":[99,"));
    assert!(e.message.contains("not in meta.node_types"), "{e}");
}

#[test]
fn a_header_claiming_huge_counts_allocates_nothing_for_them() {
    let good = write(&SEVEN, &TYPES, &graph(), &[]);
    let huge = good
        .replace("\"node_count\":7", "\"node_count\":1000000000000")
        .replace("\"edge_count\":7", "\"edge_count\":1000000000000");
    // Pre-allocation is capped by the input size, so this returns at once
    // with a mismatch instead of trying to allocate terabytes.
    let e = error_of(&huge);
    assert!(e.message.contains("claims 1000000000000 nodes"), "{e}");
    // Without a size hint, the cap is a small constant.
    let e = parse(huge.as_bytes(), None, None).expect_err("mismatch");
    assert!(e.message.contains("claims"), "{e}");
}

/// Snapshots read from a file keep no edge names: the ones retainer paths
/// and script names need are read again from the file, across record
/// blocks, and match what a snapshot read from memory keeps.
#[test]
fn edge_names_are_read_again_from_the_file_as_needed() {
    let indexes: Vec<&'static str> = (0..300).map(|i| &*Box::leak(i.to_string().into_boxed_str())).collect();
    let mut nodes: Vec<Node<'static>> = vec![
        ("synthetic", "", 1, 0, vec![("shortcut", "global", 1)]),
        ("object", "Holder", 3, 10, vec![("context", "tasks", 2)]),
        ("closure", "onRequest", 5, 32, vec![("internal", "shared", 3)]),
        ("code", "onRequest", 7, 40, vec![("internal", "script_or_debug_info", 4)]),
        ("code", "/app/node_modules/@acme/queue/lib/index.js", 9, 50, vec![]),
        ("array", "", 11, 16, (0..300).map(|i| ("element", indexes[i], 6 + i as u32)).collect()),
    ];
    nodes[1].4.push(("property", "leaves", 5));
    for i in 0..300 {
        nodes.push(("object", "Leaf", 13 + 2 * i as u64, 8, vec![]));
    }
    let text = write(&SEVEN, &TYPES, &nodes, &[(2, 42, 9, 4)]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.heapsnapshot");
    std::fs::write(&file, &text).unwrap();
    let steps = |s: &HeapSnapshot, a: &Analysis, node: u32| -> Vec<String> {
        leaklint_heap::retainer_path(s, a, node)
            .iter()
            .map(|p| format!("{} {}.{}", p.edge_kind, p.holder, p.edge))
            .collect()
    };
    for s in [leaklint_heap::read_file(&file, None).unwrap(), read(&text).unwrap()] {
        let a = Analysis::new(&s);
        assert_eq!(a.script_name(42), Some("/app/node_modules/@acme/queue/lib/index.js"));
        assert_eq!(steps(&s, &a, 2), ["context Holder.tasks"]);
        assert_eq!(steps(&s, &a, 6 + 250), ["property Holder.leaves", "element (array).[250]"]);
        assert_eq!(steps(&s, &a, 6 + 63), ["property Holder.leaves", "element (array).[63]"]);
    }
    // Changed on disk after reading: the names are left out, not misread.
    let s = leaklint_heap::read_file(&file, None).unwrap();
    std::fs::write(&file, text.replace("\"tasks\"", "\"other\"") + " ").unwrap();
    let a = Analysis::new(&s);
    assert_eq!(a.script_name(42), None);
    assert!(steps(&s, &a, 2).is_empty());
    assert_eq!(a.retained_size(5), 16 + 300 * 8);
}

//! Class grouping, the summary table, and diffs of two or three snapshots.

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::analysis::Analysis;
use crate::snapshot::{ClassName, Column, EdgeKind, HeapSnapshot, Location, NodeKind};

/// What objects are grouped by: DevTools' class name, and for closures
/// (when split) the function name and where it is defined, so each
/// `(closure)` row is one function in the code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct GroupKey {
    class: String,
    function: Option<String>,
    location: Option<Location>,
}

struct Grouping {
    keys: Vec<GroupKey>,
    /// Whether a group holds engine internals rather than objects user code creates.
    internal: Vec<bool>,
    of_node: Vec<u32>,
}

fn group(s: &HeapSnapshot, split_closures: bool) -> Grouping {
    let mut of_node = s.node_name.clone();
    let (keys, internal) = group_column(s, &mut of_node, split_closures);
    Grouping { keys, internal, of_node }
}

/// Group every node: `column` holds each node's name index (the snapshot's
/// own column may have been moved into it), and each node's group after.
/// Returns the groups' keys and whether each holds engine internals.
fn group_column(s: &HeapSnapshot, column: &mut [u32], split_closures: bool) -> (Vec<GroupKey>, Vec<bool>) {
    let mut index: FxHashMap<(ClassName<'_>, Option<&str>, Option<Location>), u32> = FxHashMap::default();
    let mut keys = Vec::new();
    let mut internal = Vec::new();
    // The key depends only on the node's type, for objects also on its name
    // string, and for split closures on their name and location: look
    // those up as integers first, and hash the strings once per combination.
    let mut by_type: Vec<Option<u32>> = vec![None; s.node_kinds.len()];
    let mut by_name: FxHashMap<u64, u32> = FxHashMap::default();
    let mut by_function: FxHashMap<(u32, Option<Location>), u32> = FxHashMap::default();
    // Locations are sorted by node: read alongside the nodes.
    let mut locations = s.locations.iter().peekable();
    for (node, slot) in (0u32..).zip(column.iter_mut()) {
        let ty = s.node_type[node as usize];
        let name = *slot;
        let kind = s.node_kinds[ty as usize];
        let split = split_closures && kind == NodeKind::Closure;
        let mut location = None;
        let memo = if split {
            while locations.next_if(|&(n, _)| n < node).is_some() {}
            location = locations.peek().filter(|&&(n, _)| n == node).map(|&(_, l)| l);
            by_function.get(&(name, location))
        } else if matches!(kind, NodeKind::Object | NodeKind::Native) {
            by_name.get(&(u64::from(ty) << 32 | u64::from(name)))
        } else {
            by_type[ty as usize].as_ref()
        };
        if let Some(&g) = memo {
            *slot = g;
            continue;
        }
        let text = s.strings.get(name as usize);
        let class = match kind {
            NodeKind::Object | NodeKind::Native => ClassName::Named(text),
            NodeKind::Hidden => ClassName::Named("(system)"),
            NodeKind::Code => ClassName::Named("(compiled code)"),
            _ => ClassName::Parenthesised(&s.node_kind_names[ty as usize]),
        };
        let function = split.then_some(text);
        let next = keys.len() as u32;
        let g = *index.entry((class, function, location)).or_insert_with(|| {
            keys.push(GroupKey {
                class: class.to_string(),
                function: function.map(|f| if f.is_empty() { "(anonymous)".to_owned() } else { f.to_owned() }),
                location,
            });
            internal.push(is_internal(kind, text));
            next
        });
        if split {
            by_function.insert((name, location), g);
        } else if matches!(kind, NodeKind::Object | NodeKind::Native) {
            by_name.insert(u64::from(ty) << 32 | u64::from(name), g);
        } else {
            by_type[ty as usize] = Some(g);
        }
        *slot = g;
    }
    (keys, internal)
}

/// Whether a group of this kind and name holds engine internals.
fn is_internal(kind: NodeKind, name: &str) -> bool {
    match kind {
        NodeKind::Closure | NodeKind::RegExp => false,
        NodeKind::Object | NodeKind::Native => {
            name.is_empty() || name.starts_with("system / ") || name.starts_with('(')
        }
        _ => true,
    }
}

/// A source position for people: 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceLocation {
    /// The script name as V8 knows it: a path, a `file://` URL or `node:...`.
    pub script: String,
    pub line: u32,
    pub column: u32,
    /// The npm package that owns the script (`node_modules/<package>/...`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
}

impl SourceLocation {
    fn resolve(a: &Analysis, location: Location) -> Self {
        let script =
            a.script_name(location.script_id).map_or_else(|| format!("script {}", location.script_id), str::to_owned);
        let package = package_of(&script);
        Self { script, line: location.line + 1, column: location.column + 1, package }
    }

    /// The script as a file path, when it names one.
    pub fn file_path(&self) -> Option<&str> {
        if let Some(path) = self.script.strip_prefix("file://") {
            return Some(path);
        }
        (self.script.starts_with('/') || self.script.get(1..3) == Some(":\\")).then_some(self.script.as_str())
    }
}

/// `node_modules/<pkg>` or `node_modules/@scope/<pkg>`, innermost wins.
pub fn package_of(script: &str) -> Option<String> {
    let normalized = script.replace('\\', "/");
    let at = normalized.rfind("node_modules/")? + "node_modules/".len();
    let mut parts = normalized[at..].split('/');
    let first = parts.next().filter(|p| !p.is_empty())?;
    if first.starts_with('@') {
        let second = parts.next().filter(|p| !p.is_empty())?;
        return Some(format!("{first}/{second}"));
    }
    Some(first.to_owned())
}

/// One step of a retainer path: the holder, and the edge it holds the next step by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathStep {
    /// The holder's class (for closures, with the function name).
    pub holder: String,
    pub holder_id: u64,
    /// `context`, `property`, `element`, `internal`, `hidden` or `shortcut`.
    pub edge_kind: &'static str,
    /// A variable or property name, or `[index]`.
    pub edge: String,
}

fn edge_kind_name(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Context => "context",
        EdgeKind::Element => "element",
        EdgeKind::Property => "property",
        EdgeKind::Internal => "internal",
        EdgeKind::Hidden => "hidden",
        EdgeKind::Shortcut => "shortcut",
        EdgeKind::Weak => "weak",
        EdgeKind::Other => "other",
    }
}

fn node_label(s: &HeapSnapshot, node: u32) -> String {
    // Synthetic roots are only told apart by name: `(GC roots)`, `(Global handles)`, ...
    if s.kind(node) == NodeKind::Synthetic && !s.name(node).is_empty() {
        return s.name(node).to_owned();
    }
    if s.kind(node) == NodeKind::Closure {
        let name = s.name(node);
        return format!("(closure) {}", if name.is_empty() { "(anonymous)" } else { name });
    }
    s.class_name(node).to_string()
}

/// The shortest path from the roots to `node`, without the synthetic root.
/// Empty when the node is not reachable, or when the edge names cannot be
/// read (the snapshot file was modified since it was read).
pub fn retainer_path(s: &HeapSnapshot, a: &Analysis, node: u32) -> Vec<PathStep> {
    retainer_paths(s, a, &[node]).pop().unwrap_or_default()
}

/// [`retainer_path`] for each of `nodes`, with all their edge names read in one go.
fn retainer_paths(s: &HeapSnapshot, a: &Analysis, nodes: &[u32]) -> Vec<Vec<PathStep>> {
    let paths: Vec<Vec<(u32, u32, u32)>> = nodes.iter().map(|&node| a.path_steps(node)).collect();
    let wanted: Vec<(u32, u32)> = paths.iter().flatten().map(|&(_, edge, held)| (edge, held)).collect();
    let root = s.id(crate::ROOT);
    let steps = s.records.get(&wanted).and_then(|records| {
        let mut records = records.into_iter();
        paths
            .iter()
            .map(|path| {
                let mut steps = Vec::with_capacity(path.len());
                for &(holder, ..) in path {
                    let record = records.next()?;
                    let edge = crate::analysis::edge_name(s, record)?;
                    if s.id(holder) != root {
                        steps.push(PathStep {
                            holder: node_label(s, holder),
                            holder_id: s.id(holder),
                            edge_kind: edge_kind_name(s.edge_kinds[record.kind as usize]),
                            edge: edge.to_string(),
                        });
                    }
                }
                Some(steps)
            })
            .collect::<Option<Vec<_>>>()
    });
    steps.unwrap_or_else(|| vec![Vec::new(); nodes.len()])
}

/// One row of `heap summary`.
#[derive(Debug, Clone, Serialize)]
pub struct ClassRow {
    pub class: String,
    pub count: u64,
    pub shallow_size: u64,
    /// Sum over the class's objects that no other object of the class
    /// immediately dominates, so nested objects are not counted twice.
    pub retained_size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<SourceLocation>,
}

/// Every class, largest retained size first.
pub fn summary(s: &HeapSnapshot, a: &Analysis) -> Vec<ClassRow> {
    let grouping = group(s, false);
    let mut rows: Vec<ClassRow> = grouping
        .keys
        .iter()
        .map(|k| ClassRow { class: k.class.clone(), count: 0, shallow_size: 0, retained_size: 0, location: None })
        .collect();
    for node in 0..s.node_count() as u32 {
        let g = grouping.of_node[node as usize];
        let row = &mut rows[g as usize];
        row.count += 1;
        row.shallow_size = row.shallow_size.saturating_add(s.self_size(node));
        let dominator = a.immediate_dominator(node);
        if node != crate::ROOT && grouping.of_node[dominator as usize] != g {
            row.retained_size = row.retained_size.saturating_add(a.retained_size(node));
        }
    }
    // A class's instances share their constructor's location (the first
    // one's); closures in one `(closure)` row each have their own, so none
    // stands for the row.
    for (node, location) in s.locations.iter() {
        let row = &mut rows[grouping.of_node[node as usize] as usize];
        if row.location.is_none() && s.kind(node) != NodeKind::Closure {
            row.location = Some(SourceLocation::resolve(a, location));
        }
    }
    rows.sort_by(|x, y| y.retained_size.cmp(&x.retained_size).then(y.count.cmp(&x.count)).then(x.class.cmp(&y.class)));
    rows
}

/// The object ids of a snapshot with each object's group and size: all a
/// diff needs of the snapshots it does not analyse, so those can be dropped.
pub struct ObjectIds {
    /// Sorted.
    ids: Varints,
    /// In the order of `ids`, when built by [`ObjectIds::of`] (empty from
    /// [`ObjectIds::ids_of`]): each object's group and self size.
    groups: Varints,
    sizes: Varints,
    keys: Vec<GroupKey>,
}

/// Values read only in order, as LEB128 varints (sorted ones as gaps from
/// the previous value): ids 1–3 bytes instead of 4–8, groups and sizes 1–2.
/// Every 64th value is indexed for [`Varints::contains`].
#[derive(Default)]
struct Varints {
    bytes: Vec<u8>,
    len: usize,
    delta: bool,
    /// (value before the block, byte offset) of every 64th value, when `delta`.
    blocks: Vec<(u64, usize)>,
}

const BLOCK: usize = 64;

impl Varints {
    fn new(delta: bool, values: impl Iterator<Item = u64>) -> Self {
        let mut out = Self { delta, ..Self::default() };
        let mut previous = 0;
        for value in values {
            if delta && out.len.is_multiple_of(BLOCK) {
                out.blocks.push((previous, out.bytes.len()));
            }
            let mut v = if delta { value - previous } else { value };
            previous = value;
            while v >= 0x80 {
                out.bytes.push(v as u8 | 0x80);
                v >>= 7;
            }
            out.bytes.push(v as u8);
            out.len += 1;
        }
        out.bytes.shrink_to_fit();
        out.blocks.shrink_to_fit();
        out
    }

    fn iter_from(&self, offset: usize, start: u64, count: usize) -> impl Iterator<Item = u64> + '_ {
        let mut at = offset;
        let mut previous = start;
        (0..count).map(move |_| {
            let (mut v, mut shift) = (0u64, 0);
            loop {
                let b = self.bytes[at];
                at += 1;
                v |= u64::from(b & 0x7f) << shift;
                if b < 0x80 {
                    break;
                }
                shift += 7;
            }
            if self.delta {
                previous += v;
                previous
            } else {
                v
            }
        })
    }

    fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        self.iter_from(0, 0, self.len)
    }

    /// Whether a sorted (`delta`) list holds `value`.
    fn contains(&self, value: u64) -> bool {
        let block = self.blocks.partition_point(|&(before, _)| before < value).saturating_sub(1);
        let Some(&(before, offset)) = self.blocks.get(block) else { return false };
        let count = (self.len - block * BLOCK).min(BLOCK);
        self.iter_from(offset, before, count).take_while(|&v| v <= value).any(|v| v == value)
    }
}

/// The nodes of a snapshot in object id order. Ids that fit 32 bits (V8's
/// do) are sorted packed with their node into one u64: several times faster
/// than sorting by a key looked up per comparison, and one array.
pub(crate) enum ById {
    Packed(Vec<u64>),
    Nodes(Vec<u32>),
    /// Wide ids with the nodes in their order, when built from the ids alone.
    Ids(Vec<u64>, Vec<u32>),
}

impl ById {
    pub(crate) fn of(s: &HeapSnapshot) -> Self {
        let n = s.node_count() as u32;
        match &s.node_id {
            Column::Narrow(ids) => {
                let mut packed: Vec<u64> =
                    ids.iter().zip(0..n).map(|(&id, node)| (u64::from(id) << 32) | u64::from(node)).collect();
                packed.sort_unstable();
                Self::Packed(packed)
            }
            Column::Wide(_) => {
                let mut order: Vec<u32> = (0..n).collect();
                order.sort_unstable_by_key(|&node| s.id(node));
                Self::Nodes(order)
            }
        }
    }

    /// [`ById::of`] from the id column alone, which it consumes.
    fn from_ids(ids: Column) -> Self {
        match ids {
            Column::Narrow(ids) => {
                let mut packed: Vec<u64> =
                    ids.iter().zip(0u32..).map(|(&id, node)| (u64::from(id) << 32) | u64::from(node)).collect();
                drop(ids);
                packed.sort_unstable();
                Self::Packed(packed)
            }
            Column::Wide(ids) => {
                let mut order: Vec<u32> = (0..ids.len() as u32).collect();
                order.sort_unstable_by_key(|&node| ids[node as usize]);
                Self::Ids(ids, order)
            }
        }
    }

    /// The nodes in id order.
    fn nodes(&self) -> Box<dyn Iterator<Item = u32> + '_> {
        match self {
            Self::Packed(p) => Box::new(p.iter().map(|&p| p as u32)),
            Self::Nodes(o) | Self::Ids(_, o) => Box::new(o.iter().copied()),
        }
    }

    /// The ids, sorted (only for [`ById::from_ids`]).
    fn ids(&self) -> Box<dyn Iterator<Item = u64> + '_> {
        match self {
            Self::Packed(p) => Box::new(p.iter().map(|&p| p >> 32)),
            Self::Ids(ids, o) => Box::new(o.iter().map(|&n| ids[n as usize])),
            Self::Nodes(_) => Box::new(std::iter::empty()),
        }
    }

    /// (id, node) in id order.
    pub(crate) fn iter<'a>(&'a self, s: &'a HeapSnapshot) -> impl Iterator<Item = (u64, u32)> + 'a {
        let (packed, nodes) = match self {
            Self::Packed(p) => (Some(p.iter().map(|&p| (p >> 32, p as u32))), None),
            Self::Nodes(o) | Self::Ids(_, o) => (None, Some(o.iter().map(move |&n| (s.id(n), n)))),
        };
        packed.into_iter().flatten().chain(nodes.into_iter().flatten())
    }
}

impl ObjectIds {
    pub fn of(s: &HeapSnapshot) -> Self {
        let grouping = group(s, true);
        let by_id = ById::of(s);
        let groups = Varints::new(false, by_id.iter(s).map(|(_, n)| u64::from(grouping.of_node[n as usize])));
        let sizes = Varints::new(false, by_id.iter(s).map(|(_, n)| s.self_size(n)));
        Self { ids: Varints::new(true, by_id.iter(s).map(|(id, _)| id)), groups, sizes, keys: grouping.keys }
    }

    /// [`ObjectIds::of`], freeing each part of the snapshot once used.
    pub(crate) fn from_objects(s: HeapSnapshot) -> Self {
        // Each node's group in place of its name: one column fewer.
        let mut s = s;
        let mut of_node = std::mem::take(&mut s.node_name);
        let (keys, _) = group_column(&s, &mut of_node, true);
        // The types, strings and locations are not needed any more.
        let (node_id, sizes) = (std::mem::take(&mut s.node_id), std::mem::take(&mut s.node_self_size));
        drop(s);
        let by_id = ById::from_ids(node_id);
        let in_order = |column: &dyn Fn(u32) -> u64| Varints::new(false, by_id.nodes().map(column));
        let groups = in_order(&|n| u64::from(of_node[n as usize]));
        drop(of_node);
        let sizes = in_order(&|n| sizes.get(n as usize));
        Self { ids: Varints::new(true, by_id.ids()), groups, sizes, keys }
    }

    /// [`ObjectIds::ids_of`], sorting the snapshot's id column in place.
    pub(crate) fn from_ids(s: HeapSnapshot) -> Self {
        // In place, with no scratch as large as the column (a merge sort
        // would be faster on ids that mostly grow in node order).
        let ids = match s.node_id {
            Column::Narrow(mut ids) => {
                ids.sort_unstable();
                Varints::new(true, ids.into_iter().map(u64::from))
            }
            Column::Wide(mut ids) => {
                ids.sort_unstable();
                Varints::new(true, ids.into_iter())
            }
        };
        Self { ids, groups: Varints::default(), sizes: Varints::default(), keys: Vec::new() }
    }

    /// Only the ids (no groups or sizes): enough for TARGET in a
    /// three-snapshot diff, at a third of the memory.
    pub fn ids_of(s: &HeapSnapshot) -> Self {
        // The ids alone, sorted: no node indexes to carry along.
        let ids = match &s.node_id {
            Column::Narrow(ids) => {
                let mut sorted = ids.clone();
                sorted.sort_unstable();
                Varints::new(true, sorted.into_iter().map(u64::from))
            }
            Column::Wide(ids) => {
                let mut sorted = ids.clone();
                sorted.sort_unstable();
                Varints::new(true, sorted.into_iter())
            }
        };
        Self { ids, groups: Varints::default(), sizes: Varints::default(), keys: Vec::new() }
    }

    /// No objects: diffing against it treats every object as new, which is
    /// how a single snapshot is read (counts instead of growth).
    pub fn empty() -> Self {
        Self { ids: Varints::default(), groups: Varints::default(), sizes: Varints::default(), keys: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.ids.len
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// For each node of `s`, whether its id is in this set; `by_id` lists
    /// the nodes of `s` sorted by id.
    fn membership(&self, by_id: &ById, s: &HeapSnapshot) -> Vec<bool> {
        let mut found = vec![false; s.node_count()];
        let mut mine = self.ids.iter().peekable();
        for (id, node) in by_id.iter(s) {
            while mine.next_if(|&m| m < id).is_some() {}
            found[node as usize] = mine.peek() == Some(&id);
        }
        found
    }

    pub fn contains(&self, id: u64) -> bool {
        self.ids.contains(id)
    }
}

/// One group's growth.
#[derive(Debug, Clone, Serialize)]
pub struct GrowthRow {
    pub class: String,
    /// For closure groups: the function's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// Where the closure, or the instances' constructor, is defined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<SourceLocation>,
    /// Engine-internal group (`(system)`, `(compiled code)`, `system / ...`, strings, arrays ...).
    pub internal: bool,
    /// The nearest growing object is held through compiled code (feedback
    /// vectors, allocation sites): the optimiser's bookkeeping, not the program's.
    pub held_by_code: bool,
    /// Objects in the analysed snapshot that were not in BASE.
    pub new_count: u64,
    /// Objects in BASE that are gone from the analysed snapshot.
    pub deleted_count: u64,
    pub count_delta: i64,
    pub alloc_size: u64,
    pub freed_size: u64,
    pub size_delta: i64,
    /// With three snapshots: objects allocated between BASE and TARGET that
    /// are still alive in FINAL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leaked_count: Option<u64>,
    /// With three snapshots: objects in FINAL that were not in TARGET (the
    /// second interval's allocations still alive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_since_target: Option<u64>,
    /// Retained size of the growing objects (new, or leaked with three snapshots).
    pub retained_size: u64,
    /// A shortest retainer path to one of the growing objects (top groups only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub retainer_path: Vec<PathStep>,
}

impl GrowthRow {
    /// The number the ranking uses: leaked objects with three snapshots, new minus deleted with two.
    pub fn growth(&self) -> i64 {
        match self.leaked_count {
            Some(leaked) => leaked as i64,
            None => self.count_delta,
        }
    }

    /// With three snapshots, whether the group grew at a similar rate in both
    /// intervals, as a leak driven by steady load does; one-off allocations
    /// (caches warming up, compiled code) grow in one interval only. With
    /// two snapshots there is no second interval to compare, so any growth counts.
    pub fn steady(&self) -> bool {
        match (self.leaked_count, self.new_since_target) {
            (Some(first), Some(second)) => first > 0 && second > 0 && first <= 2 * second && second <= 2 * first,
            _ => self.growth() > 0,
        }
    }
}

/// Growth summed over the groups whose code lives in one npm package.
#[derive(Debug, Clone, Serialize)]
pub struct PackageRow {
    pub package: String,
    pub groups: u64,
    pub growth: i64,
    pub size_delta: i64,
    pub retained_size: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// 2 (BASE TARGET) or 3 (BASE TARGET FINAL); callers diffing one snapshot against nothing set 1.
    pub snapshots: u8,
    /// Growing groups first: user code before engine internals, held by the
    /// program before held by compiled code, steady growth
    /// before one-off growth (three snapshots), then by retained size of the
    /// growing objects; then the rest.
    pub groups: Vec<GrowthRow>,
    pub packages: Vec<PackageRow>,
}

/// Compare `analysed` (TARGET with two snapshots, FINAL with three) against
/// BASE (built with [`ObjectIds::of`]); with three, `leaked_from` is TARGET (either constructor): objects new in it and still in
/// `analysed` are the leak candidates. The first `paths_for` groups in rank
/// order get a retainer path.
pub fn diff(
    base: &ObjectIds,
    leaked_from: Option<&ObjectIds>,
    s: &HeapSnapshot,
    a: &Analysis,
    paths_for: usize,
) -> Diff {
    // The nodes in id order (for membership by merging sorted id lists: one
    // pass each instead of a binary search per object), sorted on a second
    // thread while this one groups them.
    let (grouping, by_id) = std::thread::scope(|scope| {
        let by_id = scope.spawn(|| ById::of(s));
        let grouping = group(s, true);
        (grouping, by_id.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    let mut rows: Vec<GrowthRow> = grouping
        .keys
        .iter()
        .zip(&grouping.internal)
        .map(|(k, &internal)| new_row(k, internal, leaked_from.is_some()))
        .collect();
    let mut row_of: FxHashMap<GroupKey, usize> =
        grouping.keys.iter().cloned().enumerate().map(|(i, k)| (k, i)).collect();
    // The growing object nearest the roots, per group: its path is shown.
    let mut representative: Vec<Option<(u32, u32)>> = vec![None; rows.len()];
    // Each group's location: its key's (closures), or its first object's.
    let mut locations: Vec<Option<Location>> = grouping.keys.iter().map(|k| k.location).collect();
    for (node, location) in s.locations.iter() {
        locations[grouping.of_node[node as usize] as usize].get_or_insert(location);
    }
    let in_base = base.membership(&by_id, s);
    let in_target = leaked_from.map(|t| t.membership(&by_id, s));
    for node in 0..s.node_count() as u32 {
        let g = grouping.of_node[node as usize] as usize;
        let row = &mut rows[g];
        let is_new = !in_base[node as usize];
        if is_new {
            row.new_count += 1;
            row.alloc_size = row.alloc_size.saturating_add(s.self_size(node));
        }
        let growing = match leaked_from {
            Some(_) => {
                let in_target = in_target.as_ref().is_some_and(|m| m[node as usize]);
                if !in_target {
                    *row.new_since_target.get_or_insert(0) += 1;
                }
                let leaked = is_new && in_target;
                if leaked {
                    *row.leaked_count.get_or_insert(0) += 1;
                }
                leaked
            }
            None => is_new,
        };
        if growing {
            row.retained_size = row.retained_size.saturating_add(a.retained_size(node));
            let distance = a.distance(node).unwrap_or(u32::MAX);
            if representative[g].is_none_or(|(d, _)| distance < d) {
                representative[g] = Some((distance, node));
            }
        }
    }
    let mut alive = by_id.iter(s).map(|(id, _)| id).peekable();
    for ((id, g), size) in base.ids.iter().zip(base.groups.iter()).zip(base.sizes.iter()) {
        while alive.next_if(|&a| a < id).is_some() {}
        if alive.peek() == Some(&id) {
            continue;
        }
        let key = &base.keys[g as usize];
        let next = rows.len();
        let at = *row_of.entry(key.clone()).or_insert(next);
        if at == next {
            // A group that no longer exists: every member was freed.
            rows.push(new_row(key, false, leaked_from.is_some()));
            representative.push(None);
            locations.push(key.location);
        }
        rows[at].deleted_count += 1;
        rows[at].freed_size = rows[at].freed_size.saturating_add(size);
    }
    for (i, row) in rows.iter_mut().enumerate() {
        if let Some((_, node)) = representative[i] {
            let path = a.retainer_path(node);
            row.held_by_code = (0..path.len()).any(|at| s.kind(a.path_edge_source(&path, at, node)) == NodeKind::Code);
        }
        row.count_delta = row.new_count as i64 - row.deleted_count as i64;
        let signed = |size: u64| i64::try_from(size).unwrap_or(i64::MAX);
        row.size_delta = signed(row.alloc_size).saturating_sub(signed(row.freed_size));
        row.location = locations[i].map(|l| SourceLocation::resolve(a, l));
    }
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&x, &y| {
        let (rx, ry) = (&rows[x], &rows[y]);
        (ry.growth() > 0)
            .cmp(&(rx.growth() > 0))
            .then(rx.internal.cmp(&ry.internal))
            .then(rx.held_by_code.cmp(&ry.held_by_code))
            .then(ry.steady().cmp(&rx.steady()))
            .then(ry.retained_size.cmp(&rx.retained_size))
            .then(ry.growth().cmp(&rx.growth()))
            .then(rx.class.cmp(&ry.class))
            .then(rx.function.cmp(&ry.function))
    });
    let shown: Vec<(usize, u32)> = order
        .iter()
        .take(paths_for)
        .filter(|&&i| rows[i].growth() > 0)
        .filter_map(|&i| representative[i].map(|(_, node)| (i, node)))
        .collect();
    let nodes: Vec<u32> = shown.iter().map(|&(_, node)| node).collect();
    for ((i, _), path) in shown.into_iter().zip(retainer_paths(s, a, &nodes)) {
        rows[i].retainer_path = path;
    }
    let mut slots: Vec<Option<GrowthRow>> = rows.into_iter().map(Some).collect();
    let groups: Vec<GrowthRow> = order.iter().filter_map(|&i| slots[i].take()).collect();
    let packages = packages(&groups);
    Diff { snapshots: if leaked_from.is_some() { 3 } else { 2 }, groups, packages }
}

fn new_row(key: &GroupKey, internal: bool, three: bool) -> GrowthRow {
    GrowthRow {
        class: key.class.clone(),
        function: key.function.clone(),
        location: None,
        internal,
        held_by_code: false,
        new_count: 0,
        deleted_count: 0,
        count_delta: 0,
        alloc_size: 0,
        freed_size: 0,
        size_delta: 0,
        leaked_count: three.then_some(0),
        new_since_target: three.then_some(0),
        retained_size: 0,
        retainer_path: Vec::new(),
    }
}

fn packages(groups: &[GrowthRow]) -> Vec<PackageRow> {
    let mut by_package: FxHashMap<&str, PackageRow> = FxHashMap::default();
    for row in groups.iter().filter(|r| r.growth() > 0) {
        let Some(package) = row.location.as_ref().and_then(|l| l.package.as_deref()) else { continue };
        let entry = by_package.entry(package).or_insert_with(|| PackageRow {
            package: package.to_owned(),
            groups: 0,
            growth: 0,
            size_delta: 0,
            retained_size: 0,
        });
        entry.groups += 1;
        entry.growth += row.growth();
        entry.size_delta = entry.size_delta.saturating_add(row.size_delta);
        entry.retained_size = entry.retained_size.saturating_add(row.retained_size);
    }
    let mut packages: Vec<PackageRow> = by_package.into_values().collect();
    packages.sort_by(|x, y| {
        y.retained_size.cmp(&x.retained_size).then(y.growth.cmp(&x.growth)).then(x.package.cmp(&y.package))
    });
    packages
}

#[cfg(test)]
mod tests {
    use super::Varints;

    #[test]
    fn varints_round_trip_and_find_sorted_values() {
        let sorted: Vec<u64> = (0..1000u64).map(|i| i * i * 37 + (i % 3)).chain([u64::MAX - 1, u64::MAX - 1]).collect();
        let list = Varints::new(true, sorted.iter().copied());
        assert_eq!(list.iter().collect::<Vec<_>>(), sorted);
        for &v in &sorted {
            assert!(list.contains(v), "{v}");
        }
        for v in [1, 38, 1000 * 1000 * 37, u64::MAX] {
            assert_eq!(list.contains(v), sorted.contains(&v), "{v}");
        }
        let plain = Varints::new(false, [5, 0, u64::MAX, 300].into_iter());
        assert_eq!(plain.iter().collect::<Vec<_>>(), [5, 0, u64::MAX, 300]);
        assert!(!Varints::default().contains(0));
    }
}

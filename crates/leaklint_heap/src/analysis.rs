//! Graph analyses over one snapshot: dominators and retained sizes, distances
//! from the roots and the shortest retainer path to every node.
//!
//! The analysis takes the snapshot's edges and runs its passes in the order
//! that keeps the fewest arrays alive at once: script names, dominators
//! (with the edge targets renumbered in place and the predecessor rows built
//! a part at a time), the breadth-first search, and distances once the edges
//! are freed.

use std::collections::VecDeque;
use std::sync::{Arc, PoisonError};

use rustc_hash::FxHashMap;

use crate::records::EdgeRecord;
use crate::snapshot::{EdgeName, Graph, HeapSnapshot, NodeKind};

const NONE: u32 = u32::MAX;
/// Nodes reached only from system roots (handles, the compilation cache, ...)
/// get distances from here on, as in DevTools, so user paths sort first.
pub const SYSTEM_DISTANCE_BASE: u32 = 100_000_000;
/// The synthetic root V8 always writes first.
pub const ROOT: u32 = 0;
/// The predecessor rows are built in about this many parts, one at a time.
const PARTS: u32 = 4;
/// ... but never smaller than this many entries.
const MIN_PART: u32 = 1 << 16;
/// Closures tried per script id before its name is given up on.
const SCRIPT_TRIES: usize = 64;

/// Results of the whole-graph analyses, indexed by node. Computed once per
/// snapshot (the first [`Analysis::new`] consumes its edges) and shared.
#[derive(Debug, Clone)]
pub struct Analysis {
    data: Arc<Analysed>,
}

#[derive(Debug)]
pub(crate) struct Analysed {
    retained: Sizes,
    idom: Vec<u32>,
    distance: Vec<u32>,
    /// The edge through which the breadth-first search first reached each node.
    parent_edge: Vec<u32>,
    parent_node: Vec<u32>,
    scripts: FxHashMap<u32, String>,
}

/// Retained sizes, in 32 bits when the whole heap's size fits.
#[derive(Debug)]
enum Sizes {
    Narrow(Vec<u32>),
    Wide(Vec<u64>),
}

impl Analysis {
    /// Analyse `s`, or share the analysis already made. The first call takes
    /// the snapshot's edges (see [`HeapSnapshot::release_edge_targets`]).
    pub fn new(s: &HeapSnapshot) -> Self {
        let data = s.analysed.get_or_init(|| {
            let graph = s.graph.lock().unwrap_or_else(PoisonError::into_inner).take();
            Arc::new(analyse(s, graph.unwrap_or_default()))
        });
        Self { data: Arc::clone(data) }
    }

    pub fn retained_size(&self, node: u32) -> u64 {
        match &self.data.retained {
            Sizes::Narrow(v) => u64::from(v[node as usize]),
            Sizes::Wide(v) => v[node as usize],
        }
    }

    /// The immediate dominator; the root dominates itself.
    pub fn immediate_dominator(&self, node: u32) -> u32 {
        self.data.idom[node as usize]
    }

    /// Edges from the root on the shortest path; `None` when unreachable.
    pub fn distance(&self, node: u32) -> Option<u32> {
        let d = self.data.distance[node as usize];
        (d != NONE).then_some(d)
    }

    /// The shortest retainer path as edge indexes, from the root side to `node`.
    pub fn retainer_path(&self, node: u32) -> Vec<u32> {
        let mut path = Vec::new();
        let mut at = node;
        while self.data.parent_edge[at as usize] != NONE {
            path.push(self.data.parent_edge[at as usize]);
            at = self.data.parent_node[at as usize];
        }
        path.reverse();
        path
    }

    /// The node an edge on a retainer path starts from.
    pub fn path_edge_source(&self, path: &[u32], index: usize, node: u32) -> u32 {
        let mut at = node;
        for _ in index..path.len() {
            at = self.data.parent_node[at as usize];
        }
        at
    }

    /// The shortest retainer path as (holder, edge, held) steps from the root side.
    pub(crate) fn path_steps(&self, node: u32) -> Vec<(u32, u32, u32)> {
        let mut steps = Vec::new();
        let mut at = node;
        while self.data.parent_edge[at as usize] != NONE {
            let holder = self.data.parent_node[at as usize];
            steps.push((holder, self.data.parent_edge[at as usize], at));
            at = holder;
        }
        steps.reverse();
        steps
    }

    /// Script name for a script id (from a closure of that script).
    pub fn script_name(&self, script_id: u32) -> Option<&str> {
        self.data.scripts.get(&script_id).map(String::as_str)
    }
}

fn analyse(s: &HeapSnapshot, mut graph: Graph) -> Analysed {
    let scripts = script_names(s, &graph);
    let (idom, retained, mut spare) = dominators(s, &mut graph);
    // The dominators' working arrays, dead by now, hold the other results:
    // no node-sized allocation after the peak (and none freed, which could
    // leave the allocator holding pages).
    let mut next = |fill| reuse(spare.pop(), s.node_count(), fill);
    let (parent_node, parent_edge) = shortest_paths(s, &graph, next(NONE), next(NONE));
    drop(graph);
    let distance = distances(s, &parent_node, next(NONE));
    Analysed { retained, idom, distance, parent_edge, parent_node, scripts }
}

/// `n` entries of `fill`, in `buffer` when it is given (and large enough).
fn reuse(buffer: Option<Vec<u32>>, n: usize, fill: u32) -> Vec<u32> {
    let mut v = buffer.unwrap_or_default();
    v.clear();
    v.resize(n, fill);
    v
}

/// Immediate dominators (Lengauer–Tarjan semidominators, iterative, path
/// compression, then semi-NCA) and retained sizes. Nodes reachable only
/// through weak edges — or not at all — are treated as children of the
/// root, so every node gets an answer. Leaves the edge targets as it found them.
/// Returns the node-sized arrays left over for reuse.
fn dominators(s: &HeapSnapshot, graph: &mut Graph) -> (Vec<u32>, Sizes, Vec<Vec<u32>>) {
    dominators_in_parts(s, graph, PARTS, MIN_PART)
}

/// [`dominators`], building the predecessor rows in `parts` parts of at
/// least `min_part` entries.
fn dominators_in_parts(
    s: &HeapSnapshot,
    graph: &mut Graph,
    parts: u32,
    min_part: u32,
) -> (Vec<u32>, Sizes, Vec<Vec<u32>>) {
    let n = s.node_count();
    if n == 0 {
        return (Vec::new(), Sizes::Narrow(Vec::new()), Vec::new());
    }
    let (dfn_of, parent, orphans) = preorder(graph, n);

    // From here on vertices are depth-first numbers, and so are the edge
    // targets (renumbered in place). A predecessor numbered before `w` is
    // not yet linked when `w` is processed, so it only offers itself as
    // semidominator candidate: fold those (the tree edges among them) into
    // `semi` right away and keep rows only for the predecessors numbered
    // after `w`.
    let mut semi: Vec<u32> = (0..n as u32).collect();
    for &o in &orphans {
        // The root is their predecessor.
        semi[dfn_of[o as usize] as usize] = 0;
    }
    drop(orphans);
    // Row lengths, then where each row starts, then (as the rows fill) where
    // it ends; once a row is consumed, its vertex's forest ancestor.
    let mut rows = vec![0u32; n];
    for node in 0..n as u32 {
        let from = dfn_of[node as usize];
        for e in graph.edges(node) {
            let w = dfn_of[graph.edge_to[e as usize] as usize];
            graph.edge_to[e as usize] = w;
            if !graph.holds(e) {
                continue;
            }
            if from > w {
                rows[w as usize] += 1;
            } else if from < semi[w as usize] {
                semi[w as usize] = from;
            }
        }
    }
    // u32: there are fewer rows' entries than edges, which are < 2^32.
    let mut total = 0u32;
    for slot in &mut rows {
        let len = *slot;
        *slot = total;
        total += len;
    }

    // Semi-NCA (Georgiadis): Lengauer–Tarjan's semidominators, then each
    // idom as the nearest ancestor of the tree parent not above the
    // semidominator. Vertices are linked into the forest in decreasing
    // order, so while `w` is processed exactly those above it are linked.
    let mut label: Vec<u32> = (0..n as u32).collect();
    let mut chain: Vec<u32> = Vec::new();
    let mut eval = |v: u32, w: u32, ancestor: &mut [u32], label: &mut [u32], semi: &[u32]| -> u32 {
        if v <= w {
            return v;
        }
        // Path compression without recursion: collect the chain, then fold
        // it from the end nearest the root.
        chain.clear();
        let mut x = v;
        while ancestor[x as usize] > w {
            chain.push(x);
            x = ancestor[x as usize];
        }
        while let Some(x) = chain.pop() {
            let a = ancestor[x as usize] as usize;
            if semi[label[a] as usize] < semi[label[x as usize] as usize] {
                label[x as usize] = label[a];
            }
            ancestor[x as usize] = ancestor[a];
        }
        label[v as usize]
    };

    // The rows are consumed from the highest vertex down: build those of a
    // part of the vertices (a quarter of all entries) with one pass over the
    // edges, consume them, and go on with the part below. A row larger than
    // a part (a map or function shared by many objects) is not built at all:
    // its own pass over the edges hands each predecessor straight to `eval`.
    // Only a part's rows are ever held.
    let part = (total / parts).max(min_part);
    // Parts hold at most `part` entries (larger rows are not built): no
    // reallocation past that.
    let mut buffer: Vec<u32> = Vec::with_capacity(part.min(total) as usize);
    let (mut hi, mut end) = (n as u32, total);
    while hi > 1 {
        // The lowest vertex whose row still fits in the part, and at least one row.
        let lo = (rows[..hi as usize].partition_point(|&start| end - start > part) as u32).min(hi - 1);
        let base = rows[lo as usize];
        if end - base > part {
            // The root's predecessors are never needed.
            let w = lo;
            if w == ROOT {
                break;
            }
            for node in 0..n as u32 {
                let from = dfn_of[node as usize];
                for e in graph.edges(node) {
                    if graph.edge_to[e as usize] == w && from > w && graph.holds(e) {
                        let u = eval(from, w, &mut rows, &mut label, &semi);
                        if semi[u as usize] < semi[w as usize] {
                            semi[w as usize] = semi[u as usize];
                        }
                    }
                }
            }
            rows[w as usize] = parent[w as usize];
            (hi, end) = (lo, base);
            continue;
        }
        buffer.clear();
        buffer.resize((end - base) as usize, 0);
        for node in 0..n as u32 {
            let from = dfn_of[node as usize];
            for e in graph.edges(node) {
                let w = graph.edge_to[e as usize];
                if from > w && w >= lo && w < hi && graph.holds(e) {
                    let at = &mut rows[w as usize];
                    buffer[(*at - base) as usize] = from;
                    *at += 1;
                }
            }
        }
        // Now `rows[w]` is where row `w` ends, and the row before ends where it starts.
        for w in (lo.max(1)..hi).rev() {
            let start = if w == lo { base } else { rows[w as usize - 1] };
            let row = (start - base) as usize..(rows[w as usize] - base) as usize;
            for &v in &buffer[row] {
                let u = eval(v, w, &mut rows, &mut label, &semi);
                if semi[u as usize] < semi[w as usize] {
                    semi[w as usize] = semi[u as usize];
                }
            }
            // Row `w` is dead once read: its slot holds `w`'s forest ancestor.
            rows[w as usize] = parent[w as usize];
        }
        (hi, end) = (lo, base);
    }
    drop(buffer);
    // The depth-first parent array becomes the idom array in place: parents
    // precede children, so `idom` of every earlier vertex is final.
    let mut idom = parent;
    idom[0] = 0;
    for w in 1..n {
        let s_w = semi[w];
        let mut d = idom[w];
        while d > s_w {
            d = idom[d as usize];
        }
        idom[w] = d;
    }
    // From here on, each array reuses a dead one.
    let mut vertex = reuse(Some(rows), n, 0);
    for (node, &w) in dfn_of.iter().enumerate() {
        vertex[w as usize] = node as u32;
    }
    for to in &mut graph.edge_to {
        *to = vertex[*to as usize];
    }

    // Children come after their dominator in depth-first order, so one
    // backwards pass adds every subtree into its parent; sizes are summed in
    // node order directly (independent random accesses, no second array).
    let whole: u64 = (0..n as u32).map(|node| s.self_size(node)).fold(0, u64::saturating_add);
    let mut spare = vec![semi];
    let retained = if whole <= u64::from(u32::MAX) {
        let mut retained = label;
        for (node, size) in (0..n as u32).zip(&mut retained) {
            *size = s.self_size(node) as u32;
        }
        for w in (1..n).rev() {
            let size = retained[vertex[w] as usize];
            retained[vertex[idom[w] as usize] as usize] += size;
        }
        Sizes::Narrow(retained)
    } else {
        spare.push(label);
        let mut retained: Vec<u64> = (0..n as u32).map(|node| s.self_size(node)).collect();
        for w in (1..n).rev() {
            let size = retained[vertex[w] as usize];
            // Sizes come from the file: a corrupt one near 2^64 must not wrap the sum to nothing.
            let parent = &mut retained[vertex[idom[w] as usize] as usize];
            *parent = parent.saturating_add(size);
        }
        Sizes::Wide(retained)
    };
    // The idom array in node order, in place of the depth-first numbers.
    let mut idom_by_node = dfn_of;
    for (w, &node) in vertex.iter().enumerate() {
        idom_by_node[node as usize] = vertex[idom[w] as usize];
    }
    spare.extend([idom, vertex]);
    (idom_by_node, retained, spare)
}

/// Depth-first preorder numbers from the root over holding edges, then from
/// every node not reached yet (the orphans, whose predecessor is taken to be
/// the root), with each number's tree parent.
fn preorder(graph: &Graph, n: usize) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let mut dfn_of = vec![NONE; n];
    let mut parent: Vec<u32> = Vec::with_capacity(n);
    let mut orphans: Vec<u32> = Vec::new();
    // Each entry: a node and its next edge to follow (8 bytes: a long
    // chain of objects makes this stack as deep as the heap).
    let mut stack: Vec<(u32, u32)> = Vec::new();
    let mut next_number = 0u32;
    for start in std::iter::once(ROOT).chain(0..n as u32) {
        if dfn_of[start as usize] != NONE {
            continue;
        }
        if start != ROOT {
            orphans.push(start);
        }
        dfn_of[start as usize] = next_number;
        next_number += 1;
        parent.push(0);
        stack.push((start, graph.edges(start).start));
        while let Some(top) = stack.last_mut() {
            let (node, next) = *top;
            if next == graph.edges(node).end {
                stack.pop();
                continue;
            }
            top.1 += 1;
            let to = graph.edge_to[next as usize];
            if dfn_of[to as usize] == NONE && graph.holds(next) {
                dfn_of[to as usize] = next_number;
                next_number += 1;
                parent.push(dfn_of[node as usize]);
                stack.push((to, graph.edges(to).start));
            }
        }
    }
    (dfn_of, parent, orphans)
}

/// Breadth-first search: first from the user roots (the root's
/// non-synthetic children, such as the global object), then from the system
/// roots, as DevTools does, so retainer paths prefer what user code holds.
/// Fills each node's parent and the edge from it (given all `NONE`), which
/// stay `NONE` for nodes not reached.
fn shortest_paths(
    s: &HeapSnapshot,
    graph: &Graph,
    mut parent_node: Vec<u32>,
    mut parent_edge: Vec<u32>,
) -> (Vec<u32>, Vec<u32>) {
    let n = s.node_count();
    if n == 0 {
        return (parent_node, parent_edge);
    }
    let mut queue = VecDeque::new();
    for user_phase in [true, false] {
        for e in graph.edges(ROOT) {
            let to = graph.edge_to[e as usize];
            if !graph.holds(e)
                || to == ROOT
                || parent_node[to as usize] != NONE
                || (s.kind(to) != NodeKind::Synthetic) != user_phase
            {
                continue;
            }
            parent_node[to as usize] = ROOT;
            parent_edge[to as usize] = e;
            queue.push_back(to);
        }
        while let Some(node) = queue.pop_front() {
            for e in graph.edges(node) {
                let to = graph.edge_to[e as usize];
                if to != ROOT && parent_node[to as usize] == NONE && graph.holds(e) {
                    parent_node[to as usize] = node;
                    parent_edge[to as usize] = e;
                    queue.push_back(to);
                }
            }
        }
    }
    (parent_node, parent_edge)
}

/// Distances along the breadth-first tree, filled into `distance` (given
/// all `NONE`): its depth, from [`SYSTEM_DISTANCE_BASE`] for nodes under a
/// system root.
fn distances(s: &HeapSnapshot, parent_node: &[u32], mut distance: Vec<u32>) -> Vec<u32> {
    let n = s.node_count();
    if n == 0 {
        return distance;
    }
    distance[ROOT as usize] = 0;
    let mut chain = Vec::new();
    for node in 0..n as u32 {
        if distance[node as usize] != NONE || parent_node[node as usize] == NONE {
            continue;
        }
        // Up to the first node with a distance (the root at the latest).
        let mut at = node;
        while distance[at as usize] == NONE {
            chain.push(at);
            at = parent_node[at as usize];
        }
        let mut d = distance[at as usize];
        if at == ROOT && chain.last().is_some_and(|&top| s.kind(top) == NodeKind::Synthetic) {
            d = SYSTEM_DISTANCE_BASE;
        }
        while let Some(next) = chain.pop() {
            d += 1;
            distance[next as usize] = d;
        }
    }
    distance
}

/// An edge's name as read from its record, `None` for a string index past
/// the table (a record read again from a file that changed).
pub(crate) fn edge_name(s: &HeapSnapshot, record: EdgeRecord) -> Option<EdgeName<'_>> {
    let kind = *s.edge_kinds.get(record.kind as usize)?;
    if kind.is_indexed() {
        return Some(EdgeName::Index(record.name));
    }
    ((record.name as usize) < s.strings.len()).then(|| EdgeName::Name(s.strings.get(record.name as usize)))
}

/// Where a script-name walk stands: the node whose edges are read next.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// A closure: follow `shared`.
    Closure,
    /// Its shared function info: follow `script_or_debug_info`, else `script`.
    Shared,
    /// Debug info attached: the script hangs one level further down.
    DebugInfo,
    /// A script node named `system / Script`: its `name` string.
    Script,
}

struct Walk {
    script_id: u32,
    tried: usize,
    step: Step,
    node: u32,
}

/// Script id to name, learnt from closures (whose location gives the id and
/// whose shared function info points at the script): for every script, its
/// closures in order until one leads to a name. All walks advance together,
/// a step at a time, so each step reads the edge names it needs in one go.
fn script_names(s: &HeapSnapshot, graph: &Graph) -> FxHashMap<u32, String> {
    let mut scripts = FxHashMap::default();
    let mut closures: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    for (node, location) in s.locations.iter() {
        if s.kind(node) == NodeKind::Closure {
            let tries = closures.entry(location.script_id).or_default();
            if tries.len() < SCRIPT_TRIES {
                tries.push(node);
            }
        }
    }
    let mut walks: Vec<Walk> = closures
        .iter()
        .map(|(&script_id, nodes)| Walk { script_id, tried: 0, step: Step::Closure, node: nodes[0] })
        .collect();
    while !walks.is_empty() {
        let wanted: Vec<(u32, u32)> =
            walks.iter().flat_map(|w| graph.edges(w.node).map(|e| (e, graph.edge_to[e as usize]))).collect();
        // Edge names that cannot be read (a changed file): no script names.
        let Some(records) = s.records.get(&wanted) else { break };
        let mut at = 0;
        let mut next = Vec::with_capacity(walks.len());
        for mut walk in walks {
            let count = graph.edges(walk.node).len();
            let edges = &wanted[at..at + count];
            let records = &records[at..at + count];
            at += count;
            // The first edge out of the node with this name.
            let child = |name: &str| {
                let found = records.iter().position(|&r| edge_name(s, r) == Some(EdgeName::Name(name)));
                found.map(|i| edges[i].1)
            };
            let script = |node: u32| {
                let name = s.name(node);
                // Older V8 names the node `system / Script`; the name is then its `name` string.
                if name.starts_with("system / ") || name.is_empty() { Err((Step::Script, node)) } else { Ok(name) }
            };
            let outcome = match walk.step {
                Step::Closure => child("shared").map(|shared| Err((Step::Shared, shared))),
                Step::Shared => child("script_or_debug_info").or_else(|| child("script")).map(|node| {
                    if s.name(node).starts_with("system / DebugInfo") {
                        Err((Step::DebugInfo, node))
                    } else {
                        script(node)
                    }
                }),
                Step::DebugInfo => child("script").map(script),
                Step::Script => {
                    child("name").filter(|&node| s.kind(node) == NodeKind::String).map(|node| Ok(s.name(node)))
                }
            };
            match outcome {
                Some(Ok(name)) => {
                    scripts.insert(walk.script_id, name.to_owned());
                }
                Some(Err((step, node))) => {
                    walk.step = step;
                    walk.node = node;
                    next.push(walk);
                }
                None => {
                    // A dead end: the script's next closure.
                    walk.tried += 1;
                    if let Some(&closure) = closures[&walk.script_id].get(walk.tried) {
                        walk.step = Step::Closure;
                        walk.node = closure;
                        next.push(walk);
                    }
                }
            }
        }
        walks = next;
    }
    scripts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A snapshot of `n` objects (node 0 the synthetic root) with these
    /// edges (from, to, weak) and self sizes 1, 2, 4, ...; `n` ≤ 60.
    fn snapshot(n: usize, edges: &[(usize, usize, bool)]) -> HeapSnapshot {
        let mut nodes = Vec::new();
        let mut flat = Vec::new();
        for node in 0..n {
            let out: Vec<_> = edges.iter().filter(|e| e.0 == node).collect();
            nodes.push(format!("{},0,{},{},{}", u8::from(node != 0), node * 2 + 1, 1u64 << node, out.len()));
            for &&(_, to, weak) in &out {
                flat.push(format!("{},1,{}", if weak { 2 } else { 1 }, to * 5));
            }
        }
        let text = format!(
            r#"{{"snapshot":{{"meta":{{"node_fields":["type","name","id","self_size","edge_count"],"node_types":[["synthetic","object"]],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["element","property","weak"]]}}}},"nodes":[{}],"edges":[{}],"strings":["","p"]}}"#,
            nodes.join(","),
            flat.join(",")
        );
        crate::parse(text.as_bytes(), None, None).unwrap()
    }

    /// Immediate dominators by the textbook data-flow equations, with the
    /// nodes no holding path reaches made children of the root the way
    /// [`preorder`] does: in node order, each one not reached yet from the
    /// root or an earlier such node.
    fn reference(n: usize, edges: &[(usize, usize, bool)]) -> Vec<usize> {
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
        for &(from, to, weak) in edges {
            if !weak {
                preds[to].push(from);
                succs[from].push(to);
            }
        }
        let mut reached = vec![false; n];
        for start in std::iter::once(0).chain(0..n) {
            if reached[start] {
                continue;
            }
            if start != 0 {
                preds[start].push(0);
            }
            let mut stack = vec![start];
            reached[start] = true;
            while let Some(x) = stack.pop() {
                for &y in &succs[x] {
                    if !reached[y] {
                        reached[y] = true;
                        stack.push(y);
                    }
                }
            }
        }
        let all: u64 = (1u64 << n) - 1;
        let mut dom = vec![all; n];
        dom[0] = 1;
        let mut changed = true;
        while changed {
            changed = false;
            for v in 1..n {
                let meet = preds[v].iter().fold(all, |acc, &p| acc & dom[p]);
                let next = meet | (1 << v);
                if next != dom[v] {
                    dom[v] = next;
                    changed = true;
                }
            }
        }
        // The strict dominator with the most dominators of its own is the nearest.
        (0..n)
            .map(|v| {
                if v == 0 {
                    return 0;
                }
                let strict = dom[v] & !(1 << v);
                (0..n).filter(|&d| strict >> d & 1 == 1).max_by_key(|&d| dom[d].count_ones()).unwrap()
            })
            .collect()
    }

    /// A small deterministic generator (no dependency for one test).
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, bound: usize) -> usize {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((self.0 >> 33) % bound as u64) as usize
        }
    }

    #[test]
    fn dominators_match_the_data_flow_definition_whatever_the_part_size() {
        let mut random = Lcg(7);
        for round in 0..300 {
            let n = 2 + random.below(40);
            let count = random.below(4 * n);
            let edges: Vec<(usize, usize, bool)> =
                (0..count).map(|_| (random.below(n), random.below(n), random.below(6) == 0)).collect();
            let expected = reference(n, &edges);
            // Parts of one entry stream every row; larger ones build rows,
            // and a single part holds them all.
            for (parts, min_part) in [(1, 1), (u32::MAX, 1), (3, 2), (PARTS, MIN_PART)] {
                let s = snapshot(n, &edges);
                let mut graph = s.graph.lock().unwrap().take().unwrap();
                let targets = graph.edge_to.clone();
                let (idom, retained, _) = dominators_in_parts(&s, &mut graph, parts, min_part);
                let got: Vec<usize> = idom.iter().map(|&d| d as usize).collect();
                assert_eq!(got, expected, "round {round}, parts {parts}/{min_part}: {n} nodes, {edges:?}");
                assert_eq!(graph.edge_to, targets, "edge targets restored");
                for v in 0..n {
                    let subtree: u64 = (0..n)
                        .filter(|&x| {
                            let mut at = x;
                            while at != v && at != 0 {
                                at = expected[at];
                            }
                            at == v
                        })
                        .map(|x| 1u64 << x)
                        .sum();
                    let size = match &retained {
                        Sizes::Narrow(r) => u64::from(r[v]),
                        Sizes::Wide(r) => r[v],
                    };
                    assert_eq!(size, subtree, "retained size of {v}, round {round}");
                }
            }
        }
    }

    #[test]
    fn distances_count_system_roots_from_the_base() {
        // root → 1 (object) → 2; root → 3 (synthetic, a system root) → 4; 4 → 2 is longer.
        let text = r#"{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],"node_types":[["synthetic","object"]],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["element","property","weak"]]}},
"nodes":[0,0,1,0,2, 1,0,3,0,1, 1,0,5,0,0, 0,0,7,0,1, 1,0,9,0,1],
"edges":[0,0,5,0,1,15, 0,0,10, 0,0,20, 0,0,10],
"strings":[""]}"#;
        let s = crate::parse(text.as_bytes(), None, None).unwrap();
        let a = Analysis::new(&s);
        let got: Vec<Option<u32>> = (0..5).map(|v| a.distance(v)).collect();
        let base = SYSTEM_DISTANCE_BASE;
        assert_eq!(got, [Some(0), Some(1), Some(2), Some(base + 1), Some(base + 2)]);
        // Analysing again shares the first analysis (the edges are gone by then).
        let again = Analysis::new(&s);
        assert_eq!(again.retainer_path(2), a.retainer_path(2));
        assert_eq!(again.retained_size(1), a.retained_size(1));
    }
}

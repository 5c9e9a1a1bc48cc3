//! Graph analyses over one snapshot: dominators and retained sizes, distances
//! from the roots and the shortest retainer path to every node.

use std::collections::VecDeque;

use rustc_hash::FxHashMap;

use crate::snapshot::{EdgeKind, HeapSnapshot, NodeKind};

const NONE: u32 = u32::MAX;
/// Nodes reached only from system roots (handles, the compilation cache, ...)
/// get distances from here on, as in DevTools, so user paths sort first.
pub const SYSTEM_DISTANCE_BASE: u32 = 100_000_000;
/// The synthetic root V8 always writes first.
pub const ROOT: u32 = 0;

/// Results of the whole-graph analyses, indexed by node.
#[derive(Debug)]
pub struct Analysis {
    retained: Vec<u64>,
    idom: Vec<u32>,
    distance: Vec<u32>,
    /// The edge through which the breadth-first search first reached each node.
    parent_edge: Vec<u32>,
    parent_node: Vec<u32>,
    scripts: FxHashMap<u32, String>,
}

/// Edges that keep their target alive.
fn holds(s: &HeapSnapshot, edge: u32) -> bool {
    s.edge_kind(edge) != EdgeKind::Weak
}

impl Analysis {
    pub fn new(s: &HeapSnapshot) -> Self {
        let (idom, retained) = dominators(s);
        let (distance, parent_node, parent_edge) = distances(s);
        Self { retained, idom, distance, parent_edge, parent_node, scripts: script_names(s) }
    }

    pub fn retained_size(&self, node: u32) -> u64 {
        self.retained[node as usize]
    }

    /// The immediate dominator; the root dominates itself.
    pub fn immediate_dominator(&self, node: u32) -> u32 {
        self.idom[node as usize]
    }

    /// Edges from the root on the shortest path; `None` when unreachable.
    pub fn distance(&self, node: u32) -> Option<u32> {
        let d = self.distance[node as usize];
        (d != NONE).then_some(d)
    }

    /// The shortest retainer path as edge indexes, from the root side to `node`.
    pub fn retainer_path(&self, node: u32) -> Vec<u32> {
        let mut path = Vec::new();
        let mut at = node;
        while self.parent_edge[at as usize] != NONE {
            path.push(self.parent_edge[at as usize]);
            at = self.parent_node[at as usize];
        }
        path.reverse();
        path
    }

    /// The node an edge on a retainer path starts from.
    pub fn path_edge_source(&self, path: &[u32], index: usize, node: u32) -> u32 {
        let mut at = node;
        for _ in index..path.len() {
            at = self.parent_node[at as usize];
        }
        at
    }

    /// Script name for a script id (from a closure of that script).
    pub fn script_name(&self, script_id: u32) -> Option<&str> {
        self.scripts.get(&script_id).map(String::as_str)
    }
}

/// Immediate dominators (Lengauer–Tarjan, iterative, path compression) and
/// retained sizes. Nodes reachable only through weak edges — or not at all —
/// are treated as children of the root, so every node gets an answer.
fn dominators(s: &HeapSnapshot) -> (Vec<u32>, Vec<u64>) {
    let n = s.node_count();
    if n == 0 {
        return (Vec::new(), Vec::new());
    }
    // Depth-first numbers; the vertex of each number is not kept through
    // the semidominator loop (the memory peak) but numbered again after it.
    let (dfn_of, parent, orphans) = preorder(s, true);

    // A predecessor numbered before `w` is not yet linked when `w` is
    // processed, so it only offers itself as semidominator candidate: fold
    // those (most edges, the tree edges among them) into `semi` right away
    // and keep rows only for the predecessors numbered after `w`.
    let mut semi: Vec<u32> = (0..n as u32).collect();
    for &o in &orphans {
        // The root is their predecessor.
        semi[dfn_of[o as usize] as usize] = 0;
    }
    // Compressed rows, filled through `pred_end` used as a cursor: once
    // full, `pred_end[w]` is where row `w` ends and `pred_end[w - 1]` where
    // it starts (u32: edges are < 2^32).
    let mut pred_end = vec![0u32; n];
    for node in 0..n as u32 {
        let from = dfn_of[node as usize];
        for e in s.edges(node) {
            if holds(s, e) {
                let w = dfn_of[s.edge_target(e) as usize] as usize;
                if from > w as u32 {
                    pred_end[w] += 1;
                } else if from < semi[w] {
                    semi[w] = from;
                }
            }
        }
    }
    // Exclusive prefix sums: each row's start, advanced while filling.
    let mut total = 0u32;
    for slot in &mut pred_end {
        let rows = *slot;
        *slot = total;
        total += rows;
    }
    let mut preds = vec![0u32; total as usize];
    for node in 0..n as u32 {
        let from = dfn_of[node as usize];
        for e in s.edges(node) {
            if holds(s, e) {
                let w = dfn_of[s.edge_target(e) as usize] as usize;
                if from > w as u32 {
                    preds[pred_end[w] as usize] = from;
                    pred_end[w] += 1;
                }
            }
        }
    }
    drop(dfn_of);

    // Semi-NCA (Georgiadis): Lengauer–Tarjan's semidominators, then each
    // idom as the nearest ancestor of the tree parent not above the
    // semidominator. Same tree, without LT's buckets: two fewer node arrays.
    let mut label: Vec<u32> = (0..n as u32).collect();
    let mut chain: Vec<u32> = Vec::new();
    // Vertices are linked into the forest in decreasing order, so while `w`
    // is processed exactly those above it are linked. Row `w` of `pred_end`
    // is dead once read, so it holds `w`'s forest ancestor from then on: one
    // node array fewer.
    let ancestor = &mut pred_end;
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

    for w in (1..n).rev() {
        let row = ancestor[w - 1] as usize..ancestor[w] as usize;
        for &v in &preds[row] {
            let u = eval(v, w as u32, ancestor, &mut label, &semi);
            if semi[u as usize] < semi[w] {
                semi[w] = semi[u as usize];
            }
        }
        ancestor[w] = parent[w];
    }
    drop((preds, pred_end, label));
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
    drop(semi);
    let (dfn_of, _, _) = preorder(s, false);
    let mut vertex = vec![0u32; n];
    for (node, &w) in dfn_of.iter().enumerate() {
        vertex[w as usize] = node as u32;
    }
    drop(dfn_of);

    // Children come after their dominator in depth-first order, so one
    // backwards pass adds every subtree into its parent; sizes are summed in
    // node order directly (independent random accesses, no second array).
    let mut retained: Vec<u64> = (0..n as u32).map(|node| s.self_size(node)).collect();
    for w in (1..n).rev() {
        let size = retained[vertex[w] as usize];
        retained[vertex[idom[w] as usize] as usize] += size;
    }
    let mut idom_by_node = vec![ROOT; n];
    for (w, &node) in vertex.iter().enumerate() {
        idom_by_node[node as usize] = vertex[idom[w] as usize];
    }
    (idom_by_node, retained)
}

/// Depth-first preorder numbers from the root over holding edges, then from
/// every node not reached yet (the orphans, whose predecessor is taken to be
/// the root), with each number's tree parent when `with_parent`.
fn preorder(s: &HeapSnapshot, with_parent: bool) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let n = s.node_count();
    let mut dfn_of = vec![NONE; n];
    let mut parent: Vec<u32> = Vec::with_capacity(if with_parent { n } else { 0 });
    let mut orphans: Vec<u32> = Vec::new();
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
        if with_parent {
            parent.push(0);
        }
        stack.push((start, s.edges(start).start));
        while let Some(top) = stack.last_mut() {
            let (node, next) = *top;
            if next == s.edges(node).end {
                stack.pop();
                continue;
            }
            top.1 += 1;
            if !holds(s, next) {
                continue;
            }
            let to = s.edge_target(next);
            if dfn_of[to as usize] == NONE {
                dfn_of[to as usize] = next_number;
                next_number += 1;
                if with_parent {
                    parent.push(dfn_of[node as usize]);
                }
                stack.push((to, s.edges(to).start));
            }
        }
    }
    (dfn_of, parent, orphans)
}

/// Breadth-first distances: first from the user roots (the root's
/// non-synthetic children, such as the global object), then from the system
/// roots, as DevTools does, so retainer paths prefer what user code holds.
fn distances(s: &HeapSnapshot) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let n = s.node_count();
    let mut distance = vec![NONE; n];
    let mut parent_node = vec![NONE; n];
    let mut parent_edge = vec![NONE; n];
    if n == 0 {
        return (distance, parent_node, parent_edge);
    }
    distance[ROOT as usize] = 0;
    let mut queue = VecDeque::new();
    for user_phase in [true, false] {
        for e in s.edges(ROOT) {
            let to = s.edge_target(e);
            if !holds(s, e) || distance[to as usize] != NONE || (s.kind(to) != NodeKind::Synthetic) != user_phase {
                continue;
            }
            distance[to as usize] = if user_phase { 1 } else { SYSTEM_DISTANCE_BASE + 1 };
            parent_node[to as usize] = ROOT;
            parent_edge[to as usize] = e;
            queue.push_back(to);
        }
        while let Some(node) = queue.pop_front() {
            let next = distance[node as usize] + 1;
            for e in s.edges(node) {
                let to = s.edge_target(e);
                if holds(s, e) && distance[to as usize] == NONE {
                    distance[to as usize] = next;
                    parent_node[to as usize] = node;
                    parent_edge[to as usize] = e;
                    queue.push_back(to);
                }
            }
        }
    }
    (distance, parent_node, parent_edge)
}

/// Script id to name, learnt from closures (whose location gives the id and
/// whose shared function info points at the script).
fn script_names(s: &HeapSnapshot) -> FxHashMap<u32, String> {
    let mut scripts = FxHashMap::default();
    for &(node, location) in &s.locations {
        if s.kind(node) != NodeKind::Closure || scripts.contains_key(&location.script_id) {
            continue;
        }
        if let Some(name) = s.closure_script_name(node) {
            scripts.insert(location.script_id, name.to_owned());
        }
    }
    scripts
}

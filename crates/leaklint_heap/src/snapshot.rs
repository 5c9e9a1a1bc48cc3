//! The snapshot graph in flat columns: one entry per node and per edge,
//! strings in one table. Built only by the parser ([`crate::parse()`]),
//! which validates every index, so the accessors here never go out of bounds.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use rustc_hash::FxHashMap;

use crate::analysis::Analysed;
use crate::records::EdgeRecords;

/// What a node is, as V8's `node_types` enum names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    Hidden,
    Array,
    String,
    Object,
    Code,
    Closure,
    RegExp,
    Number,
    Native,
    Synthetic,
    ConsString,
    SlicedString,
    Symbol,
    BigInt,
    ObjectShape,
    /// A type this version of leaklint does not know (newer V8); its name is kept.
    Other,
}

impl NodeKind {
    pub(crate) fn from_name(name: &str) -> Self {
        match name {
            "hidden" => Self::Hidden,
            "array" => Self::Array,
            "string" => Self::String,
            "object" => Self::Object,
            "code" => Self::Code,
            "closure" => Self::Closure,
            "regexp" => Self::RegExp,
            "number" => Self::Number,
            "native" => Self::Native,
            "synthetic" => Self::Synthetic,
            "concatenated string" => Self::ConsString,
            "sliced string" => Self::SlicedString,
            "symbol" => Self::Symbol,
            "bigint" => Self::BigInt,
            "object shape" => Self::ObjectShape,
            _ => Self::Other,
        }
    }
}

/// What an edge is, as V8's `edge_types` enum names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EdgeKind {
    /// A variable captured in a function context; the name is the variable's.
    Context,
    /// An array element; the name is an index.
    Element,
    Property,
    Internal,
    /// An index-named edge the engine adds (for example to a Map's table slots).
    Hidden,
    Shortcut,
    /// Does not keep its target alive.
    Weak,
    Other,
}

impl EdgeKind {
    pub(crate) fn from_name(name: &str) -> Self {
        match name {
            "context" => Self::Context,
            "element" => Self::Element,
            "property" => Self::Property,
            "internal" => Self::Internal,
            "hidden" => Self::Hidden,
            "shortcut" => Self::Shortcut,
            "weak" => Self::Weak,
            _ => Self::Other,
        }
    }

    /// Element and hidden edges are named by a number, the others by a string.
    pub fn is_indexed(self) -> bool {
        matches!(self, Self::Element | Self::Hidden)
    }
}

/// Where the code behind a closure or an object's constructor starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    pub script_id: u32,
    /// 0-based, as V8 writes it.
    pub line: u32,
    /// 0-based, as V8 writes it.
    pub column: u32,
}

/// Locations by node. Closures of one function share theirs, so each entry
/// points into a table of the distinct ones: 8 bytes a node instead of 16.
#[derive(Debug, Default)]
pub(crate) struct Locations {
    /// (node, index into `table`), sorted by node once [`Locations::finish`] ran.
    pub(crate) entries: Vec<(u32, u32)>,
    pub(crate) table: Vec<Location>,
    /// Where each location is in `table`, while entries are added.
    index: FxHashMap<Location, u32>,
}

impl Locations {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self { entries: Vec::with_capacity(capacity), ..Self::default() }
    }

    pub(crate) fn push(&mut self, node: u32, location: Location) {
        let next = self.table.len() as u32;
        let table = &mut self.table;
        let at = *self.index.entry(location).or_insert_with(|| {
            table.push(location);
            next
        });
        self.entries.push((node, at));
    }

    /// Sort by node, one location per node (the first), and free the slack.
    pub(crate) fn finish(&mut self) {
        self.entries.sort_by_key(|&(node, _)| node);
        self.entries.dedup_by_key(|&mut (node, _)| node);
        self.entries.shrink_to_fit();
        self.table.shrink_to_fit();
        self.index = FxHashMap::default();
    }

    pub(crate) fn get(&self, node: u32) -> Option<Location> {
        let i = self.entries.binary_search_by_key(&node, |&(n, _)| n).ok()?;
        Some(self.table[self.entries[i].1 as usize])
    }

    /// (node, location), by node.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, Location)> + '_ {
        self.entries.iter().map(|&(node, at)| (node, self.table[at as usize]))
    }
}

/// The string table: one buffer, one start offset per string (none when
/// only the count is kept).
#[derive(Debug, Default)]
pub(crate) struct Strings {
    pub(crate) text: String,
    pub(crate) starts: Column,
    pub(crate) count: usize,
}

impl Strings {
    pub(crate) fn len(&self) -> usize {
        self.count
    }

    pub(crate) fn get(&self, index: usize) -> &str {
        if self.starts.len() == 0 {
            return "";
        }
        let start = self.starts.get(index) as usize;
        let end = if index + 1 < self.starts.len() { self.starts.get(index + 1) as usize } else { self.text.len() };
        &self.text[start..end]
    }
}

/// A column of unsigned integers stored in 32 bits while every value fits
/// (V8's object ids are 32-bit; self sizes almost always are), widened to 64
/// bits on the first value that does not: half the memory in the usual case.
#[derive(Debug, Clone)]
pub(crate) enum Column {
    Narrow(Vec<u32>),
    Wide(Vec<u64>),
}

impl Default for Column {
    fn default() -> Self {
        Self::Narrow(Vec::new())
    }
}

impl Column {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self::Narrow(Vec::with_capacity(capacity))
    }

    #[inline(always)]
    pub(crate) fn push(&mut self, value: u64) {
        match self {
            Self::Narrow(v) if value <= u64::from(u32::MAX) => v.push(value as u32),
            Self::Narrow(_) => self.widen(value),
            Self::Wide(v) => v.push(value),
        }
    }

    #[cold]
    fn widen(&mut self, value: u64) {
        if let Self::Narrow(v) = self {
            let mut wide: Vec<u64> = Vec::with_capacity(v.capacity());
            wide.extend(v.iter().map(|&x| u64::from(x)));
            wide.push(value);
            *self = Self::Wide(wide);
        }
    }

    #[inline]
    pub(crate) fn get(&self, index: usize) -> u64 {
        match self {
            Self::Narrow(v) => u64::from(v[index]),
            Self::Wide(v) => v[index],
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Self::Narrow(v) => v.len(),
            Self::Wide(v) => v.len(),
        }
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        match self {
            Self::Narrow(v) => v.shrink_to_fit(),
            Self::Wide(v) => v.shrink_to_fit(),
        }
    }
}

/// Self sizes. Most objects are small, so each takes 16 bits, and the few
/// that do not fit (long arrays and strings, code) are listed apart.
#[derive(Debug, Default)]
pub(crate) struct SizeColumn {
    /// The size, or `u16::MAX` for one in `large`.
    small: Vec<u16>,
    /// (node, size) for the sizes from `u16::MAX` up, by node.
    large: Vec<(u32, u64)>,
}

impl SizeColumn {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self { small: Vec::with_capacity(capacity), large: Vec::new() }
    }

    #[inline(always)]
    pub(crate) fn push(&mut self, size: u64) {
        if size < u64::from(u16::MAX) {
            self.small.push(size as u16);
        } else {
            self.push_large(size);
        }
    }

    #[cold]
    fn push_large(&mut self, size: u64) {
        self.large.push((self.small.len() as u32, size));
        self.small.push(u16::MAX);
    }

    #[inline]
    pub(crate) fn get(&self, node: usize) -> u64 {
        match self.small[node] {
            u16::MAX => self.large.binary_search_by_key(&(node as u32), |&(n, _)| n).map_or(0, |i| self.large[i].1),
            small => u64::from(small),
        }
    }
}

/// The edges as the analyses walk them. Their names and types are not kept
/// here (see [`EdgeRecords`]): only whether each edge is weak.
#[derive(Debug, Default)]
pub(crate) struct Graph {
    /// Node `i` owns edges `first_edge[i]..first_edge[i + 1]`; empty when
    /// the edges were released before the analysis (no node has edges).
    pub(crate) first_edge: Vec<u32>,
    /// Node index (not V8's field offset).
    pub(crate) edge_to: Vec<u32>,
    /// One bit per edge, set for weak edges (which do not retain).
    pub(crate) weak: Vec<u64>,
}

impl Graph {
    #[inline]
    pub(crate) fn edges(&self, node: u32) -> std::ops::Range<u32> {
        match self.first_edge.get(node as usize..node as usize + 2) {
            Some(&[start, end]) => start..end,
            _ => 0..0,
        }
    }

    /// Edges that keep their target alive.
    #[inline]
    pub(crate) fn holds(&self, edge: u32) -> bool {
        self.weak[edge as usize / 64] >> (edge % 64) & 1 == 0
    }
}

/// A parsed heap snapshot.
#[derive(Debug)]
pub struct HeapSnapshot {
    /// Index into `kind_names`/`kinds` per node.
    pub(crate) node_type: Vec<u8>,
    pub(crate) node_name: Vec<u32>,
    pub(crate) node_id: Column,
    pub(crate) node_self_size: SizeColumn,
    /// Kept apart from the graph: snapshots read without their edges still know how many there were.
    pub(crate) edge_count: usize,
    pub(crate) node_kinds: Vec<NodeKind>,
    pub(crate) node_kind_names: Vec<String>,
    pub(crate) edge_kinds: Vec<EdgeKind>,
    pub(crate) strings: Strings,
    /// Sorted by node index: every closure's, and for other objects the
    /// first of each type and name (all that grouping and rows use).
    pub(crate) locations: Locations,
    /// The edges, until [`crate::Analysis::new`] takes them (and frees them
    /// once done) or [`HeapSnapshot::release_edge_targets`] drops them.
    pub(crate) graph: Mutex<Option<Graph>>,
    /// Edge names and types, read for the few edges that need them.
    pub(crate) records: EdgeRecords,
    /// The analysis, once computed: it needs the edges, which it consumes.
    pub(crate) analysed: OnceLock<Arc<Analysed>>,
}

impl HeapSnapshot {
    pub fn node_count(&self) -> usize {
        self.node_id.len()
    }

    pub fn edge_count(&self) -> usize {
        self.edge_count
    }

    pub fn kind(&self, node: u32) -> NodeKind {
        self.node_kinds[self.node_type[node as usize] as usize]
    }

    /// The type name as the snapshot spells it (`closure`, `object shape`, ...).
    pub fn kind_name(&self, node: u32) -> &str {
        &self.node_kind_names[self.node_type[node as usize] as usize]
    }

    pub fn name(&self, node: u32) -> &str {
        self.strings.get(self.node_name[node as usize] as usize)
    }

    pub fn id(&self, node: u32) -> u64 {
        self.node_id.get(node as usize)
    }

    pub fn self_size(&self, node: u32) -> u64 {
        self.node_self_size.get(node as usize)
    }

    /// Drop the edges if [`crate::Analysis::new`] has not consumed them
    /// yet. Summaries and diffs need only the nodes and the analysis; the
    /// analysis of a snapshot whose edges were released sees no edges.
    pub fn release_edge_targets(&mut self) {
        *self.graph.get_mut().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// Where the closure, or the constructor of an object, is defined: for
    /// closures always, for other objects only for the first of each type
    /// and name (the location their class row shows).
    pub fn location(&self, node: u32) -> Option<Location> {
        self.locations.get(node)
    }

    /// The class DevTools' Summary and Comparison views group this node under.
    pub fn class_name(&self, node: u32) -> ClassName<'_> {
        match self.kind(node) {
            NodeKind::Object | NodeKind::Native => ClassName::Named(self.name(node)),
            NodeKind::Hidden => ClassName::Named("(system)"),
            NodeKind::Code => ClassName::Named("(compiled code)"),
            _ => ClassName::Parenthesised(self.kind_name(node)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeName<'a> {
    Name(&'a str),
    Index(u32),
}

impl std::fmt::Display for EdgeName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Name(n) => f.write_str(n),
            Self::Index(i) => write!(f, "[{i}]"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClassName<'a> {
    Named(&'a str),
    /// Shown as `(kind)`.
    Parenthesised(&'a str),
}

impl std::fmt::Display for ClassName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Named(n) => f.write_str(n),
            Self::Parenthesised(k) => write!(f, "({k})"),
        }
    }
}

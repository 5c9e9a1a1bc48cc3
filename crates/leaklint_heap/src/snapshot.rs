//! The snapshot graph in flat columns: one entry per node and per edge,
//! strings in one table. Built only by [`crate::parse`], which validates
//! every index, so the accessors here never go out of bounds.

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

/// The string table: one buffer, one start offset per string.
#[derive(Debug, Default)]
pub(crate) struct Strings {
    pub(crate) text: String,
    pub(crate) starts: Vec<usize>,
}

impl Strings {
    pub(crate) fn len(&self) -> usize {
        self.starts.len()
    }

    pub(crate) fn get(&self, index: usize) -> &str {
        let start = self.starts[index];
        let end = self.starts.get(index + 1).copied().unwrap_or(self.text.len());
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

    #[inline]
    pub(crate) fn push(&mut self, value: u64) {
        match self {
            Self::Narrow(v) => match u32::try_from(value) {
                Ok(small) => v.push(small),
                Err(_) => {
                    let mut wide: Vec<u64> = Vec::with_capacity(v.capacity());
                    wide.extend(v.iter().map(|&x| u64::from(x)));
                    wide.push(value);
                    *self = Self::Wide(wide);
                }
            },
            Self::Wide(v) => v.push(value),
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
}

/// A parsed heap snapshot.
#[derive(Debug)]
pub struct HeapSnapshot {
    /// Index into `kind_names`/`kinds` per node.
    pub(crate) node_type: Vec<u8>,
    pub(crate) node_name: Vec<u32>,
    pub(crate) node_id: Column,
    pub(crate) node_self_size: Column,
    /// Node `i` owns edges `first_edge[i]..first_edge[i + 1]`.
    pub(crate) first_edge: Vec<u32>,
    pub(crate) edge_type: Vec<u8>,
    /// A string index, or the element index for element and hidden edges.
    pub(crate) edge_name: Vec<u32>,
    /// Node index (not V8's field offset).
    pub(crate) edge_to: Vec<u32>,
    /// Kept apart from the columns: snapshots read without their edges still know how many there were.
    pub(crate) edge_count: usize,
    pub(crate) node_kinds: Vec<NodeKind>,
    pub(crate) node_kind_names: Vec<String>,
    pub(crate) edge_kinds: Vec<EdgeKind>,
    pub(crate) strings: Strings,
    /// Sorted by node index.
    pub(crate) locations: Vec<(u32, Location)>,
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

    /// The node's edges; none once [`HeapSnapshot::release_edge_targets`] ran.
    pub fn edges(&self, node: u32) -> std::ops::Range<u32> {
        match self.first_edge.get(node as usize..node as usize + 2) {
            Some(&[start, end]) => start..end,
            _ => 0..0,
        }
    }

    /// Free the edge targets and the nodes' edge ranges, most of a
    /// snapshot's memory, once [`crate::Analysis::new`] has run: summaries
    /// and diffs need only the nodes, the analysis, and the names and kinds
    /// of the edges on retainer paths. Afterwards no node lists edges.
    pub fn release_edge_targets(&mut self) {
        self.edge_to = Vec::new();
        self.first_edge = Vec::new();
    }

    pub fn edge_kind(&self, edge: u32) -> EdgeKind {
        self.edge_kinds[self.edge_type[edge as usize] as usize]
    }

    pub fn edge_target(&self, edge: u32) -> u32 {
        self.edge_to[edge as usize]
    }

    /// The edge's name: a variable or property name, or `[index]`.
    pub fn edge_name(&self, edge: u32) -> EdgeName<'_> {
        let raw = self.edge_name[edge as usize];
        if self.edge_kind(edge).is_indexed() {
            EdgeName::Index(raw)
        } else {
            EdgeName::Name(self.strings.get(raw as usize))
        }
    }

    /// The first edge out of `node` with this (string) name.
    pub fn child_by_name(&self, node: u32, name: &str) -> Option<u32> {
        self.edges(node)
            .find(|&e| matches!(self.edge_name(e), EdgeName::Name(n) if n == name))
            .map(|e| self.edge_target(e))
    }

    pub fn location(&self, node: u32) -> Option<Location> {
        self.locations.binary_search_by_key(&node, |&(n, _)| n).ok().map(|i| self.locations[i].1)
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

    /// The script name of a closure, through its shared function info's
    /// script edge (no script source is needed).
    pub fn closure_script_name(&self, node: u32) -> Option<&str> {
        let shared = self.child_by_name(node, "shared")?;
        let mut script =
            self.child_by_name(shared, "script_or_debug_info").or_else(|| self.child_by_name(shared, "script"))?;
        // With debug info attached, the script hangs one level further down.
        if self.name(script).starts_with("system / DebugInfo") {
            script = self.child_by_name(script, "script")?;
        }
        let name = self.name(script);
        // Older V8 names the node `system / Script`; the name is then its `name` string.
        if name.starts_with("system / ") || name.is_empty() {
            let name_node = self.child_by_name(script, "name")?;
            return (self.kind(name_node) == NodeKind::String).then(|| self.name(name_node));
        }
        Some(name)
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

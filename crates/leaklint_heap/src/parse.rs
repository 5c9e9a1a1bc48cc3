//! Streaming snapshot parser. Field positions come from `snapshot.meta` by
//! name; arrays go straight into flat columns; nothing holds a JSON tree
//! except the small header.

use std::fs::{File, Metadata};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::SystemTime;

use rustc_hash::FxHashMap;

use crate::error::{HeapError, Result};
use crate::reader::{Input, Reader, Stream};
use crate::records::{BLOCK, EdgeRecords, FileRecords, RecordLayout};
use crate::snapshot::{Column, EdgeKind, Graph, HeapSnapshot, Location, Locations, NodeKind, SizeColumn, Strings};

/// Largest header (`"snapshot": {...}`) accepted; real ones are about 1 KB.
const MAX_HEADER_BYTES: u64 = 1 << 20;
const MAX_HEADER_DEPTH: usize = 16;
/// Without a known input size, pre-allocate at most this many entries.
const UNKNOWN_SIZE_CAP: u64 = 1 << 16;

/// Parse a snapshot from `input`. `size_hint` is the input's length when
/// known (a file): claimed counts never pre-allocate more than it could hold.
/// `progress` is called with the number of bytes read so far. A stream
/// cannot be read twice, so every edge's name and type is kept in memory;
/// [`crate::read_file`] reads the few it needs from the file again instead.
pub fn parse<R: Read>(input: R, size_hint: Option<u64>, progress: Option<&mut dyn FnMut(u64)>) -> Result<HeapSnapshot> {
    parse_keeping(Stream(input), size_hint, progress, Keep::Graph, None, None)
}

/// How much of a snapshot to keep. Every mode validates the whole input the
/// same way (same errors); the smaller ones just store less.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keep {
    /// Everything: nodes, edges, locations, strings.
    Graph,
    /// Nodes, locations and strings, no edges: enough to group objects.
    Objects,
    /// Node ids only (plus the counts and largest indexes the checks need).
    Ids,
}

/// The file a snapshot is read from, with its length and modification time
/// then: with the graph kept, edge names and types are read from it again
/// when needed instead of being kept in memory.
pub(crate) type Source = (File, (u64, Option<SystemTime>));

/// Where the edges' names and types are kept with the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Names {
    /// In memory, for every edge (a stream cannot be read again).
    Memory,
    /// Not in memory: read again from the file when needed, so only every
    /// [`BLOCK`]-th record's offset is kept.
    File,
}

/// Parse `input`. With `file`, the path and metadata of the file `input`
/// reads, a core left idle reads the second half of the edges array from a
/// handle of its own.
pub(crate) fn parse_keeping<R: Input>(
    input: R,
    size_hint: Option<u64>,
    progress: Option<&mut dyn FnMut(u64)>,
    keep: Keep,
    source: Option<Source>,
    file: Option<(&Path, &Metadata)>,
) -> Result<HeapSnapshot> {
    let _busy = Busy::new();
    let mut r = Reader::new(input, progress);
    let names = match (keep, &source) {
        (Keep::Graph, Some(_)) => Some(Names::File),
        (Keep::Graph, None) => Some(Names::Memory),
        _ => None,
    };
    Parser { r: &mut r, size_hint, keep, names, file }.snapshot(source)
}

/// Threads parsing snapshots right now, this process-wide: a helper is only
/// started while some core has nothing to parse.
static PARSING: AtomicUsize = AtomicUsize::new(0);

struct Busy;

impl Busy {
    fn new() -> Self {
        PARSING.fetch_add(1, Ordering::Relaxed);
        Self
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        PARSING.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Whether two handles open the same file (not one put in its place since).
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if (a.dev(), a.ino()) != (b.dev(), b.ino()) {
            return false;
        }
    }
    a.len() == b.len() && a.modified().ok() == b.modified().ok()
}

/// Whether to have a helper read part of `bytes` of edges and what follows:
/// when it is worth a thread and some core is idle (in unit tests, always).
fn want_helper(bytes: u64) -> bool {
    if cfg!(test) {
        return true;
    }
    bytes >= 4 << 20 && PARSING.load(Ordering::Relaxed) < std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[derive(Debug)]
enum Json {
    Null,
    Bool,
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn strings(&self) -> Option<Vec<&str>> {
        match self {
            Json::Arr(items) => items
                .iter()
                .map(|v| match v {
                    Json::Str(s) => Some(s.as_str()),
                    _ => None,
                })
                .collect(),
            _ => None,
        }
    }
}

/// Where each needed field sits in a node, edge or location record.
struct Layout {
    node_fields: usize,
    node_type: usize,
    node_name: usize,
    node_id: usize,
    node_self_size: usize,
    node_edge_count: usize,
    node_types: Vec<String>,
    edge_fields: usize,
    edge_type: usize,
    edge_name: usize,
    edge_to: usize,
    edge_types: Vec<String>,
    location_fields: usize,
    location_object: usize,
    location_script: usize,
    location_line: usize,
    location_column: usize,
    node_count: Option<u64>,
    edge_count: Option<u64>,
}

struct Parser<'a, 'p, R> {
    r: &'a mut Reader<'p, R>,
    size_hint: Option<u64>,
    keep: Keep,
    names: Option<Names>,
    /// The file being read, for a helper thread.
    file: Option<(&'a Path, &'a Metadata)>,
}

#[derive(Default)]
struct Raw {
    node_type: Vec<u8>,
    node_name: Vec<u32>,
    node_id: Column,
    node_self_size: SizeColumn,
    /// With the graph kept: where each node's edges start (the running sum
    /// of edge counts), which `finish` turns into `first_edge` once checked.
    edge_starts: Vec<u32>,
    /// The nodes' edge counts added up, the number of edges, the largest
    /// string index an edge names (with the first edge naming it), the
    /// largest edge target and node name: `finish` checks these against the
    /// string table and the node count (targets are checked as they are read
    /// when the nodes came first), the same way in every mode.
    edge_count_sum: u64,
    edges_seen: u64,
    max_edge_name: Option<(u32, u32)>,
    max_target: Option<u32>,
    max_node_name: Option<u32>,
    /// How many nodes are closures, so their locations' table is allocated once.
    closures: usize,
    /// The nodes section has been read.
    nodes_done: bool,
    /// With the graph kept: node indexes, and a bit per edge for weak edges.
    edge_to: Vec<u32>,
    weak: Vec<u64>,
    /// Edge types and names ([`Names::Memory`]), or every [`BLOCK`]-th
    /// record's offset ([`Names::File`]).
    edge_kinds: Vec<u8>,
    edge_names: Vec<u32>,
    edge_offsets: Column,
    /// Offsets of the records a helper thread read (from their first edge on).
    edge_offsets_after: Option<(u32, Column)>,
    locations: Locations,
    /// Outside closures, the first location of each (type, name) (see [`Parser::locations`]).
    class_locations: FxHashMap<(u8, u32), (u32, Location)>,
    strings: Strings,
}

impl<R: Input> Parser<'_, '_, R> {
    fn snapshot(&mut self, source: Option<Source>) -> Result<HeapSnapshot> {
        match self.r.peek()? {
            Some(b'{') => {}
            Some(_) => {
                return self.r.error("not a heap snapshot: expected a JSON object starting with `{\"snapshot\"`");
            }
            None => return self.r.error("not a heap snapshot: the input is empty"),
        }
        if self.r.begin(b'{', b'}')? {
            return self.r.error("not a heap snapshot: the top-level object is empty");
        }
        let mut layout: Option<Layout> = None;
        let mut raw = Raw::default();
        let mut seen = (false, false, false);
        let mut key = String::new();
        loop {
            self.r.read_string(&mut key)?;
            self.r.expect(b':')?;
            match key.as_str() {
                "snapshot" => layout = Some(self.header()?),
                "nodes" => {
                    let layout = self.need_layout(&layout, "nodes")?;
                    self.nodes(layout, &mut raw)?;
                    raw.nodes_done = true;
                    seen.0 = true;
                }
                "edges" => {
                    let layout = self.need_layout(&layout, "edges")?;
                    self.edges(layout, &mut raw)?;
                    seen.1 = true;
                }
                "locations" => {
                    let layout = self.need_layout(&layout, "locations")?;
                    self.locations(layout, &mut raw)?;
                }
                "strings" => {
                    let keep_text = self.keep != Keep::Ids;
                    self.strings(&mut raw.strings, keep_text)?;
                    seen.2 = true;
                }
                _ => self.r.skip_value()?,
            }
            if !self.r.more(b'}')? {
                break;
            }
        }
        if let Some(b) = self.r.peek()? {
            return self.r.error(format!("unexpected data after the snapshot: {}", crate::reader::describe(b)));
        }
        let end = self.r.offset();
        let layout = layout.ok_or_else(|| HeapError::new(end, "not a heap snapshot: no `snapshot` header"))?;
        for (present, name) in [(seen.0, "nodes"), (seen.1, "edges"), (seen.2, "strings")] {
            if !present {
                return Err(HeapError::new(end, format!("not a heap snapshot: no `{name}` array")));
            }
        }
        finish(layout, raw, end, self.keep, source)
    }

    fn need_layout<'l>(&self, layout: &'l Option<Layout>, section: &str) -> Result<&'l Layout> {
        match layout {
            Some(l) => Ok(l),
            None => self.r.error(format!("`{section}` comes before the `snapshot` header that describes it")),
        }
    }

    /// Entries worth pre-allocating for a section of `claimed` entries of at
    /// least `min_bytes` each: never more than the rest of the input can hold.
    fn capacity(&self, claimed: Option<u64>, min_bytes: u64) -> usize {
        let fits = match self.size_hint {
            Some(size) => size.saturating_sub(self.r.offset()) / min_bytes.max(1),
            None => UNKNOWN_SIZE_CAP,
        };
        claimed.unwrap_or(fits).min(fits).min(usize::MAX as u64) as usize
    }

    fn header(&mut self) -> Result<Layout> {
        let start = self.r.offset();
        let json = self.json(start, 0)?;
        let meta = json.get("meta").ok_or_else(|| HeapError::new(start, "the snapshot header has no `meta`"))?;
        let bad = |what: &str| HeapError::new(start, format!("snapshot.meta: {what}"));
        let fields = |name: &str| -> Result<Vec<String>> {
            let list = meta
                .get(name)
                .and_then(Json::strings)
                .ok_or_else(|| bad(&format!("`{name}` is missing or not a list of names")))?;
            Ok(list.into_iter().map(str::to_owned).collect())
        };
        let position = |list: &[String], field: &str, of: &str| -> Result<usize> {
            list.iter().position(|f| f == field).ok_or_else(|| bad(&format!("`{of}` has no `{field}` field")))
        };
        let type_enum = |name: &str, at: usize| -> Result<Vec<String>> {
            let enum_list = match meta.get(name) {
                Some(Json::Arr(items)) => items.get(at).and_then(Json::strings),
                _ => None,
            };
            let list = enum_list.ok_or_else(|| bad(&format!("`{name}` has no list of type names")))?;
            if list.len() > usize::from(u8::MAX) {
                return Err(bad(&format!("`{name}` lists more than 255 types")));
            }
            Ok(list.into_iter().map(str::to_owned).collect())
        };
        let node_fields = fields("node_fields")?;
        let edge_fields = fields("edge_fields")?;
        let location_fields = match meta.get("location_fields") {
            Some(_) => fields("location_fields")?,
            None => ["object_index", "script_id", "line", "column"].map(String::from).to_vec(),
        };
        let node_type = position(&node_fields, "type", "node_fields")?;
        let edge_type = position(&edge_fields, "type", "edge_fields")?;
        // A count is optional, but one that is there must be a whole number (not -1, 3.5 or "3").
        let count = |name: &str| -> Result<Option<u64>> {
            match json.get(name) {
                None => Ok(None),
                Some(Json::Num(n)) if *n >= 0.0 && n.fract() == 0.0 && *n <= 2f64.powi(53) => Ok(Some(*n as u64)),
                Some(_) => Err(HeapError::new(start, format!("`snapshot.{name}` is not a whole number"))),
            }
        };
        Ok(Layout {
            node_fields: node_fields.len(),
            node_type,
            node_name: position(&node_fields, "name", "node_fields")?,
            node_id: position(&node_fields, "id", "node_fields")?,
            node_self_size: position(&node_fields, "self_size", "node_fields")?,
            node_edge_count: position(&node_fields, "edge_count", "node_fields")?,
            node_types: type_enum("node_types", node_type)?,
            edge_fields: edge_fields.len(),
            edge_type,
            edge_name: position(&edge_fields, "name_or_index", "edge_fields")?,
            edge_to: position(&edge_fields, "to_node", "edge_fields")?,
            edge_types: type_enum("edge_types", edge_type)?,
            location_fields: location_fields.len(),
            location_object: position(&location_fields, "object_index", "location_fields")?,
            location_script: position(&location_fields, "script_id", "location_fields")?,
            location_line: position(&location_fields, "line", "location_fields")?,
            location_column: position(&location_fields, "column", "location_fields")?,
            node_count: count("node_count")?,
            edge_count: count("edge_count")?,
        })
    }

    fn json(&mut self, start: u64, depth: usize) -> Result<Json> {
        if depth > MAX_HEADER_DEPTH {
            return self.r.error("the snapshot header is nested too deeply");
        }
        if self.r.offset() - start > MAX_HEADER_BYTES {
            return self.r.error("the snapshot header is larger than 1 MiB");
        }
        Ok(match self.r.peek_required()? {
            b'{' => {
                let mut members = Vec::new();
                if !self.r.begin(b'{', b'}')? {
                    loop {
                        let mut key = String::new();
                        self.r.read_string(&mut key)?;
                        self.r.expect(b':')?;
                        members.push((key, self.json(start, depth + 1)?));
                        if !self.r.more(b'}')? {
                            break;
                        }
                    }
                }
                Json::Obj(members)
            }
            b'[' => {
                let mut items = Vec::new();
                if !self.r.begin(b'[', b']')? {
                    loop {
                        items.push(self.json(start, depth + 1)?);
                        if !self.r.more(b']')? {
                            break;
                        }
                    }
                }
                Json::Arr(items)
            }
            b'"' => {
                let mut s = String::new();
                self.r.read_string(&mut s)?;
                Json::Str(s)
            }
            b't' => {
                self.r.literal(b"true")?;
                Json::Bool
            }
            b'f' => {
                self.r.literal(b"false")?;
                Json::Bool
            }
            b'n' => {
                self.r.literal(b"null")?;
                Json::Null
            }
            _ => Json::Num(self.r.read_f64()?),
        })
    }

    fn nodes(&mut self, l: &Layout, raw: &mut Raw) -> Result<()> {
        // Each node takes at least two bytes ("0,") per field.
        let cap = self.capacity(l.node_count, 2 * l.node_fields as u64);
        let graph = self.keep == Keep::Graph;
        let objects = self.keep != Keep::Ids;
        let cap_if = |kept: bool| if kept { cap } else { 0 };
        raw.node_type = Vec::with_capacity(cap_if(objects));
        raw.node_name = Vec::with_capacity(cap_if(objects));
        raw.node_id = Column::with_capacity(cap);
        raw.node_self_size = SizeColumn::with_capacity(cap_if(objects));
        // One more for the end of the last node's edges.
        raw.edge_starts = Vec::with_capacity(if graph { cap.saturating_add(1) } else { 0 });
        let types = l.node_types.len() as u64;
        let closure = l.node_types.iter().position(|t| NodeKind::from_name(t) == NodeKind::Closure);
        let closure = closure.map_or(u64::MAX, |c| c as u64);
        let mut count_sum = 0u64;
        self.r.read_records(l.node_fields, |node, _| {
            let ty = node[l.node_type];
            if ty >= types {
                return Err(format!("node type {ty} is not in meta.node_types"));
            }
            let name = to_u32(node[l.node_name], "node name")?;
            let count = to_u32(node[l.node_edge_count], "edge count")?;
            if objects {
                raw.node_type.push(ty as u8);
                raw.node_name.push(name);
                raw.node_self_size.push(node[l.node_self_size]);
            }
            raw.max_node_name = raw.max_node_name.max(Some(name));
            raw.closures += usize::from(ty == closure);
            raw.node_id.push(node[l.node_id]);
            if graph {
                // Wraps only past 2^32 edges, which `finish` rejects.
                raw.edge_starts.push(count_sum as u32);
            }
            count_sum += u64::from(count);
            Ok(())
        })?;
        raw.edge_count_sum = count_sum;
        if raw.node_id.len() >= u32::MAX as usize {
            return self.r.error("more nodes than leaklint can index (2^32 - 1)");
        }
        Ok(())
    }

    fn edges(&mut self, l: &Layout, raw: &mut Raw) -> Result<()> {
        let names = self.names;
        let cap = if names.is_some() { self.capacity(l.edge_count, 2 * l.edge_fields as u64) } else { 0 };
        raw.edge_to = Vec::with_capacity(cap);
        raw.weak = Vec::with_capacity(cap.div_ceil(64));
        if names == Some(Names::Memory) {
            raw.edge_kinds = Vec::with_capacity(cap);
            raw.edge_names = Vec::with_capacity(cap);
        } else if names == Some(Names::File) {
            raw.edge_offsets = Column::with_capacity(cap.div_ceil(BLOCK as usize));
        }
        let nodes = raw.nodes_done.then_some(raw.node_id.len());
        let mut sink = EdgeSink::new(l, names, nodes, raw);
        if !self.r.begin(b'[', b']')? {
            match self.helper() {
                None => {
                    self.r.records_from(l.edge_fields, u64::MAX, |edge, start| sink.edge(edge, start))?;
                }
                Some((file, at)) => {
                    let cancel = AtomicBool::new(false);
                    std::thread::scope(|scope| -> Result<()> {
                        let half = scope.spawn({
                            let cancel = &cancel;
                            move || read_half(file, at, l, names, nodes, cap, cancel)
                        });
                        let main = self.r.records_from(l.edge_fields, at, |edge, start| sink.edge(edge, start));
                        if !matches!(main, Ok((_, true))) {
                            // An error before the half, or no record starts where it does.
                            cancel.store(true, Ordering::Relaxed);
                            return main.map(|_| ());
                        }
                        let half = half.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
                        if !self.r.jump_to(half.end)? {
                            return self.r.error("cannot move in the input");
                        }
                        sink.append(half);
                        Ok(())
                    })?;
                }
            }
        }
        let (seen, raw) = (sink.seen, sink.raw);
        raw.edges_seen = seen;
        if seen >= u64::from(u32::MAX) {
            return self.r.error("more edges than leaklint can index (2^32 - 1)");
        }
        Ok(())
    }

    /// A handle on the file, moved to where a line of the edges array
    /// starts about halfway through the rest of the file, for a helper
    /// thread: when the file allows it and a core is idle.
    fn helper(&self) -> Option<(File, u64)> {
        let (path, meta) = self.file?;
        let (size, start) = (meta.len(), self.r.offset());
        if !meta.is_file() || !want_helper(size.saturating_sub(start)) {
            return None;
        }
        let mut file = File::open(path).ok()?;
        if !same_file(&file.metadata().ok()?, meta) {
            return None;
        }
        // The edges are most of what follows them.
        let middle = start + (size - start) * 9 / 20;
        file.seek(SeekFrom::Start(middle)).ok()?;
        let at = Reader::new(&mut file, None).starting_at(middle).next_line_start(1 << 20).ok()??;
        file.seek(SeekFrom::Start(at)).ok()?;
        Some((file, at))
    }

    /// Grouping uses closures' locations, rows the first location of each
    /// class, so only those are kept: every closure's, and outside closures
    /// the first of each type and name (with the graph; none for ids only).
    /// Locations met before the nodes are kept to be checked at the end.
    fn locations(&mut self, l: &Layout, raw: &mut Raw) -> Result<()> {
        // Once the nodes are known, closures are all that is kept (and a
        // few early or bad records); before, start small and let it grow.
        let cap = if raw.nodes_done { raw.closures.saturating_add(16) } else { 1 << 12 };
        let cap = if self.keep == Keep::Ids { 16 } else { cap };
        raw.locations = Locations::with_capacity(self.capacity(None, 2 * l.location_fields as u64).min(cap));
        let width = Divider::new(l.node_fields as u64);
        let closure = l.node_types.iter().position(|t| NodeKind::from_name(t) == NodeKind::Closure);
        let keep = self.keep;
        self.r.read_records(l.location_fields, |record, _| {
            let object = record[l.location_object];
            let (node, rest) = width.div_rem(object);
            if rest != 0 {
                return Err(format!("location object {object} is not a node offset"));
            }
            let location = Location {
                script_id: to_u32(record[l.location_script], "script id")?,
                line: to_u32(record[l.location_line], "line")?,
                column: to_u32(record[l.location_column], "column")?,
            };
            let node = to_u32(node, "location object")?;
            if !raw.nodes_done || node as usize >= raw.node_id.len() {
                // Checked at the end.
                raw.locations.push(node, location);
                return Ok(());
            }
            if keep == Keep::Ids {
                return Ok(());
            }
            let ty = raw.node_type[node as usize];
            if closure == Some(ty as usize) {
                raw.locations.push(node, location);
            } else if keep == Keep::Graph {
                let name = raw.node_name[node as usize];
                let first = raw.class_locations.entry((ty, name)).or_insert((node, location));
                if node < first.0 {
                    *first = (node, location);
                }
            }
            Ok(())
        })?;
        Ok(())
    }

    /// Without `keep_text`, only the count is kept (every string reads as empty).
    fn strings(&mut self, out: &mut Strings, keep_text: bool) -> Result<()> {
        // No claimed count to go by: start small and let the vector grow.
        let cap = if keep_text { self.capacity(None, 3).min(1 << 12) } else { 0 };
        out.starts = Column::with_capacity(cap);
        out.count = 0;
        if self.r.begin(b'[', b']')? {
            return Ok(());
        }
        let mut scratch = String::new();
        loop {
            if keep_text {
                out.starts.push(out.text.len() as u64);
                self.r.append_string(&mut out.text)?;
            } else {
                self.r.read_string(&mut scratch)?;
            }
            out.count += 1;
            if !self.r.more(b']')? {
                break;
            }
        }
        Ok(())
    }
}

/// What [`Parser::edges`] does with each edge record.
struct EdgeSink<'r> {
    types: u64,
    kinds: [EdgeKind; 256],
    width: Divider,
    /// Where type, name and target sit in a record.
    fields: (usize, usize, usize),
    names: Option<Names>,
    /// The node count, when the nodes came first: targets are checked at once.
    nodes: Option<usize>,
    raw: &'r mut Raw,
    seen: u64,
}

/// The second part of an edges array, read by a helper thread.
struct Half {
    raw: Raw,
    seen: u64,
    /// Where the array ends (after its `]`).
    end: u64,
}

/// Read the edges array from `at` (where `file` is) to its end, as
/// [`Parser::edges`] would.
fn read_half(
    file: File,
    at: u64,
    l: &Layout,
    names: Option<Names>,
    nodes: Option<usize>,
    cap: usize,
    cancel: &AtomicBool,
) -> Result<Half> {
    let _busy = Busy::new();
    let mut raw = Raw::default();
    if names.is_some() {
        // Only what is written becomes resident: room for all is no cost.
        raw.edge_to = Vec::with_capacity(cap);
        raw.weak = Vec::with_capacity(cap.div_ceil(64));
    }
    match names {
        Some(Names::File) => raw.edge_offsets = Column::with_capacity(cap.div_ceil(BLOCK as usize)),
        Some(Names::Memory) => {
            raw.edge_kinds = Vec::with_capacity(cap);
            raw.edge_names = Vec::with_capacity(cap);
        }
        None => {}
    }
    let mut sink = EdgeSink::new(l, names, nodes, &mut raw);
    let mut r = Reader::new(file, None).starting_at(at);
    r.records_from(l.edge_fields, u64::MAX, |edge, start| {
        if cancel.load(Ordering::Relaxed) {
            return Err(String::new());
        }
        sink.edge(edge, start)
    })?;
    let seen = sink.seen;
    Ok(Half { raw, seen, end: r.offset() })
}

impl<'r> EdgeSink<'r> {
    fn new(l: &Layout, names: Option<Names>, nodes: Option<usize>, raw: &'r mut Raw) -> Self {
        Self {
            types: l.edge_types.len() as u64,
            kinds: std::array::from_fn(|t| l.edge_types.get(t).map_or(EdgeKind::Other, |t| EdgeKind::from_name(t))),
            width: Divider::new(l.node_fields as u64),
            fields: (l.edge_type, l.edge_name, l.edge_to),
            names,
            nodes,
            raw,
            seen: 0,
        }
    }

    /// Add the edges a helper read after these.
    fn append(&mut self, half: Half) {
        let raw = &mut *self.raw;
        let first = self.seen;
        let Half { raw: after, seen, .. } = half;
        raw.max_target = raw.max_target.max(after.max_target);
        if let Some((i, name)) = after.max_edge_name
            && raw.max_edge_name.is_none_or(|(_, max)| name > max)
        {
            raw.max_edge_name = Some(((u64::from(i) + first).min(u64::from(u32::MAX)) as u32, name));
        }
        if self.names.is_some() {
            raw.edge_to.extend_from_slice(&after.edge_to);
            raw.edge_kinds.extend_from_slice(&after.edge_kinds);
            raw.edge_names.extend_from_slice(&after.edge_names);
            let total = first + seen;
            raw.weak.resize(total.div_ceil(64) as usize, 0);
            for (w, &bits) in after.weak.iter().enumerate() {
                let mut bits = bits;
                while bits != 0 {
                    let at = first + 64 * w as u64 + u64::from(bits.trailing_zeros());
                    raw.weak[(at / 64) as usize] |= 1 << (at % 64);
                    bits &= bits - 1;
                }
            }
            if self.names == Some(Names::File) {
                let mut offsets = after.edge_offsets;
                offsets.shrink_to_fit();
                raw.edge_offsets_after = Some((first as u32, offsets));
            }
        }
        self.seen += seen;
    }

    #[inline(always)]
    fn edge(&mut self, edge: &[u64], start: u64) -> std::result::Result<(), String> {
        let raw = &mut *self.raw;
        let ty = edge[self.fields.0];
        if ty >= self.types {
            return Err(format!("edge type {ty} is not in meta.edge_types"));
        }
        let name = to_u32(edge[self.fields.1], "edge name")?;
        let offset = edge[self.fields.2];
        let (to, rest) = self.width.div_rem(offset);
        if rest != 0 {
            return Err(format!("edge target {offset} is not a node offset (node width {})", self.width.d));
        }
        let to = to_u32(to, "edge target")?;
        if let Some(nodes) = self.nodes
            && to as usize >= nodes
        {
            return Err(format!("an edge points to node {to}, but there are {nodes} nodes"));
        }
        raw.max_target = raw.max_target.max(Some(to));
        // Checked against the string table at the end.
        let kind = self.kinds[ty as usize];
        let seen = self.seen;
        if !kind.is_indexed() && raw.max_edge_name.is_none_or(|(_, max)| name > max) {
            raw.max_edge_name = Some((seen.min(u64::from(u32::MAX)) as u32, name));
        }
        if let Some(names) = self.names {
            raw.edge_to.push(to);
            if seen.is_multiple_of(64) {
                raw.weak.push(0);
            }
            if kind == EdgeKind::Weak
                && let Some(bits) = raw.weak.last_mut()
            {
                *bits |= 1 << (seen % 64);
            }
            match names {
                Names::Memory => {
                    raw.edge_kinds.push(ty as u8);
                    raw.edge_names.push(name);
                }
                Names::File => {
                    if seen.is_multiple_of(u64::from(BLOCK)) {
                        raw.edge_offsets.push(start);
                    }
                }
            }
        }
        self.seen += 1;
        Ok(())
    }
}

/// Division by the node record width, which every edge target and location
/// needs: a multiplication instead of a `div` below 2^32 (all real values).
#[derive(Debug, Clone, Copy)]
struct Divider {
    d: u64,
    /// ceil(2^64 / d): exact for dividends below 2^32 when d < 2^32.
    magic: u64,
}

impl Divider {
    fn new(d: u64) -> Self {
        Self { d, magic: (u64::MAX / d.max(2)).wrapping_add(1) }
    }

    #[inline(always)]
    fn div_rem(self, n: u64) -> (u64, u64) {
        let q = if n <= u64::from(u32::MAX) && self.d > 1 && self.d <= u64::from(u32::MAX) {
            ((u128::from(n) * u128::from(self.magic)) >> 64) as u64
        } else {
            n / self.d
        };
        (q, n - q * self.d)
    }
}

#[inline(always)]
fn to_u32(value: u64, what: &str) -> std::result::Result<u32, String> {
    u32::try_from(value).map_err(|_| format!("{what} {value} is out of range"))
}

/// Cross-check the sections against each other and build the graph.
fn finish(l: Layout, raw: Raw, end: u64, keep: Keep, source: Option<Source>) -> Result<HeapSnapshot> {
    let fail = |message: String| Err(HeapError::new(end, message));
    let nodes = raw.node_id.len();
    if let Some(claimed) = l.node_count
        && claimed != nodes as u64
    {
        return fail(format!("the header claims {claimed} nodes but the nodes array holds {nodes}"));
    }
    let edges = raw.edges_seen as usize;
    if let Some(claimed) = l.edge_count
        && claimed != edges as u64
    {
        return fail(format!("the header claims {claimed} edges but the edges array holds {edges}"));
    }
    // The analyses index nodes and edges in u32, with room for a marker value.
    if nodes as u64 + edges as u64 >= u64::from(u32::MAX) {
        return fail(format!("{nodes} nodes and {edges} edges are more than leaklint can index (2^32 - 1)"));
    }
    // The running sum only grows, so it passes the edge count at some node exactly when the total does.
    let total = raw.edge_count_sum;
    if total > edges as u64 {
        return fail(format!("the nodes' edge counts add up to more than the {edges} edges"));
    }
    if total != edges as u64 {
        return fail(format!("the nodes' edge counts add up to {total}, but there are {edges} edges"));
    }
    let strings = raw.strings.len() as u64;
    if let Some(bad) = raw.max_node_name.filter(|&n| u64::from(n) >= strings) {
        return fail(format!("node name {bad} is not in the {strings}-entry string table"));
    }
    if let Some((i, name)) = raw.max_edge_name.filter(|&(_, name)| u64::from(name) >= strings) {
        return fail(format!("edge {i} names string {name}, not in the {strings}-entry string table"));
    }
    // Edges before the nodes could not be checked as they were read.
    if let Some(bad) = raw.max_target.filter(|&to| to as usize >= nodes) {
        return fail(format!("an edge points to node {bad}, but there are {nodes} nodes"));
    }
    let mut locations = raw.locations;
    if let Some(&(bad, _)) = locations.entries.iter().find(|(n, _)| *n as usize >= nodes) {
        return fail(format!("a location names node {bad}, but there are {nodes} nodes"));
    }
    if keep == Keep::Ids {
        locations = Locations::default();
    } else if keep == Keep::Graph {
        // Locations met before the nodes were all kept: keep the same ones as after.
        let closure = l.node_types.iter().position(|t| NodeKind::from_name(t) == NodeKind::Closure);
        let mut firsts = raw.class_locations;
        let table = &locations.table;
        locations.entries.retain(|&(node, at)| {
            let ty = raw.node_type[node as usize];
            if closure == Some(ty as usize) {
                return true;
            }
            let first = firsts.entry((ty, raw.node_name[node as usize])).or_insert((node, table[at as usize]));
            if node < first.0 {
                *first = (node, table[at as usize]);
            }
            false
        });
        for (node, location) in firsts.into_values() {
            locations.push(node, location);
        }
    }
    locations.finish();
    let mut strings = raw.strings;
    strings.text.shrink_to_fit();
    strings.starts.shrink_to_fit();
    let edge_kinds: Vec<EdgeKind> = l.edge_types.iter().map(|t| EdgeKind::from_name(t)).collect();
    let (graph, records) = if keep == Keep::Graph {
        let mut first_edge = raw.edge_starts;
        first_edge.push(total as u32);
        let graph = Graph { first_edge, edge_to: raw.edge_to, weak: raw.weak };
        let records = match source {
            Some((file, stamp)) => EdgeRecords::File(FileRecords {
                file: Mutex::new(file),
                stamp,
                segments: std::iter::once((0, raw.edge_offsets)).chain(raw.edge_offsets_after).collect(),
                layout: RecordLayout {
                    fields: l.edge_fields,
                    kind: l.edge_type,
                    name: l.edge_name,
                    to: l.edge_to,
                    node_width: l.node_fields as u64,
                    kinds: l.edge_types.len(),
                    edges: edges as u32,
                },
            }),
            None => EdgeRecords::Memory { kinds: raw.edge_kinds, names: raw.edge_names },
        };
        (Some(graph), records)
    } else {
        (None, EdgeRecords::None)
    };
    Ok(HeapSnapshot {
        node_type: raw.node_type,
        node_name: raw.node_name,
        node_id: raw.node_id,
        node_self_size: raw.node_self_size,
        edge_count: edges,
        node_kinds: l.node_types.iter().map(|t| NodeKind::from_name(t)).collect(),
        node_kind_names: l.node_types,
        edge_kinds,
        strings,
        locations,
        graph: Mutex::new(graph),
        records,
        analysed: OnceLock::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::{Keep, parse_keeping};

    const GOOD: &str = r#"{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],"node_types":[["synthetic","object"]],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["element","property","weak"]]},"node_count":3,"edge_count":3},
"nodes":[0,0,1,0,2,1,1,3,10,1,1,2,5,20,0],
"edges":[1,1,5,0,7,10,1,2,10],
"locations":[5,1,2,3],
"strings":["","Foo","bar"]}"#;

    #[test]
    fn a_count_in_the_header_must_be_a_whole_number() {
        for bad in ["-1", "3.5", "\"3\"", "null", "1e300"] {
            let text = GOOD.replace("\"node_count\":3", &format!("\"node_count\":{bad}"));
            let read = parse_keeping(crate::reader::Stream(text.as_bytes()), None, None, Keep::Graph, None, None);
            let err = read.expect_err(bad);
            assert_eq!(err.message, "`snapshot.node_count` is not a whole number", "{bad}");
        }
    }

    /// Reading without edges (or only ids) rejects the same inputs with the same error.
    #[test]
    fn every_mode_reports_the_same_errors() {
        let broken = [
            GOOD.replace("[1,1,5,0,7", "[1,1,700,0,7"),
            GOOD.replace("[0,0,1,0,2,1,1,3", "[0,0,1,0,2,1,9,3"),
            GOOD.replace("[1,1,5,0,7", "[1,9,5,0,7"),
            GOOD.replace("[1,1,5,0,7", "[1,1,4,0,7"),
            GOOD.replace("[1,1,5,0,7,10,1,2,10]", "[1,1,5,0,7,10,1,2,10,1,1,5]"),
            GOOD.replace("5,20,0]", "5,20,1]"),
            GOOD.replace("[5,1,2,3]", "[50,1,2,3]"),
            GOOD.replace("\"bar\"]", "]"),
            GOOD.replace("\"edge_count\":3", "\"edge_count\":4"),
            GOOD[..GOOD.len() - 9].to_owned(),
        ];
        let read = |text: &str, keep| {
            parse_keeping(crate::reader::Stream(text.as_bytes()), Some(text.len() as u64), None, keep, None, None)
        };
        let good = read(GOOD, Keep::Graph).unwrap();
        assert_eq!((good.node_count(), good.edge_count()), (3, 3));
        for keep in [Keep::Objects, Keep::Ids] {
            let s = read(GOOD, keep).unwrap();
            assert_eq!((s.node_count(), s.edge_count(), s.id(2)), (3, 3, 5));
            for text in &broken {
                let full = read(text, Keep::Graph).expect_err(text);
                let light = read(text, keep).expect_err(text);
                assert_eq!((full.offset, full.message), (light.offset, light.message), "{keep:?}: {text}");
            }
        }
    }
}

#[cfg(test)]
mod split_tests {
    use super::*;
    use crate::analysis::Analysis;
    use crate::reader::Stream;

    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, bound: u64) -> u64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (self.0 >> 33) % bound
        }
    }

    const TYPES: [&str; 5] = ["synthetic", "object", "closure", "array", "string"];
    const EDGE_TYPES: [&str; 5] = ["context", "element", "property", "internal", "weak"];

    /// A snapshot as V8 writes it (a record per line, `\n,` between), or
    /// with lines that cut records apart (`odd`).
    fn snapshot(nodes: u64, seed: u64, odd: bool) -> String {
        let mut random = Lcg(seed);
        let strings: Vec<String> = (0..50).map(|i| format!("s{i}")).collect();
        let mut node_records = Vec::new();
        let mut edge_records = Vec::new();
        for node in 0..nodes {
            let ty = if node == 0 { 0 } else { 1 + random.below(4) };
            let count = if node == 0 { 5 } else { random.below(7) };
            node_records.push(vec![ty, random.below(50), 2 * node + 1, random.below(100), count]);
            for _ in 0..count {
                let ety = random.below(5);
                let name = if ety == 1 { random.below(1000) } else { random.below(50) };
                edge_records.push(vec![ety, name, random.below(nodes) * 5]);
            }
        }
        let join = |records: &[Vec<u64>]| -> String {
            let numbers: Vec<String> = records.iter().flatten().map(u64::to_string).collect();
            let mut out = String::new();
            for (i, number) in numbers.iter().enumerate() {
                if i > 0 {
                    let line = if odd { i % 2 == 0 } else { i % records[0].len() == 0 };
                    out.push_str(if line { "\n," } else { "," });
                }
                out.push_str(number);
            }
            out
        };
        let quoted = |v: &[&str]| v.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(",");
        format!(
            "{{\"snapshot\":{{\"meta\":{{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\",\"edge_count\"],\"node_types\":[[{}]],\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],\"edge_types\":[[{}]]}},\"node_count\":{nodes},\"edge_count\":{}}},\n\"nodes\":[{}],\n\"edges\":[{}],\n\"locations\":[5,7,1,2],\n\"strings\":[{}]}}",
            quoted(&TYPES),
            quoted(&EDGE_TYPES),
            edge_records.len(),
            join(&node_records),
            join(&edge_records),
            strings.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(",")
        )
    }

    /// Read `text` from a file, its edge names too unless `names_in_memory`.
    fn from_file(text: &str, keep: Keep, names_in_memory: bool) -> (tempfile::TempDir, Result<HeapSnapshot>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.heapsnapshot");
        std::fs::write(&path, text).unwrap();
        let file = File::open(&path).unwrap();
        let meta = file.metadata().unwrap();
        let source = (keep == Keep::Graph && !names_in_memory)
            .then(|| (file.try_clone().unwrap(), (meta.len(), meta.modified().ok())));
        let parsed = parse_keeping(file, Some(meta.len()), None, keep, source, Some((&path, &meta)));
        (dir, parsed)
    }

    fn segments(s: &HeapSnapshot) -> usize {
        match &s.records {
            EdgeRecords::File(f) => f.segments.len(),
            EdgeRecords::Memory { names, .. } => names.len(),
            EdgeRecords::None => 0,
        }
    }

    /// A second thread reads the end of the edges array when records start
    /// lines, and the result is the same as reading it all in one go.
    #[test]
    fn a_helper_reads_the_end_of_the_edges_the_same_way() {
        for (seed, odd, in_memory) in [(1, false, false), (2, false, false), (3, true, false), (4, false, true)] {
            let text = snapshot(3000, seed, odd);
            let whole = parse(text.as_bytes(), None, None).unwrap();
            let (_dir, split) = from_file(&text, Keep::Graph, in_memory);
            let split = split.unwrap();
            let expected = if in_memory {
                whole.edge_count()
            } else if odd {
                1
            } else {
                2
            };
            assert_eq!(segments(&split), expected, "seed {seed}");
            assert_eq!((split.node_count(), split.edge_count()), (whole.node_count(), whole.edge_count()));
            let (a, b) = (Analysis::new(&whole), Analysis::new(&split));
            for node in 0..whole.node_count() as u32 {
                assert_eq!(a.retained_size(node), b.retained_size(node));
                assert_eq!(a.immediate_dominator(node), b.immediate_dominator(node));
                assert_eq!(a.distance(node), b.distance(node));
                if node % 7 == 0 {
                    let path = |s, a| crate::groups::retainer_path(s, a, node);
                    assert_eq!(path(&whole, &a), path(&split, &b), "node {node}");
                }
            }
        }
    }

    /// Errors past the split are found by the helper, and reported as if
    /// one thread had read everything.
    #[test]
    fn errors_in_the_helper_half_are_the_same() {
        let text = snapshot(3000, 4, false);
        let edges_end = text.find("],\n\"locations\"").unwrap();
        let last_line = text[..edges_end].rfind("\n,").unwrap() + 2;
        let broken = [
            // A type past the enum, a target past the nodes, not a number, cut short.
            format!("{}9{}", &text[..last_line], &text[last_line + 1..]),
            format!("{}1,1,99995{}", &text[..last_line], &text[text[last_line..].find(']').unwrap() + last_line..]),
            format!("{}x{}", &text[..last_line], &text[last_line + 1..]),
            text[..last_line + 3].to_owned(),
            text.replace("\"edge_count\":", "\"edge_count\":1"),
        ];
        for text in &broken {
            for keep in [Keep::Graph, Keep::Objects, Keep::Ids] {
                let whole = parse_keeping(Stream(text.as_bytes()), None, None, keep, None, None).expect_err(text);
                let (_dir, split) = from_file(text, keep, false);
                let split = split.expect_err(text);
                assert_eq!((whole.offset, &whole.message), (split.offset, &split.message), "{keep:?}");
            }
        }
    }
}

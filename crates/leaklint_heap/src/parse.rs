//! Streaming snapshot parser. Field positions come from `snapshot.meta` by
//! name; arrays go straight into flat columns; nothing holds a JSON tree
//! except the small header.

use std::io::Read;

use crate::error::{HeapError, Result};
use crate::reader::Reader;
use crate::snapshot::{Column, EdgeKind, HeapSnapshot, Location, NodeKind, Strings};

/// Largest header (`"snapshot": {...}`) accepted; real ones are about 1 KB.
const MAX_HEADER_BYTES: u64 = 1 << 20;
const MAX_HEADER_DEPTH: usize = 16;
/// Without a known input size, pre-allocate at most this many entries.
const UNKNOWN_SIZE_CAP: u64 = 1 << 16;

/// Parse a snapshot from `input`. `size_hint` is the input's length when
/// known (a file): claimed counts never pre-allocate more than it could hold.
/// `progress` is called with the number of bytes read so far.
pub fn parse<R: Read>(input: R, size_hint: Option<u64>, progress: Option<&mut dyn FnMut(u64)>) -> Result<HeapSnapshot> {
    parse_keeping(input, size_hint, progress, Keep::Graph)
}

/// How much of a snapshot to keep. Every mode validates the whole input the
/// same way (same errors); the smaller ones just store less.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keep {
    /// Everything: nodes, edges, locations, strings.
    Graph,
    /// Nodes, locations and strings, no edges: enough to group objects.
    Objects,
    /// Node ids only (plus the names, locations and string count the checks need).
    Ids,
}

pub(crate) fn parse_keeping<R: Read>(
    input: R,
    size_hint: Option<u64>,
    progress: Option<&mut dyn FnMut(u64)>,
    keep: Keep,
) -> Result<HeapSnapshot> {
    let mut r = Reader::new(input, progress);
    Parser { r: &mut r, size_hint, keep }.snapshot()
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
}

struct Raw {
    node_type: Vec<u8>,
    node_name: Vec<u32>,
    node_id: Column,
    node_self_size: Column,
    /// With the graph kept: where each node's edges start (the running sum
    /// of edge counts), which `finish` turns into `first_edge` once checked.
    edge_starts: Vec<u32>,
    /// Without kept edges: the nodes' edge counts added up, the number of
    /// edges, and the values that broke the running maximum (edge index and
    /// string, edge target), so `finish` reports the same first offender as
    /// with the columns.
    edge_count_sum: u64,
    edges_seen: u64,
    name_records: Vec<(u32, u32)>,
    target_records: Vec<u32>,
    /// The same for node names when they are not kept.
    node_name_records: Vec<u32>,
    /// The nodes section has been read.
    nodes_done: bool,
    edge_type: Vec<u8>,
    edge_name: Vec<u32>,
    /// V8's field offsets until validated, then node indexes.
    edge_to: Vec<u32>,
    locations: Vec<(u32, Location)>,
    strings: Strings,
}

impl<R: Read> Parser<'_, '_, R> {
    fn snapshot(&mut self) -> Result<HeapSnapshot> {
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
        let mut raw = Raw {
            node_type: Vec::new(),
            node_name: Vec::new(),
            node_id: Column::default(),
            node_self_size: Column::default(),
            edge_starts: Vec::new(),
            edge_count_sum: 0,
            edges_seen: 0,
            name_records: Vec::new(),
            target_records: Vec::new(),
            node_name_records: Vec::new(),
            nodes_done: false,
            edge_type: Vec::new(),
            edge_name: Vec::new(),
            edge_to: Vec::new(),
            locations: Vec::new(),
            strings: Strings::default(),
        };
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
        finish(layout, raw, end, self.keep)
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
        let count = |name: &str| match json.get(name) {
            Some(Json::Num(n)) if *n >= 0.0 => Some(*n as u64),
            _ => None,
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
            node_count: count("node_count"),
            edge_count: count("edge_count"),
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

    /// Calls `each(position_in_record, value)` for every integer of an array of records.
    fn records(
        &mut self,
        mut each: impl FnMut(usize, u64) -> std::result::Result<(), String>,
        width: usize,
    ) -> Result<u64> {
        let mut field = 0;
        let count = self.r.read_u64_array(|value| {
            each(field, value)?;
            field += 1;
            if field == width {
                field = 0;
            }
            Ok(())
        })?;
        if field != 0 {
            return self.r.error(format!("array length {count} is not a multiple of its record width {width}"));
        }
        Ok(count)
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
        raw.node_self_size = Column::with_capacity(cap_if(objects));
        // One more for the end of the last node's edges.
        raw.edge_starts = Vec::with_capacity(if graph { cap.saturating_add(1) } else { 0 });
        let types = l.node_types.len() as u64;
        let mut count_sum = 0u64;
        self.records(
            |field, value| {
                if field == l.node_type {
                    if value >= types {
                        return Err(format!("node type {value} is not in meta.node_types"));
                    }
                    if objects {
                        raw.node_type.push(value as u8);
                    }
                } else if field == l.node_name {
                    let name = to_u32(value, "node name")?;
                    if objects {
                        raw.node_name.push(name);
                    } else if raw.node_name_records.last().is_none_or(|&max| name > max) {
                        raw.node_name_records.push(name);
                    }
                } else if field == l.node_id {
                    raw.node_id.push(value);
                } else if field == l.node_self_size {
                    if objects {
                        raw.node_self_size.push(value);
                    }
                } else if field == l.node_edge_count {
                    let count = to_u32(value, "edge count")?;
                    if graph {
                        // Wraps only past 2^32 edges, which `finish` rejects.
                        raw.edge_starts.push(count_sum as u32);
                    }
                    count_sum += u64::from(count);
                }
                Ok(())
            },
            l.node_fields,
        )?;
        raw.edge_count_sum = count_sum;
        if raw.node_id.len() >= u32::MAX as usize {
            return self.r.error("more nodes than leaklint can index (2^32 - 1)");
        }
        Ok(())
    }

    fn edges(&mut self, l: &Layout, raw: &mut Raw) -> Result<()> {
        let graph = self.keep == Keep::Graph;
        let cap = if graph { self.capacity(l.edge_count, 2 * l.edge_fields as u64) } else { 0 };
        raw.edge_type = Vec::with_capacity(cap);
        raw.edge_name = Vec::with_capacity(cap);
        raw.edge_to = Vec::with_capacity(cap);
        let types = l.edge_types.len() as u64;
        let indexed: Vec<bool> = l.edge_types.iter().map(|t| EdgeKind::from_name(t).is_indexed()).collect();
        let width = l.node_fields as u64;
        let last_field = l.edge_fields - 1;
        // The current record, for the running maxima when edges are not kept.
        let (mut ty, mut name, mut to) = (0u8, 0u32, 0u32);
        let mut seen = 0u64;
        self.records(
            |field, value| {
                if field == l.edge_type {
                    if value >= types {
                        return Err(format!("edge type {value} is not in meta.edge_types"));
                    }
                    ty = value as u8;
                } else if field == l.edge_name {
                    name = to_u32(value, "edge name")?;
                } else if field == l.edge_to {
                    if value % width != 0 {
                        return Err(format!("edge target {value} is not a node offset (node width {width})"));
                    }
                    to = to_u32(value / width, "edge target")?;
                }
                if field == last_field {
                    if graph {
                        raw.edge_type.push(ty);
                        raw.edge_name.push(name);
                        raw.edge_to.push(to);
                    } else {
                        if !indexed[ty as usize] && raw.name_records.last().is_none_or(|&(_, max)| name > max) {
                            raw.name_records.push((seen.min(u64::from(u32::MAX)) as u32, name));
                        }
                        if raw.target_records.last().is_none_or(|&max| to > max) {
                            raw.target_records.push(to);
                        }
                    }
                    seen += 1;
                }
                Ok(())
            },
            l.edge_fields,
        )?;
        raw.edges_seen = seen;
        if seen >= u64::from(u32::MAX) {
            return self.r.error("more edges than leaklint can index (2^32 - 1)");
        }
        Ok(())
    }

    fn locations(&mut self, l: &Layout, raw: &mut Raw) -> Result<()> {
        // No claimed count to go by: start small and let the vector grow.
        raw.locations = Vec::with_capacity(self.capacity(None, 2 * l.location_fields as u64).min(1 << 12));
        let width = l.node_fields as u64;
        let mut current = [0u64; 4];
        // Grouping uses only closures' locations and the ids-only read none:
        // once the nodes are known, skip the others (still checked).
        let closure = l.node_types.iter().position(|t| NodeKind::from_name(t) == NodeKind::Closure);
        let keep = self.keep;
        let keep_location = move |node: u32, raw: &Raw| match keep {
            Keep::Graph => true,
            _ if !raw.nodes_done || node as usize >= raw.node_id.len() => true,
            Keep::Objects => closure == raw.node_type.get(node as usize).map(|&t| t as usize),
            Keep::Ids => false,
        };
        self.records(
            |field, value| {
                for (slot, at) in
                    [l.location_object, l.location_script, l.location_line, l.location_column].into_iter().enumerate()
                {
                    if field == at {
                        current[slot] = value;
                    }
                }
                if field + 1 == l.location_fields {
                    if current[0] % width != 0 {
                        return Err(format!("location object {} is not a node offset", current[0]));
                    }
                    let location = Location {
                        script_id: to_u32(current[1], "script id")?,
                        line: to_u32(current[2], "line")?,
                        column: to_u32(current[3], "column")?,
                    };
                    let node = to_u32(current[0] / width, "location object")?;
                    if keep_location(node, raw) {
                        raw.locations.push((node, location));
                    }
                }
                Ok(())
            },
            l.location_fields,
        )?;
        Ok(())
    }

    /// Without `keep_text`, only the count is kept (every string reads as empty).
    fn strings(&mut self, out: &mut Strings, keep_text: bool) -> Result<()> {
        // No claimed count to go by: start small and let the vector grow.
        let cap = self.capacity(None, 3).min(1 << 12);
        out.starts = Vec::with_capacity(cap);
        if self.r.begin(b'[', b']')? {
            return Ok(());
        }
        let mut s = String::new();
        loop {
            self.r.read_string(&mut s)?;
            out.starts.push(out.text.len());
            if keep_text {
                out.text.push_str(&s);
            }
            if !self.r.more(b']')? {
                break;
            }
        }
        Ok(())
    }
}

fn to_u32(value: u64, what: &str) -> std::result::Result<u32, String> {
    u32::try_from(value).map_err(|_| format!("{what} {value} is out of range"))
}

/// Cross-check the sections against each other and build the graph.
fn finish(l: Layout, raw: Raw, end: u64, keep: Keep) -> Result<HeapSnapshot> {
    let fail = |message: String| Err(HeapError::new(end, message));
    let graph = keep == Keep::Graph;
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
    // The dominator tree indexes edges plus one extra root edge per node in u32.
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
    let mut first_edge = raw.edge_starts;
    if graph {
        first_edge.push(total as u32);
    }
    let strings = raw.strings.len() as u64;
    let mut names = raw.node_name.iter().chain(&raw.node_name_records);
    if let Some(bad) = names.find(|&&n| u64::from(n) >= strings) {
        return fail(format!("node name {bad} is not in the {strings}-entry string table"));
    }
    let edge_kinds: Vec<EdgeKind> = l.edge_types.iter().map(|t| EdgeKind::from_name(t)).collect();
    if graph {
        for (i, (&ty, &name)) in raw.edge_type.iter().zip(&raw.edge_name).enumerate() {
            if !edge_kinds[ty as usize].is_indexed() && u64::from(name) >= strings {
                return fail(format!("edge {i} names string {name}, not in the {strings}-entry string table"));
            }
        }
        if let Some(bad) = raw.edge_to.iter().find(|&&to| to as usize >= nodes) {
            return fail(format!("an edge points to node {bad}, but there are {nodes} nodes"));
        }
    } else {
        // The first offender is the first running maximum past the limit.
        if let Some(&(i, name)) = raw.name_records.iter().find(|&&(_, name)| u64::from(name) >= strings) {
            return fail(format!("edge {i} names string {name}, not in the {strings}-entry string table"));
        }
        if let Some(bad) = raw.target_records.iter().find(|&&to| to as usize >= nodes) {
            return fail(format!("an edge points to node {bad}, but there are {nodes} nodes"));
        }
    }
    let mut locations = raw.locations;
    if let Some((bad, _)) = locations.iter().find(|(n, _)| *n as usize >= nodes) {
        return fail(format!("a location names node {bad}, but there are {nodes} nodes"));
    }
    if keep == Keep::Ids {
        locations = Vec::new();
    }
    locations.sort_unstable_by_key(|&(n, _)| n);
    locations.dedup_by_key(|&mut (n, _)| n);
    // The table grew by doubling; give back the slack before the analysis allocates.
    locations.shrink_to_fit();
    let mut strings = raw.strings;
    strings.text.shrink_to_fit();
    strings.starts.shrink_to_fit();
    Ok(HeapSnapshot {
        node_type: raw.node_type,
        node_name: raw.node_name,
        node_id: raw.node_id,
        node_self_size: raw.node_self_size,
        first_edge,
        edge_type: raw.edge_type,
        edge_name: raw.edge_name,
        edge_to: raw.edge_to,
        edge_count: edges,
        node_kinds: l.node_types.iter().map(|t| NodeKind::from_name(t)).collect(),
        node_kind_names: l.node_types,
        edge_kinds,
        strings,
        locations,
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
        let read = |text: &str, keep| parse_keeping(text.as_bytes(), Some(text.len() as u64), None, keep);
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

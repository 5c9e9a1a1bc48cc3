//! V8 heap snapshots (`.heapsnapshot`, as written by Node, Chrome DevTools and
//! the inspector protocol): a streaming parser, DevTools' class grouping,
//! retained sizes from a dominator tree, distances and shortest retainer
//! paths, source locations, and diffs of two or three snapshots.

mod analysis;
mod error;
mod groups;
mod parse;
mod reader;
mod records;
mod snapshot;

pub use analysis::{Analysis, ROOT, SYSTEM_DISTANCE_BASE};
pub use error::{HeapError, Result};
pub use groups::{
    ClassRow, Diff, GrowthRow, ObjectIds, PackageRow, PathStep, SourceLocation, diff, package_of, retainer_path,
    summary,
};
pub use parse::parse;
use parse::{Keep, parse_keeping};
pub use snapshot::{ClassName, EdgeKind, EdgeName, HeapSnapshot, Location, NodeKind};

/// Read a snapshot file. `progress` is called with the bytes read so far.
///
/// Edge names and types are not kept in memory: the few that retainer
/// paths and script names need are read from the file again, through a
/// handle kept open. If the file is modified in place meanwhile, they are
/// left out (paths come back empty, scripts unnamed) rather than misread.
pub fn read_file(path: &std::path::Path, progress: Option<&mut dyn FnMut(u64)>) -> Result<HeapSnapshot> {
    let file = std::fs::File::open(path).map_err(|e| HeapError::new(0, format!("cannot open: {e}")))?;
    let meta = file.metadata().ok();
    let size = meta.as_ref().map(|m| m.len());
    // A pipe or a device cannot be read twice: its edge names stay in memory.
    let source = match &meta {
        Some(m) if m.is_file() => file.try_clone().ok().map(|again| (again, (m.len(), m.modified().ok()))),
        _ => None,
    };
    parse_keeping(file, size, progress, Keep::Graph, source, meta.as_ref().map(|m| (path, m)))
}

/// Read only what a diff needs of a snapshot it does not analyse: the
/// object ids, and with `groups` each object's group and size (BASE). The
/// edges are checked but not kept, so this takes a fraction of
/// [`read_file`]'s memory and time.
pub fn read_object_ids(
    path: &std::path::Path,
    progress: Option<&mut dyn FnMut(u64)>,
    groups: bool,
) -> Result<ObjectIds> {
    let file = std::fs::File::open(path).map_err(|e| HeapError::new(0, format!("cannot open: {e}")))?;
    let meta = file.metadata().ok();
    let size = meta.as_ref().map(|m| m.len());
    let keep = if groups { Keep::Objects } else { Keep::Ids };
    let snapshot = parse_keeping(file, size, progress, keep, None, meta.as_ref().map(|m| (path, m)))?;
    Ok(if groups { ObjectIds::from_objects(snapshot) } else { ObjectIds::from_ids(snapshot) })
}

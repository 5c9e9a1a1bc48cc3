//! Edge names and types, which only retainer paths and script names need:
//! a few thousand edges out of millions. Read from a file, they are not
//! kept at all (a fifth of a snapshot's memory): every 64th edge record's
//! byte offset is, and the records asked for are read again from there.

use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use crate::reader::Reader;
use crate::snapshot::Column;

/// Edges per recorded offset.
pub(crate) const BLOCK: u32 = 64;
/// Buffer for re-reading a block: 64 records of three numbers usually fit.
const BLOCK_BUFFER: usize = 4096;

/// One edge's type (an index into the snapshot's edge types) and name (a
/// string index, or the element index for indexed edges).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EdgeRecord {
    pub(crate) kind: u8,
    pub(crate) name: u32,
}

#[derive(Debug)]
pub(crate) enum EdgeRecords {
    /// Not kept: the snapshot was read for its objects only.
    None,
    /// Read from a stream, which cannot be read again: kept for every edge.
    Memory {
        kinds: Vec<u8>,
        names: Vec<u32>,
    },
    File(FileRecords),
}

/// Where to find the edge records in the snapshot file.
#[derive(Debug)]
pub(crate) struct FileRecords {
    pub(crate) file: Mutex<File>,
    /// The file's length and modification time when it was parsed: a file
    /// changed since is not read again.
    pub(crate) stamp: (u64, Option<SystemTime>),
    /// Byte offset of the first number of every [`BLOCK`]-th edge record,
    /// counted from the segment's first edge: one segment, or two when a
    /// second thread read the end of the array.
    pub(crate) segments: Vec<(u32, Column)>,
    pub(crate) layout: RecordLayout,
}

/// Where the needed fields sit in an edge record.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RecordLayout {
    pub(crate) fields: usize,
    pub(crate) kind: usize,
    pub(crate) name: usize,
    pub(crate) to: usize,
    /// Node record width: `to_node` values are field offsets.
    pub(crate) node_width: u64,
    pub(crate) kinds: usize,
    pub(crate) edges: u32,
}

impl EdgeRecords {
    /// The records of `edges`, given as (edge, the node it points to), in
    /// that order. `None` when they cannot be had: not kept, or the file
    /// changed since it was parsed (checked by its length and modification
    /// time, and by every record pointing where the graph said).
    pub(crate) fn get(&self, edges: &[(u32, u32)]) -> Option<Vec<EdgeRecord>> {
        match self {
            Self::None => None,
            Self::Memory { kinds, names } => edges
                .iter()
                .map(|&(e, _)| Some(EdgeRecord { kind: *kinds.get(e as usize)?, name: names[e as usize] }))
                .collect(),
            Self::File(file) => file.get(edges),
        }
    }
}

impl FileRecords {
    fn get(&self, edges: &[(u32, u32)]) -> Option<Vec<EdgeRecord>> {
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        let meta = file.metadata().ok()?;
        if (meta.len(), meta.modified().ok()) != self.stamp {
            return None;
        }
        let mut order: Vec<usize> = (0..edges.len()).collect();
        order.sort_unstable_by_key(|&i| edges[i].0);
        let mut out = vec![EdgeRecord { kind: 0, name: 0 }; edges.len()];
        let l = self.layout;
        let mut record = vec![0u64; l.fields];
        let mut at = 0;
        while at < order.len() {
            let first = edges[order[at]].0;
            if first >= l.edges {
                return None;
            }
            let (segment, offsets) = self.segments.iter().rev().find(|&&(start, _)| start <= first)?;
            let block = (first - segment) / BLOCK;
            let block_start = segment + block * BLOCK;
            let offset = offsets.get(block as usize);
            file.seek(SeekFrom::Start(offset)).ok()?;
            let mut r = Reader::with_capacity(&mut *file, None, BLOCK_BUFFER).starting_at(offset);
            let mut edge = block_start;
            // Every requested edge of this block, in order.
            let block_end = block_start.saturating_add(BLOCK).min(
                self.segments.iter().map(|&(start, _)| start).find(|&start| start > block_start).unwrap_or(u32::MAX),
            );
            while at < order.len() && edges[order[at]].0 < block_end {
                let (wanted, target) = edges[order[at]];
                while edge <= wanted {
                    if edge > block_start {
                        r.skip_separator().ok()?;
                    }
                    for (f, slot) in record.iter_mut().enumerate() {
                        *slot = r.array_number().ok()?;
                        if f + 1 < l.fields && r.array_delimiter().ok()? {
                            return None;
                        }
                    }
                    edge += 1;
                }
                let (kind, name, to) = (record[l.kind], record[l.name], record[l.to]);
                if kind >= l.kinds as u64 || to != u64::from(target) * l.node_width {
                    return None;
                }
                out[order[at]] = EdgeRecord { kind: kind as u8, name: u32::try_from(name).ok()? };
                at += 1;
            }
        }
        Some(out)
    }
}

//! Heap-snapshot evidence attached to a finding by `leaklint check --heap`.

use serde::Serialize;

/// What the heap snapshots say about one finding: the growing group that
/// matched it, why it matched, and how much it grew and holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeapEvidence {
    /// The group as DevTools names it (`(closure) handler`, `IncomingMessage`).
    pub group: String,
    /// Why this group is this finding's: e.g. "`tasks` is on its retainer path".
    pub matched_by: Vec<String>,
    /// Objects added (two snapshots), still alive from the middle snapshot
    /// (three), or the count (one snapshot).
    pub count_growth: i64,
    /// Bytes the growing objects retain.
    pub retained_size: u64,
    /// Change of the group's shallow size.
    pub size_delta: i64,
    /// How many snapshots the evidence comes from (1, 2 or 3).
    pub snapshots: u8,
    /// Where the group's closure or constructor is defined (`file:line:column`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// A shortest retainer path, `holder --edge--> ... --> group`.
    pub retainer_path: String,
}

impl HeapEvidence {
    /// Stronger evidence sorts first: more growth, then more retained bytes.
    pub(crate) fn rank_key(&self) -> (std::cmp::Reverse<i64>, std::cmp::Reverse<u64>) {
        (std::cmp::Reverse(self.count_growth), std::cmp::Reverse(self.retained_size))
    }

    /// One line for people.
    pub fn summary_line(&self) -> String {
        let growth = match self.snapshots {
            1 => format!("{} objects", self.count_growth),
            3 => format!("{} objects leaked across 3 snapshots", self.count_growth),
            _ => format!("{:+} objects", self.count_growth),
        };
        format!("{}: {growth}, {} retained", self.group, format_bytes(self.retained_size))
    }
}

/// `1.5 MB`-style sizes (powers of 1000, like DevTools).
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

//! Byte spans and line/column positions, independent of oxc's types.

use serde::Serialize;

/// A half-open byte range `[start, end)` into a file's UTF-8 source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Self {
        Self { start, end }
    }

    pub const fn len(self) -> u32 {
        self.end.saturating_sub(self.start)
    }

    pub const fn is_empty(self) -> bool {
        self.len() == 0
    }

    pub const fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn text(self, source: &str) -> &str {
        source.get(self.start as usize..self.end as usize).unwrap_or("")
    }
}

/// A position for people and tools: 1-based line, 1-based column.
///
/// `column` counts Unicode scalar values (what editors and ESLint show);
/// `column_utf16` counts UTF-16 code units (what SARIF and LSP default to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    pub column_utf16: u32,
    pub offset: u32,
}

/// Maps byte offsets to line/column positions. Built once per file.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(source: &str) -> Self {
        let mut line_starts = vec![0];
        let bytes = source.as_bytes();
        // memchr skips whole blocks without a line break: reports build this
        // for multi-megabyte bundles, where a byte loop showed up in profiles.
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            // A lone CR ends a line too (old Mac files); CRLF is handled by the LF.
            if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                line_starts.push(i as u32 + 1);
            }
        }
        Self { line_starts }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.line_starts.get(line.checked_sub(1)? as usize).copied()
    }

    /// Position of a byte offset. Offsets inside a multi-byte character are
    /// clamped to that character's start.
    pub fn position(&self, source: &str, offset: u32) -> Position {
        let offset = offset.min(source.len() as u32);
        let line_idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line_idx] as usize;
        let mut end = offset as usize;
        while !source.is_char_boundary(end) {
            end -= 1;
        }
        let mut prefix = &source[start..end];
        // A byte-order mark is invisible: editors do not count it as a column.
        if start == 0 {
            prefix = prefix.strip_prefix('\u{feff}').unwrap_or(prefix);
        }
        let column = prefix.chars().count() as u32 + 1;
        let column_utf16 = prefix.encode_utf16().count() as u32 + 1;
        Position { line: line_idx as u32 + 1, column, column_utf16, offset }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_chars_and_utf16_units() {
        let src = "a\n€😀x\r\ny";
        let idx = LineIndex::new(src);
        assert_eq!(idx.line_count(), 3);
        let x = src.find('x').unwrap() as u32;
        let p = idx.position(src, x);
        assert_eq!((p.line, p.column, p.column_utf16), (2, 3, 4));
        let y = src.find('y').unwrap() as u32;
        assert_eq!(idx.position(src, y).line, 3);
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let src = "\u{feff}ab";
        let idx = LineIndex::new(src);
        assert_eq!(idx.position(src, src.find('b').unwrap() as u32).column, 2);
    }

    #[test]
    fn lone_carriage_return_ends_a_line() {
        let src = "a\rb";
        let idx = LineIndex::new(src);
        assert_eq!(idx.position(src, 2).line, 2);
    }
}

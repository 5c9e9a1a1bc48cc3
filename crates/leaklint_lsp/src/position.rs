//! Byte offsets (what the core reports) <-> LSP positions (0-based line,
//! character counted in the negotiated encoding's code units).

use leaklint_core::{LineIndex, Span};
use lsp_types::{Position, PositionEncodingKind, Range};

/// How `Position::character` counts: UTF-16 code units unless the client
/// offered UTF-8 at initialisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client lists it (no conversion needed, and it is exact
    /// for the byte offsets the core works in); otherwise LSP's default UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Self {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    fn units(self, c: char) -> u32 {
        match self {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
        }
    }
}

/// A document's text with its line starts, for converting both ways.
pub struct PositionMap<'t> {
    text: &'t str,
    lines: LineIndex,
    encoding: Encoding,
}

impl<'t> PositionMap<'t> {
    pub fn new(text: &'t str, encoding: Encoding) -> Self {
        Self { text, lines: LineIndex::new(text), encoding }
    }

    /// Byte offset where 0-based `line` starts, `None` past the last line.
    fn line_start(&self, line: u32) -> Option<usize> {
        self.lines.line_start(line.checked_add(1)?).map(|s| s as usize)
    }

    /// Byte offset where 0-based `line`'s text ends (before its line break).
    fn line_end(&self, line: u32) -> usize {
        let next = line.checked_add(1).and_then(|l| self.line_start(l)).unwrap_or(self.text.len());
        let text = &self.text[..next];
        let text = text.strip_suffix('\n').unwrap_or(text);
        let text = text.strip_suffix('\r').unwrap_or(text);
        text.len().max(self.line_start(line).unwrap_or(next))
    }

    /// The LSP position of a byte offset; offsets past the end or inside a
    /// multi-byte character are clamped.
    pub fn position(&self, offset: u32) -> Position {
        let mut offset = (offset as usize).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.lines.position(self.text, offset as u32).line - 1;
        let start = self.line_start(line).unwrap_or(0);
        let character = self.text[start..offset].chars().map(|c| self.encoding.units(c)).sum();
        Position { line, character }
    }

    pub fn range(&self, span: Span) -> Range {
        Range { start: self.position(span.start), end: self.position(span.end) }
    }

    /// The byte offset of an LSP position. As the protocol asks, a character
    /// past the end of its line means the line's end and a line past the end
    /// of the text means the end of the text; a position inside a surrogate
    /// pair rounds down to the character's start.
    pub fn offset(&self, position: Position) -> usize {
        let Some(start) = self.line_start(position.line) else { return self.text.len() };
        let end = self.line_end(position.line);
        let mut units = 0;
        for (i, c) in self.text[start..end].char_indices() {
            let next = units + self.encoding.units(c);
            if next > position.character {
                return start + i;
            }
            units = next;
        }
        end
    }

    pub fn span(&self, range: Range) -> Span {
        let start = self.offset(range.start);
        let end = self.offset(range.end).max(start);
        Span::new(start as u32, end as u32)
    }

    /// The whitespace that starts the line holding `offset`, and where that line starts.
    pub fn indentation_at(&self, offset: u32) -> (usize, &'t str) {
        let line = self.position(offset).line;
        let start = self.line_start(line).unwrap_or(0);
        let rest = &self.text[start..self.line_end(line)];
        let indent_len = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        (start, &rest[..indent_len])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn utf16_counts_surrogate_pairs_as_two_units() {
        let text = "a\n€😀x\r\ny";
        let map = PositionMap::new(text, Encoding::Utf16);
        let x = text.find('x').unwrap();
        assert_eq!(map.position(x as u32), pos(1, 3));
        assert_eq!(map.offset(pos(1, 3)), x);
        assert_eq!(map.position(text.find('y').unwrap() as u32), pos(2, 0));
    }

    #[test]
    fn utf8_counts_bytes() {
        let text = "a\n€😀x\r\ny";
        let map = PositionMap::new(text, Encoding::Utf8);
        let x = text.find('x').unwrap();
        assert_eq!(map.position(x as u32), pos(1, 7));
        assert_eq!(map.offset(pos(1, 7)), x);
    }

    #[test]
    fn out_of_range_positions_clamp_to_line_and_text_ends() {
        let text = "ab\r\ncd";
        let map = PositionMap::new(text, Encoding::Utf16);
        assert_eq!(map.offset(pos(0, 99)), 2, "stops before the CRLF");
        assert_eq!(map.offset(pos(9, 0)), text.len());
        assert_eq!(map.position(99), pos(1, 2));
    }

    #[test]
    fn a_position_inside_a_surrogate_pair_rounds_down() {
        let text = "😀x";
        let map = PositionMap::new(text, Encoding::Utf16);
        assert_eq!(map.offset(pos(0, 1)), 0);
        assert_eq!(map.offset(pos(0, 2)), 4);
    }

    #[test]
    fn positions_round_trip_on_every_char_boundary() {
        let text = "\u{feff}x\n\tä😀\r\rend\n";
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let map = PositionMap::new(text, encoding);
            for (offset, _) in text.char_indices() {
                assert_eq!(map.offset(map.position(offset as u32)), offset, "{encoding:?} at {offset}");
            }
        }
    }

    #[test]
    fn indentation_of_the_line() {
        let text = "x\n  \tfoo()\n";
        let map = PositionMap::new(text, Encoding::Utf16);
        assert_eq!(map.indentation_at(text.find("foo").unwrap() as u32), (2, "  \t"));
    }

    #[test]
    fn negotiation_prefers_utf8_only_when_offered() {
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        assert_eq!(Encoding::negotiate(Some(&[PositionEncodingKind::UTF16])), Encoding::Utf16);
        let both = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&both)), Encoding::Utf8);
    }
}

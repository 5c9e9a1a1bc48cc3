//! `partialFingerprints.primaryLocationLineHash`, computed the way GitHub's
//! `codeql-action/upload-sarif` computes it, so alerts keep their identity
//! when unrelated lines move and the action finds nothing to recompute.
//!
//! The scheme (described in the action's `src/fingerprints.ts`): a rolling
//! polynomial hash (base 37, wrapping 64-bit arithmetic) over a window of the
//! next 100 characters — UTF-16 code units, spaces and tabs skipped, every
//! line ending turned into `\n`, then a 65535 end marker and zero padding —
//! taken at the first character of each line. The value is the unsigned hash
//! in lower-case hex without leading zeros, then `:` and how many times that
//! hash has been seen so far in the file, so identical lines stay distinct.

use std::collections::HashMap;

const WINDOW: usize = 100;
const BASE: u64 = 37;
const END_OF_FILE: u16 = 0xFFFF;

/// The line hashes of one file, indexed by 1-based line number.
pub struct LineHashes {
    hashes: Vec<String>,
}

impl LineHashes {
    pub fn new(source: &str) -> Self {
        let mut hasher = Hasher::new();
        for unit in source.encode_utf16() {
            hasher.push_character(unit);
        }
        hasher.push_character(END_OF_FILE);
        hasher.finish()
    }

    /// The hash of 1-based `line`; `None` past the end of the file.
    pub fn line(&self, line: u32) -> Option<&str> {
        self.hashes.get(line.checked_sub(1)? as usize).map(String::as_str)
    }

    #[cfg(test)]
    fn all(&self) -> &[String] {
        &self.hashes
    }
}

struct Hasher {
    /// The last [`WINDOW`] characters, a ring indexed by `next`.
    window: [u16; WINDOW],
    /// For each window slot, the line that starts at that character, if one does.
    line_at: [Option<u32>; WINDOW],
    next: usize,
    hash: u64,
    /// BASE^WINDOW, the weight of the character leaving the window.
    leaving_weight: u64,
    line: u32,
    at_line_start: bool,
    after_cr: bool,
    seen: HashMap<u64, u32>,
    hashes: Vec<String>,
}

impl Hasher {
    fn new() -> Self {
        Self {
            window: [0; WINDOW],
            line_at: [None; WINDOW],
            next: 0,
            hash: 0,
            leaving_weight: (0..WINDOW).fold(1u64, |w, _| w.wrapping_mul(BASE)),
            line: 0,
            at_line_start: true,
            after_cr: false,
            seen: HashMap::new(),
            hashes: Vec::new(),
        }
    }

    fn push_character(&mut self, unit: u16) {
        let (space, tab, lf, cr) = (u16::from(b' '), u16::from(b'\t'), u16::from(b'\n'), u16::from(b'\r'));
        // Whitespace does not count, nor does the LF of a CRLF (the CR already ended the line).
        if unit == space || unit == tab || (self.after_cr && unit == lf) {
            self.after_cr = false;
            return;
        }
        self.after_cr = unit == cr;
        let unit = if unit == cr { lf } else { unit };
        // The slot about to be overwritten began a line WINDOW characters ago: its hash is complete.
        if self.line_at[self.next].is_some() {
            self.emit();
        }
        if self.at_line_start {
            self.at_line_start = false;
            self.line += 1;
            self.line_at[self.next] = Some(self.line);
        }
        if unit == lf {
            self.at_line_start = true;
        }
        self.roll(unit);
    }

    fn roll(&mut self, unit: u16) {
        let leaving = self.window[self.next];
        self.window[self.next] = unit;
        self.hash = self
            .hash
            .wrapping_mul(BASE)
            .wrapping_add(u64::from(unit))
            .wrapping_sub(self.leaving_weight.wrapping_mul(u64::from(leaving)));
        self.next = (self.next + 1) % WINDOW;
    }

    fn emit(&mut self) {
        let count = self.seen.entry(self.hash).or_insert(0);
        *count += 1;
        // Lines are emitted in order, so the position in the list is the line number.
        debug_assert_eq!(self.line_at[self.next], Some(self.hashes.len() as u32 + 1));
        self.hashes.push(format!("{:x}:{count}", self.hash));
        self.line_at[self.next] = None;
    }

    fn finish(mut self) -> LineHashes {
        for _ in 0..WINDOW {
            if self.line_at[self.next].is_some() {
                self.emit();
            }
            self.roll(0);
        }
        LineHashes { hashes: self.hashes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inputs and expected hashes from the "hash" test in github/codeql-action's
    /// `src/fingerprints.test.ts`, the reference implementation's own vectors.
    fn assert_hashes(input: &str, expected: &[&str]) {
        let hashes = LineHashes::new(input);
        assert_eq!(hashes.all(), expected, "input {input:?}");
        // One hash per line, as the reference test also checks.
        assert_eq!(hashes.all().len(), input.split("\r\n").flat_map(|l| l.split(['\r', '\n'])).count());
    }

    #[test]
    fn empty_file() {
        assert_hashes("", &["c129715d7a2bc9a3:1"]);
    }

    #[test]
    fn leading_whitespace_is_ignored() {
        assert_hashes(
            " a\nb\n  \t\tc\n d",
            &["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"],
        );
    }

    #[test]
    fn without_trailing_newline() {
        assert_hashes(
            " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
            &[
                "8b7cf3e952e7aeb2:1",
                "b1ae1287ec4718d9:1",
                "bff680108adb0fcc:1",
                "c6805c5e1288b612:1",
                "b86d3392aea1be30:1",
                "e6ceba753e1a442:1",
            ],
        );
    }

    #[test]
    fn every_line_ending_style_hashes_the_same() {
        let expected = [
            "e9496ae3ebfced30:1",
            "fb7c023a8b9ccb3f:1",
            "ce8ba1a563dcdaca:1",
            "e20e36e16fcb0cc8:1",
            "b3edc88f2938467e:1",
            "c8e28b0b4002a3a0:1",
            "c129715d7a2bc9a3:1",
        ];
        for input in [
            " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
            " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
            " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
            " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
        ] {
            assert_hashes(input, &expected);
        }
    }

    #[test]
    fn identical_lines_are_numbered() {
        assert_hashes(
            &"Lorem ipsum dolor sit amet.\n".repeat(10),
            &[
                "a7f2ff13bc495cf2:1",
                "a7f2ff13bc495cf2:2",
                "a7f2ff13bc495cf2:3",
                "a7f2ff13bc495cf2:4",
                "a7f2ff13bc495cf2:5",
                "a7f2ff13bc495cf2:6",
                "a7f2ff1481e87703:1",
                "a9cf91f7bbf1862b:1",
                "55ec222b86bcae53:1",
                "cc97dc7b1d7d8f7b:1",
                "c129715d7a2bc9a3:1",
            ],
        );
    }

    #[test]
    fn short_program() {
        assert_hashes(
            "x = 2\nx = 1\nprint(x)\nx = 3\nprint(x)\nx = 4\nprint(x)\n",
            &[
                "e54938cc54b302f1:1",
                "bb609acbe9138d60:1",
                "1131fd5871777f34:1",
                "5c482a0f8b35ea28:1",
                "54517377da7028d2:1",
                "2c644846cb18d53e:1",
                "f1b89f20de0d133:1",
                "c129715d7a2bc9a3:1",
            ],
        );
    }

    #[test]
    fn lines_are_numbered_as_the_line_index_numbers_them() {
        // The hash is looked up by the finding's line, so both must split lines alike.
        for source in ["a\r\nb\rc\nd", "\r \n\n", "x\r", "\u{feff}a\n\u{2028}b\n", "  \t\n\t"] {
            let lines = leaklint_core::LineIndex::new(source);
            assert_eq!(LineHashes::new(source).all().len(), lines.line_count(), "{source:?}");
        }
    }

    #[test]
    fn a_line_keeps_its_hash_when_unrelated_lines_far_above_change() {
        let tail = "\nfunction handle(req) {\n  cache.set(req.id, req);\n}\n";
        let before = LineHashes::new(&format!("const a = 1;{tail}"));
        let after = LineHashes::new(&format!("// a comment\n\nconst a = 1;{tail}"));
        assert_eq!(before.line(3), after.line(5));
        assert_ne!(before.line(1), after.line(1));
        assert_eq!(before.line(99), None);
        assert_eq!(before.line(0), None);
    }

    /// The window's hash written out as a plain polynomial: the first
    /// character has weight 37^99, the last 37^0.
    fn polynomial(units: &[u16]) -> u64 {
        let mut padded = units.to_vec();
        padded.resize(WINDOW, 0);
        padded.iter().fold(0u64, |hash, &unit| hash.wrapping_mul(BASE).wrapping_add(u64::from(unit)))
    }

    #[test]
    fn non_ascii_text_is_hashed_in_utf16_units() {
        // `é` is one UTF-16 unit (two UTF-8 bytes); `😀` is a surrogate pair (four bytes).
        let e_acute = polynomial(&[0xE9, END_OF_FILE]);
        assert_eq!(LineHashes::new("é").line(1), Some(format!("{e_acute:x}:1").as_str()));
        let emoji = polynomial(&[0xD83D, 0xDE00, END_OF_FILE]);
        assert_eq!(LineHashes::new("😀").line(1), Some(format!("{emoji:x}:1").as_str()));
        // Leading spaces and tabs do not count; the end marker follows the last character.
        assert_eq!(LineHashes::new(" \t😀").line(1), LineHashes::new("😀").line(1));
    }
}

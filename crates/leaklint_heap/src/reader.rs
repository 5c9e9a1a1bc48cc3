//! A small JSON tokenizer over a byte stream: just what the snapshot format
//! needs (objects, arrays of unsigned integers, strings), reading its input
//! in fixed-size chunks so memory stays independent of its size.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use crate::error::{HeapError, Result};

const CHUNK: usize = 1 << 16;
/// Bytes the fast integer path wants ahead of it: a 16-digit window and the
/// delimiter after it, with room to spare.
const LOOKAHEAD: usize = 32;
/// Bytes the block path of [`Reader::read_records`] wants ahead: a 64-byte
/// block, and the digits and delimiters of a number starting at its end.
const BULK: usize = 96;
/// Nesting deeper than this is not a heap snapshot; stops stack-free skipping
/// from being used as a memory bomb through its depth counter only.
const MAX_DEPTH: usize = 512;

/// What the parser reads: any stream, or a file it can also move around in.
pub(crate) trait Input: Read {
    /// Move to byte `offset`; `false` when the input cannot.
    fn jump(&mut self, _offset: u64) -> std::io::Result<bool> {
        Ok(false)
    }
}

/// A stream, read once from front to back.
pub(crate) struct Stream<R>(pub(crate) R);

impl<R: Read> Read for Stream<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(out)
    }
}

impl<R: Read> Input for Stream<R> {}

impl Input for File {
    fn jump(&mut self, offset: u64) -> std::io::Result<bool> {
        self.seek(SeekFrom::Start(offset)).map(|_| true)
    }
}

pub(crate) struct Reader<'p, R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    /// Bytes consumed before `buf[0]`.
    base: u64,
    /// `inner` has no more bytes.
    eof: bool,
    /// A string's bytes while it is decoded (reused).
    scratch: Vec<u8>,
    progress: Option<&'p mut dyn FnMut(u64)>,
}

impl<'p, R: Read> Reader<'p, R> {
    pub(crate) fn new(inner: R, progress: Option<&'p mut dyn FnMut(u64)>) -> Self {
        Self::with_capacity(inner, progress, CHUNK)
    }

    /// A reader whose buffer holds `capacity` bytes (at least twice the
    /// block path's lookahead): small ones re-read a few records cheaply.
    pub(crate) fn with_capacity(inner: R, progress: Option<&'p mut dyn FnMut(u64)>, capacity: usize) -> Self {
        let capacity = capacity.max(2 * BULK);
        Self {
            inner,
            buf: vec![0; capacity].into_boxed_slice(),
            pos: 0,
            len: 0,
            base: 0,
            eof: false,
            scratch: Vec::new(),
            progress,
        }
    }

    /// Reading starts at byte `offset` of the input (for error offsets).
    pub(crate) fn starting_at(mut self, offset: u64) -> Self {
        self.base = offset;
        self
    }

    /// Byte offset of the next unread byte.
    pub(crate) fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    pub(crate) fn error<T>(&self, message: impl Into<String>) -> Result<T> {
        Err(HeapError::new(self.offset(), message))
    }

    /// Keep the unread bytes, moved to the front, and read more after them;
    /// `false` when the input has ended and nothing was added.
    fn fill(&mut self) -> Result<bool> {
        self.buf.copy_within(self.pos..self.len, 0);
        self.base += self.pos as u64;
        self.len -= self.pos;
        self.pos = 0;
        if self.eof || self.len == self.buf.len() {
            return Ok(false);
        }
        loop {
            match self.inner.read(&mut self.buf[self.len..]) {
                Ok(n) => {
                    self.len += n;
                    self.eof = n == 0;
                    if let Some(progress) = self.progress.as_mut() {
                        progress(self.base + self.len as u64);
                    }
                    return Ok(n > 0);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(HeapError::new(self.base + self.len as u64, format!("read failed: {e}"))),
            }
        }
    }

    /// Read ahead until `bytes` are buffered or the input ends.
    #[cold]
    fn top_up(&mut self, bytes: usize) -> Result<()> {
        while self.len - self.pos < bytes && self.fill()? {}
        Ok(())
    }

    #[inline]
    pub(crate) fn peek_byte(&mut self) -> Result<Option<u8>> {
        if self.pos == self.len && !self.fill()? {
            return Ok(None);
        }
        Ok(Some(self.buf[self.pos]))
    }

    #[inline]
    fn next_byte(&mut self) -> Result<u8> {
        match self.peek_byte()? {
            Some(b) => {
                self.pos += 1;
                Ok(b)
            }
            None => self.error("unexpected end of file (the snapshot is truncated)"),
        }
    }

    /// The next byte that is not JSON whitespace, without consuming it.
    #[inline]
    pub(crate) fn peek(&mut self) -> Result<Option<u8>> {
        loop {
            match self.peek_byte()? {
                Some(b' ' | b'\n' | b'\r' | b'\t') => self.pos += 1,
                other => return Ok(other),
            }
        }
    }

    pub(crate) fn peek_required(&mut self) -> Result<u8> {
        match self.peek()? {
            Some(b) => Ok(b),
            None => self.error("unexpected end of file (the snapshot is truncated)"),
        }
    }

    pub(crate) fn expect(&mut self, want: u8) -> Result<()> {
        let got = self.peek_required()?;
        if got != want {
            return self.error(format!("expected `{}`, found {}", want as char, describe(got)));
        }
        self.pos += 1;
        Ok(())
    }

    /// After an element of an array or object: `true` when another follows
    /// (a comma was consumed), `false` at the closing bracket (consumed).
    pub(crate) fn more(&mut self, close: u8) -> Result<bool> {
        let got = self.peek_required()?;
        self.pos += 1;
        match got {
            b',' => Ok(true),
            b if b == close => Ok(false),
            other => {
                self.pos -= 1;
                self.error(format!("expected `,` or `{}`, found {}", close as char, describe(other)))
            }
        }
    }

    /// Consume `[`; `true` when the array is empty (its `]` consumed too).
    pub(crate) fn begin(&mut self, open: u8, close: u8) -> Result<bool> {
        self.expect(open)?;
        if self.peek_required()? == close {
            self.pos += 1;
            return Ok(true);
        }
        Ok(false)
    }

    /// Every record of a `[n, n, ...]` array of unsigned integers, `width`
    /// numbers each (the node, edge and location arrays, most of a snapshot).
    /// `each(record, start)` gets the record and the byte offset of its first
    /// number, and returns a message for records it rejects: the error gets
    /// the offset just after the record. Returns the number of integers.
    pub(crate) fn read_records(
        &mut self,
        width: usize,
        each: impl FnMut(&[u64], u64) -> std::result::Result<(), String>,
    ) -> Result<u64> {
        if self.begin(b'[', b']')? {
            return Ok(0);
        }
        Ok(self.records_from(width, u64::MAX, each)?.0)
    }

    /// [`Reader::read_records`] from inside the array, at a record's first
    /// number, through the closing `]`; or up to offset `stop`, when a record
    /// ends right before it (`true` then: the rest of the array is unread).
    pub(crate) fn records_from(
        &mut self,
        width: usize,
        stop: u64,
        mut each: impl FnMut(&[u64], u64) -> std::result::Result<(), String>,
    ) -> Result<(u64, bool)> {
        let width = width.max(1);
        let mut record = vec![0u64; width];
        let mut field = 0;
        let mut count: u64 = 0;
        let mut start = 0;
        // The block being read (at `self.pos`): its digit mask, and where its next number starts.
        let mut block: Option<(u64, usize)> = None;
        loop {
            // The next number: its value, the offsets where it starts and
            // ends, and whether the array ends after it.
            let (value, at, end, last) = 'next: {
                if let Some((digits, at)) = block {
                    if let Some((value, end, next)) = self.block_number(digits, at) {
                        block = Some((digits, next));
                        let block_at = self.base + self.pos as u64;
                        break 'next (value, block_at + at as u64, block_at + end as u64, false);
                    }
                    self.pos += at;
                    block = None;
                }
                if field == 0 && self.offset() == stop {
                    return Ok((count, true));
                }
                if self.len - self.pos < BULK {
                    self.top_up(BULK)?;
                }
                if self.len - self.pos >= BULK {
                    // The numbers of a 64-byte block that V8 writes as `123,` or
                    // `123\n,`, found through the block's digit mask: the next
                    // number's position never waits for this one's digits.
                    let digits = digit_mask(&self.buf[self.pos..self.pos + 64]);
                    if let Some((value, end, next)) = self.block_number(digits, 0) {
                        block = Some((digits, next));
                        let block_at = self.base + self.pos as u64;
                        break 'next (value, block_at, block_at + end as u64, false);
                    }
                }
                // Anything else, one number at a time.
                let at = self.offset();
                let value = self.array_number()?;
                let end = self.offset();
                (value, at, end, self.array_delimiter()?)
            };
            if field == 0 {
                start = at;
            }
            record[field] = value;
            field += 1;
            count += 1;
            if field == width {
                field = 0;
                if let Err(message) = each(&record, start) {
                    return Err(HeapError::new(end, message));
                }
                // Where the next record starts, when it is the stop.
                if let Some((_, next)) = block
                    && self.base + (self.pos + next) as u64 == stop
                {
                    self.pos += next;
                    return Ok((count, true));
                }
            }
            if last {
                break;
            }
        }
        if field != 0 {
            return self.error(format!("array length {count} is not a multiple of its record width {width}"));
        }
        Ok((count, false))
    }

    /// The offset just after the first `\n,` within `limit` bytes: where a
    /// record starts in the arrays V8 writes, one record per line.
    pub(crate) fn next_line_start(&mut self, limit: u64) -> Result<Option<u64>> {
        let end = self.offset() + limit;
        let mut newline = false;
        while self.offset() < end {
            let Some(b) = self.peek_byte()? else { return Ok(None) };
            self.pos += 1;
            if newline && b == b',' {
                return Ok(Some(self.offset()));
            }
            newline = b == b'\n';
        }
        Ok(None)
    }

    /// The number starting `at` bytes into the block at `self.pos` whose
    /// digit mask is `digits`: its value, and where it and its delimiter
    /// end (relative to the block). `None` for anything but a number of up
    /// to 15 digits inside the block followed by `,` or `\n,`.
    #[inline(always)]
    fn block_number(&self, digits: u64, at: usize) -> Option<(u64, usize, usize)> {
        if at >= 64 {
            return None;
        }
        let block = &self.buf[self.pos..self.pos + BULK];
        let run = (!(digits >> at)).trailing_zeros() as usize;
        if run == 0 || run > 15 || at + run >= 64 {
            return None;
        }
        let next = match block[at + run..at + run + 2] {
            [b',', _] => at + run + 1,
            [b'\n', b','] => at + run + 2,
            _ => return None,
        };
        let first = load8(&block[at..at + 8]);
        let value = if run == 1 {
            first & 0x0F
        } else if run <= 8 {
            eight_digits(first << (64 - 8 * run))
        } else {
            let second = load8(&block[at + 8..at + 16]);
            eight_digits(first) * POW10[run - 8] + eight_digits(second << (128 - 8 * run))
        };
        Some((value, at + run, next))
    }

    /// Skip `,` or `[` and whitespace: where a record starts when re-reading
    /// an array from a recorded offset.
    pub(crate) fn skip_separator(&mut self) -> Result<()> {
        if matches!(self.peek()?, Some(b',' | b'[')) {
            self.pos += 1;
        }
        Ok(())
    }

    /// One unsigned integer of an array, after optional whitespace. Up to 15
    /// digits are read from the buffer eight at a time without a branch per
    /// digit; longer numbers, numbers near the end of the input and anything
    /// unusual take the byte-by-byte path.
    #[inline(always)]
    pub(crate) fn array_number(&mut self) -> Result<u64> {
        if self.len - self.pos < LOOKAHEAD {
            self.top_up(LOOKAHEAD)?;
        }
        if self.len - self.pos >= LOOKAHEAD {
            let at = self.pos;
            let first = load8(&self.buf[at..at + 8]);
            let digits = digit_count(first);
            if (1..8).contains(&digits) {
                self.pos = at + digits;
                return Ok(eight_digits(first << (64 - 8 * digits)));
            }
            if digits == 8 {
                let second = load8(&self.buf[at + 8..at + 16]);
                let more = digit_count(second);
                if more < 8 {
                    let low = if more == 0 { 0 } else { eight_digits(second << (64 - 8 * more)) };
                    self.pos = at + 8 + more;
                    return Ok(eight_digits(first) * POW10[more] + low);
                }
            }
        }
        self.array_number_slow()
    }

    #[cold]
    fn array_number_slow(&mut self) -> Result<u64> {
        let first = match self.peek()? {
            Some(b) => b,
            None => return self.error("unexpected end of file inside an array (the snapshot is truncated)"),
        };
        if !first.is_ascii_digit() {
            return self.error(format!("expected a non-negative integer, found {}", describe(first)));
        }
        let mut value: u64 = 0;
        while let Some(b) = self.peek_byte()? {
            if !b.is_ascii_digit() {
                break;
            }
            value = match value.checked_mul(10).and_then(|v| v.checked_add(u64::from(b - b'0'))) {
                Some(v) => v,
                None => return self.error("integer does not fit in 64 bits"),
            };
            self.pos += 1;
        }
        Ok(value)
    }

    /// After an array's integer: `false` for `,` (consumed), `true` for `]`
    /// (consumed). V8 writes `,` or `\n,` here.
    #[inline(always)]
    pub(crate) fn array_delimiter(&mut self) -> Result<bool> {
        match self.buf[self.pos..self.len] {
            [b',', ..] => {
                self.pos += 1;
                Ok(false)
            }
            [b'\n', b',', ..] => {
                self.pos += 2;
                Ok(false)
            }
            _ => self.array_delimiter_slow(),
        }
    }

    #[cold]
    fn array_delimiter_slow(&mut self) -> Result<bool> {
        match self.peek()? {
            Some(b',') => {
                self.pos += 1;
                Ok(false)
            }
            Some(b']') => {
                self.pos += 1;
                Ok(true)
            }
            Some(b'.' | b'e' | b'E') => self.error("expected an integer, found a fraction or exponent"),
            Some(b) if b.is_ascii_digit() => self.error("expected `,` or `]` between numbers"),
            Some(b) => self.error(format!("expected `,` or `]` after a number, found {}", describe(b))),
            None => self.error("unexpected end of file inside an array (the snapshot is truncated)"),
        }
    }

    /// A JSON string, decoded into `out` (cleared first). Lone surrogates,
    /// which V8 writes for broken UTF-16, become U+FFFD.
    pub(crate) fn read_string(&mut self, out: &mut String) -> Result<()> {
        out.clear();
        self.append_string(out)
    }

    /// A JSON string, decoded and appended to `out`.
    pub(crate) fn append_string(&mut self, out: &mut String) -> Result<()> {
        self.expect(b'"')?;
        let mut raw = std::mem::take(&mut self.scratch);
        raw.clear();
        let body = self.string_body(&mut raw);
        if body.is_ok() {
            match std::str::from_utf8(&raw) {
                Ok(text) => out.push_str(text),
                Err(_) => out.push_str(&String::from_utf8_lossy(&raw)),
            }
        }
        self.scratch = raw;
        body
    }

    fn string_body(&mut self, raw: &mut Vec<u8>) -> Result<()> {
        loop {
            // Copy runs without escapes in one go.
            if self.pos == self.len && !self.fill()? {
                return self.error("unexpected end of file inside a string (the snapshot is truncated)");
            }
            let chunk = &self.buf[self.pos..self.len];
            let stop = chunk.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            let run = stop.unwrap_or(chunk.len());
            raw.extend_from_slice(&chunk[..run]);
            self.pos += run;
            if stop.is_none() {
                continue;
            }
            match self.next_byte()? {
                b'"' => return Ok(()),
                b'\\' => self.read_escape(raw)?,
                b => {
                    self.pos -= 1;
                    return self.error(format!("control character {b:#04x} inside a string"));
                }
            }
        }
    }

    fn read_escape(&mut self, raw: &mut Vec<u8>) -> Result<()> {
        let c = match self.next_byte()? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.read_hex4()?;
                if (0xD800..0xDC00).contains(&high) {
                    // A high surrogate: pair it with a following `\uDC00-\uDFFF`.
                    if self.peek_byte()? == Some(b'\\') {
                        self.pos += 1;
                        if self.next_byte()? != b'u' {
                            return self.error("invalid escape after a surrogate");
                        }
                        let low = self.read_hex4()?;
                        if (0xDC00..0xE000).contains(&low) {
                            let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                            char::from_u32(code).unwrap_or('\u{FFFD}')
                        } else {
                            push_char(raw, '\u{FFFD}');
                            char::from_u32(low).unwrap_or('\u{FFFD}')
                        }
                    } else {
                        '\u{FFFD}'
                    }
                } else {
                    char::from_u32(high).unwrap_or('\u{FFFD}')
                }
            }
            other => {
                self.pos -= 1;
                return self.error(format!("invalid escape `\\{}` in a string", other as char));
            }
        };
        push_char(raw, c);
        Ok(())
    }

    fn read_hex4(&mut self) -> Result<u32> {
        let mut v = 0;
        for _ in 0..4 {
            let b = self.next_byte()?;
            let d = match (b as char).to_digit(16) {
                Some(d) => d,
                None => return self.error("invalid `\\u` escape"),
            };
            v = v * 16 + d;
        }
        Ok(v)
    }

    /// Skip any JSON value (sections leaklint does not use, such as `samples`).
    pub(crate) fn skip_value(&mut self) -> Result<()> {
        let mut scratch = String::new();
        // Closing brackets still expected, innermost last.
        let mut stack: Vec<u8> = Vec::new();
        loop {
            match self.peek_required()? {
                b'{' => {
                    self.pos += 1;
                    if self.peek_required()? == b'}' {
                        self.pos += 1;
                    } else {
                        stack.push(b'}');
                        self.read_string(&mut scratch)?;
                        self.expect(b':')?;
                        if stack.len() > MAX_DEPTH {
                            return self.error("nesting too deep");
                        }
                        continue;
                    }
                }
                b'[' => {
                    self.pos += 1;
                    if self.peek_required()? == b']' {
                        self.pos += 1;
                    } else {
                        stack.push(b']');
                        if stack.len() > MAX_DEPTH {
                            return self.error("nesting too deep");
                        }
                        continue;
                    }
                }
                b'"' => self.read_string(&mut scratch)?,
                b'-' | b'0'..=b'9' => self.skip_number()?,
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                other => return self.error(format!("expected a JSON value, found {}", describe(other))),
            }
            // A value is complete: close every container that ends here.
            loop {
                let Some(&close) = stack.last() else { return Ok(()) };
                if self.more(close)? {
                    if close == b'}' {
                        self.read_string(&mut scratch)?;
                        self.expect(b':')?;
                    }
                    break;
                }
                stack.pop();
            }
        }
    }

    pub(crate) fn skip_number(&mut self) -> Result<()> {
        let start = self.offset();
        while let Some(b) = self.peek_byte()? {
            if !matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                break;
            }
            self.pos += 1;
        }
        if self.offset() == start {
            return self.error("expected a number");
        }
        Ok(())
    }

    /// A number of any shape, as f64 (header values only).
    pub(crate) fn read_f64(&mut self) -> Result<f64> {
        let start = self.offset();
        let mut text = String::new();
        while let Some(b) = self.peek_byte()? {
            if !matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') || text.len() > 64 {
                break;
            }
            text.push(b as char);
            self.pos += 1;
        }
        text.parse().map_err(|_| HeapError::new(start, format!("invalid number `{text}`")))
    }

    pub(crate) fn literal(&mut self, word: &[u8]) -> Result<()> {
        for &want in word {
            if self.next_byte()? != want {
                self.pos -= 1;
                return self.error(format!("expected `{}`", String::from_utf8_lossy(word)));
            }
        }
        Ok(())
    }
}

/// Eight bytes as a little-endian word: the first byte is the lowest.
#[inline(always)]
fn load8(bytes: &[u8]) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(bytes);
    u64::from_le_bytes(word)
}

/// How many of the word's bytes, from the first, are ASCII digits (0-8).
#[inline(always)]
fn digit_count(word: u64) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // A byte is a digit when its high nibble is 3 and adding 6 keeps it so.
    // Adding can carry into the next byte only from a byte that is not a
    // digit, so every byte up to the first non-digit is judged correctly.
    let high = (word & (0xF0 * ONES)) ^ (0x30 * ONES);
    let low = (word.wrapping_add(0x06 * ONES) & (0xF0 * ONES)) ^ (0x30 * ONES);
    let other = high | low;
    // The top bit of every byte that is not zero (no carries between bytes).
    let marks = (((other & (0x7F * ONES)) + 0x7F * ONES) | other) & (0x80 * ONES);
    (marks.trailing_zeros() / 8) as usize
}

/// The value of eight ASCII digits, the first in the lowest byte; bytes that
/// are zero count as leading zeros.
#[inline(always)]
fn eight_digits(word: u64) -> u64 {
    let word = ((word & 0x0F0F_0F0F_0F0F_0F0F).wrapping_mul(2561)) >> 8;
    let word = ((word & 0x00FF_00FF_00FF_00FF).wrapping_mul(6_553_601)) >> 16;
    ((word & 0x0000_FFFF_0000_FFFF).wrapping_mul(42_949_672_960_001)) >> 32
}

/// One bit per byte of a 64-byte block, set for ASCII digits.
#[inline(always)]
fn digit_mask(block: &[u8]) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut mask = 0;
    for (k, word) in block.chunks_exact(8).enumerate() {
        let x = load8(word) ^ (0x30 * ONES);
        // The top bit of every byte not in 0..=9 after the xor, without carries between bytes.
        let other = (((x & (0x7F * ONES)) + 0x76 * ONES) | x) & (0x80 * ONES);
        let digits = !other & (0x80 * ONES);
        // Gather the eight top bits into one byte, first byte lowest.
        mask |= ((digits >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * k);
    }
    mask
}

const POW10: [u64; 8] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000];

impl<R: Input> Reader<'_, R> {
    /// Continue at byte `offset` of the input; `false` when it cannot move.
    pub(crate) fn jump_to(&mut self, offset: u64) -> Result<bool> {
        match self.inner.jump(offset) {
            Ok(true) => {
                self.base = offset;
                self.pos = 0;
                self.len = 0;
                self.eof = false;
                Ok(true)
            }
            Ok(false) => Ok(false),
            Err(e) => Err(HeapError::new(offset, format!("seek failed: {e}"))),
        }
    }
}

fn push_char(raw: &mut Vec<u8>, c: char) {
    let mut tmp = [0; 4];
    raw.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
}

pub(crate) fn describe(b: u8) -> String {
    if b.is_ascii_graphic() { format!("`{}`", b as char) } else { format!("byte {b:#04x}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out at most `step` bytes per read, so numbers straddle every
    /// buffer boundary and the byte-by-byte path runs as often as the block one.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(out.len()).min(self.data.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    /// Every record of `text` read in every way: whole, trickled, and with
    /// the smallest buffer; all must agree.
    fn records(text: &str, width: usize) -> Result<(Vec<Vec<u64>>, Vec<u64>)> {
        let mut results = Vec::new();
        for (step, capacity) in [(usize::MAX, CHUNK), (1, CHUNK), (7, 0), (97, 0), (usize::MAX, 0)] {
            let mut r = Reader::with_capacity(Trickle { data: text.as_bytes(), step }, None, capacity);
            let mut out = Vec::new();
            let mut starts = Vec::new();
            let read = r.read_records(width, |record, start| {
                out.push(record.to_vec());
                starts.push(start);
                Ok(())
            });
            results.push(read.map(|count| {
                assert_eq!(count as usize, out.len() * width);
                (out, starts)
            }));
        }
        let first = results.remove(0);
        for other in results {
            match (&first, &other) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
                (Err(a), Err(b)) => assert_eq!((a.offset, &a.message), (b.offset, &b.message), "{text}"),
                _ => panic!("{text}: {first:?} / {other:?}"),
            }
        }
        first
    }

    #[test]
    fn numbers_of_every_length_and_layout_read_back() {
        let mut values: Vec<u64> = vec![0, 1, 9, 10, 99, 100, u64::MAX, u64::MAX - 1, 1 << 32, (1 << 32) - 1];
        let mut x: u64 = 1;
        for _ in 1..=20 {
            values.push(x);
            values.push(x.saturating_mul(10) - 1);
            values.push(x + x / 3 + 7 % x.max(1));
            x = x.saturating_mul(10);
        }
        for separators in [&[","][..], &["\n,"], &[",", "\n,", " , ", ",\n", ",\t\r\n "]] {
            let mut text = String::from("[");
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    text.push_str(separators[i % separators.len()]);
                }
                text.push_str(&v.to_string());
            }
            text.push(']');
            for width in [1, 2, values.len()] {
                if !values.len().is_multiple_of(width) {
                    continue;
                }
                let (got, starts) = records(&text, width).unwrap();
                assert_eq!(got.concat(), values, "{text}");
                // Each record's offset is where its first number starts (or the whitespace before it).
                for (record, &start) in got.iter().zip(&starts) {
                    let rest = text[start as usize..].trim_start();
                    assert!(rest.starts_with(&record[0].to_string()), "{start} in {text}");
                }
            }
        }
        // Leading zeros are read (V8 never writes them), however many.
        assert_eq!(records("[007,0000000000000000000000042]", 1).unwrap().0, [[7], [42]]);
        assert_eq!(records("[]", 3).unwrap().0, Vec::<Vec<u64>>::new());
        assert_eq!(records(" [ 1 , 2 ] ", 2).unwrap().0, [[1, 2]]);
    }

    #[test]
    fn bad_numbers_are_errors_at_their_offset() {
        let error = |text: &str| records(text, 1).expect_err(text);
        // One past u64::MAX: the last digit overflows.
        let e = error("[1,18446744073709551616]");
        assert_eq!((e.offset, e.message.as_str()), (22, "integer does not fit in 64 bits"));
        let e = error("[1,99999999999999999999999]");
        assert!(e.message.contains("64 bits"), "{e}");
        let e = error("[1,-2]");
        assert_eq!((e.offset, e.message.as_str()), (3, "expected a non-negative integer, found `-`"));
        let e = error("[1.5]");
        assert_eq!((e.offset, e.message.as_str()), (2, "expected an integer, found a fraction or exponent"));
        assert!(error("[1e3]").message.contains("exponent"));
        assert_eq!(error("[1,,2]").offset, 3);
        assert_eq!(error("[1,]").offset, 3);
        assert_eq!(error("[1 2]").message, "expected `,` or `]` between numbers");
        assert!(error("[1,x]").message.contains("found `x`"));
        // Truncated inside a number, after it, and after a comma: the end of the input.
        for cut in ["[12345", "[1,12345", "[1,2,", "[1,2\n"] {
            let e = error(cut);
            assert_eq!(e.offset, cut.len() as u64, "{cut}");
            assert!(e.message.contains("truncated"), "{cut}: {e}");
        }
        // A block's worth of numbers, then the cut: the same from every path.
        let long: String = "[".to_owned() + &(0..100).map(|i| (i * 7919).to_string()).collect::<Vec<_>>().join(",");
        for cut in long.len() - 20..=long.len() {
            let e = error(&long[..cut]);
            assert_eq!(e.offset, cut as u64);
        }
        let e = records("[1,2,3]", 2).expect_err("odd length");
        assert!(e.message.contains("not a multiple of its record width 2"), "{e}");
    }

    #[test]
    fn a_rejected_record_is_an_error_after_it() {
        let text = "[1,2,3,4,5,6]";
        let mut r = Reader::new(text.as_bytes(), None);
        let e = r
            .read_records(2, |record, _| if record[0] == 3 { Err("no threes".to_owned()) } else { Ok(()) })
            .expect_err("rejected");
        assert_eq!((e.offset, e.message.as_str()), (8, "no threes"));
        // The same from the block path: after the rejected record's last number.
        let text = "[".to_owned() + &(1000..1200).map(|i| i.to_string()).collect::<Vec<_>>().join("\n,") + "]";
        let end = text.find("1151").unwrap() + 4;
        let mut r = Reader::new(text.as_bytes(), None);
        let e = r
            .read_records(2, |record, _| if record[0] == 1150 { Err("rejected".to_owned()) } else { Ok(()) })
            .expect_err("rejected");
        assert_eq!(e.offset, end as u64);
    }

    #[test]
    fn word_helpers_agree_with_the_obvious_byte_loops() {
        for first in 0..=255u8 {
            for second in [b'0', b'5', b'9', b',', b'\n', 0xFF, b'/', b':'] {
                let bytes = [b'1', first, second, b'2', b'3', b'4', b'5', b'6'];
                let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
                assert_eq!(digit_count(load8(&bytes)), digits, "{bytes:?}");
                let mut block = [b','; 64];
                block[..8].copy_from_slice(&bytes);
                block[63] = first;
                let mask = digit_mask(&block);
                for (i, b) in block.iter().enumerate() {
                    assert_eq!(mask >> i & 1 == 1, b.is_ascii_digit(), "byte {i} of {bytes:?}");
                }
            }
        }
        for value in [0u64, 7, 12, 12345678, 99999999, 10000000, 1] {
            let text = format!("{value:08}");
            assert_eq!(eight_digits(load8(text.as_bytes())), value);
            let short = value.to_string();
            let mut word = [0u8; 8];
            word[8 - short.len()..].copy_from_slice(short.as_bytes());
            assert_eq!(eight_digits(u64::from_le_bytes(word)), value, "{short}");
        }
    }
}

//! A small JSON tokenizer over a byte stream: just what the snapshot format
//! needs (objects, arrays of unsigned integers, strings), reading the file
//! once in fixed-size chunks so memory stays independent of its size.

use std::io::Read;

use crate::error::{HeapError, Result};

const CHUNK: usize = 1 << 16;
/// Nesting deeper than this is not a heap snapshot; stops stack-free skipping
/// from being used as a memory bomb through its depth counter only.
const MAX_DEPTH: usize = 512;

pub(crate) struct Reader<'p, R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    /// Bytes consumed before `buf[0]`.
    base: u64,
    progress: Option<&'p mut dyn FnMut(u64)>,
}

impl<'p, R: Read> Reader<'p, R> {
    pub(crate) fn new(inner: R, progress: Option<&'p mut dyn FnMut(u64)>) -> Self {
        Self { inner, buf: vec![0; CHUNK].into_boxed_slice(), pos: 0, len: 0, base: 0, progress }
    }

    /// Byte offset of the next unread byte.
    pub(crate) fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    pub(crate) fn error<T>(&self, message: impl Into<String>) -> Result<T> {
        Err(HeapError::new(self.offset(), message))
    }

    fn fill(&mut self) -> Result<bool> {
        self.base += self.len as u64;
        self.pos = 0;
        self.len = 0;
        loop {
            match self.inner.read(&mut self.buf) {
                Ok(n) => {
                    self.len = n;
                    if let Some(progress) = self.progress.as_mut() {
                        progress(self.base + n as u64);
                    }
                    return Ok(n > 0);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(HeapError::new(self.base, format!("read failed: {e}"))),
            }
        }
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

    /// Every integer of a `[n, n, ...]` array, in order, scanning the buffer
    /// directly (the node and edge arrays are most of a snapshot). `each`
    /// returns a message for values it rejects; the error gets the offset.
    pub(crate) fn read_u64_array(
        &mut self,
        mut each: impl FnMut(u64) -> std::result::Result<(), String>,
    ) -> Result<u64> {
        #[derive(PartialEq)]
        enum State {
            Open,
            AfterComma,
            InNumber,
            AfterNumber,
        }
        self.expect(b'[')?;
        let mut state = State::Open;
        let mut value: u64 = 0;
        let mut count: u64 = 0;
        loop {
            if self.pos == self.len && !self.fill()? {
                return self.error("unexpected end of file inside an array (the snapshot is truncated)");
            }
            let buf = &self.buf[self.pos..self.len];
            let at = |i: usize| self.base + (self.pos + i) as u64;
            let mut i = 0;
            while i < buf.len() {
                let b = buf[i];
                if b.is_ascii_digit() {
                    if state == State::AfterNumber {
                        return Err(HeapError::new(at(i), "expected `,` or `]` between numbers"));
                    }
                    // The whole run of digits in one tight loop; a number cut
                    // by the chunk's end carries on in the next one.
                    let mut v = value;
                    while i < buf.len() && buf[i].is_ascii_digit() {
                        v = match v.checked_mul(10).and_then(|v| v.checked_add(u64::from(buf[i] - b'0'))) {
                            Some(v) => v,
                            None => return Err(HeapError::new(at(i), "integer does not fit in 64 bits")),
                        };
                        i += 1;
                    }
                    value = v;
                    state = State::InNumber;
                    continue;
                }
                match b {
                    b',' | b']' | b' ' | b'\n' | b'\r' | b'\t' => {
                        if state == State::InNumber {
                            each(value).map_err(|m| HeapError::new(at(i), m))?;
                            count += 1;
                            value = 0;
                            state = State::AfterNumber;
                        }
                        match b {
                            b',' if state == State::AfterNumber => state = State::AfterComma,
                            b']' if matches!(state, State::AfterNumber | State::Open) => {
                                self.pos += i + 1;
                                return Ok(count);
                            }
                            b',' | b']' => return Err(HeapError::new(at(i), "expected a non-negative integer")),
                            _ => {}
                        }
                    }
                    b'.' | b'e' | b'E' if state == State::InNumber => {
                        return Err(HeapError::new(at(i), "expected an integer, found a fraction or exponent"));
                    }
                    other => {
                        return Err(HeapError::new(
                            at(i),
                            format!("expected a non-negative integer, found {}", describe(other)),
                        ));
                    }
                }
                i += 1;
            }
            self.pos = self.len;
        }
    }

    /// A JSON string, decoded into `out` (cleared first). Lone surrogates,
    /// which V8 writes for broken UTF-16, become U+FFFD.
    pub(crate) fn read_string(&mut self, out: &mut String) -> Result<()> {
        out.clear();
        self.expect(b'"')?;
        let mut raw: Vec<u8> = Vec::new();
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
                b'"' => break,
                b'\\' => self.read_escape(&mut raw)?,
                b => {
                    self.pos -= 1;
                    return self.error(format!("control character {b:#04x} inside a string"));
                }
            }
        }
        match String::from_utf8(raw) {
            Ok(s) => *out = s,
            Err(e) => *out = String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }
        Ok(())
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

fn push_char(raw: &mut Vec<u8>, c: char) {
    let mut tmp = [0; 4];
    raw.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
}

pub(crate) fn describe(b: u8) -> String {
    if b.is_ascii_graphic() { format!("`{}`", b as char) } else { format!("byte {b:#04x}") }
}

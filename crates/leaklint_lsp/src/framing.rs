//! Reading LSP's `Content-Length` frames from a client that may send anything.
//!
//! `lsp_server::Message::read` trusts the header: it allocates whatever
//! `Content-Length` says at once (10^12 aborts the process, 2^64−1 panics),
//! and after a malformed frame it reads the next frame's body as headers,
//! waiting for a line break that may never come. Here a frame is refused when
//! it is larger than [`MAX_FRAME_BYTES`] or its headers make no sense, and
//! reading goes on from the next `Content-Length` header in the stream.

use std::io::{self, BufRead, Read};

use lsp_server::Message;

/// The largest message body accepted: a 32 MiB file (what `leaklint check`
/// reads) escaped as JSON, with room to spare.
pub const MAX_FRAME_BYTES: usize = 128 * 1024 * 1024;

/// A header line longer than this is not a header.
const MAX_HEADER_LINE_BYTES: usize = 1024;

const CONTENT_LENGTH: &[u8] = b"Content-Length";

/// What one read from the client gave.
#[derive(Debug)]
pub enum Frame {
    Message(Message),
    /// A frame that was skipped, and why; the client should be told
    /// (`code` is a JSON-RPC error code).
    Refused {
        code: i32,
        reason: String,
    },
    /// The client closed the stream.
    End,
}

/// JSON-RPC's codes for a body that is not JSON and for one that is no request.
const PARSE_ERROR: i32 = -32700;
const INVALID_REQUEST: i32 = -32600;

/// Frames from a byte stream.
pub struct FrameReader<R> {
    input: R,
    /// The start of the next header line, already read while skipping a bad
    /// frame up to the next `Content-Length`.
    pending: Vec<u8>,
    /// The last frame was refused: drop what is left of it before reading on
    /// (after the refusal was answered, as that may wait for more input).
    skip_rest: bool,
}

impl<R: BufRead> FrameReader<R> {
    pub fn new(input: R) -> Self {
        Self { input, pending: Vec::new(), skip_rest: false }
    }

    /// The next frame. `Err` only for I/O errors of the stream itself.
    pub fn read(&mut self) -> io::Result<Frame> {
        if std::mem::take(&mut self.skip_rest) && self.pending.is_empty() {
            self.skip_to_next_header()?;
        }
        let length = match self.read_headers()? {
            Headers::End => return Ok(Frame::End),
            Headers::Malformed(reason) => {
                self.skip_rest = true;
                return Ok(Frame::Refused { code: INVALID_REQUEST, reason });
            }
            Headers::Length(length) => length,
        };
        if length > MAX_FRAME_BYTES as u64 {
            // The body is not read into memory: whatever comes up to the next
            // header is dropped, which also copes with a length that is a lie.
            self.skip_rest = true;
            let reason = format!("a message of {length} bytes is larger than the limit of {MAX_FRAME_BYTES} bytes");
            return Ok(Frame::Refused { code: INVALID_REQUEST, reason });
        }
        let mut body = Vec::new();
        (&mut self.input).take(length).read_to_end(&mut body)?;
        if body.len() as u64 != length {
            return Ok(Frame::End);
        }
        let text = match String::from_utf8(body) {
            Ok(text) => text,
            Err(err) => {
                return Ok(Frame::Refused { code: PARSE_ERROR, reason: format!("the message is not UTF-8: {err}") });
            }
        };
        Ok(match serde_json::from_str::<Message>(&text) {
            Ok(message) => Frame::Message(message),
            Err(err) => {
                Frame::Refused { code: PARSE_ERROR, reason: format!("the message is not a JSON-RPC message: {err}") }
            }
        })
    }

    /// The header block up to its blank line. Lines may end in `\r\n` or `\n`.
    fn read_headers(&mut self) -> io::Result<Headers> {
        let mut length = None;
        let mut first = true;
        loop {
            let Some(line) = self.read_header_line()? else {
                return Ok(Headers::End);
            };
            let line = match line {
                Ok(line) => line,
                Err(reason) => return Ok(Headers::Malformed(reason)),
            };
            let line = line.strip_suffix(b"\r").unwrap_or(&line);
            if line.is_empty() {
                // Blank lines between frames are tolerated.
                if first {
                    continue;
                }
                return Ok(match length {
                    Some(length) => Headers::Length(length),
                    None => Headers::Malformed("a message without a Content-Length header".to_string()),
                });
            }
            first = false;
            let text = String::from_utf8_lossy(line);
            let Some((name, value)) = text.split_once(':').filter(|(name, _)| is_token(name)) else {
                // A frame cut short runs into the next one's header: resume there.
                if let Some(at) = find(&line[1..], CONTENT_LENGTH) {
                    self.pending = line[1 + at..].to_vec();
                    self.pending.push(b'\n');
                }
                return Ok(Headers::Malformed(format!("not a header: {:.80?}", text)));
            };
            if name.eq_ignore_ascii_case("Content-Length") {
                match value.trim().parse::<u64>() {
                    Ok(value) => length = Some(value),
                    Err(_) => return Ok(Headers::Malformed(format!("not a length: {:?}", value.trim()))),
                }
            }
        }
    }

    /// One line without its `\n`; `None` at the end of the stream; an inner
    /// `Err` for a line too long to be a header (left unread past the limit).
    fn read_header_line(&mut self) -> io::Result<Option<Result<Vec<u8>, String>>> {
        let mut line = std::mem::take(&mut self.pending);
        if line.ends_with(b"\n") {
            line.pop();
            return Ok(Some(Ok(line)));
        }
        loop {
            let available = self.input.fill_buf()?;
            if available.is_empty() {
                return Ok(if line.is_empty() { None } else { Some(Ok(line)) });
            }
            let room = MAX_HEADER_LINE_BYTES + 1 - line.len();
            match available.iter().take(room).position(|&b| b == b'\n') {
                Some(end) => {
                    line.extend_from_slice(&available[..end]);
                    self.input.consume(end + 1);
                    return Ok(Some(Ok(line)));
                }
                None => {
                    let taken = available.len().min(room);
                    line.extend_from_slice(&available[..taken]);
                    self.input.consume(taken);
                    if line.len() > MAX_HEADER_LINE_BYTES {
                        return Ok(Some(Err(format!("a header line longer than {MAX_HEADER_LINE_BYTES} bytes"))));
                    }
                }
            }
        }
    }

    /// Drop input up to and including the next `Content-Length` name, or to the end.
    fn skip_to_next_header(&mut self) -> io::Result<()> {
        let mut matched = 0;
        loop {
            let available = self.input.fill_buf()?;
            if available.is_empty() {
                return Ok(());
            }
            for (i, &byte) in available.iter().enumerate() {
                matched =
                    if byte == CONTENT_LENGTH[matched] { matched + 1 } else { usize::from(byte == CONTENT_LENGTH[0]) };
                if matched == CONTENT_LENGTH.len() {
                    self.input.consume(i + 1);
                    self.pending = CONTENT_LENGTH.to_vec();
                    return Ok(());
                }
            }
            let len = available.len();
            self.input.consume(len);
        }
    }
}

/// A header name: letters, digits and `!#$%&'*+-.^_`|~`, as HTTP has it.
fn is_token(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

enum Headers {
    Length(u64),
    Malformed(String),
    End,
}

#[cfg(test)]
mod tests;

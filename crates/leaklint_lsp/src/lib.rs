//! `leaklint lsp`: a language server that reports leak findings as you type.
//!
//! LSP 3.17 over stdio with [`lsp_server`]'s messages, read by `framing`,
//! which refuses oversized or malformed frames and reads on. The message loop
//! (`server`) owns the open documents and never analyses: each change queues
//! a snapshot for the analysis thread (`analysis`), which coalesces queued
//! versions of a document, and results for versions that are no longer
//! current are dropped. Diagnostics are pushed, or pulled by clients that
//! support `textDocument/diagnostic`; code actions (`actions`) offer each
//! finding's fixes, a suppression comment, and `source.fixAll.leaklint`.

// Documents are keyed by `lsp_types::Uri`, which hashes and compares by its
// text; the cells clippy sees inside it only cache parsed parts.
#![allow(clippy::mutable_key_type)]

mod actions;
mod analysis;
mod document;
mod framing;
mod position;
mod server;

use std::io::{BufReader, Read, Write};
use std::process::ExitCode;
use std::thread;

use lsp_server::Message;

pub use actions::FIX_ALL_KIND;
pub use framing::MAX_FRAME_BYTES;
use framing::{Frame, FrameReader};
pub use server::Outcome;

/// Serve on stdin/stdout until the client says `exit` or goes away.
pub fn run_stdio() -> ExitCode {
    let outcome = serve(std::io::stdin(), std::io::stdout());
    if let Outcome::Failed(reason) = &outcome {
        eprintln!("leaklint lsp: {reason}");
    }
    ExitCode::from(outcome.code())
}

/// Serve one session on a byte stream pair with LSP's `Content-Length`
/// framing. Returns once the session ends and every reply is written.
pub fn serve(input: impl Read + Send + 'static, output: impl Write + Send + 'static) -> Outcome {
    let (to_server, from_client) = crossbeam_channel::unbounded::<Message>();
    let (to_client, from_server) = crossbeam_channel::unbounded::<Message>();
    // Frames the reader refused, answered with a JSON-RPC error (`id` null:
    // the request they held, if any, was never read).
    let (refusals, refused) = crossbeam_channel::unbounded::<(i32, String)>();
    // The reader is not joined: after `exit` it may sit blocked on a stream
    // the client keeps open, and it ends with the process.
    let reader = thread::Builder::new().name("leaklint-lsp-reader".into()).spawn(move || {
        let mut frames = FrameReader::new(BufReader::new(input));
        loop {
            match frames.read() {
                Ok(Frame::Message(message)) => {
                    let is_exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                    if to_server.send(message).is_err() || is_exit {
                        return;
                    }
                }
                Ok(Frame::Refused { code, reason }) => {
                    eprintln!("leaklint lsp: skipped a message: {reason}");
                    let _ = refusals.send((code, reason));
                }
                Ok(Frame::End) => return,
                Err(err) => {
                    eprintln!("leaklint lsp: cannot read from the client: {err}");
                    return;
                }
            }
        }
    });
    let writer = thread::Builder::new().name("leaklint-lsp-writer".into()).spawn(move || {
        let mut output = output;
        let mut refused = refused;
        loop {
            let written = crossbeam_channel::select! {
                recv(from_server) -> message => match message {
                    Ok(message) => message.write(&mut output),
                    // The session is over.
                    Err(_) => return,
                },
                recv(refused) -> refusal => match refusal {
                    Ok((code, reason)) => write_error(&mut output, code, &reason),
                    Err(_) => {
                        refused = crossbeam_channel::never();
                        Ok(())
                    }
                },
            };
            if written.and_then(|()| output.flush()).is_err() {
                return;
            }
        }
    });
    let (Ok(_reader), Ok(writer)) = (reader, writer) else {
        return Outcome::Failed("cannot start the I/O threads".to_string());
    };
    let outcome = server::run(to_client, from_client);
    // `run` dropped its sender, so the writer drains what is queued and stops.
    let _ = writer.join();
    outcome
}

/// A JSON-RPC error response to a message that could not be read.
fn write_error(output: &mut impl Write, code: i32, message: &str) -> std::io::Result<()> {
    let body = serde_json::json!({ "jsonrpc": "2.0", "id": null, "error": { "code": code, "message": message } });
    let body = body.to_string();
    write!(output, "Content-Length: {}\r\n\r\n{body}", body.len())
}

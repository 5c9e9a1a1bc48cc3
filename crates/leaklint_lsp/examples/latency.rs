//! Diagnostics round trip of `leaklint lsp` on a large file, as an editor sees it:
//! from sending `didOpen`/`didChange` to receiving the `publishDiagnostics` for
//! that version.
//!
//!     cargo build --release -p leaklint_cli
//!     cargo run --release -p leaklint_lsp --example latency -- target/release/leaklint [FILE.js]
//!
//! Without FILE, a 10,000-line file of request handlers (half of them leaking) is generated.

use std::io::BufReader;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lsp_server::{Message, Notification, Request, RequestId};
use serde_json::json;

const EDITS: usize = 20;

fn generated(lines: usize) -> String {
    let mut text = String::from("const express = require('express');\nconst app = express();\n");
    let mut i = 0;
    while text.lines().count() < lines {
        // Every other handler cleans up after itself, so the analyser sees both shapes.
        let cleanup = if i % 2 == 0 { "" } else { "\n  res.on('close', () => seen{i}.delete(req));" };
        text.push_str(&format!(
            "\nconst seen{i} = new Map();\napp.get('/r{i}', (req, res) => {{\n  seen{i}.set(req, Date.now());{cleanup}\n  const body = JSON.stringify({{ n: {i} }});\n  res.end(body);\n}});\n"
        ).replace("{i}", &i.to_string()));
        i += 1;
    }
    text
}

fn main() {
    let mut args = std::env::args().skip(1);
    let binary = args.next().expect("usage: latency <path to leaklint> [FILE.js]");
    let text = match args.next() {
        Some(path) => std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")),
        None => generated(10_000),
    };
    let mut server = Command::new(&binary)
        .args(["lsp", "--stdio"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {binary}: {e}"));
    let mut input = server.stdin.take().unwrap();
    let mut output = BufReader::new(server.stdout.take().unwrap());
    let mut send = |message: Message| message.write(&mut input).unwrap();
    let mut wait_for_version = |version: i32| -> usize {
        loop {
            match Message::read(&mut output).unwrap().expect("server closed its output") {
                Message::Notification(n)
                    if n.method == "textDocument/publishDiagnostics" && n.params["version"] == version =>
                {
                    return n.params["diagnostics"].as_array().unwrap().len();
                }
                _ => {}
            }
        }
    };

    send(Request::new(RequestId::from(1), "initialize".into(), json!({ "capabilities": {} })).into());
    send(Notification::new("initialized".into(), json!({})).into());
    let uri = "file:///latency/large.js";
    let started = Instant::now();
    send(
        Notification::new(
            "textDocument/didOpen".into(),
            json!({ "textDocument": { "uri": uri, "languageId": "javascript", "version": 1, "text": text } }),
        )
        .into(),
    );
    let findings = wait_for_version(1);
    let open = started.elapsed();

    // One-character edits at the top, one at a time, as typing does.
    let mut rounds: Vec<Duration> = Vec::with_capacity(EDITS);
    for edit in 0..EDITS {
        let version = edit as i32 + 2;
        let started = Instant::now();
        send(
            Notification::new(
                "textDocument/didChange".into(),
                json!({
                    "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{ "range": {
                        "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
                        "text": " " }],
                }),
            )
            .into(),
        );
        wait_for_version(version);
        rounds.push(started.elapsed());
    }
    send(Request::new(RequestId::from(2), "shutdown".into(), json!(null)).into());
    send(Notification::new("exit".into(), json!(null)).into());
    let status = server.wait().unwrap();

    rounds.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("file: {} lines, {} bytes, {findings} diagnostics", text.lines().count(), text.len());
    println!("didOpen -> publishDiagnostics: {:.1} ms", ms(open));
    println!(
        "didChange -> publishDiagnostics over {EDITS} edits: median {:.1} ms, min {:.1} ms, max {:.1} ms",
        ms(rounds[EDITS / 2]),
        ms(rounds[0]),
        ms(rounds[EDITS - 1])
    );
    println!("server exit: {status}");
}

//! The server driven through real `Content-Length` framing over in-process
//! pipes, the way an editor drives `leaklint lsp`.

use std::io::{BufReader, ErrorKind, PipeWriter, Write};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError};
use leaklint_lsp::{Outcome, serve};
use lsp_server::{Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};

const LEAK: &str = "const express = require('express');
const app = express();
const seen = new Map();

app.get('/x', (req, res) => {
  seen.set(req, Date.now());
  res.end('ok');
});
";

/// How long any one expected message may take (debug builds on a busy machine).
const PATIENCE: Duration = Duration::from_secs(20);

struct Client {
    input: Option<PipeWriter>,
    messages: Receiver<Message>,
    /// Error responses with `id: null`, for messages the server could not read.
    errors: Receiver<Value>,
    server: Option<JoinHandle<Outcome>>,
    next_id: i32,
    /// Server-to-client notifications seen while waiting for something else.
    seen: Vec<Message>,
}

impl Client {
    fn start() -> Self {
        let (server_in, input) = std::io::pipe().unwrap();
        let (output, server_out) = std::io::pipe().unwrap();
        let server = std::thread::spawn(move || serve(server_in, server_out));
        let (sender, messages) = crossbeam_channel::unbounded();
        let (error_sender, errors) = crossbeam_channel::unbounded();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(output);
            loop {
                match Message::read(&mut reader) {
                    Ok(Some(message)) => {
                        if sender.send(message).is_err() {
                            return;
                        }
                    }
                    // lsp_server has no `id: null`, which answers a message the server could not read.
                    Err(err) if err.kind() == ErrorKind::InvalidData => {
                        let body = err.to_string();
                        let start = body.find('{').unwrap_or(0);
                        let text = body[start..].trim_end_matches('"').replace("\\\"", "\"");
                        let _ = error_sender.send(serde_json::from_str(&text).unwrap_or(Value::String(body)));
                    }
                    _ => return,
                }
            }
        });
        Self { input: Some(input), messages, errors, server: Some(server), next_id: 0, seen: Vec::new() }
    }

    /// A started client after `initialize`/`initialized` with these client capabilities.
    fn initialized(capabilities: Value) -> (Self, Value) {
        let mut client = Self::start();
        let id =
            client.request("initialize", json!({ "processId": null, "rootUri": null, "capabilities": capabilities }));
        let result = client.response(&id).response_result.expect("initialize succeeds");
        client.notify("initialized", json!({}));
        (client, result)
    }

    fn send(&mut self, message: Message) {
        message.write(self.input.as_mut().expect("input still open")).unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> RequestId {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Request::new(id.clone(), method.to_string(), params).into());
        id
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(Notification::new(method.to_string(), params).into());
    }

    /// The first message that matches, among those already seen or the next
    /// ones; the others are kept in `seen`.
    fn wait_for(&mut self, what: &str, mut matches: impl FnMut(&Message) -> bool) -> Message {
        if let Some(i) = self.seen.iter().position(&mut matches) {
            return self.seen.remove(i);
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            match self.messages.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(message) if matches(&message) => return message,
                Ok(message) => self.seen.push(message),
                Err(RecvTimeoutError::Timeout) => panic!("no {what} within {PATIENCE:?}; got {:#?}", self.seen),
                Err(RecvTimeoutError::Disconnected) => panic!("server closed the stream while waiting for {what}"),
            }
        }
    }

    fn response(&mut self, id: &RequestId) -> Response {
        match self.wait_for("response", |m| matches!(m, Message::Response(r) if r.id == *id)) {
            Message::Response(response) => response,
            _ => unreachable!(),
        }
    }

    /// The `publishDiagnostics` for `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: i32) -> Vec<Value> {
        let message = self.wait_for("diagnostics", |m| {
            matches!(m, Message::Notification(n) if n.method == "textDocument/publishDiagnostics"
                && n.params["uri"] == uri && n.params["version"] == version)
        });
        let Message::Notification(n) = message else { unreachable!() };
        n.params["diagnostics"].as_array().unwrap().clone()
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": language, "version": 1, "text": text } }),
        );
    }

    /// `shutdown`, `exit`, and the session's outcome.
    fn finish(mut self) -> Outcome {
        let id = self.request("shutdown", Value::Null);
        assert_eq!(self.response(&id).response_result.ok(), Some(Value::Null));
        self.notify("exit", Value::Null);
        self.server.take().unwrap().join().unwrap()
    }
}

fn published(client: &Client) -> Vec<&Notification> {
    client
        .seen
        .iter()
        .filter_map(|m| match m {
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => Some(n),
            _ => None,
        })
        .collect()
}

#[test]
fn initialize_advertises_incremental_sync_code_actions_and_the_encoding() {
    let (client, result) = Client::initialized(json!({}));
    let caps = &result["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental");
    assert_eq!(caps["textDocumentSync"]["save"], json!({ "includeText": false }));
    assert_eq!(caps["codeActionProvider"]["codeActionKinds"], json!(["quickfix", "source.fixAll.leaklint"]));
    assert!(caps.get("diagnosticProvider").is_none(), "no pull without client support: {caps}");
    assert_eq!(result["serverInfo"]["name"], "leaklint");
    assert_eq!(client.finish(), Outcome::Exited);

    let (client, result) = Client::initialized(json!({ "general": { "positionEncodings": ["utf-16", "utf-8"] } }));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(client.finish().code(), 0);
}

#[test]
fn open_and_change_publish_diagnostics_for_the_current_version() {
    let (mut client, _) = Client::initialized(json!({}));
    let uri = "file:///project/leak.js";
    client.open(uri, "javascript", LEAK);
    let diagnostics = client.diagnostics(uri, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "no-unbounded-collection");
    assert_eq!(d["source"], "leaklint");
    assert_eq!(d["severity"], 1);
    assert_eq!(
        d["codeDescription"]["href"],
        "https://github.com/leaklint/leaklint/blob/main/rules/no-unbounded-collection.md"
    );
    // `seen.set(req, Date.now())` on line 6, columns 3 to 28 (1-based): 0-based LSP positions.
    assert_eq!(d["range"], json!({ "start": { "line": 5, "character": 2 }, "end": { "line": 5, "character": 27 } }));
    let related = d["relatedInformation"].as_array().unwrap();
    assert!(
        related.iter().any(|r| r["location"]["range"]["start"]["line"] == 2 && r["location"]["uri"] == uri),
        "the declaration on line 3 is related: {related:#?}"
    );

    // Three quick edits: the Map becomes a WeakMap in two steps, then a comment is added.
    let change = |version: i32, line: u32, from: u32, to: u32, text: &str| {
        json!({
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{ "range": {
                "start": { "line": line, "character": from }, "end": { "line": line, "character": to } },
                "text": text }],
        })
    };
    client.notify("textDocument/didChange", change(2, 2, 17, 17, "Weak"));
    client.notify("textDocument/didChange", change(3, 0, 0, 0, "// cache\n"));
    client.notify("textDocument/didChange", change(4, 0, 0, 0, "'use strict';\n"));
    assert_eq!(client.diagnostics(uri, 4), Vec::<Value>::new(), "a WeakMap does not leak");
    for n in published(&client) {
        assert_eq!(n.params["uri"], uri);
        let version = n.params["version"].as_i64().unwrap();
        assert!(version == 1 || version == 4 || version == 2 || version == 3, "{version}");
    }
    let versions: Vec<i64> = published(&client).iter().map(|n| n.params["version"].as_i64().unwrap()).collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "versions only go forward: {versions:?}");

    // Saving re-checks; closing clears.
    client.notify("textDocument/didSave", json!({ "textDocument": { "uri": uri } }));
    assert_eq!(client.diagnostics(uri, 4), Vec::<Value>::new());
    client.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
    client.wait_for("cleared diagnostics", |m| {
        matches!(m, Message::Notification(n) if n.method == "textDocument/publishDiagnostics"
            && n.params["uri"] == uri && n.params.get("version").is_none() && n.params["diagnostics"] == json!([]))
    });
    assert_eq!(client.finish(), Outcome::Exited);
}

#[test]
fn positions_use_the_negotiated_encoding() {
    let prefix = "const app = require('express')();\nconst seen = new Map();\n";
    let line = "const e = '😀'; app.get('/x', (req, res) => { seen.set(req, 1); });";
    let text = format!("{prefix}{line}\n");
    let emoji = line.find('😀').unwrap();
    let write = line.find("seen.set").unwrap();
    for encoding in ["utf-16", "utf-8"] {
        let count = |s: &str| match encoding {
            "utf-8" => s.len() as u32,
            _ => s.encode_utf16().count() as u32,
        };
        let (mut client, _) = Client::initialized(json!({ "general": { "positionEncodings": [encoding] } }));
        let uri = "file:///project/emoji.js";
        client.open(uri, "javascript", &text);
        let diagnostics = client.diagnostics(uri, 1);
        assert_eq!(
            diagnostics[0]["range"]["start"],
            json!({ "line": 2, "character": count(&line[..write]) }),
            "{encoding}"
        );
        // Replace the emoji, addressed in the encoding's units: misread, the edit would cut into the string's quotes.
        let (from, to) = (count(&line[..emoji]), count(&line[..emoji + '😀'.len_utf8()]));
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": 2 },
                "contentChanges": [{ "range": {
                    "start": { "line": 2, "character": from }, "end": { "line": 2, "character": to } },
                    "text": "x" }],
            }),
        );
        let diagnostics = client.diagnostics(uri, 2);
        assert_eq!(diagnostics[0]["code"], "no-unbounded-collection", "{encoding}: {diagnostics:#?}");
        let shifted = count(&line[..write]) - count("😀") + 1;
        assert_eq!(diagnostics[0]["range"]["start"]["character"], shifted, "{encoding}");
        client.finish();
    }
}

#[test]
fn code_actions_offer_a_suppression_comment_that_silences_the_finding() {
    let (mut client, _) = Client::initialized(json!({}));
    let uri = "file:///project/leak.js";
    client.open(uri, "javascript", LEAK);
    let diagnostic = client.diagnostics(uri, 1)[0].clone();
    let id = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": { "line": 5, "character": 4 }, "end": { "line": 5, "character": 4 } },
            "context": { "diagnostics": [diagnostic], "only": ["quickfix"] },
        }),
    );
    let actions = client.response(&id).response_result.ok().unwrap();
    let disable = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Disable no-unbounded-collection for this line")
        .unwrap_or_else(|| panic!("no disable action in {actions:#}"))
        .clone();
    assert_eq!(disable["kind"], "quickfix");
    assert_eq!(disable["diagnostics"][0]["code"], "no-unbounded-collection");
    let edits = &disable["edit"]["changes"][uri];
    assert_eq!(
        edits,
        &json!([{
            "range": { "start": { "line": 5, "character": 0 }, "end": { "line": 5, "character": 0 } },
            "newText": "  // leaklint-disable-next-line no-unbounded-collection\n",
        }])
    );
    // Apply it the way the editor would and check the finding is gone.
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": edits.as_array().unwrap().iter()
            .map(|e| json!({ "range": e["range"], "text": e["newText"] })).collect::<Vec<_>>() }),
    );
    assert_eq!(client.diagnostics(uri, 2), Vec::<Value>::new(), "the comment suppresses the finding");

    // Asking for source actions only leaves the quick fixes out.
    let id = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": { "line": 6, "character": 2 }, "end": { "line": 6, "character": 2 } },
            "context": { "diagnostics": [], "only": ["source"] },
        }),
    );
    assert_eq!(client.response(&id).response_result.ok(), Some(json!([])));
    client.finish();
}

#[test]
fn a_file_that_does_not_parse_gets_one_diagnostic_and_the_server_goes_on() {
    let (mut client, _) = Client::initialized(json!({}));
    client.open("file:///project/broken.js", "javascript", "function (\n  oops = ;\n");
    let diagnostics = client.diagnostics("file:///project/broken.js", 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "parse-error");
    assert!(diagnostics[0]["message"].as_str().unwrap().contains("could not parse"));
    client.open("file:///project/leak.js", "javascript", LEAK);
    assert_eq!(client.diagnostics("file:///project/leak.js", 1).len(), 1);
    assert_eq!(client.finish(), Outcome::Exited);
}

#[test]
fn deeply_nested_code_is_checked_and_deeper_code_gets_one_diagnostic() {
    let (mut client, _) = Client::initialized(json!({}));
    let parentheses = |n: usize| format!("x = {}1{};\n", "(".repeat(n), ")".repeat(n));
    let closures = format!("{}x();{}\n", "f(function () { ".repeat(500), " });".repeat(500));
    client.open("file:///project/parentheses.js", "javascript", &parentheses(1400));
    assert_eq!(client.diagnostics("file:///project/parentheses.js", 1), Vec::<Value>::new());
    client.open("file:///project/closures.js", "javascript", &closures);
    assert_eq!(client.diagnostics("file:///project/closures.js", 1), Vec::<Value>::new());
    client.open("file:///project/deep.js", "javascript", &parentheses(200_000));
    let diagnostics = client.diagnostics("file:///project/deep.js", 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert!(diagnostics[0]["message"].as_str().unwrap().contains("nesting too deep"), "{diagnostics:#?}");
    client.open("file:///project/leak.js", "javascript", LEAK);
    assert_eq!(client.diagnostics("file:///project/leak.js", 1).len(), 1);
    assert_eq!(client.finish(), Outcome::Exited);
}

#[test]
fn pull_clients_get_diagnostics_by_request_and_none_pushed() {
    let (mut client, result) = Client::initialized(json!({ "textDocument": { "diagnostic": {} } }));
    assert_eq!(result["capabilities"]["diagnosticProvider"]["interFileDependencies"], false);
    let uri = "untitled:Untitled-1";
    client.open(
        uri,
        "typescript",
        "const seen = new Map<object, number>();\nexport function handler(req: object) {\n  seen.set(req, 1);\n}\n",
    );
    let id = client.request("textDocument/diagnostic", json!({ "textDocument": { "uri": uri } }));
    let report = client.response(&id).response_result.ok().unwrap();
    assert_eq!(report["kind"], "full");
    let items = report["items"].as_array().unwrap();
    assert!(items.iter().all(|d| d["source"] == "leaklint"));
    assert!(items.iter().any(|d| d["code"] == "no-unbounded-collection"), "{items:#?}");
    // A document that is not open has nothing to report.
    let id = client.request("textDocument/diagnostic", json!({ "textDocument": { "uri": "file:///nowhere.js" } }));
    assert_eq!(client.response(&id).response_result.ok().unwrap()["items"], json!([]));
    assert!(published(&client).is_empty(), "nothing pushed to a pull client");
    client.finish();
}

#[test]
fn a_cancelled_request_is_answered_once_with_request_cancelled() {
    let (mut client, _) = Client::initialized(json!({}));
    // Big enough that its analysis is still running when the cancellation arrives.
    let big: String = (0..400).map(|i| LEAK.replace("seen", &format!("seen{i}"))).collect();
    let uri = "file:///project/big.js";
    client.open(uri, "javascript", &big);
    let id = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": { "line": 5, "character": 2 }, "end": { "line": 5, "character": 2 } },
            "context": { "diagnostics": [] },
        }),
    );
    client.notify("$/cancelRequest", json!({ "id": client.next_id }));
    let response = client.response(&id);
    assert_eq!(response.response_result.err().map(|e| e.code), Some(-32800), "RequestCancelled");
    assert_eq!(client.diagnostics(uri, 1).len(), 400);
    assert!(!client.seen.iter().any(|m| matches!(m, Message::Response(r) if r.id == id)), "answered exactly once");
    client.finish();
}

#[test]
fn exit_codes_follow_the_protocol() {
    // `exit` without `shutdown` is an error exit.
    let (mut client, _) = Client::initialized(json!({}));
    client.notify("exit", Value::Null);
    assert_eq!(client.server.take().unwrap().join().unwrap().code(), 1);

    // The client going away without `exit`.
    let (mut client, _) = Client::initialized(json!({}));
    drop(client.input.take());
    assert_eq!(client.server.take().unwrap().join().unwrap(), Outcome::Disconnected);

    // Requests before `initialize` are refused; after `shutdown`, they are invalid.
    let mut client = Client::start();
    let id = client.request("textDocument/codeAction", json!({}));
    assert_eq!(client.response(&id).response_result.err().unwrap().code, -32002, "ServerNotInitialized");
    let id = client.request("initialize", json!({ "capabilities": {} }));
    client.response(&id);
    let id = client.request("leaklint/unknown", json!({}));
    assert_eq!(client.response(&id).response_result.err().unwrap().code, -32601, "MethodNotFound");
    let id = client.request("shutdown", Value::Null);
    client.response(&id);
    let id = client.request("textDocument/codeAction", json!({}));
    assert_eq!(client.response(&id).response_result.err().unwrap().code, -32600, "InvalidRequest");
    client.notify("exit", Value::Null);
    assert_eq!(client.server.take().unwrap().join().unwrap(), Outcome::Exited);
}

#[test]
fn framing_survives_split_writes_and_extra_headers() {
    let mut client = Client::start();
    let body =
        json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } }).to_string();
    let framed = format!(
        "Content-Length: {}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{body}",
        body.len()
    );
    let input = client.input.as_mut().unwrap();
    for chunk in framed.as_bytes().chunks(7) {
        input.write_all(chunk).unwrap();
        input.flush().unwrap();
    }
    let response = client.response(&RequestId::from(1));
    assert!(response.response_result.ok().unwrap()["capabilities"].is_object());
    // A malformed body is skipped; the session goes on.
    client.input.as_mut().unwrap().write_all(b"Content-Length: 5\r\n\r\n{oops").unwrap();
    client.next_id = 1;
    assert_eq!(client.finish(), Outcome::Exited);
}

#[test]
fn oversized_and_malformed_frames_get_an_error_and_the_session_goes_on() {
    let (mut client, _) = Client::initialized(json!({}));
    let bad_frames: [&[u8]; 5] = [
        b"Content-Length: 1000000000000\r\n\r\n{}",
        b"Content-Length: 18446744073709551615\r\n\r\n{}",
        b"Content-Length: 3000000000\r\n\r\n{}",
        b"Content-Length: 5\n\n{oops",
        b"Content-Length: 14\r\n\r\n{\"jsonrpc\": 1}",
    ];
    for bad in bad_frames {
        client.input.as_mut().unwrap().write_all(bad).unwrap();
        let error = client.errors.recv_timeout(PATIENCE).expect("an error response");
        assert_eq!(error["id"], Value::Null, "{error}");
        assert!([-32600, -32700].contains(&error["error"]["code"].as_i64().unwrap()), "{error}");
        client.open("file:///project/leak.js", "javascript", LEAK);
        assert_eq!(client.diagnostics("file:///project/leak.js", 1).len(), 1);
    }
    assert_eq!(client.finish(), Outcome::Exited);
}

#[test]
fn ill_typed_optional_capabilities_are_ignored() {
    let capabilities = json!({
        "general": { "positionEncodings": ["utf-7", 5] },
        "textDocument": { "codeAction": { "dynamicRegistration": "yes" } },
    });
    let (mut client, result) = Client::initialized(capabilities);
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    client.open("file:///project/leak.js", "javascript", LEAK);
    assert_eq!(client.diagnostics("file:///project/leak.js", 1).len(), 1);
    assert_eq!(client.finish(), Outcome::Exited);
}

#[test]
fn configuration_changes_are_picked_up_and_errors_reported() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join(".leaklintrc.json");
    std::fs::write(&config, r#"{ "rules": { "no-unbounded-collection": "off" } }"#).unwrap();
    let file = dir.path().join("leak.js");
    std::fs::write(&file, LEAK).unwrap();
    let uri = url::Url::from_file_path(&file).unwrap().to_string();
    let config_uri = url::Url::from_file_path(&config).unwrap().to_string();

    let (mut client, _) = Client::initialized(json!({}));
    client.open(&uri, "javascript", LEAK);
    assert_eq!(client.diagnostics(&uri, 1), Vec::<Value>::new(), "rule turned off");

    std::fs::write(&config, r#"{ "rules": { "no-unbounded-collection": "warn" } }"#).unwrap();
    client.notify("workspace/didChangeConfiguration", json!({ "settings": {} }));
    let diagnostics = client.diagnostics(&uri, 1);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0]["severity"], 2, "warning, as configured");

    std::fs::write(&config, r#"{ "rules": { "no-such-rule": "warn" } }"#).unwrap();
    client.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": config_uri, "type": 2 }] }));
    let message =
        client.wait_for("showMessage", |m| matches!(m, Message::Notification(n) if n.method == "window/showMessage"));
    let Message::Notification(message) = message else { unreachable!() };
    assert_eq!(message.params["type"], 1, "an error");
    assert!(message.params["message"].as_str().unwrap().contains("no-such-rule"), "{}", message.params);
    let on_config = client.wait_for("config diagnostics", |m| {
        matches!(m, Message::Notification(n) if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == config_uri)
    });
    let Message::Notification(on_config) = on_config else { unreachable!() };
    let problem = &on_config.params["diagnostics"][0];
    assert!(problem["message"].as_str().unwrap().contains("rules.no-such-rule"), "{problem}");
    assert_eq!(problem["range"]["start"]["character"], 13, "at the key");
    // The defaults run meanwhile: the finding is back at its default severity.
    assert_eq!(client.diagnostics(&uri, 1)[0]["severity"], 1);

    // Fixing the file clears its diagnostic.
    std::fs::write(&config, "{}").unwrap();
    client.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": config_uri, "type": 2 }] }));
    client.wait_for("cleared config diagnostics", |m| {
        matches!(m, Message::Notification(n) if n.method == "textDocument/publishDiagnostics"
            && n.params["uri"] == config_uri && n.params["diagnostics"] == json!([]))
    });
    client.finish();
}

#[test]
fn pull_clients_are_asked_to_pull_again_after_a_configuration_change() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join(".leaklintrc.json");
    std::fs::write(&config, r#"{ "rules": { "no-unbounded-collection": "off" } }"#).unwrap();
    let file = dir.path().join("leak.js");
    let uri = url::Url::from_file_path(&file).unwrap().to_string();
    let capabilities = json!({
        "textDocument": { "diagnostic": {} },
        "workspace": { "diagnostics": { "refreshSupport": true } },
    });
    let (mut client, _) = Client::initialized(capabilities);
    client.open(&uri, "javascript", LEAK);
    let pull = |client: &mut Client| {
        let id = client.request("textDocument/diagnostic", json!({ "textDocument": { "uri": uri } }));
        client.response(&id).response_result.unwrap()["items"].as_array().unwrap().len()
    };
    assert_eq!(pull(&mut client), 0, "rule turned off");

    std::fs::write(&config, "{}").unwrap();
    client.notify("workspace/didChangeConfiguration", json!({ "settings": {} }));
    client.wait_for(
        "diagnostic refresh",
        |m| matches!(m, Message::Request(r) if r.method == "workspace/diagnostic/refresh"),
    );
    assert_eq!(pull(&mut client), 1, "the pull after the refresh sees the new configuration");
    client.finish();
}

/// Apply a code action's edits to the open document as the editor would, as version `version`.
fn apply_action(client: &mut Client, uri: &str, action: &Value, version: i32) {
    let edits = action["edit"]["changes"][uri].as_array().unwrap_or_else(|| panic!("no edits for {uri}: {action:#}"));
    // Edits in one TextEdit[] refer to the original text; applied last-first, they stay valid one by one.
    let mut changes: Vec<Value> = edits.iter().map(|e| json!({ "range": e["range"], "text": e["newText"] })).collect();
    changes.sort_by_key(|c| (c["range"]["start"]["line"].as_u64(), c["range"]["start"]["character"].as_u64()));
    changes.reverse();
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
    );
}

#[test]
fn the_rules_suggested_fixes_are_quick_fixes_and_fix_all_applies_the_safe_ones() {
    let (mut client, _) = Client::initialized(json!({}));
    let uri = "file:///project/leak.js";
    client.open(uri, "javascript", LEAK);
    let diagnostic = client.diagnostics(uri, 1)[0].clone();
    let id = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": diagnostic["range"],
            "context": { "diagnostics": [diagnostic], "only": ["quickfix"] },
        }),
    );
    let actions = client.response(&id).response_result.unwrap();
    let fixes: Vec<&Value> =
        actions.as_array().unwrap().iter().filter(|a| !a["title"].as_str().unwrap().starts_with("Disable ")).collect();
    assert!(!fixes.is_empty(), "no-unbounded-collection suggests a WeakMap here: {actions:#}");
    apply_action(&mut client, uri, fixes[0], 2);
    assert_eq!(client.diagnostics(uri, 2), Vec::<Value>::new(), "{} fixes the leak", fixes[0]["title"]);

    // Fix-all on a second copy.
    let other = "file:///project/other.js";
    client.open(other, "javascript", LEAK);
    client.diagnostics(other, 1);
    let id = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": other },
            "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
            "context": { "diagnostics": [], "only": ["source.fixAll.leaklint"] },
        }),
    );
    let actions = client.response(&id).response_result.unwrap();
    // The preferred quick fix is the first safe one; fix-all is offered exactly when there is one.
    let safe = fixes.iter().any(|f| f["isPreferred"] == true);
    match actions.as_array().unwrap().as_slice() {
        [] => assert!(!safe, "a safe fix exists, so fix-all should be offered"),
        [fix_all] => {
            assert!(safe, "fix-all without a safe fix: {fix_all:#}");
            assert_eq!(fix_all["kind"], "source.fixAll.leaklint");
            apply_action(&mut client, other, fix_all, 2);
            assert_eq!(client.diagnostics(other, 2), Vec::<Value>::new());
        }
        more => panic!("one fix-all action at most: {more:#?}"),
    }
    client.finish();
}

#[test]
fn requests_are_answered_while_a_large_file_is_being_checked() {
    let (mut client, _) = Client::initialized(json!({}));
    let small = "file:///project/small.js";
    client.open(small, "javascript", LEAK);
    client.diagnostics(small, 1);
    let big = "file:///project/big.js";
    let text: String = (0..600).map(|i| LEAK.replace("seen", &format!("seen{i}"))).collect();
    client.open(big, "javascript", &text);
    let id = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": small },
            "range": { "start": { "line": 5, "character": 2 }, "end": { "line": 5, "character": 2 } },
            "context": { "diagnostics": [] },
        }),
    );
    let actions = client.response(&id).response_result.unwrap();
    assert!(!actions.as_array().unwrap().is_empty());
    assert!(
        published(&client).iter().all(|n| n.params["uri"] != big),
        "the answer for the small file did not wait for the large file's check"
    );
    assert_eq!(client.diagnostics(big, 1).len(), 600);
    client.finish();
}

#[test]
fn configuration_files_are_watched_when_the_client_allows_registration() {
    let capabilities = json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let (mut client, _) = Client::initialized(capabilities);
    let message = client
        .wait_for("registration", |m| matches!(m, Message::Request(r) if r.method == "client/registerCapability"));
    let Message::Request(request) = message else { unreachable!() };
    let registration = &request.params["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(registration["registerOptions"]["watchers"][0]["globPattern"], "**/.leaklintrc.json");
    client.send(Response::new_ok(request.id, Value::Null).into());
    client.finish();

    // Without dynamic registration nothing is registered.
    let (mut client, _) = Client::initialized(json!({}));
    let id = client.request("shutdown", Value::Null);
    client.response(&id);
    assert!(!client.seen.iter().any(|m| matches!(m, Message::Request(_))), "{:#?}", client.seen);
    client.notify("exit", Value::Null);
}

/// The open buffer is checked with its package's files on disk: a helper that another file calls
/// per request is reported in the buffer, and naming that file; called once at start-up, it is not.
#[test]
fn the_open_buffer_is_linked_with_its_package_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("package.json"), r#"{ "name": "ticker", "private": true }"#).unwrap();
    std::fs::write(root.join("bus.js"), "module.exports = new (require('events').EventEmitter)();\n").unwrap();
    let watch =
        "const bus = require('./bus');\nexports.follow = (res) => { bus.on('tick', (t) => res.write(String(t))); };\n";
    std::fs::write(root.join("watch.js"), watch).unwrap();
    let per_request = "require('http').createServer((req, res) => { require('./watch').follow(res); }).listen(8080);\n";
    std::fs::write(root.join("app.js"), per_request).unwrap();
    let uri = url::Url::from_file_path(root.join("watch.js")).unwrap().to_string();

    let (mut client, _) = Client::initialized(json!({}));
    client.open(&uri, "javascript", watch);
    let diagnostics = client.diagnostics(&uri, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "no-listener-leak");
    assert_eq!(diagnostics[0]["severity"], 1, "an error: the chain from app.js is proven");
    assert!(diagnostics[0]["message"].as_str().unwrap().contains("app.js"), "{}", diagnostics[0]["message"]);

    // app.js now calls `follow` once at start-up; the next check of the buffer reads it again.
    std::fs::write(root.join("app.js"), "require('./watch').follow(process.stdout);\n").unwrap();
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": watch }] }),
    );
    assert_eq!(client.diagnostics(&uri, 2), Vec::<Value>::new());
    client.finish();
}

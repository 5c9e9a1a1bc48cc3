//! `leaklint lsp` as a process: the subcommand starts the server, and the
//! process exit status follows the protocol (0 after shutdown + exit, else 1).

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn start(args: &[&str]) -> (Child, ChildStdin, BufReader<ChildStdout>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leaklint"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    (child, stdin, stdout)
}

fn send(stdin: &mut ChildStdin, message: Value) {
    let body = message.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    stdin.flush().unwrap();
}

fn receive(stdout: &mut BufReader<ChildStdout>) -> Value {
    let mut length = None;
    loop {
        let mut header = String::new();
        assert!(stdout.read_line(&mut header).unwrap() > 0, "the server closed its output");
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some(value) = header.strip_prefix("Content-Length: ") {
            length = Some(value.parse::<usize>().unwrap());
        }
    }
    let mut body = vec![0; length.expect("a Content-Length header")];
    stdout.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}

fn exit_code(child: &mut Child) -> i32 {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().expect("exited, not killed");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("leaklint lsp did not exit within 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn initialize(stdin: &mut ChildStdin, stdout: &mut BufReader<ChildStdout>) {
    send(stdin, json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } }));
    let response = receive(stdout);
    assert_eq!(response["id"], 1);
    assert_eq!(response["result"]["serverInfo"]["name"], "leaklint");
    send(stdin, json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }));
}

#[test]
fn shutdown_then_exit_is_status_0() {
    let (mut child, mut stdin, mut stdout) = start(&["lsp", "--stdio"]);
    initialize(&mut stdin, &mut stdout);
    send(&mut stdin, json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" }));
    let response = receive(&mut stdout);
    assert_eq!((response["id"].clone(), response["result"].clone()), (json!(2), Value::Null));
    send(&mut stdin, json!({ "jsonrpc": "2.0", "method": "exit" }));
    assert_eq!(exit_code(&mut child), 0);
}

#[test]
fn exit_without_shutdown_or_a_closed_stream_is_status_1() {
    let (mut child, mut stdin, mut stdout) = start(&["lsp"]);
    initialize(&mut stdin, &mut stdout);
    send(&mut stdin, json!({ "jsonrpc": "2.0", "method": "exit" }));
    assert_eq!(exit_code(&mut child), 1);

    let (mut child, stdin, _stdout) = start(&["lsp"]);
    drop(stdin);
    assert_eq!(exit_code(&mut child), 1);
}

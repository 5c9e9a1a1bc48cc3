use std::io::BufReader;

use lsp_server::{Notification, Request, RequestId};

use super::*;

fn frame(message: Message) -> Vec<u8> {
    let mut out = Vec::new();
    message.write(&mut out).unwrap();
    out
}

fn shutdown(id: i32) -> Vec<u8> {
    frame(Request::new(RequestId::from(id), "shutdown".to_string(), serde_json::Value::Null).into())
}

/// Every frame read from `input`, through a buffer of `capacity` bytes.
fn read_all(input: &[u8], capacity: usize) -> Vec<Frame> {
    let mut reader = FrameReader::new(BufReader::with_capacity(capacity, input));
    let mut frames = Vec::new();
    loop {
        match reader.read().unwrap() {
            Frame::End => return frames,
            frame => frames.push(frame),
        }
    }
}

/// `Ok(id)` of each shutdown request read, `Err(code)` of each refused frame.
fn outline(frames: &[Frame]) -> Vec<Result<String, i32>> {
    frames
        .iter()
        .map(|frame| match frame {
            Frame::Message(Message::Request(request)) => Ok(request.id.to_string()),
            Frame::Message(other) => panic!("unexpected {other:?}"),
            Frame::Refused { code, .. } => Err(*code),
            Frame::End => unreachable!(),
        })
        .collect()
}

fn with_bad_frame_between(bad: &[u8]) -> Vec<u8> {
    [shutdown(1), bad.to_vec(), shutdown(2)].concat()
}

#[test]
fn frames_are_read_whatever_the_buffer_size() {
    let mut input = shutdown(1);
    input.extend(frame(Notification::new("exit".into(), serde_json::Value::Null).into()));
    input.extend(shutdown(2));
    for capacity in [1, 3, 16, 8192] {
        let frames = read_all(&input, capacity);
        assert_eq!(frames.len(), 3, "capacity {capacity}");
        assert!(matches!(&frames[1], Frame::Message(Message::Notification(n)) if n.method == "exit"));
    }
}

#[test]
fn a_length_over_the_limit_is_refused_without_reading_the_body_and_the_next_frame_is_read() {
    for length in ["1000000000000", "18446744073709551615", "3000000000", &(MAX_FRAME_BYTES + 1).to_string()] {
        let input = with_bad_frame_between(format!("Content-Length: {length}\r\n\r\n{{}}").as_bytes());
        for capacity in [4, 8192] {
            let frames = read_all(&input, capacity);
            assert_eq!(outline(&frames), [Ok("1".into()), Err(INVALID_REQUEST), Ok("2".into())], "{length}");
            let Frame::Refused { reason, .. } = &frames[1] else { unreachable!() };
            assert!(reason.contains(&format!("{length} bytes is larger than the limit")), "{reason}");
        }
    }
}

#[test]
fn malformed_headers_are_refused_and_reading_resumes_at_the_next_frame() {
    let too_long = format!("X-Padding: {}\r\n\r\n", "x".repeat(100_000));
    for bad in [
        "Content-Length: 18446744073709551616\r\n\r\n{}",
        "Content-Length: -5\r\n\r\n{}",
        "hello there\r\n\r\n",
        "Content-Type: application/json\r\n\r\n{}",
        // No line break at all before the next frame.
        "{\"jsonrpc\": \"2.0\"",
        &too_long,
    ] {
        for capacity in [4, 8192] {
            let frames = read_all(&with_bad_frame_between(bad.as_bytes()), capacity);
            assert_eq!(outline(&frames), [Ok("1".into()), Err(INVALID_REQUEST), Ok("2".into())], "{bad:.40}");
        }
    }
}

#[test]
fn a_body_that_is_not_a_message_is_refused_as_a_parse_error() {
    for bad in [&b"Content-Length: 5\r\n\r\n{oops"[..], b"Content-Length: 2\r\n\r\n\xff\xfe"] {
        let frames = read_all(&with_bad_frame_between(bad), 8192);
        assert_eq!(outline(&frames), [Ok("1".into()), Err(PARSE_ERROR), Ok("2".into())], "{bad:?}");
    }
}

#[test]
fn line_feeds_alone_and_blank_lines_between_frames_are_accepted() {
    let body = r#"{"jsonrpc":"2.0","id":7,"method":"shutdown"}"#;
    let input = format!("\r\n\ncontent-length:{}\n\n{body}", body.len());
    assert_eq!(outline(&read_all(input.as_bytes(), 8192)), [Ok("7".into())]);
}

#[test]
fn a_stream_that_ends_inside_a_frame_ends_the_session() {
    let mut input = shutdown(1);
    input.extend(b"Content-Length: 50\r\n\r\n{\"jsonrpc\"");
    assert_eq!(outline(&read_all(&input, 8192)), [Ok("1".into())]);
}

//! Reading one source file, with a clear reason when it is not checkable text.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::error::{FileError, FileErrorKind};

/// Files larger than this are refused: no hand-written JS/TS is this big, and
/// bundles this big would cost much time and memory for findings no one fixes.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// How much of the start of a file is searched for a NUL byte to call it binary
/// (the same heuristic as git and grep).
pub const BINARY_SNIFF_BYTES: usize = 8 * 1024;

/// Read a file as UTF-8 text, byte for byte (a BOM is kept so offsets match the file).
pub fn read_source(path: &Path) -> Result<String, FileError> {
    let bytes = read_limited(path)?;
    if let Some(nul) = bytes.iter().take(BINARY_SNIFF_BYTES).position(|&b| b == 0) {
        return Err(FileError::new(
            path,
            FileErrorKind::Binary,
            format!("binary file (NUL byte at byte {nul}), not JavaScript/TypeScript text"),
        ));
    }
    String::from_utf8(bytes).map_err(|err| not_utf8_error(path, err.as_bytes(), err.utf8_error().valid_up_to()))
}

fn read_limited(path: &Path) -> Result<Vec<u8>, FileError> {
    // Opening a FIFO waits for a writer, and a device may never end: only
    // regular files are opened (asked again once open, in case it changed).
    let metadata = std::fs::metadata(path).map_err(|err| FileError::from_io(path, &err))?;
    not_a_regular_file(path, &metadata.file_type())?;
    let file = File::open(path).map_err(|err| FileError::from_io(path, &err))?;
    let metadata = file.metadata().map_err(|err| FileError::from_io(path, &err))?;
    not_a_regular_file(path, &metadata.file_type())?;
    let size = metadata.len();
    if size > MAX_FILE_BYTES {
        return Err(too_large(path, size));
    }
    // The size from metadata can be wrong (growing files, /proc, pipes), so the
    // read itself is bounded too.
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|err| FileError::from_io(path, &err))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(path, bytes.len() as u64));
    }
    Ok(bytes)
}

/// `Err` unless `file_type` is a regular file, naming what it is instead.
pub(crate) fn not_a_regular_file(path: &Path, file_type: &std::fs::FileType) -> Result<(), FileError> {
    if file_type.is_file() {
        return Ok(());
    }
    let what = describe_file_type(file_type);
    Err(FileError::new(
        path,
        FileErrorKind::Unreadable,
        format!("not a regular file ({what}): only regular files are read"),
    ))
}

fn describe_file_type(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
    }
    if file_type.is_dir() { "a directory" } else { "not a file" }
}

fn too_large(path: &Path, size: u64) -> FileError {
    FileError::new(
        path,
        FileErrorKind::TooLarge,
        format!(
            "file too large: {size} bytes ({}), the limit is {MAX_FILE_BYTES} bytes ({})",
            mebibytes(size),
            mebibytes(MAX_FILE_BYTES)
        ),
    )
}

fn mebibytes(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn not_utf8_error(path: &Path, bytes: &[u8], offset: usize) -> FileError {
    // Everything before `offset` is valid UTF-8, so the column can count characters.
    let valid = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
    let (line, line_start) = line_of(valid);
    let column = valid[line_start..].chars().count() as u32 + 1;
    FileError::new(path, FileErrorKind::NotUtf8, format!("invalid UTF-8 at byte {offset} (line {line})"))
        .at(line, Some(column))
}

/// 1-based line number of the end of `text`, and the byte where that line starts.
/// LF, CRLF and a lone CR each end a line, as in the core's `LineIndex`.
fn line_of(text: &str) -> (u32, usize) {
    let bytes = text.as_bytes();
    let mut line = 1;
    let mut line_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if ends_line {
            line += 1;
            line_start = i + 1;
        }
    }
    (line, line_start)
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.join(name);
        fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn reads_text_byte_for_byte_keeping_the_bom() {
        let dir = tempfile::tempdir().unwrap();
        let text = "\u{feff}const a = '€';\r\n";
        let path = write(dir.path(), "a.js", text.as_bytes());
        assert_eq!(read_source(&path).unwrap(), text);
    }

    #[test]
    fn missing_file_is_unreadable_with_the_io_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_source(&dir.path().join("missing.js")).unwrap_err();
        assert_eq!(err.kind, FileErrorKind::Unreadable);
        assert!(err.message.starts_with("cannot read file: "), "{}", err.message);
        assert!(err.message.contains("No such file"), "{}", err.message);
    }

    #[cfg(unix)]
    #[test]
    fn broken_symlink_is_unreadable_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link.js");
        std::os::unix::fs::symlink(dir.path().join("gone.js"), &link).unwrap();
        let err = read_source(&link).unwrap_err();
        assert_eq!(err.kind, FileErrorKind::Unreadable);
        assert!(err.message.contains("broken symbolic link"), "{}", err.message);
        assert!(err.message.contains("gone.js"), "{}", err.message);
    }

    #[cfg(unix)]
    #[test]
    fn permission_denied_is_unreadable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "secret.js", b"let a;");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
        if fs::read(&path).is_ok() {
            return; // Running as root: permissions do not apply, nothing to test.
        }
        let err = read_source(&path).unwrap_err();
        assert_eq!(err.kind, FileErrorKind::Unreadable);
        assert!(err.message.contains("ermission denied"), "{}", err.message);
    }

    #[test]
    fn directory_is_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_source(dir.path()).unwrap_err();
        assert_eq!(err.kind, FileErrorKind::Unreadable);
    }

    #[test]
    fn over_the_limit_is_too_large_and_says_the_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.js");
        // Sparse: instant and takes no disk space.
        File::create(&path).unwrap().set_len(MAX_FILE_BYTES + 1).unwrap();
        let err = read_source(&path).unwrap_err();
        assert_eq!(err.kind, FileErrorKind::TooLarge);
        assert_eq!(err.message, "file too large: 33554433 bytes (32.0 MiB), the limit is 33554432 bytes (32.0 MiB)");
    }

    #[test]
    fn exactly_the_limit_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = vec![b' '; MAX_FILE_BYTES as usize];
        text[..6].copy_from_slice(b"let a;");
        let path = write(dir.path(), "big.js", &text);
        assert_eq!(read_source(&path).unwrap().len() as u64, MAX_FILE_BYTES);
    }

    #[test]
    fn nul_byte_near_the_start_is_binary() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "image.js", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
        let err = read_source(&path).unwrap_err();
        assert_eq!(err.kind, FileErrorKind::Binary);
        assert!(err.message.contains("NUL byte at byte 8"), "{}", err.message);
        assert_eq!((err.line, err.column), (None, None));
    }

    #[test]
    fn nul_byte_after_the_sniffed_prefix_is_not_binary() {
        // Valid UTF-8 (NUL is a valid scalar value), so it is read as text; the parser will complain.
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = vec![b' '; BINARY_SNIFF_BYTES];
        bytes.push(0);
        let path = write(dir.path(), "late-nul.js", &bytes);
        assert!(read_source(&path).is_ok());
    }

    #[test]
    fn invalid_utf8_reports_byte_offset_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        // Line 4 starts at byte 13; "x = 'é€" is 7 characters (10 bytes) before the Latin-1 byte 0xE9.
        let mut bytes = b"let a = 1;\n\n\nx = '\xc3\xa9\xe2\x82\xac".to_vec();
        bytes.extend_from_slice(b"\xe9';\n");
        let path = write(dir.path(), "latin1.js", &bytes);
        let err = read_source(&path).unwrap_err();
        assert_eq!(err.kind, FileErrorKind::NotUtf8);
        assert_eq!(err.message, "invalid UTF-8 at byte 23 (line 4)");
        assert_eq!((err.line, err.column), (Some(4), Some(8)));
        assert!(err.to_string().ends_with("latin1.js:4:8: invalid UTF-8 at byte 23 (line 4)"), "{err}");
    }

    #[test]
    fn invalid_utf8_counts_lone_cr_and_crlf_as_one_line_break_each() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "cr.js", b"a\rb\r\nc\n\xff");
        let err = read_source(&path).unwrap_err();
        assert_eq!((err.line, err.column), (Some(4), Some(1)));
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_or_device_is_refused_without_waiting_on_it() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo.js");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let err = read_source(&fifo).unwrap_err();
        assert_eq!(err.kind, FileErrorKind::Unreadable);
        assert_eq!(err.message, "not a regular file (a named pipe): only regular files are read");
        let err = read_source(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(err.message, "not a regular file (a device): only regular files are read");
    }
}

//! One problem with one path.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Why a path could not be discovered or read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileErrorKind {
    /// A path given on the command line does not exist.
    NotFound,
    /// An I/O error: permission denied, broken symbolic link, ...
    Unreadable,
    /// Larger than [`crate::MAX_FILE_BYTES`].
    TooLarge,
    /// Has a NUL byte near the start.
    Binary,
    /// Not valid UTF-8.
    NotUtf8,
    /// Following symbolic links leads back to an ancestor directory.
    SymlinkLoop,
    /// A `.gitignore`/`.ignore` file has a pattern that cannot be parsed.
    InvalidIgnoreFile,
}

impl FileErrorKind {
    /// Stable snake_case name, used in machine-readable output.
    pub fn as_str(self) -> &'static str {
        match self {
            FileErrorKind::NotFound => "not_found",
            FileErrorKind::Unreadable => "unreadable",
            FileErrorKind::TooLarge => "too_large",
            FileErrorKind::Binary => "binary",
            FileErrorKind::NotUtf8 => "not_utf8",
            FileErrorKind::SymlinkLoop => "symlink_loop",
            FileErrorKind::InvalidIgnoreFile => "invalid_ignore_file",
        }
    }
}

impl fmt::Display for FileErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A path leaklint could not check, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub path: PathBuf,
    pub kind: FileErrorKind,
    /// The reason, in words, without the path.
    pub message: String,
    /// 1-based line of the problem, when it has one.
    pub line: Option<u32>,
    /// 1-based column (in characters) of the problem, when it has one.
    pub column: Option<u32>,
}

impl FileError {
    pub fn new(path: impl Into<PathBuf>, kind: FileErrorKind, message: impl Into<String>) -> Self {
        Self { path: path.into(), kind, message: message.into(), line: None, column: None }
    }

    /// An I/O error on `path`: a symlink loop, a broken symlink, or plainly unreadable.
    pub fn from_io(path: &Path, err: &io::Error) -> Self {
        let err = innermost_io_error(err);
        if is_symlink_loop(err) {
            return Self::new(
                path,
                FileErrorKind::SymlinkLoop,
                "symbolic link loop: following the link leads back to itself",
            );
        }
        // `open` on a dangling symlink says only "No such file or directory",
        // which is puzzling for a file that `ls` shows; name the real cause.
        let dangling =
            err.kind() == io::ErrorKind::NotFound && path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink());
        let message = match std::fs::read_link(path) {
            Ok(target) if dangling => {
                format!("cannot read file: broken symbolic link (target {} does not exist)", target.display())
            }
            _ => format!("cannot read file: {err}"),
        };
        Self::new(path, FileErrorKind::Unreadable, message)
    }

    pub fn at(mut self, line: u32, column: Option<u32>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }
}

/// One line: `path:line:column: message`, the position only when known.
impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for FileError {}

/// The walker wraps OS errors in its own error types (which repeat the path);
/// the innermost `io::Error` has the OS error number and the plain reason.
fn innermost_io_error(err: &io::Error) -> &io::Error {
    let mut innermost = err;
    let mut next: Option<&(dyn std::error::Error + 'static)> = err.get_ref().map(|e| e as _);
    while let Some(cause) = next {
        if let Some(io_err) = cause.downcast_ref::<io::Error>() {
            innermost = io_err;
            next = io_err.get_ref().map(|e| e as _);
        } else {
            next = cause.source();
        }
    }
    innermost
}

/// ELOOP: too many levels of symbolic links. `io::ErrorKind::FilesystemLoop`
/// is not stable yet, so match the OS error number.
fn is_symlink_loop(err: &io::Error) -> bool {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    const ELOOP: Option<i32> = Some(40);
    #[cfg(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly"
    ))]
    const ELOOP: Option<i32> = Some(62);
    #[cfg(not(any(
        target_os = "linux",
        target_os = "android",
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly"
    )))]
    const ELOOP: Option<i32> = None;
    ELOOP.is_some() && err.raw_os_error() == ELOOP
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_includes_position_only_when_known() {
        let plain = FileError::new("src/a.js", FileErrorKind::Binary, "binary file");
        assert_eq!(plain.to_string(), "src/a.js: binary file");
        let line_only = plain.clone().at(7, None);
        assert_eq!(line_only.to_string(), "src/a.js:7: binary file");
        let full = plain.at(7, Some(3));
        assert_eq!(full.to_string(), "src/a.js:7:3: binary file");
    }

    #[test]
    fn kind_names_are_snake_case() {
        assert_eq!(FileErrorKind::NotUtf8.as_str(), "not_utf8");
        assert_eq!(FileErrorKind::SymlinkLoop.to_string(), "symlink_loop");
    }
}

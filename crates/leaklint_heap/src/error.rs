//! Why a snapshot could not be read.

use std::fmt;

/// A snapshot that could not be read, with the byte offset where reading stopped.
#[derive(Debug)]
pub struct HeapError {
    /// Byte offset into the file where the problem was found.
    pub offset: u64,
    pub message: String,
}

impl HeapError {
    pub(crate) fn new(offset: u64, message: impl Into<String>) -> Self {
        Self { offset, message: message.into() }
    }
}

impl fmt::Display for HeapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for HeapError {}

pub type Result<T> = std::result::Result<T, HeapError>;

//! Finding and reading the source files leaklint checks.
//!
//! [`discover`] turns the paths given on the command line into a sorted list
//! of JS/TS files (honouring `.gitignore`/`.ignore`, skipping `node_modules`
//! and hidden directories), and [`read_source`] reads one of them, refusing
//! with a clear reason anything that is not a UTF-8 text file of sane size.
//! Neither ever panics or stops at the first problem: every problem becomes a
//! [`FileError`] for that one path.

mod discover;
mod error;
mod extensions;
mod package;
mod read;

pub use discover::{Discovery, discover};
pub use error::{FileError, FileErrorKind};
pub use extensions::{SOURCE_EXTENSIONS, is_source_file};
pub use package::PackageRoots;
pub use read::{BINARY_SNIFF_BYTES, MAX_FILE_BYTES, read_source};

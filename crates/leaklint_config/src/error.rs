//! Why a configuration file was rejected.

use std::fmt;
use std::path::{Path, PathBuf};

/// A configuration file that cannot be used. Displays as
/// `<file>: <key path>: <what was expected>` (the key path is left out when
/// the problem is not at one key, e.g. a JSON syntax error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    file: PathBuf,
    key_path: Option<String>,
    message: String,
}

impl ConfigError {
    pub(crate) fn new(file: &Path, key_path: Option<String>, message: String) -> Self {
        Self { file: file.to_path_buf(), key_path, message }
    }

    /// The configuration file.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// Where in the file, as dotted keys with `[i]` for array items
    /// (`rules.no-listener-leak`, `perCallFactories[0].why`).
    pub fn key_path(&self) -> Option<&str> {
        self.key_path.as_deref()
    }

    /// What is wrong or what was expected.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.file.display())?;
        if let Some(key_path) = &self.key_path {
            write!(f, "{key_path}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

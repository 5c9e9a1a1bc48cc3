//! Which package a file belongs to: the nearest folder above it with a `package.json`. Files are
//! checked with the others of their package (`leaklint check` and the language server alike).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The folder of the nearest `package.json` above each file, looked up once per folder.
#[derive(Debug, Default)]
pub struct PackageRoots {
    by_dir: HashMap<PathBuf, Option<PathBuf>>,
}

impl PackageRoots {
    /// The package folder of `file`, if any folder above it has a `package.json`.
    pub fn of(&mut self, file: &Path) -> Option<PathBuf> {
        let dir = file.parent()?.to_path_buf();
        self.dir(&dir)
    }

    fn dir(&mut self, dir: &Path) -> Option<PathBuf> {
        if let Some(found) = self.by_dir.get(dir) {
            return found.clone();
        }
        let found = if dir.join("package.json").is_file() {
            Some(dir.to_path_buf())
        } else {
            match dir.parent() {
                Some(parent) if !dir.as_os_str().is_empty() => self.dir(parent),
                _ => None,
            }
        };
        self.by_dir.insert(dir.to_path_buf(), found.clone());
        found
    }
}

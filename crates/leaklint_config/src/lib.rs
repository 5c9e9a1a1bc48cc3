//! leaklint's configuration: `.leaklintrc.json` files (JSON with comments and
//! trailing commas), found upward from each checked file's directory — the
//! nearest one wins, like oxlint — or named once with `--config`.
//!
//! A file maps onto the core's [`Options`] and the list of [`ActiveRule`]s;
//! see `docs/configuration.md` for the keys and `docs/leaklintrc.schema.json`
//! for the schema generated from [`ConfigFile`].

mod error;
mod file;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use ignore::gitignore::Gitignore;
use leaklint_core::{ActiveRule, Options, Severity};

pub use error::ConfigError;
pub use file::{ConfigFile, FactoryConfig, RuleLevel, json_schema};

/// The name leaklint looks for in each directory.
pub const CONFIG_FILE_NAME: &str = ".leaklintrc.json";

/// What applies to one file: where it came from, the rules to run, the project options.
pub struct ResolvedConfig {
    /// The configuration file; `None` for the built-in defaults.
    pub path: Option<PathBuf>,
    /// The rules that are on, at the severity they run at, in id order.
    pub rules: Vec<ActiveRule<'static>>,
    pub options: Options,
    /// `ignorePatterns`, rooted at the configuration file's directory.
    ignore: Option<Gitignore>,
}

impl Default for ResolvedConfig {
    /// The built-in defaults: every rule at its default severity, no ignores.
    fn default() -> Self {
        let rules = leaklint_rules::all_rules()
            .into_iter()
            .map(|rule| ActiveRule { rule, severity: rule.meta().default_severity })
            .collect();
        let options = Options { known_rules: file::known_rule_ids(), ..Options::default() };
        Self { path: None, rules, options, ignore: None }
    }
}

impl std::fmt::Debug for ResolvedConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rules: Vec<(&str, Severity)> = self.rules.iter().map(|a| (a.rule.meta().id, a.severity)).collect();
        f.debug_struct("ResolvedConfig")
            .field("path", &self.path)
            .field("rules", &rules)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl ResolvedConfig {
    /// Load and validate one configuration file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = read_config(path)
            .map_err(|reason| ConfigError::new(path, None, format!("cannot read the configuration file: {reason}")))?;
        Self::from_text(path, &text)
    }

    /// Parse and validate configuration text as if read from `path`
    /// (ignore patterns are rooted at `path`'s directory). A byte-order mark
    /// (editors on Windows write one) is not part of the JSON.
    pub fn from_text(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let file = ConfigFile::parse(path, text)?;
        let path = absolute(path);
        let root = path.parent().unwrap_or(Path::new("/"));
        let ignore = file.ignore_matcher(&path, root)?;
        Ok(Self { rules: file.active_rules(), options: file.options(), ignore, path: Some(path) })
    }

    /// Whether `ignorePatterns` exclude `path` (or a directory it is in).
    /// Paths outside the configuration file's directory are never ignored.
    pub fn is_ignored(&self, path: &Path) -> bool {
        let Some(ignore) = &self.ignore else { return false };
        let path = absolute(path);
        if !path.starts_with(ignore.path()) {
            return false;
        }
        let is_dir = path.is_dir();
        ignore.matched_path_or_any_parents(&path, is_dir).is_ignore()
    }
}

/// No configuration is this large; reading stops here (`-c /dev/zero` would
/// never end). Compiling ignore patterns takes about 900 bytes of memory per
/// character, so this also bounds that (to about 230 MB).
pub const MAX_CONFIG_BYTES: u64 = 256 * 1024;

/// The text of a configuration file: a regular file (a named pipe would wait
/// for a writer forever), at most [`MAX_CONFIG_BYTES`], UTF-8.
fn read_config(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let metadata = std::fs::metadata(path).map_err(|err| match std::fs::read_link(path) {
        Ok(target) => format!("broken symbolic link (target {} does not exist)", target.display()),
        Err(_) => err.to_string(),
    })?;
    if !metadata.is_file() {
        return Err("not a regular file".to_string());
    }
    let file = std::fs::File::open(path).map_err(|err| err.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes).map_err(|err| err.to_string())?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(format!("larger than {MAX_CONFIG_BYTES} bytes"));
    }
    String::from_utf8(bytes).map_err(|err| format!("not UTF-8 ({err})"))
}

/// Finds the configuration for each file, caching per directory; shared by
/// the worker threads of `leaklint check` and by the language server.
pub struct ConfigResolver {
    /// `--config`: used for every file, no discovery.
    explicit: Option<Arc<ResolvedConfig>>,
    defaults: Arc<ResolvedConfig>,
    /// Directory -> the configuration file that applies there, if any.
    nearest: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// The same answer keyed by the directory as the caller wrote it, so files
    /// after the first in a directory skip making their path absolute (which
    /// asks the OS for the working directory each time). leaklint never
    /// changes its working directory, so relative keys stay valid.
    nearest_by_given_dir: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// Configuration file -> its parsed form (or why it is broken).
    loaded: Mutex<HashMap<PathBuf, Result<Arc<ResolvedConfig>, ConfigError>>>,
}

impl ConfigResolver {
    /// `explicit` is `--config PATH`: loaded now, so a broken file fails at once.
    pub fn new(explicit: Option<&Path>) -> Result<Self, ConfigError> {
        let explicit = explicit.map(ResolvedConfig::load).transpose()?.map(Arc::new);
        Ok(Self {
            explicit,
            defaults: Arc::new(ResolvedConfig::default()),
            nearest: Mutex::default(),
            nearest_by_given_dir: Mutex::default(),
            loaded: Mutex::default(),
        })
    }

    /// The configuration for the file at `path`: `--config` if given, else the
    /// nearest `.leaklintrc.json` in its directory or above, else the defaults.
    pub fn for_file(&self, path: &Path) -> Result<Arc<ResolvedConfig>, ConfigError> {
        if let Some(explicit) = &self.explicit {
            return Ok(Arc::clone(explicit));
        }
        let given_dir = path.parent().unwrap_or(Path::new(""));
        let cached = lock(&self.nearest_by_given_dir).get(given_dir).cloned();
        let nearest = match cached {
            Some(nearest) => nearest,
            None => {
                let absolute_path = absolute(path);
                let nearest = self.nearest_config(absolute_path.parent().unwrap_or(&absolute_path));
                lock(&self.nearest_by_given_dir).insert(given_dir.to_path_buf(), nearest.clone());
                nearest
            }
        };
        match nearest {
            Some(config_path) => self.load_cached(&config_path),
            None => Ok(Arc::clone(&self.defaults)),
        }
    }

    /// Forget every discovered and parsed file (after one was created, changed or deleted).
    pub fn clear_cache(&self) {
        lock(&self.nearest).clear();
        lock(&self.nearest_by_given_dir).clear();
        lock(&self.loaded).clear();
    }

    fn nearest_config(&self, dir: &Path) -> Option<PathBuf> {
        // Walk up until a directory whose answer is cached or which holds a
        // file; then every directory passed on the way shares that answer.
        let mut visited = Vec::new();
        let mut found = None;
        for ancestor in dir.ancestors() {
            if let Some(cached) = lock(&self.nearest).get(ancestor) {
                found = cached.clone();
                break;
            }
            visited.push(ancestor.to_path_buf());
            let candidate = ancestor.join(CONFIG_FILE_NAME);
            // Anything by that name counts: a dangling link or a pipe is then
            // reported when loaded, not passed over for the defaults in silence.
            if candidate.symlink_metadata().is_ok() {
                found = Some(candidate);
                break;
            }
        }
        let mut nearest = lock(&self.nearest);
        for dir in visited {
            nearest.insert(dir, found.clone());
        }
        found
    }

    fn load_cached(&self, config_path: &Path) -> Result<Arc<ResolvedConfig>, ConfigError> {
        if let Some(cached) = lock(&self.loaded).get(config_path) {
            return cached.clone();
        }
        // Parsed outside the lock; two threads may parse the same file once each, harmlessly.
        let result = ResolvedConfig::load(config_path).map(Arc::new);
        lock(&self.loaded).entry(config_path.to_path_buf()).or_insert(result).clone()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The maps hold plain data; a panic elsewhere cannot leave them half-updated.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `path` made absolute against the current directory with `.` and `..`
/// resolved by name, without touching the file system (symlinks stay as
/// named, as in the paths the user gave), so its ancestors are the real
/// directories above it.
fn absolute(path: &Path) -> PathBuf {
    use std::path::Component;
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests;

//! How paths are shown: relative to the current directory, with `/`.

use std::path::{Component, Path};

/// `path` as shown in reports: relative to `cwd` when it lies below it, with
/// any leading `./` removed, and `/` as separator on every platform.
pub fn display_path(path: &Path, cwd: Option<&Path>) -> String {
    let relative = match cwd {
        Some(cwd) if path.is_absolute() => path.strip_prefix(cwd).unwrap_or(path),
        _ => path,
    };
    let mut components = relative.components();
    while components.clone().next() == Some(Component::CurDir) {
        components.next();
    }
    let rest = components.as_path();
    if rest.as_os_str().is_empty() {
        return ".".to_string();
    }
    let text = rest.to_string_lossy();
    // On Unix a backslash is an ordinary file-name character, so only Windows separators are rewritten.
    if cfg!(windows) { text.replace('\\', "/") } else { text.into_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn absolute_paths_below_cwd_become_relative() {
        let cwd = Path::new("/home/me/project");
        assert_eq!(display_path(Path::new("/home/me/project/src/a.js"), Some(cwd)), "src/a.js");
        assert_eq!(display_path(Path::new("/home/me/project"), Some(cwd)), ".");
        assert_eq!(display_path(Path::new("/elsewhere/a.js"), Some(cwd)), "/elsewhere/a.js");
        assert_eq!(display_path(Path::new("/home/me/project-two/a.js"), Some(cwd)), "/home/me/project-two/a.js");
        assert_eq!(display_path(Path::new("/home/me/project/a.js"), None), "/home/me/project/a.js");
    }

    #[test]
    fn relative_paths_lose_the_leading_dot() {
        assert_eq!(display_path(Path::new("./src/a.js"), None), "src/a.js");
        assert_eq!(display_path(Path::new("src/a.js"), Some(Path::new("/x"))), "src/a.js");
        assert_eq!(display_path(Path::new("../a.js"), None), "../a.js");
        assert_eq!(display_path(Path::new("."), None), ".");
    }

    #[cfg(unix)]
    #[test]
    fn backslash_in_a_unix_file_name_is_kept() {
        assert_eq!(display_path(Path::new("dir/we\\ird.js"), None), "dir/we\\ird.js");
    }
}

//! Turning command-line paths into the list of files to check.

use std::io;
use std::path::{Component, Path, PathBuf};

use ignore::{DirEntry, WalkBuilder};

use crate::error::{FileError, FileErrorKind};
use crate::extensions::is_source_file;

/// The files to check and the paths that could not be walked.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Discovery {
    /// Sorted, without duplicates, leading `./` removed.
    pub files: Vec<PathBuf>,
    /// Sorted by path, without duplicates.
    pub errors: Vec<FileError>,
}

/// Expand `paths` into the JS/TS files to check.
///
/// A directory is walked recursively, honouring `.gitignore` (in or out of a
/// git repository), `.ignore` and `.git/info/exclude`, and skipping
/// `node_modules` and hidden directories below it. A path given explicitly is
/// always used, even inside an ignored, hidden or `node_modules` directory.
/// A file given explicitly is checked if it has a source extension and is
/// not a declaration file; other files are skipped silently, as when walking.
/// Symbolic links are followed; loops are reported.
pub fn discover(paths: &[PathBuf]) -> Discovery {
    let mut found = Discovery::default();
    for root in paths {
        match root.metadata() {
            Ok(meta) if meta.is_dir() => walk(root, &mut found),
            Ok(_) => {
                if is_source_file(root) {
                    found.files.push(without_leading_cur_dir(root));
                }
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound && root.symlink_metadata().is_err() => {
                found.errors.push(FileError::new(root, FileErrorKind::NotFound, "no such file or directory"));
            }
            Err(err) => found.errors.push(FileError::from_io(root, &err)),
        }
    }
    found.files.sort();
    found.files.dedup();
    found.errors.sort_by(|a, b| (&a.path, a.line, a.column, &a.message).cmp(&(&b.path, b.line, b.column, &b.message)));
    found.errors.dedup();
    found
}

fn walk(root: &Path, found: &mut Discovery) {
    if let Err(error) = ignore_files_are_readable(root) {
        return found.errors.push(error);
    }
    // The ignore files of the folders above are read too (the walker reads them
    // for .gitignore even without `parents`): if one cannot be, none is used.
    let absolute = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let unreadable_above: Vec<FileError> =
        absolute.ancestors().skip(1).filter_map(|dir| ignore_files_are_readable(dir).err()).collect();
    let use_ignore_files = unreadable_above.is_empty();
    found.errors.extend(unreadable_above.into_iter().map(|error| FileError {
        message: error.message.replace("the folder it is in was not checked", "no ignore file was used for this walk"),
        ..error
    }));
    // Directories passed over because of their ignore files, reported after the walk.
    let passed_over = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let passed_over_in_filter = std::sync::Arc::clone(&passed_over);
    // A sequential walk: the walk is a small part of a run next to parsing,
    // which is parallel, and it keeps discovery simple and deterministic.
    let walker = WalkBuilder::new(root)
        .standard_filters(false)
        .parents(use_ignore_files)
        .ignore(use_ignore_files)
        .git_ignore(use_ignore_files)
        .git_exclude(use_ignore_files)
        // The user's global excludes file would make results differ between machines.
        .git_global(false)
        .require_git(false)
        .follow_links(true)
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if !is_dir {
                return true;
            }
            if is_skipped_dir(entry) {
                return false;
            }
            match ignore_files_are_readable(entry.path()) {
                Ok(()) => true,
                Err(error) => {
                    passed_over_in_filter.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(error);
                    false
                }
            }
        })
        .build();
    for item in walker {
        match item {
            Ok(entry) => {
                // Bad patterns in an ignore file come attached to the directory holding it.
                if let Some(err) = entry.error() {
                    report_walk_error(err, found);
                }
                let Some(file_type) = entry.file_type().filter(|_| entry.depth() > 0) else { continue };
                if file_type.is_dir() || !is_source_file(entry.path()) {
                    continue;
                }
                // A pipe or device with a source file's name is said, not skipped in silence.
                match crate::read::not_a_regular_file(entry.path(), &file_type) {
                    Ok(()) => found.files.push(without_leading_cur_dir(entry.path())),
                    Err(error) => found.errors.push(FileError { path: without_leading_cur_dir(&error.path), ..error }),
                }
            }
            Err(err) => report_walk_error(&err, found),
        }
    }
    let passed_over = std::mem::take(&mut *passed_over.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    found
        .errors
        .extend(passed_over.into_iter().map(|error| FileError { path: without_leading_cur_dir(&error.path), ..error }));
}

/// `node_modules` and hidden directories below a walked root.
/// (The walker never applies filters to the root itself.)
/// The walker opens each directory's `.gitignore` and `.ignore`, and opening
/// a named pipe waits for a writer forever: such a directory is not walked.
fn ignore_files_are_readable(dir: &Path) -> Result<(), FileError> {
    for name in [".gitignore", ".ignore"] {
        let path = dir.join(name);
        // A missing file (or a dangling link) is no ignore file: the walker handles that.
        if let Ok(metadata) = path.metadata()
            && let Err(error) = crate::read::not_a_regular_file(&path, &metadata.file_type())
        {
            let message = format!("{}; the folder it is in was not checked", error.message);
            return Err(FileError::new(path, FileErrorKind::Unreadable, message));
        }
    }
    Ok(())
}

fn is_skipped_dir(entry: &DirEntry) -> bool {
    let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
    let name = entry.file_name().to_string_lossy();
    is_dir && (name == "node_modules" || name.starts_with('.'))
}

fn report_walk_error(err: &ignore::Error, found: &mut Discovery) {
    let mut ignore_file_line = None;
    let mut path = None;
    let mut current = err;
    // Peel the context wrappers off, keeping the path and line they carry.
    loop {
        match current {
            ignore::Error::Partial(errs) => {
                for err in errs {
                    report_walk_error(err, found);
                }
                return;
            }
            ignore::Error::WithPath { path: p, err } => {
                path = Some(p.clone());
                current = err;
            }
            ignore::Error::WithLineNumber { line, err } => {
                ignore_file_line = u32::try_from(*line).ok();
                current = err;
            }
            ignore::Error::WithDepth { err, .. } => current = err,
            _ => break,
        }
    }
    let error = match current {
        ignore::Error::Loop { ancestor, child } => {
            // Show the link as `ls -l` does; the walker's ancestor path may be just `.`.
            let target = std::fs::read_link(child).unwrap_or_else(|_| ancestor.clone());
            FileError::new(
                child,
                FileErrorKind::SymlinkLoop,
                format!(
                    "symbolic link loop: the link (-> {}) leads back to a directory that contains it",
                    target.display()
                ),
            )
        }
        ignore::Error::Io(io_err) => {
            let Some(path) = path else { return found.errors.push(unpathed(err)) };
            // A dangling link that does not look like source (a `build` link to a
            // deleted directory, say) holds nothing leaklint would check.
            if io_err.kind() == io::ErrorKind::NotFound && !is_source_file(&path) {
                return;
            }
            FileError::from_io(&path, io_err)
        }
        ignore::Error::Glob { glob, err: reason } => {
            let Some(path) = path else { return found.errors.push(unpathed(err)) };
            let message = match glob {
                Some(glob) => format!("invalid ignore pattern `{glob}`: {reason}"),
                None => format!("invalid ignore pattern: {reason}"),
            };
            let error = FileError::new(path, FileErrorKind::InvalidIgnoreFile, message);
            match ignore_file_line {
                Some(line) => error.at(line, None),
                None => error,
            }
        }
        _ => unpathed(err),
    };
    found.errors.push(FileError { path: without_leading_cur_dir(&error.path), ..error });
}

/// An error the walker gave without a path; rare, so keep its own words.
fn unpathed(err: &ignore::Error) -> FileError {
    FileError::new(PathBuf::new(), FileErrorKind::Unreadable, err.to_string())
}

/// `./src/a.js` and `src/a.js` are the same file: keep one spelling so sorting
/// and de-duplication see them as equal.
fn without_leading_cur_dir(path: &Path) -> PathBuf {
    let mut components = path.components().peekable();
    while components.peek() == Some(&Component::CurDir) {
        components.next();
    }
    let rest: PathBuf = components.collect();
    if rest.as_os_str().is_empty() { path.to_path_buf() } else { rest }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    /// A tree in a fresh tempdir; paths are relative to it.
    struct Tree(tempfile::TempDir);

    impl Tree {
        fn new(files: &[&str]) -> Self {
            let tree = Tree(tempfile::tempdir().unwrap());
            for file in files {
                tree.write(file, "let a;\n");
            }
            tree
        }

        fn path(&self, rel: &str) -> PathBuf {
            self.0.path().join(rel)
        }

        fn write(&self, rel: &str, text: &str) {
            let path = self.path(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }

        #[cfg(unix)]
        fn symlink(&self, target: &str, rel: &str) {
            let link = self.path(rel);
            fs::create_dir_all(link.parent().unwrap()).unwrap();
            std::os::unix::fs::symlink(target, link).unwrap();
        }

        /// Discover from `roots` (relative to the tree) and return the files relative to the tree.
        fn discover(&self, roots: &[&str]) -> (Vec<String>, Vec<FileError>) {
            let roots: Vec<PathBuf> = roots.iter().map(|r| self.path(r)).collect();
            let found = discover(&roots);
            let files = found.files.iter().map(|f| self.rel(f)).collect();
            (files, found.errors)
        }

        fn rel(&self, path: &Path) -> String {
            path.strip_prefix(self.0.path()).unwrap().to_string_lossy().replace('\\', "/")
        }
    }

    #[test]
    fn finds_every_source_extension_sorted_and_skips_the_rest() {
        let tree = Tree::new(&[
            "src/b.ts",
            "src/a.js",
            "z.mjs",
            "y.cjs",
            "x.jsx",
            "w.mts",
            "v.cts",
            "u.tsx",
            "notes.md",
            "data.json",
            "types.d.ts",
            "types.d.mts",
            "types.d.cts",
            "Makefile",
        ]);
        let (files, errors) = tree.discover(&["."]);
        assert_eq!(files, ["src/a.js", "src/b.ts", "u.tsx", "v.cts", "w.mts", "x.jsx", "y.cjs", "z.mjs"]);
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn removes_duplicates_from_overlapping_roots() {
        let tree = Tree::new(&["src/a.js", "src/lib/b.js"]);
        let (files, _) = tree.discover(&["src", "src/lib", "src/a.js", "."]);
        assert_eq!(files, ["src/a.js", "src/lib/b.js"]);
    }

    #[test]
    fn strips_leading_cur_dir() {
        assert_eq!(without_leading_cur_dir(Path::new("./src/a.js")), Path::new("src/a.js"));
        assert_eq!(without_leading_cur_dir(Path::new("././a.js")), Path::new("a.js"));
        assert_eq!(without_leading_cur_dir(Path::new("../a.js")), Path::new("../a.js"));
        assert_eq!(without_leading_cur_dir(Path::new(".")), Path::new("."));
    }

    #[test]
    fn honours_gitignore_and_ignore_outside_a_git_repo() {
        let tree = Tree::new(&["keep.js", "dist/bundle.js", "gen/out.js", "src/a.min.js", "src/a.js"]);
        tree.write(".gitignore", "dist/\n*.min.js\n");
        tree.write(".ignore", "gen/\n");
        let (files, errors) = tree.discover(&["."]);
        assert_eq!(files, ["keep.js", "src/a.js"]);
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn honours_gitignore_of_a_parent_of_the_root() {
        let tree = Tree::new(&["app/src/a.js", "app/src/gen/b.js"]);
        tree.write("app/.gitignore", "gen/\n");
        let (files, _) = tree.discover(&["app/src"]);
        assert_eq!(files, ["app/src/a.js"]);
    }

    #[test]
    fn gitignore_negation_re_includes() {
        let tree = Tree::new(&["lib/a.js", "lib/keep.js"]);
        tree.write(".gitignore", "lib/*\n!lib/keep.js\n");
        let (files, _) = tree.discover(&["."]);
        assert_eq!(files, ["lib/keep.js"]);
    }

    #[test]
    fn skips_node_modules_and_hidden_directories_but_not_hidden_files() {
        let tree =
            Tree::new(&["a.js", "node_modules/pkg/index.js", "src/node_modules/x.js", ".cache/c.js", ".eslintrc.js"]);
        let (files, _) = tree.discover(&["."]);
        assert_eq!(files, [".eslintrc.js", "a.js"]);
    }

    #[test]
    fn walks_node_modules_and_hidden_directories_given_explicitly() {
        let tree = Tree::new(&["node_modules/pkg/index.js", "node_modules/pkg/lib/util.js", ".config/c.js"]);
        // Even when a .gitignore would exclude them.
        tree.write(".gitignore", "node_modules/\n.config/\n");
        let (files, _) = tree.discover(&["node_modules/pkg", ".config"]);
        assert_eq!(files, [".config/c.js", "node_modules/pkg/index.js", "node_modules/pkg/lib/util.js"]);
    }

    #[test]
    fn explicit_file_is_checked_even_when_ignored_but_not_when_not_source() {
        let tree = Tree::new(&["dist/a.js", "dist/a.d.ts", "README.md"]);
        tree.write(".gitignore", "dist/\n");
        let (files, errors) = tree.discover(&["dist/a.js", "dist/a.d.ts", "README.md"]);
        assert_eq!(files, ["dist/a.js"]);
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn nonexistent_root_is_not_found_and_the_rest_are_still_walked() {
        let tree = Tree::new(&["a.js"]);
        let (files, errors) = tree.discover(&["missing", "."]);
        assert_eq!(files, ["a.js"]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].kind, FileErrorKind::NotFound);
        assert_eq!(errors[0].path, tree.path("missing"));
        assert_eq!(errors[0].message, "no such file or directory");
    }

    #[test]
    fn invalid_ignore_pattern_is_reported_with_its_line() {
        let tree = Tree::new(&["a.js", "b.js"]);
        tree.write(".gitignore", "b.js\n[z-a]\n");
        let (files, errors) = tree.discover(&["."]);
        // The valid lines still apply.
        assert_eq!(files, ["a.js"]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].kind, FileErrorKind::InvalidIgnoreFile);
        assert_eq!(errors[0].line, Some(2));
        assert!(errors[0].path.ends_with(".gitignore"));
        assert!(errors[0].message.contains("[z-a]"), "{}", errors[0].message);
    }

    #[cfg(unix)]
    #[test]
    fn follows_symlinks_to_files_and_directories() {
        let tree = Tree::new(&["real/a.js", "other/b.ts"]);
        tree.symlink("../other", "real/linked-dir");
        tree.symlink("a.js", "real/alias.js");
        let (files, errors) = tree.discover(&["real"]);
        assert_eq!(files, ["real/a.js", "real/alias.js", "real/linked-dir/b.ts"]);
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[cfg(unix)]
    #[test]
    fn directory_symlink_loop_is_an_error_and_the_walk_goes_on() {
        let tree = Tree::new(&["d/a.js", "d/sub/b.js"]);
        tree.symlink("..", "d/sub/up");
        let (files, errors) = tree.discover(&["d"]);
        assert_eq!(files, ["d/a.js", "d/sub/b.js"]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].kind, FileErrorKind::SymlinkLoop);
        assert_eq!(errors[0].path, tree.path("d/sub/up"));
        assert!(errors[0].message.contains("symbolic link loop"), "{}", errors[0].message);
    }

    #[cfg(unix)]
    #[test]
    fn self_referencing_symlinks_are_loops() {
        let tree = Tree::new(&["a.js"]);
        tree.symlink("self.js", "self.js");
        tree.symlink("ping", "pong");
        tree.symlink("pong", "ping");
        let (files, errors) = tree.discover(&["."]);
        assert_eq!(files, ["a.js"]);
        let kinds: Vec<_> = errors.iter().map(|e| (tree.rel(&e.path), e.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("ping".to_string(), FileErrorKind::SymlinkLoop),
                ("pong".to_string(), FileErrorKind::SymlinkLoop),
                ("self.js".to_string(), FileErrorKind::SymlinkLoop)
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn explicit_symlink_loop_root_is_a_loop() {
        let tree = Tree::new(&[]);
        tree.symlink("self.js", "self.js");
        let (_, errors) = tree.discover(&["self.js"]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].kind, FileErrorKind::SymlinkLoop);
    }

    #[cfg(unix)]
    #[test]
    fn broken_source_symlink_is_unreadable_other_broken_links_are_skipped() {
        let tree = Tree::new(&["a.js"]);
        tree.symlink("gone.js", "broken.js");
        tree.symlink("gone-dir", "build");
        let (files, errors) = tree.discover(&["."]);
        assert_eq!(files, ["a.js"]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].kind, FileErrorKind::Unreadable);
        assert_eq!(errors[0].path, tree.path("broken.js"));
        assert!(errors[0].message.contains("broken symbolic link"), "{}", errors[0].message);
    }

    #[cfg(unix)]
    #[test]
    fn explicit_broken_symlink_is_unreadable_not_not_found() {
        let tree = Tree::new(&[]);
        tree.symlink("gone.js", "broken.js");
        let (_, errors) = tree.discover(&["broken.js"]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].kind, FileErrorKind::Unreadable);
    }

    #[cfg(unix)]
    #[test]
    fn unreadable_directory_is_an_error_and_the_walk_goes_on() {
        use std::os::unix::fs::PermissionsExt;
        let tree = Tree::new(&["a.js", "locked/b.js"]);
        fs::set_permissions(tree.path("locked"), fs::Permissions::from_mode(0o000)).unwrap();
        let readable_anyway = fs::read_dir(tree.path("locked")).is_ok(); // root ignores permissions
        let (files, errors) = tree.discover(&["."]);
        fs::set_permissions(tree.path("locked"), fs::Permissions::from_mode(0o755)).unwrap();
        if readable_anyway {
            return;
        }
        assert_eq!(files, ["a.js"]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].kind, FileErrorKind::Unreadable);
        assert_eq!(errors[0].path, tree.path("locked"));
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_met_while_walking_is_an_error_and_a_name_that_is_not_utf8_is_checked() {
        use std::os::unix::ffi::OsStrExt;
        let tree = Tree::new(&["a.js"]);
        assert!(std::process::Command::new("mkfifo").arg(tree.path("pipe.js")).status().unwrap().success());
        let odd = tree.0.path().join(std::ffi::OsStr::from_bytes(b"caf\xe9.js"));
        fs::write(&odd, "let b;\n").unwrap();
        let found = discover(&[tree.0.path().to_path_buf()]);
        assert_eq!(found.files, [tree.path("a.js"), odd]);
        let errors: Vec<_> = found.errors.iter().map(|e| (e.path.clone(), e.message.as_str())).collect();
        assert_eq!(errors, [(tree.path("pipe.js"), "not a regular file (a named pipe): only regular files are read")]);
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_whose_ignore_file_is_a_named_pipe_is_reported_not_waited_on() {
        let tree = Tree::new(&["a.js", "stuck/b.js"]);
        assert!(std::process::Command::new("mkfifo").arg(tree.path("stuck/.gitignore")).status().unwrap().success());
        let found = discover(&[tree.0.path().to_path_buf()]);
        assert_eq!(found.files, [tree.path("a.js")]);
        let errors: Vec<_> = found.errors.iter().map(|e| (e.path.clone(), e.message.as_str())).collect();
        assert_eq!(
            errors,
            [(
                tree.path("stuck/.gitignore"),
                "not a regular file (a named pipe): only regular files are read; the folder it is in was not checked"
            )]
        );
        let found = discover(&[tree.path("stuck")]);
        assert_eq!((found.files.len(), found.errors.len()), (0, 1));
        // Above the folder walked, it costs the ignore files, not the files.
        fs::create_dir_all(tree.path("stuck/inner")).unwrap();
        tree.write("stuck/inner/c.js", "let c;\n");
        let found = discover(&[tree.path("stuck/inner")]);
        assert_eq!(found.files, [tree.path("stuck/inner/c.js")]);
        assert!(found.errors[0].message.ends_with("; no ignore file was used for this walk"), "{:?}", found.errors);
    }
}

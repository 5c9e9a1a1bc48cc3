//! `--fix-suggestions`: apply the first suggested fix of each finding, where
//! fixes do not overlap and the result still parses, and write the file in place.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use leaklint_core::{Diagnostic, Edit, Fix, apply_edits};

/// What became of one file's fixes.
#[derive(Debug, PartialEq, Eq)]
pub enum FixOutcome {
    /// No finding offered a usable fix.
    NothingToFix,
    /// Fixes were applied to the text (not yet written).
    Fixed {
        source: String,
        /// The message of each fix applied, in source order.
        applied: Vec<String>,
        /// Fixes left out because they overlap one applied earlier, or do not fit the text.
        skipped: Vec<String>,
        /// Fixes left out because the text would no longer parse with them.
        broken: Vec<String>,
    },
    /// The fixes cannot be written; the file must stay as it is.
    Refused { reason: String },
}

/// Apply the first fix of each diagnostic in order, skipping any fix whose
/// edits overlap one already taken, and keeping only fixes with which the
/// text still parses: one broken fix costs only itself.
pub fn apply_fixes(path: &Path, source: &str, diagnostics: &[Diagnostic]) -> FixOutcome {
    let mut candidates: Vec<&Fix> = Vec::new();
    let mut skipped = Vec::new();
    for fix in diagnostics.iter().filter_map(|d| d.fixes.first()) {
        // A fix must be usable on its own (in bounds, no self-overlap) and
        // leave every edit already taken untouched.
        let fits = fix.apply(source).is_some();
        let clashes =
            fix.edits.iter().any(|edit| candidates.iter().flat_map(|f| &f.edits).any(|other| overlaps(edit, other)));
        if fits && !clashes {
            candidates.push(fix);
        } else {
            skipped.push(fix.message.clone());
        }
    }
    if candidates.is_empty() {
        return FixOutcome::NothingToFix;
    }
    let parses = |fixes: &[&Fix]| -> Option<String> {
        let fixed = apply_edits(source, fixes.iter().flat_map(|f| &f.edits))?;
        leaklint_core::build_model(path, &fixed).is_ok().then_some(fixed)
    };
    // All at once is the usual case; else one at a time, each kept only if the text still parses.
    let (kept, broken) = match parses(&candidates) {
        Some(_) => (candidates, Vec::new()),
        None => {
            let mut kept: Vec<&Fix> = Vec::new();
            let mut broken = Vec::new();
            for fix in candidates {
                kept.push(fix);
                if parses(&kept).is_none() {
                    kept.pop();
                    broken.push(fix.message.clone());
                }
            }
            (kept, broken)
        }
    };
    let Some(fixed) = parses(&kept).filter(|_| !kept.is_empty()) else {
        return FixOutcome::Refused {
            reason: "with any of its fixes the text would not parse; this is a bug in a fix".into(),
        };
    };
    let applied = kept.iter().map(|fix| fix.message.clone()).collect();
    FixOutcome::Fixed { source: fixed, applied, skipped, broken }
}

/// Edits that touch the same bytes, or insert at the same place (their order would be arbitrary).
fn overlaps(a: &Edit, b: &Edit) -> bool {
    let (a, b) = (a.span, b.span);
    (a.start < b.end && b.start < a.end) || (a.start == b.start && (a.is_empty() || b.is_empty()))
}

/// Replace what the file at `path` holds with `text`, in place: the file
/// keeps its inode, so its owner, mode and hard links stay as they are (a
/// symbolic link is followed), and no temporary file is made that an
/// interrupted run could leave in the user's folder. A read-only file is
/// refused, not rewritten (as root, writing it would succeed).
pub fn write_in_place(path: &Path, text: &str) -> io::Result<()> {
    if fs::metadata(path)?.permissions().readonly() {
        return Err(io::Error::new(io::ErrorKind::PermissionDenied, "the file is read-only"));
    }
    let mut file = fs::OpenOptions::new().write(true).open(path)?;
    file.write_all(text.as_bytes())?;
    file.set_len(text.len() as u64)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use leaklint_core::{Fix, Severity, Span};

    use super::*;

    fn with_fix(start: u32, end: u32, replacement: &str, message: &str) -> Diagnostic {
        Diagnostic {
            rule: "r",
            severity: Severity::Error,
            message: "m".into(),
            span: Span::new(start, end),
            label: String::new(),
            related: Vec::new(),
            help: String::new(),
            fixes: vec![Fix {
                message: message.into(),
                safe: true,
                edits: vec![Edit { span: Span::new(start, end), replacement: replacement.into() }],
            }],
            subject: None,
        }
    }

    #[test]
    fn applies_fixes_and_skips_overlapping_ones() {
        let source = "const a = new Map();\nconst b = new Map();\n";
        let first = source.find("Map").unwrap() as u32;
        let second = source.rfind("Map").unwrap() as u32;
        let diagnostics = [
            with_fix(first, first + 3, "WeakMap", "first"),
            with_fix(first + 1, first + 2, "X", "overlapping"),
            with_fix(second, second + 3, "WeakMap", "second"),
        ];
        let outcome = apply_fixes(Path::new("a.js"), source, &diagnostics);
        assert_eq!(
            outcome,
            FixOutcome::Fixed {
                source: "const a = new WeakMap();\nconst b = new WeakMap();\n".into(),
                applied: vec!["first".into(), "second".into()],
                skipped: vec!["overlapping".into()],
                broken: Vec::new(),
            }
        );
    }

    #[test]
    fn a_fix_whose_result_does_not_parse_is_refused() {
        let source = "const a = new Map();\n";
        let at = source.find("new").unwrap() as u32;
        let outcome = apply_fixes(Path::new("a.js"), source, &[with_fix(at, at + 3, "new (", "broken")]);
        let FixOutcome::Refused { reason } = outcome else { panic!("expected a refusal, got {outcome:?}") };
        assert!(reason.starts_with("with any of its fixes the text would not parse"), "{reason}");
    }

    #[test]
    fn out_of_bounds_fixes_are_skipped_and_no_fixes_means_nothing_to_do() {
        let source = "x;\n";
        assert_eq!(apply_fixes(Path::new("a.js"), source, &[with_fix(2, 99, "", "bad")]), FixOutcome::NothingToFix);
        let mut plain = with_fix(0, 1, "y", "unused");
        plain.fixes.clear();
        assert_eq!(apply_fixes(Path::new("a.js"), source, &[plain]), FixOutcome::NothingToFix);
    }

    #[test]
    fn two_insertions_at_one_place_do_not_both_apply() {
        let source = "x;\n";
        let outcome = apply_fixes(Path::new("a.js"), source, &[with_fix(0, 0, "a", "one"), with_fix(0, 0, "b", "two")]);
        let FixOutcome::Fixed { source, skipped, .. } = outcome else { panic!("{outcome:?}") };
        assert_eq!((source.as_str(), skipped), ("ax;\n", vec!["two".to_string()]));
    }

    #[cfg(unix)]
    #[test]
    fn writing_in_place_keeps_mode_inode_hard_links_and_symlinks() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.js");
        fs::write(&file, "old text").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
        let inode = fs::metadata(&file).unwrap().ino();
        let hard_link = dir.path().join("hard.js");
        fs::hard_link(&file, &hard_link).unwrap();
        let link = dir.path().join("link.js");
        symlink(&file, &link).unwrap();
        write_in_place(&link, "new").unwrap();
        assert_eq!(fs::read_to_string(&file).unwrap(), "new");
        assert_eq!(fs::read_to_string(&hard_link).unwrap(), "new");
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        let metadata = fs::metadata(&file).unwrap();
        assert_eq!((metadata.ino(), metadata.permissions().mode() & 0o777), (inode, 0o640));
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 3, "{names:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_file_is_not_rewritten() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.js");
        fs::write(&file, "old").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o444)).unwrap();
        let err = write_in_place(&file, "new").unwrap_err();
        assert_eq!(err.to_string(), "the file is read-only");
        assert_eq!(fs::read_to_string(&file).unwrap(), "old");
    }

    #[test]
    fn a_fix_that_breaks_the_text_costs_only_itself() {
        let source = "const a = new Map();\nconst b = new Map();\n";
        let first = source.find("new").unwrap() as u32;
        let second = source.rfind("Map").unwrap() as u32;
        let diagnostics =
            [with_fix(first, first + 3, "new (", "broken"), with_fix(second, second + 3, "WeakMap", "good")];
        let outcome = apply_fixes(Path::new("a.js"), source, &diagnostics);
        assert_eq!(
            outcome,
            FixOutcome::Fixed {
                source: "const a = new Map();\nconst b = new WeakMap();\n".into(),
                applied: vec!["good".into()],
                skipped: Vec::new(),
                broken: vec!["broken".into()],
            }
        );
    }
}

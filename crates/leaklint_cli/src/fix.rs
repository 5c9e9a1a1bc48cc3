//! `--fix-suggestions`: apply the first suggested fix of each finding, where
//! fixes do not overlap, and write the file only if the result still parses.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use leaklint_core::{Diagnostic, Edit, apply_edits};

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
    },
    /// The fixes cannot be written; the file must stay as it is.
    Refused { reason: String },
}

/// Apply the first fix of each diagnostic in order, skipping any fix whose
/// edits overlap one already taken, then check that the result parses.
pub fn apply_fixes(path: &Path, source: &str, diagnostics: &[Diagnostic]) -> FixOutcome {
    let mut taken: Vec<&Edit> = Vec::new();
    let mut applied = Vec::new();
    let mut skipped = Vec::new();
    for fix in diagnostics.iter().filter_map(|d| d.fixes.first()) {
        // A fix must be usable on its own (in bounds, no self-overlap) and
        // leave every edit already taken untouched.
        let fits = fix.apply(source).is_some();
        let clashes = fix.edits.iter().any(|edit| taken.iter().any(|other| overlaps(edit, other)));
        if fits && !clashes {
            taken.extend(&fix.edits);
            applied.push(fix.message.clone());
        } else {
            skipped.push(fix.message.clone());
        }
    }
    if taken.is_empty() {
        return FixOutcome::NothingToFix;
    }
    let Some(fixed) = apply_edits(source, taken) else {
        return FixOutcome::Refused { reason: "the fixes do not fit the file".to_string() };
    };
    if let Err(error) = leaklint_core::build_model(path, &fixed) {
        return FixOutcome::Refused {
            reason: format!("the fixed text would not parse ({}); this is a bug in a fix", error.message),
        };
    }
    FixOutcome::Fixed { source: fixed, applied, skipped }
}

/// Edits that touch the same bytes, or insert at the same place (their order would be arbitrary).
fn overlaps(a: &Edit, b: &Edit) -> bool {
    let (a, b) = (a.span, b.span);
    (a.start < b.end && b.start < a.end) || (a.start == b.start && (a.is_empty() || b.is_empty()))
}

/// Replace the file at `path` with `text` in one step: write a temporary file
/// in the same directory, give it the original's permissions, rename it over.
/// A symbolic link is kept; the file it points to is replaced.
pub fn write_atomically(path: &Path, text: &str) -> io::Result<()> {
    let target = fs::canonicalize(path)?;
    let permissions = fs::metadata(&target)?.permissions();
    let dir = target.parent().ok_or_else(|| io::Error::other("the file has no parent directory"))?;
    let mut temp = tempfile::Builder::new().prefix(".leaklint-fix-").tempfile_in(dir)?;
    temp.write_all(text.as_bytes())?;
    temp.as_file().sync_all()?;
    fs::set_permissions(temp.path(), permissions)?;
    temp.persist(&target).map_err(|err| err.error)?;
    Ok(())
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
            }
        );
    }

    #[test]
    fn a_fix_whose_result_does_not_parse_is_refused() {
        let source = "const a = new Map();\n";
        let at = source.find("new").unwrap() as u32;
        let outcome = apply_fixes(Path::new("a.js"), source, &[with_fix(at, at + 3, "new (", "broken")]);
        let FixOutcome::Refused { reason } = outcome else { panic!("expected a refusal, got {outcome:?}") };
        assert!(reason.starts_with("the fixed text would not parse"), "{reason}");
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
    fn atomic_write_keeps_permissions_and_symlinks() {
        use std::os::unix::fs::{PermissionsExt, symlink};
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.js");
        fs::write(&file, "old").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.js");
        symlink(&file, &link).unwrap();
        write_atomically(&link, "new").unwrap();
        assert_eq!(fs::read_to_string(&file).unwrap(), "new");
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o640);
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers.len(), 2, "{leftovers:?}");
    }
}

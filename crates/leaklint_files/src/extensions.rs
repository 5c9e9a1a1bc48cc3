//! Which files are JS/TS source.

use std::path::Path;

/// Extensions leaklint checks (without the dot).
pub const SOURCE_EXTENSIONS: &[&str] = &["js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx"];

/// Declaration files hold types only: nothing in them runs, so nothing leaks.
const DECLARATION_SUFFIXES: &[&str] = &[".d.ts", ".d.mts", ".d.cts"];

/// A JS/TS file leaklint should check: a source extension, not a declaration
/// file, and not minified (`*.min.js`: a copy of code shipped unminified too,
/// and findings on its one long line help nobody; oxlint skips them as well).
pub fn is_source_file(path: &Path) -> bool {
    // Names need not be UTF-8: `caf\xe9.js` is checked like any other.
    let Some(name) = path.file_name().map(|n| n.to_string_lossy()) else {
        return false;
    };
    let Some(ext) = path.extension().map(|e| e.to_string_lossy()) else {
        return false;
    };
    SOURCE_EXTENSIONS.contains(&&*ext)
        && !DECLARATION_SUFFIXES.iter().any(|suffix| name.ends_with(suffix))
        && !name.contains(".min.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_every_source_extension() {
        for ext in SOURCE_EXTENSIONS {
            assert!(is_source_file(Path::new(&format!("dir/file.{ext}"))), "{ext}");
        }
    }

    #[test]
    fn rejects_declarations_and_other_files() {
        for name in
            ["a.d.ts", "a.d.mts", "a.d.cts", "a.json", "a.JS", "Makefile", "a.js.map", ".ts", "a.min.js", "b.min.mjs"]
        {
            assert!(!is_source_file(Path::new(name)), "{name}");
        }
        // `.d.tsx` is not a declaration file; `d.ts` (no leading dot) is an ordinary file.
        assert!(is_source_file(Path::new("a.d.tsx")));
        assert!(is_source_file(Path::new("d.ts")));
    }
}

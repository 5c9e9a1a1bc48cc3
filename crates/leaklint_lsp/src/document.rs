//! Open documents: the client's text and version, kept up to date by
//! incremental `didChange` events.

use std::path::PathBuf;
use std::sync::Arc;

use lsp_types::{TextDocumentContentChangeEvent, Uri};

use crate::position::{Encoding, PositionMap};

pub struct Document {
    /// Shared with analysis jobs, which must not see later edits.
    pub text: Arc<str>,
    pub version: i32,
    /// The path given to the analyser: the file's own path, or for unsaved
    /// buffers a made-up one whose extension says what language it is.
    pub path: PathBuf,
    /// `file:` documents can have a configuration; others get the defaults.
    pub on_disk: bool,
}

impl Document {
    pub fn new(uri: Uri, language_id: &str, version: i32, text: String) -> Self {
        let (path, on_disk) = match file_path(&uri) {
            Some(path) => (path, true),
            None => (PathBuf::from(format!("untitled.{}", extension_for(language_id))), false),
        };
        Self { text: text.into(), version, path, on_disk }
    }

    /// Apply `didChange` events in order: a ranged event replaces that range,
    /// one without a range replaces the whole text.
    pub fn apply_changes(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>, encoding: Encoding) {
        let mut text = self.text.to_string();
        for change in changes {
            match change.range {
                Some(range) => {
                    let span = PositionMap::new(&text, encoding).span(range);
                    text.replace_range(span.start as usize..span.end as usize, &change.text);
                }
                None => text = change.text,
            }
        }
        self.text = text.into();
        self.version = version;
    }
}

/// The local path of a `file:` URI (percent-decoded); `None` for other schemes.
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    let url = url::Url::parse(uri.as_str()).ok()?;
    if url.scheme() != "file" {
        return None;
    }
    url.to_file_path().ok()
}

/// The `file:` URI of a local path.
pub fn file_uri(path: &std::path::Path) -> Option<Uri> {
    let url = url::Url::from_file_path(path).ok()?;
    url.as_str().parse().ok()
}

/// The extension the core reads a language id's source type from.
fn extension_for(language_id: &str) -> &'static str {
    match language_id {
        "typescript" => "ts",
        "typescriptreact" => "tsx",
        "javascriptreact" => "jsx",
        _ => "js",
    }
}

#[cfg(test)]
mod tests {
    use lsp_types::{Position, Range};

    use super::*;

    fn change(range: Option<((u32, u32), (u32, u32))>, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|((l1, c1), (l2, c2))| Range {
                start: Position { line: l1, character: c1 },
                end: Position { line: l2, character: c2 },
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        let uri: Uri = "file:///tmp/a.js".parse().unwrap();
        let mut doc = Document::new(uri, "javascript", 1, "const 😀 = 1;\nfoo();\n".to_string());
        doc.apply_changes(
            2,
            vec![change(Some(((0, 6), (0, 8))), "x"), change(Some(((1, 0), (1, 3))), "bar"), change(None, "")],
            Encoding::Utf16,
        );
        assert_eq!(&*doc.text, "");
        doc.apply_changes(
            3,
            vec![change(None, "a\nb"), change(Some(((1, 1), (1, 1))), "c"), change(Some(((0, 0), (1, 0))), "")],
            Encoding::Utf16,
        );
        assert_eq!((&*doc.text, doc.version), ("bc", 3));
    }

    #[test]
    fn utf16_ranges_replace_whole_characters() {
        let uri: Uri = "file:///tmp/a.js".parse().unwrap();
        let mut doc = Document::new(uri, "javascript", 1, "const 😀 = 1;".to_string());
        doc.apply_changes(2, vec![change(Some(((0, 6), (0, 8))), "x")], Encoding::Utf16);
        assert_eq!(&*doc.text, "const x = 1;");
    }

    #[test]
    fn paths_come_from_file_uris_and_language_ids() {
        let doc = Document::new("file:///tmp/a%20b.ts".parse().unwrap(), "typescript", 1, String::new());
        assert_eq!((doc.path, doc.on_disk), (PathBuf::from("/tmp/a b.ts"), true));
        let doc = Document::new("untitled:Untitled-1".parse().unwrap(), "typescriptreact", 1, String::new());
        assert_eq!((doc.path, doc.on_disk), (PathBuf::from("untitled.tsx"), false));
        assert_eq!(file_uri(std::path::Path::new("/tmp/a b.ts")).unwrap().as_str(), "file:///tmp/a%20b.ts");
    }
}

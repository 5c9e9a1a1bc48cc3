//! The VS Code extension in editors/vscode builds and packages: scripts/setup.sh
//! runs editors/vscode/build.sh (npm ci, tsc, esbuild, vsce package), and this
//! checks the .vsix it leaves, so a broken build fails the test suite.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::Value;

fn extension_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../editors/vscode")
}

fn modified(path: &Path) -> SystemTime {
    std::fs::metadata(path).and_then(|m| m.modified()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_vsix_is_built_from_the_current_sources_and_holds_the_bundle() {
    let dir = extension_dir();
    let vsix = dir.join("leaklint.vsix");
    assert!(
        vsix.is_file(),
        "{} is missing: run scripts/setup.sh (it builds the extension with editors/vscode/build.sh)",
        vsix.display()
    );
    let mut sources: Vec<PathBuf> =
        ["package.json", "package-lock.json", "README.md", ".vscodeignore", "tsconfig.json"]
            .map(|f| dir.join(f))
            .into();
    let mut dirs = vec![dir.join("src")];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() { dirs.push(path) } else { sources.push(path) }
        }
    }
    assert!(sources.iter().any(|s| s.ends_with("src/extension.ts")));
    for source in &sources {
        assert!(
            modified(&vsix) >= modified(source),
            "{} is older than {}: rebuild it with editors/vscode/build.sh (or scripts/setup.sh)",
            vsix.display(),
            source.display()
        );
    }
    let bytes = std::fs::read(&vsix).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"), "a .vsix is a zip archive");
    // Entry names are stored uncompressed in a zip's headers.
    for entry in
        ["extension.vsixmanifest", "extension/package.json", "extension/dist/extension.js", "extension/readme.md"]
    {
        assert!(bytes.windows(entry.len()).any(|w| w == entry.as_bytes()), "{entry} is not in {}", vsix.display());
    }
    for left_out in ["extension/src/", "extension/out/", "extension/node_modules/"] {
        assert!(!bytes.windows(left_out.len()).any(|w| w == left_out.as_bytes()), "{left_out} should not be packaged");
    }
}

#[test]
fn the_manifest_starts_the_language_server_from_the_bundle() {
    let dir = extension_dir();
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("package.json")).unwrap()).unwrap();
    assert_eq!(manifest["main"], "./dist/extension.js");
    assert_eq!(manifest["license"], "MIT");
    assert!(manifest["contributes"]["configuration"]["properties"]["leaklint.path"].is_object());
    let source = std::fs::read_to_string(dir.join("src/extension.ts")).unwrap();
    assert!(source.contains("args: ['lsp']"), "the extension runs `leaklint lsp`");
    assert!(source.contains("TransportKind.stdio"), "over stdio (the client adds --stdio)");
}

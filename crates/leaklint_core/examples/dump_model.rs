//! Prints the model of files checked together:
//! `cargo run -p leaklint_core --example dump_model -- FILE...`.
//! A development aid for reading what the core understood.

use std::path::PathBuf;

use leaklint_core::{LineIndex, Options, PackageRoot, SourceFile, build_package};

fn main() {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        eprintln!("usage: dump_model FILE...");
        std::process::exit(2);
    }
    let sources: Vec<String> = paths
        .iter()
        .map(|p| {
            std::fs::read_to_string(p).unwrap_or_else(|e| {
                eprintln!("{}: {e}", p.display());
                std::process::exit(2);
            })
        })
        .collect();
    let options = Options::default();
    let files: Vec<SourceFile<'_>> =
        paths.iter().zip(&sources).map(|(path, source)| SourceFile { path, source, options: &options }).collect();
    // The nearest folder with a `package.json` above the first file, as `leaklint check` groups.
    let root = paths
        .first()
        .and_then(|p| p.ancestors().skip(1).find(|d| d.join("package.json").is_file()))
        .map(PackageRoot::read)
        .unwrap_or_default();
    let (package, ids) = build_package(&files, &root);
    for (path, id) in paths.iter().zip(&ids) {
        if let Err(e) = id {
            eprintln!("{}: {}", path.display(), e.message);
        }
    }
    for (i, info) in package.files.iter().enumerate() {
        let source = &sources[i];
        let lines = LineIndex::new(source);
        let at = |offset: u32| {
            let p = lines.position(source, offset);
            format!("{}:{}", p.line, p.column)
        };
        let model = package.file_model(leaklint_core::FileId(i as u32));
        println!("== {}", info.path.display());
        println!("functions:");
        for f in model.functions() {
            println!(
                "  #{} {:?} {} at {} parent {:?}: {:?}{} ({})",
                f.id.0,
                f.kind,
                f.name.as_deref().unwrap_or("<anonymous>"),
                at(f.span.start),
                f.parent.map(|p| p.0),
                f.lifetime,
                if f.lost {
                    " (lost track)"
                } else if f.proven {
                    ""
                } else {
                    " (assumed)"
                },
                model.lifetime_reason(f.id)
            );
        }
        println!("events:");
        for e in model.events() {
            println!("  {} in #{}: {:?}", at(e.span.start), e.func.0, e.kind);
        }
        println!("calls:");
        for c in model.calls() {
            println!(
                "  {} {} {:?} -> {:?} import {:?} value {:?}",
                at(c.span.start),
                c.callee,
                c.target,
                c.result,
                c.import,
                c.result_value
            );
        }
    }
    println!("values:");
    for v in &package.values {
        println!("  v{} {} {:?} {:?}", v.id.0, v.name, v.kind, v.origin);
    }
}

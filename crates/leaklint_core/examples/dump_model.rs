//! Prints the lifetime model of one file: `cargo run -p leaklint_core --example dump_model -- FILE`.
//! A development aid for reading what the core understood.

use std::path::PathBuf;

use leaklint_core::{LineIndex, build_model};

fn main() {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: dump_model FILE");
        std::process::exit(2);
    };
    let source = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            std::process::exit(2);
        }
    };
    let model = match build_model(&path, &source) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{}: {}", path.display(), e.message);
            std::process::exit(1);
        }
    };
    let lines = LineIndex::new(&source);
    let at = |offset: u32| {
        let p = lines.position(&source, offset);
        format!("{}:{}", p.line, p.column)
    };
    println!("functions:");
    for f in &model.functions {
        println!(
            "  #{} {:?} {} at {} parent {:?}: {:?} ({})",
            f.id.0,
            f.kind,
            f.name.as_deref().unwrap_or("<anonymous>"),
            at(f.span.start),
            f.parent.map(|p| p.0),
            f.lifetime,
            f.lifetime_reason
        );
    }
    println!("values:");
    for v in &model.values {
        println!("  v{} {} {:?} {:?} decl {:?}", v.id.0, v.name, v.kind, v.longevity, v.decl_span.map(|s| at(s.start)));
    }
    println!("events:");
    for e in &model.events {
        println!("  {} in #{}: {:?}", at(e.span.start), e.func.0, e.kind);
    }
    println!("calls:");
    for c in &model.calls {
        println!(
            "  {} in #{}: {}{} import {:?} result {:?} args {:?}",
            at(c.span.start),
            c.func.0,
            if c.is_new { "new " } else { "" },
            c.callee,
            c.import,
            c.result,
            c.args
        );
    }
    for g in &model.implicit_globals {
        println!("  implicit global `{}` at {} in #{} (strict: {})", g.name, at(g.span.start), g.func.0, model.strict);
    }
}

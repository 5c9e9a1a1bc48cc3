//! Print every rule's findings for the files given, one line each
//! (`path:line:col rule message`): a quick look while developing rules,
//! without the CLI. `cargo run -p leaklint_rules --example findings -- FILE...`

use std::path::Path;

use leaklint_core::{ActiveRule, LineIndex, analyze};

fn main() {
    let rules: Vec<_> = leaklint_rules::all_rules()
        .into_iter()
        .map(|rule| ActiveRule { rule, severity: rule.meta().default_severity })
        .collect();
    for arg in std::env::args().skip(1) {
        let path = Path::new(&arg);
        let source = match std::fs::read_to_string(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{arg}: {e}");
                continue;
            }
        };
        match analyze(path, &source, &rules) {
            Ok(found) => {
                let lines = LineIndex::new(&source);
                for d in found {
                    let at = lines.position(&source, d.span.start);
                    println!("{arg}:{}:{} {} {}", at.line, at.column, d.rule, d.message);
                }
            }
            Err(e) => eprintln!("{arg}: {}", e.message),
        }
    }
}

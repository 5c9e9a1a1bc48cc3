//! `leaklint rules`: the rules with their default severity and summary.

use std::io::{self, Write};
use std::process::ExitCode;

use leaklint_core::RuleMeta;

use crate::args::{RulesArgs, RulesFormat};

pub fn run(args: &RulesArgs) -> ExitCode {
    let metas: Vec<&'static RuleMeta> = leaklint_rules::all_rules().iter().map(|rule| rule.meta()).collect();
    let text = match args.format {
        RulesFormat::Human => render_table(&metas),
        RulesFormat::Json => render_json(&metas),
    };
    // As with `check`, a closed pipe (`| head`) is not an error worth reporting.
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush());
    ExitCode::SUCCESS
}

/// One line per rule: id, default severity, summary, in aligned columns.
fn render_table(metas: &[&RuleMeta]) -> String {
    let id_width = metas.iter().map(|m| m.id.len()).chain(["rule".len()]).max().unwrap_or(0);
    let mut out = format!("{:id_width$}  {:8}  summary\n", "rule", "default");
    for meta in metas {
        out.push_str(&format!("{:id_width$}  {:8}  {}\n", meta.id, meta.default_severity.as_str(), meta.summary));
    }
    out.push_str(&format!("\n{} rules. Configure them in .leaklintrc.json (docs/configuration.md).\n", metas.len()));
    out
}

/// A JSON array of `{id, default_severity, summary, tags, precision}`.
fn render_json(metas: &[&RuleMeta]) -> String {
    let rules: Vec<serde_json::Value> = metas
        .iter()
        .map(|meta| {
            serde_json::json!({
                "id": meta.id,
                "default_severity": meta.default_severity.as_str(),
                "summary": meta.summary,
                "tags": meta.tags,
                "precision": meta.precision.as_str(),
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&rules).expect("plain JSON values serialise");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metas() -> Vec<&'static RuleMeta> {
        leaklint_rules::all_rules().iter().map(|rule| rule.meta()).collect()
    }

    #[test]
    fn table_has_a_line_per_rule_with_severity_and_summary() {
        let metas = metas();
        let table = render_table(&metas);
        for meta in &metas {
            let line = table.lines().find(|l| l.starts_with(&format!("{} ", meta.id))).expect("a line per rule");
            assert!(line.contains(meta.default_severity.as_str()) && line.ends_with(meta.summary), "{line}");
        }
    }

    #[test]
    fn json_lists_every_rule_in_order() {
        let metas = metas();
        let parsed: serde_json::Value = serde_json::from_str(&render_json(&metas)).unwrap();
        let ids: Vec<&str> = parsed.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
        let expected: Vec<&str> = metas.iter().map(|m| m.id).collect();
        assert_eq!(ids, expected);
        assert_eq!(parsed[0]["default_severity"], metas[0].default_severity.as_str());
    }
}

//! `no-mismatched-delete`: entries are added under one key expression and
//! deleted under a different one (`map.set(req.id, …)` but
//! `map.delete(msg.requestId)`), so the delete never hits.

use leaklint_core::model::EventKind;
use leaklint_core::{Finding, Label, Precision, Rule, RuleContext, RuleMeta, Severity, Span};

pub struct NoMismatchedDelete;

static META: RuleMeta = RuleMeta {
    id: "no-mismatched-delete",
    default_severity: Severity::Error,
    summary: "A long-lived collection is written under one key and deleted under a different one, so entries stay.",
    docs: include_str!("../../../rules/no-mismatched-delete.md"),
    tags: &["memory", "collections"],
    precision: Precision::Medium,
};

/// The key expression of a keyed write or delete, from its source text:
/// `m.set(KEY, v)`, `m.delete(KEY)`, `o[KEY] = v`, `delete o[KEY]`.
fn key_text(text: &str, method: &str) -> Option<String> {
    let key = match method {
        "set" | "delete" => {
            let open = text.rfind(&format!(".{method}("))? + method.len() + 2;
            let inner = text[open..].trim_end().strip_suffix(')')?;
            if method == "set" { inner.split_once(',')?.0 } else { inner }
        }
        _ => {
            let open = text.find('[')? + 1;
            let close = open + text[open..].find(']')?;
            &text[open..close]
        }
    };
    let key: String = key.chars().filter(|c| !c.is_whitespace()).collect();
    (!key.is_empty()).then_some(key)
}

/// `req.id` → `id`: the field that names the entry.
fn field(key: &str) -> Option<&str> {
    let (_, last) = key.rsplit_once('.')?;
    last.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$').then_some(last)
}

impl Rule for NoMismatchedDelete {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut RuleContext<'_>) {
        let model = ctx.model;
        for value in &model.values {
            if value.longevity.is_none() || !value.kind.is_collection() {
                continue;
            }
            let mut writes: Vec<(String, Span)> = Vec::new();
            let mut deletes: Vec<(String, Span)> = Vec::new();
            let mut other_removal = false;
            for e in model.events_on(value.id) {
                let text = e.span.text(ctx.source);
                match &e.kind {
                    EventKind::Write { method, .. } if method == "set" || method == "[]=" => {
                        if let Some(k) = key_text(text, method) {
                            writes.push((k, e.span));
                        }
                    }
                    EventKind::Remove { method, .. } if method == "delete" => {
                        let m = if text.trim_start().starts_with("delete") { "[]" } else { "delete" };
                        match key_text(text, m) {
                            Some(k) => deletes.push((k, e.span)),
                            None => other_removal = true,
                        }
                    }
                    EventKind::Remove { .. } | EventKind::Reassign { .. } => other_removal = true,
                    _ => {}
                }
            }
            if writes.is_empty() || deletes.is_empty() || other_removal {
                continue;
            }
            // Only member keys can be compared by field: `req.id` vs `msg.requestId`.
            let written: Vec<&str> = writes.iter().filter_map(|(k, _)| field(k)).collect();
            if written.len() != writes.len() {
                continue;
            }
            for (key, span) in &deletes {
                let Some(deleted) = field(key) else { continue };
                if written.contains(&deleted) || writes.iter().any(|(w, _)| w == key) {
                    continue;
                }
                let (first_key, first_span) = &writes[0];
                ctx.report(Finding {
                    span: *span,
                    message: format!(
                        "`{}` deletes entries by `{key}`, but they are added by `{first_key}`, so this delete never removes them",
                        value.name
                    ),
                    label: format!("deletes by `.{deleted}`"),
                    related: vec![Label { span: *first_span, message: format!("added by `.{}`", field(first_key).unwrap_or(first_key)) }],
                    help: "Use the same key for both: keep the key you added under (for example store it on the message or in a closure) and delete that.".into(),
                    fixes: Vec::new(),
                    subject: Some(value.name.to_string()),
                });
            }
        }
    }
}

//! `no-accidental-global`: assignments that create or overwrite globals from
//! functions: undeclared identifiers in sloppy-mode code, and writes to
//! `global.*`/`globalThis.*`/`window.*` from code that runs per request or
//! per instance.

use leaklint_core::model::Lifetime;
use leaklint_core::{Edit, Finding, Fix, Precision, Rule, RuleContext, RuleMeta, Severity};

use crate::how_often;

pub struct NoAccidentalGlobal;

static META: RuleMeta = RuleMeta {
    id: "no-accidental-global",
    default_severity: Severity::Warning,
    summary: "A function assigns to an undeclared variable or a global property, keeping the value alive for the life of the process.",
    docs: include_str!("../../../rules/no-accidental-global.md"),
    tags: &["memory", "correctness"],
    precision: Precision::High,
};

/// Globals scripts assign on purpose.
const INTENDED: &[&str] = &["module", "exports", "onmessage", "onerror", "onload", "name", "location", "status"];

impl Rule for NoAccidentalGlobal {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut RuleContext<'_>) {
        let model = ctx.model;
        for global in model.implicit_globals() {
            let func = model.function(global.func);
            if let Some((object, _)) = global.name.split_once('.') {
                // `window.x = v` per request or per instance: shared by all, kept forever.
                if !matches!(func.lifetime, Lifetime::PerRequest | Lifetime::PerInstance) {
                    continue;
                }
                // Only a request-scoped value stored there is a leak (`global.lastRequest = req`);
                // per-request patching of a global function is a design choice.
                let Some(stored) = assigned_identifier(ctx.source, global.span.end) else { continue };
                if !request_scoped(model, global.func, stored) {
                    continue;
                }
                ctx.report(Finding {
                    span: global.span,
                    message: format!("`{}` is written {}; the global keeps the value alive for the life of the process", global.name, how_often(model, func)),
                    label: format!("stored on `{object}`"),
                    related: Vec::new(),
                    help: "A global is shared by every request and instance and never collected. Keep the value in the object or request it belongs to.".into(),
                    fixes: Vec::new(),
                    subject: Some(global.name.to_string()),
                    assumption: model.assumption(func.id),
                });
                continue;
            }
            // Undeclared assignments only create globals in sloppy-mode code, and
            // at the top level of a script they are usually meant.
            if func.strict
                || global.builtin
                || global.func == model.module_function()
                || INTENDED.contains(&global.name.as_str())
            {
                continue;
            }
            ctx.report(Finding {
                span: global.span,
                message: format!("`{}` is never declared, so assigning it in `{}` creates a global", global.name, func.name.as_deref().unwrap_or("this function")),
                label: "implicit global".into(),
                related: Vec::new(),
                help: "In sloppy-mode code an assignment to an undeclared name creates a property of the global object that lives (and is shared) forever. Declare it with `let`/`const` in the function, or add \"use strict\" to catch these.".into(),
                fixes: declare_fix(model, ctx.source, global).into_iter().collect(),
                subject: Some(global.name.to_string()),
                assumption: None,
            });
        }
    }
}

/// `var` before the first assignment, when that cannot change what the code
/// does: every assignment of the name is in this one function, the name
/// appears nowhere else in the file (no other code shares the global), and
/// the assignment starts a statement (or a `for` head). `var`, not `let`: it
/// is function-scoped like the global it replaces, so it covers the later
/// assignments too, also those in a block, and is declared once.
fn declare_fix(
    model: leaklint_core::FileModel<'_>,
    source: &str,
    global: &leaklint_core::model::ImplicitGlobal,
) -> Option<Fix> {
    let name = global.name.as_str();
    let assignments: Vec<_> = model.implicit_globals().iter().filter(|g| g.name == global.name).collect();
    let first = assignments.iter().map(|g| g.span.start).min()?;
    if first != global.span.start || assignments.iter().any(|g| g.func != global.func) {
        return None;
    }
    let func = model.function(global.func).span;
    let outside = [&source[..func.start as usize], &source[func.end as usize..]];
    if outside.iter().any(|text| mentions(text, name)) || !starts_statement(&source[..global.span.start as usize]) {
        return None;
    }
    Some(Fix {
        message: format!("Declare `{name}` with `var` in the function"),
        safe: false,
        edits: vec![Edit {
            span: leaklint_core::Span::new(global.span.start, global.span.start),
            replacement: "var ".into(),
        }],
    })
}

/// Whether `text` has `name` as a whole word.
fn mentions(text: &str, name: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    text.match_indices(name)
        .any(|(at, _)| !text[..at].ends_with(is_word) && !text[at + name.len()..].starts_with(is_word))
}

/// Whether a statement (or a `for` head) may start after `before`.
fn starts_statement(before: &str) -> bool {
    let before = before.trim_end();
    match before.chars().last() {
        None | Some(';' | '{' | '}' | ')') => true,
        Some('(') => before[..before.len() - 1].trim_end().ends_with("for"),
        _ => false,
    }
}

/// `x` in `global.name = x;`, reading the text after the assignment target.
fn assigned_identifier(source: &str, target_end: u32) -> Option<&str> {
    let rest = source.get(target_end as usize..)?.trim_start().strip_prefix('=')?;
    if rest.starts_with('=') {
        return None;
    }
    let rest = rest.trim_start();
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')).unwrap_or(rest.len());
    let ident = &rest[..end];
    let after = rest[end..].trim_start();
    (!ident.is_empty() && (after.is_empty() || after.starts_with([';', '\n', '}', ')']))).then_some(ident)
}

/// Is `name` a parameter of `func` or of a per-request function around it?
fn request_scoped(model: leaklint_core::FileModel<'_>, func: leaklint_core::model::FunctionId, name: &str) -> bool {
    let mut at = Some(func);
    while let Some(f) = at {
        let function = model.function(f);
        if function.lifetime == Lifetime::PerRequest && function.params.iter().any(|p| p == name) {
            return true;
        }
        at = function.parent;
    }
    false
}

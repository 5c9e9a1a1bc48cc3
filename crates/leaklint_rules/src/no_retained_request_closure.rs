//! `no-retained-request-closure`: a closure (or record) holding request-scoped
//! values (`req`, `res`, `ctx`, a handler's parameters) stored in a long-lived
//! collection that is never drained, so every request stays in memory.

use leaklint_core::model::EventKind;
use leaklint_core::{Finding, Label, Precision, Rule, RuleContext, RuleMeta, Severity};

use crate::{function_of, how_often};

pub struct NoRetainedRequestClosure;

static META: RuleMeta = RuleMeta {
    id: "no-retained-request-closure",
    default_severity: Severity::Error,
    summary: "A closure capturing `req`/`res` is stored in a long-lived collection that is never drained.",
    docs: include_str!("../../../rules/no-retained-request-closure.md"),
    tags: &["memory", "node", "http"],
    precision: Precision::High,
};

impl Rule for NoRetainedRequestClosure {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut RuleContext<'_>) {
        let model = ctx.model;
        for event in model.events() {
            let EventKind::Write { target, stored, longevity, path, .. } = &event.kind else { continue };
            if stored.captures_request.is_empty() {
                continue;
            }
            let value = model.value(*target);
            let Some(longevity) = longevity else { continue };
            if !value.kind.is_collection() || model.is_drained_or_bounded(value.id) {
                continue;
            }
            let func = function_of(model, event);
            let names = stored.captures_request.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
            let what = if stored.is_function { format!("a closure capturing {names}") } else { names.clone() };
            let mut related = Vec::new();
            if let Some(decl) = model.local_span(value.decl).filter(|d| !d.contains(event.span)) {
                related.push(Label { span: decl, message: format!("`{path}` is {}", longevity.describe()) });
            }
            if let Some(closure) = stored.closure_span.filter(|s| !s.contains(event.span) && !event.span.contains(*s)) {
                related.push(Label { span: closure, message: format!("this closure keeps {names} alive") });
            }
            ctx.report(Finding {
                span: event.span,
                message: format!(
                    "{what} is stored in `{path}` {} and never removed, so every request stays in memory",
                    how_often(model, func)
                ),
                label: format!("stores {what} in `{path}`"),
                related,
                help: format!(
                    "Everything {names} references (headers, bodies, sockets) lives as long as `{path}`. \
                     Remove the entry when the work is done (`shift()` a queue as you process it, or delete it in \
                     `res.on('close', ...)`), or store only the plain data you need instead of a closure over the request."
                ),
                fixes: Vec::new(),
                subject: Some(path.to_string()),
                assumption: model.assumption(func.id),
            });
        }
    }
}

//! `no-listener-leak`: a listener added to a long-lived emitter from code that
//! runs per request or per instance, with no matching removal.

use leaklint_core::model::{EventKind, FileModel, Handler, Lifetime, Longevity};
use leaklint_core::{Finding, Label, Precision, Rule, RuleContext, RuleMeta, Severity};

use crate::{function_of, how_often};

pub struct NoListenerLeak;

static META: RuleMeta = RuleMeta {
    id: "no-listener-leak",
    default_severity: Severity::Error,
    summary: "A listener is added to a long-lived emitter per request or per instance and never removed.",
    docs: include_str!("../../../rules/no-listener-leak.md"),
    tags: &["memory", "node", "events"],
    precision: Precision::High,
};

/// Is there a removal that can take this listener off again?
fn has_matching_removal(model: &FileModel, emitter_path: &str, event: Option<&str>, handler: &Handler) -> bool {
    model.events.iter().any(|e| match &e.kind {
        EventKind::ListenerRemove { emitter_path: path, event: removed_event, handler: removed, .. } => match removed {
            Some(Handler::Named(name)) => matches!(handler, Handler::Named(h) if h == name),
            // A fresh function removes nothing.
            Some(Handler::Inline) => false,
            // `removeAllListeners()` / `removeAllListeners(event)` on the same emitter.
            None => path == emitter_path && (removed_event.is_none() || removed_event.as_deref() == event),
        },
        _ => false,
    })
}

/// Names of methods that end an object's life.
const TEARDOWN_METHODS: &[&str] =
    &["destroy", "dispose", "close", "teardown", "unmount", "disconnect", "stop", "detach", "cleanup", "shutdown"];

fn has_teardown(model: &FileModel) -> bool {
    model.functions.iter().any(|f| f.name.as_deref().is_some_and(|n| TEARDOWN_METHODS.contains(&n)))
}

/// Events that fire once per request: a `once` listener for one is used up by
/// the next request, so re-adding it per request does not accumulate.
const PER_REQUEST_EVENTS: &[&str] = &["request", "connection", "upgrade", "connect", "message"];

impl Rule for NoListenerLeak {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut RuleContext<'_>) {
        let model = ctx.model;
        for event in &model.events {
            let EventKind::ListenerAdd {
                emitter,
                event: name,
                handler,
                method,
                result_used,
                auto_removed,
                guarded,
                captures_request,
            } = &event.kind
            else {
                continue;
            };
            let Some(longevity) = emitter.longevity else { continue };
            let func = function_of(model, event);
            // Functions of unknown call rate (exported set-up functions) are often called once; only
            // code the model knows repeats (per request, per instance) is reported.
            let repeats = matches!(func.lifetime, Lifetime::PerRequest | Lifetime::PerInstance);
            let used_up = method.contains("nce") && name.as_deref().is_some_and(|n| PER_REQUEST_EVENTS.contains(&n));
            if !repeats || used_up || *result_used || *auto_removed || *guarded {
                continue;
            }
            if has_matching_removal(model, &emitter.path, name.as_deref(), handler) {
                continue;
            }
            // Per-instance listeners on the page or the process: objects without any
            // teardown (no `destroy()`/`dispose()`) are made once per page or process in
            // practice; one that has a teardown but forgets this listener leaks.
            let page_or_process = matches!(longevity, Longevity::Global | Longevity::Process);
            if func.lifetime == Lifetime::PerInstance && page_or_process && !has_teardown(model) {
                continue;
            }
            let event_text = name.as_deref().map(|n| format!("'{n}', ")).unwrap_or_default();
            let mut related = Vec::new();
            if let Some(entry) = func.entry_span.filter(|s| !s.contains(event.span)) {
                related.push(Label {
                    span: crate::head(ctx.source, entry),
                    message: format!("this runs {}", func.lifetime.describe()),
                });
            }
            let holds = if captures_request.is_empty() {
                String::new()
            } else {
                format!(
                    " Its closure captures {}, so each request stays reachable from `{}`.",
                    captures_request.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "),
                    emitter.path
                )
            };
            let removal = match handler {
                Handler::Named(_) => format!(
                    "remove it with `{}.removeListener({}, <same function>)` when the {} ends",
                    emitter.path,
                    name.as_deref().map(|n| format!("'{n}'")).unwrap_or_else(|| "event".into()),
                    if func.lifetime == Lifetime::PerRequest { "request" } else { "instance's work" }
                ),
                Handler::Inline => "keep the function in a variable so it can be removed when the work ends (an inline function or a fresh `.bind()` can never be removed)".into(),
            };
            ctx.report(Finding {
                span: event.span,
                message: format!(
                    "`{}.{method}({event_text}...)` adds a listener {} and never removes it",
                    emitter.path,
                    how_often(func)
                ),
                label: format!("`{}` is long-lived: {}", emitter.path, longevity.describe()),
                related,
                help: format!(
                    "Every call adds one more listener to `{}`; each keeps its closure alive and Node warns once there are more than 10 (MaxListenersExceededWarning).{holds} Register it once at start-up, or {removal}.",
                    emitter.path
                ),
                fixes: Vec::new(),
                subject: Some(emitter.path.to_string()),
            });
        }
    }
}

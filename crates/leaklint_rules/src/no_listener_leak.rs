//! `no-listener-leak`: a listener added to a long-lived emitter from code that
//! runs per request or per instance, with no matching removal; and a `once`
//! listener added per call that a timeout or error path strands (its event never comes).

use leaklint_core::FileModel;
use leaklint_core::model::{Event, EventKind, Function, Handler, Lifetime, Longevity};
use leaklint_core::{Finding, Label, Precision, Rule, RuleContext, RuleMeta, Severity};

use crate::failure::{FailureKind, FailurePath, FunctionNames, ends_operation, failure_paths, related};
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

/// Names of methods that end an object's life.
const TEARDOWN_METHODS: &[&str] =
    &["destroy", "dispose", "close", "teardown", "unmount", "disconnect", "stop", "detach", "cleanup", "shutdown"];

fn has_teardown(model: FileModel<'_>) -> bool {
    model.functions().iter().any(|f| f.known_as().any(|n| TEARDOWN_METHODS.contains(&n)))
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
        let mut failures: Option<(FunctionNames<'_>, Vec<FailurePath>)> = None;
        for event in model.events() {
            let EventKind::ListenerAdd {
                emitter,
                event: name,
                handler,
                method,
                result_used,
                auto_removed,
                guarded,
                captures_request,
                removed_by,
            } = &event.kind
            else {
                continue;
            };
            let Some(longevity) = emitter.longevity else { continue };
            let func = function_of(model, event);
            // Functions of unknown call rate (exported set-up functions) are often called once; only
            // code the model knows repeats (per request, per instance, a repeating callback) is reported.
            let repeats = matches!(func.lifetime, Lifetime::PerRequest | Lifetime::PerInstance)
                || (func.lifetime == Lifetime::Repeatable && func.proven);
            let once = method.contains("nce");
            let used_up = once && name.as_deref().is_some_and(|n| PER_REQUEST_EVENTS.contains(&n));
            // A `once` listener from any repeated code is checked against the failure paths below.
            let may_strand = once && func.lifetime.runs_repeatedly();
            if !(repeats || may_strand) || used_up || *result_used || *auto_removed || *guarded {
                continue;
            }
            if !removed_by.is_empty() {
                continue;
            }
            // Per-instance listeners on the page or the process: objects without any
            // teardown (no `destroy()`/`dispose()`) are made once per page or process in
            // practice; one that has a teardown but forgets this listener leaks.
            let page_or_process = matches!(longevity, Longevity::Global | Longevity::Process);
            if func.lifetime == Lifetime::PerInstance && page_or_process && !has_teardown(model) {
                continue;
            }
            if may_strand {
                let (names, paths) = failures.get_or_insert_with(|| {
                    let names = FunctionNames::new(model);
                    let paths = failure_paths(model, ctx.source, &names);
                    (names, paths)
                });
                if let Some(path) = paths.iter().find(|p| strands(ctx.source, names, event, handler, func, p)) {
                    let path = path.clone();
                    report_stranded(ctx, event, func, &path, longevity);
                    continue;
                }
            }
            if !repeats {
                continue;
            }
            let event_text = name.as_deref().map(|n| format!("'{n}', ")).unwrap_or_default();
            let mut related = Vec::new();
            related.extend(crate::entry_label(model, ctx.source, func, event.span));
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
                _ if !handler.inline => format!(
                    "remove it with `{}.removeListener({}, <same function>)` when the {} ends",
                    emitter.path,
                    name.as_deref().map(|n| format!("'{n}'")).unwrap_or_else(|| "event".into()),
                    if func.lifetime == Lifetime::PerRequest { "request" } else { "instance's work" }
                ),
                _ => "keep the function in a variable so it can be removed when the work ends (an inline function or a fresh `.bind()` can never be removed)".into(),
            };
            ctx.report(Finding {
                span: event.span,
                message: format!(
                    "`{}.{method}({event_text}...)` adds a listener {} and never removes it",
                    emitter.path,
                    how_often(model, func)
                ),
                label: format!("`{}` is long-lived: {}", emitter.path, longevity.describe()),
                related,
                help: format!(
                    "Every call adds one more listener to `{}`; each keeps its closure alive and Node warns once there are more than 10 (MaxListenersExceededWarning).{holds} Register it once at start-up, or {removal}.",
                    emitter.path
                ),
                fixes: Vec::new(),
                subject: Some(emitter.path.to_string()),
                assumption: model.assumption(func.id),
            });
        }
    }
}

/// The event argument of `emitter.once(EVENT, handler)` as written.
fn event_argument<'s>(source: &'s str, event: &Event, method: &str) -> Option<&'s str> {
    let text = event.span.text(source);
    let open = text.find(&format!("{method}("))? + method.len() + 1;
    let mut depth = 0i32;
    for (i, c) in text[open..].char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => return Some(text[open..open + i].trim()),
            _ => {}
        }
    }
    None
}

/// Does failure path `p` end the call that added this `once` listener, leaving the listener waiting?
fn strands(
    source: &str,
    names: &FunctionNames<'_>,
    event: &Event,
    handler: &Handler,
    func: &Function,
    p: &FailurePath,
) -> bool {
    let model = names.model();
    // Unrelated code, the listener itself, or code inside its own handler (which has already fired).
    if !related(model, p.func, event.func) || event.span.contains(p.at) {
        return false;
    }
    if handler.values.iter().any(|v| names.function_of_value(*v).is_some_and(|f| model.function(f).span.contains(p.at)))
    {
        return false;
    }
    if matches!(p.kind, FailureKind::Catch { .. }) && event.span.start > p.at.start {
        return false;
    }
    // A rejection of the promise that waits for this very event.
    if matches!(p.kind, FailureKind::Rejection { receiver } if receiver.contains(event.span)) {
        return false;
    }
    // Code of unknown call rate (an exported function may be set-up code run once): only a
    // per-call event name or a timeout shows that it waits for the answer to this call.
    if func.lifetime == Lifetime::Repeatable {
        let EventKind::ListenerAdd { method, .. } = &event.kind else { return false };
        let dynamic = event_argument(source, event, method)
            .is_some_and(|arg| arg.contains('+') || arg.contains("${") || arg.contains('('));
        if !(dynamic || p.is_timeout()) {
            return false;
        }
    }
    ends_operation(source, names, p)
}

fn report_stranded(
    ctx: &mut RuleContext<'_>,
    event: &Event,
    func: &Function,
    path: &FailurePath,
    longevity: Longevity,
) {
    let EventKind::ListenerAdd { emitter, handler, method, captures_request, .. } = &event.kind else { return };
    let arg = event_argument(ctx.source, event, method).unwrap_or("...");
    let model = ctx.model;
    let mut related = vec![Label { span: path.at, message: "ends the call here; the listener stays".into() }];
    related.extend(crate::entry_label(model, ctx.source, func, event.span));
    let holds = if captures_request.is_empty() {
        String::new()
    } else {
        format!(" (it captures {})", captures_request.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "))
    };
    let removal = if handler.inline {
        format!(
            "`{}.removeListener({arg}, handler)`, keeping the handler in a variable (an inline function cannot be removed)",
            emitter.path
        )
    } else {
        format!("`{}.removeListener({arg}, {})`", emitter.path, handler.text)
    };
    ctx.report(Finding {
        span: event.span,
        message: format!(
            "`{}.{method}({arg}, ...)` is added {} and only goes away when its event fires, but {} ends the call without removing it",
            emitter.path,
            how_often(model, func),
            path.what
        ),
        label: format!("`{}` is long-lived: {}", emitter.path, longevity.describe()),
        related,
        help: format!(
            "A `once` listener is removed only when its event fires. When the call times out or fails first, that event never comes (an event name made per call never fires again), so the listener and its closure{holds} stay on `{}` for good. Remove it on the failure path too: {removal}; or wait with `events.once(emitter, name, {{ signal }})` and abort the signal.",
            emitter.path
        ),
        fixes: Vec::new(),
        subject: Some(emitter.path.to_string()),
        assumption: model.assumption(func.id),
    });
}

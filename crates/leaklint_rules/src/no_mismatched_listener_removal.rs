//! `no-mismatched-listener-removal`: a removal that cannot take the listener
//! off: a different function than the one added, a fresh inline function or
//! `.bind()`, or the return value of `addEventListener`.

use leaklint_core::model::{Event, EventKind};
use leaklint_core::{Edit, Finding, Fix, Label, Precision, Rule, RuleContext, RuleMeta, Severity, Span};

use crate::shares;

pub struct NoMismatchedListenerRemoval;

static META: RuleMeta = RuleMeta {
    id: "no-mismatched-listener-removal",
    default_severity: Severity::Error,
    summary: "A listener removal names a different function than the one added, so the listener stays.",
    docs: include_str!("../../../rules/no-mismatched-listener-removal.md"),
    tags: &["memory", "events"],
    precision: Precision::High,
};

impl Rule for NoMismatchedListenerRemoval {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut RuleContext<'_>) {
        let model = ctx.model;
        for event in model.events() {
            let EventKind::ListenerRemove { emitter, event: name, handler: Some(handler), method, removes } =
                &event.kind
            else {
                continue;
            };
            // Only a named event can be paired, and only with adds in the same
            // closure family that happen before the removal can run (a nested
            // callback, or earlier in the same function: not a re-add after it).
            if name.is_none() || !removes.is_empty() {
                continue;
            }
            let related_code = |f| {
                (crate::is_within(model, event.func, f) && (f != event.func)) || crate::is_within(model, f, event.func)
            };
            let added: Vec<&Event> = model
                .events()
                .iter()
                .filter(|e| related_code(e.func) && !(e.func == event.func && e.span.start > event.span.start))
                .filter(|e| match &e.kind {
                    EventKind::ListenerAdd { emitter: added_on, event: added_event, .. } => {
                        added_event == name
                            && (shares(&added_on.values, &emitter.values)
                                || (added_on.values.is_empty() && added_on.path == emitter.path))
                    }
                    _ => false,
                })
                .collect();
            let emitter_path = &emitter.path;
            let event_text = name.as_deref().map(|n| format!("'{n}'")).unwrap_or_else(|| "…".into());
            if handler.inline {
                ctx.report(Finding {
                    span: event.span,
                    message: format!(
                        "`{emitter_path}.{method}({event_text}, ...)` passes a new function, which was never added, so it removes nothing"
                    ),
                    label: "a fresh function (inline or `.bind()`) is never the registered one".into(),
                    related: added.iter().map(|e| Label { span: e.span, message: "the listener that stays".into() }).collect(),
                    help: "Keep the function you add in a variable (or bind it once in the constructor) and pass that same variable to the removal.".into(),
                    fixes: Vec::new(),
                    subject: Some(emitter_path.to_string()),
                    assumption: None,
                });
                continue;
            }
            // `const h = el.addEventListener(...)`: always `undefined`.
            let holds_add_result = model
                .calls()
                .iter()
                .any(|c| c.name == "addEventListener" && c.result_value.is_some_and(|v| handler.values.contains(&v)));
            let removed = &handler.text;
            if holds_add_result {
                ctx.report(Finding {
                    span: event.span,
                    message: format!("`{removed}` holds the result of `addEventListener`, which is always `undefined`, so this removes nothing"),
                    label: "removes `undefined`".into(),
                    related: Vec::new(),
                    help: "`addEventListener` returns nothing. Keep the listener function itself (or an `AbortController` and pass `{ signal }`) and remove that.".into(),
                    fixes: Vec::new(),
                    subject: Some(emitter_path.to_string()),
                    assumption: None,
                });
                continue;
            }
            // The removal is only a mismatch when this emitter got listeners for this
            // event here, and the function it names is not among what was added.
            let staying: Vec<&Event> = added
                .iter()
                .copied()
                .filter(|e| matches!(&e.kind, EventKind::ListenerAdd { removed_by, .. } if removed_by.is_empty()))
                .collect();
            if added.is_empty() || staying.is_empty() {
                continue;
            }
            // Handlers that may be anything (a parameter of a public function) are no evidence of a mismatch.
            if handler
                .values
                .iter()
                .all(|v| matches!(model.value(*v).origin, leaklint_core::model::Origin::Parameter { .. }))
            {
                continue;
            }
            let named: Vec<&str> = staying
                .iter()
                .filter_map(|e| match &e.kind {
                    EventKind::ListenerAdd { handler, .. } if !handler.inline => Some(handler.text.as_str()),
                    _ => None,
                })
                .collect();
            let mut fixes = Vec::new();
            if let [only] = named.as_slice()
                && let Some(at) = find_argument(ctx.source, event.span, removed)
            {
                fixes.push(Fix {
                    message: format!("Remove `{only}`, the listener that was added"),
                    safe: false,
                    edits: vec![Edit { span: at, replacement: (*only).to_string() }],
                });
            }
            let names = match named.as_slice() {
                [] => "an inline function, which stays".to_string(),
                [one] => format!("`{one}`, which stays"),
                many => format!("{}, which stay", many.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")),
            };
            ctx.report(Finding {
                span: event.span,
                message: format!(
                    "`{emitter_path}.{method}({event_text}, {removed})` removes `{removed}`, but the listener added for this event is {names}"
                ),
                label: format!("`{removed}` was never added for {event_text}"),
                related: staying.iter().map(|e| Label { span: e.span, message: "added here, never removed".into() }).collect(),
                help: "A removal only takes off the identical function. Remove the function that was added (or add the one that is removed).".into(),
                fixes,
                subject: Some(emitter_path.to_string()),
                assumption: None,
            });
        }
    }
}

/// The span of the handler argument `name` inside the removal call's text.
fn find_argument(source: &str, call: Span, name: &str) -> Option<Span> {
    let text = call.text(source);
    // The handler is the last argument: search backwards for `, name` before `)`.
    let at = text.rfind(name)?;
    let before = text[..at].trim_end();
    let after = text[at + name.len()..].trim_start();
    (before.ends_with(',') && (after.starts_with(')') || after.starts_with(',')))
        .then(|| Span::new(call.start + at as u32, call.start + (at + name.len()) as u32))
}

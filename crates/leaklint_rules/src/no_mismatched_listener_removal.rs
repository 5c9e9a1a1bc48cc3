//! `no-mismatched-listener-removal`: a removal that cannot take the listener
//! off: a different function than the one added, a fresh inline function or
//! `.bind()`, or the return value of `addEventListener`.

use leaklint_core::model::{EventKind, Handler, ResultUse};
use leaklint_core::{Edit, Finding, Fix, Label, Precision, Rule, RuleContext, RuleMeta, Severity};

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
        // `const h = el.addEventListener(...)`: always `undefined`.
        let add_results: Vec<&str> = model
            .calls
            .iter()
            .filter(|c| c.name == "addEventListener")
            .filter_map(|c| match &c.result {
                ResultUse::Stored(path) => Some(path.as_str()),
                _ => None,
            })
            .collect();
        for event in &model.events {
            let EventKind::ListenerRemove { emitter_path, event: name, handler: Some(handler), method } = &event.kind
            else {
                continue;
            };
            // Only a named event can be paired, and only with adds in the same
            // closure family that happen before the removal can run (a nested
            // callback, or earlier in the same function: not a re-add after it).
            if name.is_none() {
                continue;
            }
            let related_code = |f| {
                (crate::is_within(model, event.func, f) && (f != event.func)) || crate::is_within(model, f, event.func)
            };
            let added: Vec<(&str, leaklint_core::Span)> = model
                .events
                .iter()
                .filter(|e| related_code(e.func) && !(e.func == event.func && e.span.start > event.span.start))
                .filter_map(|e| match &e.kind {
                    EventKind::ListenerAdd { emitter, event: added_event, handler, .. }
                        if emitter.path == *emitter_path && added_event == name =>
                    {
                        Some((
                            match handler {
                                Handler::Named(n) => n.as_str(),
                                Handler::Inline => "",
                            },
                            e.span,
                        ))
                    }
                    _ => None,
                })
                .collect();
            let event_text = name.as_deref().map(|n| format!("'{n}'")).unwrap_or_else(|| "…".into());
            match handler {
                Handler::Inline => {
                    ctx.report(Finding {
                        span: event.span,
                        message: format!(
                            "`{emitter_path}.{method}({event_text}, ...)` passes a new function, which was never added, so it removes nothing"
                        ),
                        label: "a fresh function (inline or `.bind()`) is never the registered one".into(),
                        related: added.iter().map(|(_, s)| Label { span: *s, message: "the listener that stays".into() }).collect(),
                        help: "Keep the function you add in a variable (or bind it once in the constructor) and pass that same variable to the removal.".into(),
                        fixes: Vec::new(),
                        subject: Some(emitter_path.to_string()),
                    });
                }
                Handler::Named(removed) => {
                    if add_results.contains(&removed.as_str()) {
                        ctx.report(Finding {
                            span: event.span,
                            message: format!("`{removed}` holds the result of `addEventListener`, which is always `undefined`, so this removes nothing"),
                            label: "removes `undefined`".into(),
                            related: Vec::new(),
                            help: "`addEventListener` returns nothing. Keep the listener function itself (or an `AbortController` and pass `{ signal }`) and remove that.".into(),
                            fixes: Vec::new(),
                            subject: Some(emitter_path.to_string()),
                        });
                        continue;
                    }
                    // Only a mismatch when this emitter and event got listeners here, none of them this one.
                    // Same function under another path (`data.onDispose` / `attributeData.onDispose`) counts as a match.
                    let same = |a: &str| crate::last_segment(a) == crate::last_segment(removed);
                    let added_anywhere = model.events.iter().any(|e| {
                        matches!(&e.kind, EventKind::ListenerAdd { emitter, event: ev, handler: Handler::Named(h), .. }
                            if emitter.path == *emitter_path && ev == name && same(h))
                    });
                    if added.is_empty() || added_anywhere {
                        continue;
                    }
                    // The added listeners that no removal takes off: those are what stays.
                    let removed_elsewhere = |h: &str| {
                        model.events.iter().any(|e| {
                            matches!(&e.kind, EventKind::ListenerRemove { emitter_path: p, event: ev, handler: Some(Handler::Named(r)), .. }
                                if p == emitter_path && ev == name && crate::last_segment(r) == crate::last_segment(h))
                        })
                    };
                    let staying: Vec<&(&str, leaklint_core::Span)> =
                        added.iter().filter(|(a, _)| a.is_empty() || !removed_elsewhere(a)).collect();
                    if staying.is_empty() {
                        continue;
                    }
                    let named: Vec<&str> = staying.iter().map(|(a, _)| *a).filter(|a| !a.is_empty()).collect();
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
                        many => format!(
                            "{}, which stay",
                            many.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                        ),
                    };
                    ctx.report(Finding {
                        span: event.span,
                        message: format!(
                            "`{emitter_path}.{method}({event_text}, {removed})` removes `{removed}`, but the listener added for this event is {names}"
                        ),
                        label: format!("`{removed}` was never added for {event_text}"),
                        related: staying.iter().map(|(_, s)| Label { span: *s, message: "added here, never removed".into() }).collect(),
                        help: "A removal only takes off the identical function. Remove the function that was added (or add the one that is removed).".into(),
                        fixes,
                        subject: Some(emitter_path.to_string()),
                    });
                }
            }
        }
    }
}

/// The span of the handler argument `name` inside the removal call's text.
fn find_argument(source: &str, call: leaklint_core::Span, name: &str) -> Option<leaklint_core::Span> {
    let text = call.text(source);
    // The handler is the last argument: search backwards for `, name` before `)`.
    let at = text.rfind(name)?;
    let before = text[..at].trim_end();
    let after = text[at + name.len()..].trim_start();
    (before.ends_with(',') && (after.starts_with(')') || after.starts_with(',')))
        .then(|| leaklint_core::Span::new(call.start + at as u32, call.start + (at + name.len()) as u32))
}

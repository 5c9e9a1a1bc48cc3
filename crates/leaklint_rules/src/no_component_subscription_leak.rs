//! `no-component-subscription-leak`: UI components that subscribe when they
//! mount (listeners, intervals, observers, subscriptions) and never undo it
//! when they unmount.

use leaklint_core::model::{Arg, Call, EventId, EventKind, FunctionId, ResultUse};
use leaklint_core::{FileModel, Finding, Label, Precision, Rule, RuleContext, RuleMeta, Severity, Span};

use crate::no_uncleared_timer::{is_cleared, timer_kind};
use crate::{is_within, last_segment};

pub struct NoComponentSubscriptionLeak;

static META: RuleMeta = RuleMeta {
    id: "no-component-subscription-leak",
    default_severity: Severity::Error,
    summary: "A component subscribes on mount (listener, interval, observer, subscription) and never unsubscribes on unmount.",
    docs: include_str!("../../../rules/no-component-subscription-leak.md"),
    tags: &["memory", "browser", "react", "vue"],
    precision: Precision::High,
};

/// Mount-time methods and the unmount methods that must undo them.
const CLASS_LIFECYCLES: &[(&str, &[&str])] = &[
    ("componentDidMount", &["componentWillUnmount"]),
    ("mounted", &["beforeUnmount", "unmounted", "beforeDestroy", "destroyed"]),
    ("ngOnInit", &["ngOnDestroy"]),
    ("connectedCallback", &["disconnectedCallback"]),
];

/// Server-side rendering runs these per request and never runs an unmount.
const SSR_PER_REQUEST: &[&str] = &["componentWillMount", "UNSAFE_componentWillMount"];

/// One subscription made while mounting.
struct Subscription<'m> {
    span: Span,
    what: String,
    /// What undoes it: the removals that match a listener, the timer's call, the subscription's target.
    undo_key: Undo<'m>,
}

enum Undo<'m> {
    Listener { removed_by: &'m [EventId] },
    Timer(&'m Call),
    Subscribe(Option<String>),
}

/// Subscriptions made in `func` or in functions nested in it.
fn subscriptions(model: FileModel<'_>, func: FunctionId) -> Vec<Subscription<'_>> {
    let mut out = Vec::new();
    for e in model.events() {
        if let EventKind::ListenerAdd { emitter, auto_removed, result_used, method, removed_by, .. } = &e.kind
            && !auto_removed
            && !result_used
            && is_within(model, e.func, func)
            // Listeners on the component's own children die with it.
            && !emitter.path.starts_with("this.refs")
        {
            out.push(Subscription {
                span: e.span,
                what: format!("`{}.{method}(...)`", emitter.path),
                undo_key: Undo::Listener { removed_by },
            });
        }
    }
    for c in model.calls() {
        if !is_within(model, c.func, func) {
            continue;
        }
        let stored = match &c.result {
            ResultUse::Stored(p) => Some(p.to_string()),
            _ => None,
        };
        if timer_kind(c) == Some("setInterval") {
            out.push(Subscription { span: c.span, what: "`setInterval(...)`".into(), undo_key: Undo::Timer(c) });
        } else if c.name == "subscribe" || (c.name == "observe" && c.callee.contains('.')) {
            if matches!(c.result, ResultUse::Returned) {
                continue;
            }
            out.push(Subscription {
                span: c.head_span(),
                what: format!("`{}(...)`", c.callee),
                undo_key: Undo::Subscribe(stored.or_else(|| c.callee.rsplit_once('.').map(|(o, _)| o.to_string()))),
            });
        }
    }
    out.sort_by_key(|s| s.span.start);
    out
}

/// Is `sub` undone somewhere in `cleanups` (or, for timers, anywhere)?
fn undone(model: FileModel<'_>, sub: &Subscription<'_>, cleanups: &[FunctionId]) -> bool {
    let in_cleanup = |f: FunctionId| cleanups.iter().any(|c| is_within(model, f, *c));
    match &sub.undo_key {
        Undo::Listener { removed_by } => removed_by.iter().any(|r| {
            let removal = model.event(*r);
            removal.file == model.file && in_cleanup(removal.func)
        }),
        Undo::Timer(call) => is_cleared(model, call),
        Undo::Subscribe(target) => model.calls().iter().any(|c| {
            in_cleanup(c.func)
                && matches!(c.name.as_str(), "unsubscribe" | "disconnect" | "unobserve" | "dispose" | "complete")
                && target.as_deref().is_none_or(|t| c.callee.contains(last_segment(t)))
        }),
    }
}

impl Rule for NoComponentSubscriptionLeak {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut RuleContext<'_>) {
        let model = ctx.model;
        // React effects and Vue's `onMounted`: the cleanup is the returned function / `onUnmounted`.
        for call in model.calls() {
            let hook = call.name.as_str();
            if !crate::MOUNT_HOOKS.contains(&hook) {
                continue;
            }
            let Some(Arg::Function(effect)) = call.args.first() else { continue };
            let effect_fn = model.function(*effect);
            let cleanups: Vec<FunctionId> = if hook == "onMounted" {
                model
                    .calls()
                    .iter()
                    // Registered in the setup, or inside the mount callback itself (Vue runs hooks with the
                    // component current, so `onUnmounted` there belongs to the same component).
                    .filter(|c| {
                        matches!(c.name.as_str(), "onUnmounted" | "onBeforeUnmount")
                            && (c.func == call.func || crate::is_within(model, c.func, *effect))
                    })
                    .filter_map(|c| match c.args.first() {
                        Some(Arg::Function(f)) => Some(*f),
                        _ => None,
                    })
                    .collect()
            } else if effect_fn.returns_value {
                // The returned cleanup: any function nested in the effect undoes it.
                vec![*effect]
            } else {
                Vec::new()
            };
            for sub in subscriptions(model, *effect) {
                if hook != "onMounted" && effect_fn.returns_value {
                    // A cleanup exists; trust it for listeners and subscriptions it could reach.
                    if undone(model, &sub, &cleanups) || !matches!(sub.undo_key, Undo::Timer(_)) {
                        continue;
                    }
                }
                if undone(model, &sub, &cleanups) {
                    continue;
                }
                let fix = if hook == "onMounted" {
                    "undo it in `onUnmounted`"
                } else {
                    "return a cleanup function from the effect that undoes it"
                };
                ctx.report(Finding {
                    span: sub.span,
                    message: format!("{} in a `{hook}` callback is never undone when the component unmounts", sub.what),
                    label: "subscribes on every mount".into(),
                    related: vec![Label { span: call.head_span(), message: format!("`{hook}` has no cleanup for it") }],
                    help: format!("Every mount adds one more subscription that keeps the unmounted component (and its state) alive; {fix}."),
                    fixes: Vec::new(),
                    subject: None,
                    assumption: None,
                });
            }
        }
        // Class components and custom elements, including transpiled classes (`_createClass`).
        for func in model.functions() {
            let Some(name) = func.name.as_deref() else { continue };
            if SSR_PER_REQUEST.contains(&name) {
                for sub in subscriptions(model, func.id) {
                    if matches!(sub.undo_key, Undo::Listener { .. }) {
                        ctx.report(Finding {
                            span: sub.span,
                            message: format!("{} in `{name}` runs on the server for every render, where no unmount ever runs", sub.what),
                            label: "subscribes per server render".into(),
                            related: Vec::new(),
                            help: "With server-side rendering `componentWillMount` runs per request and `componentWillUnmount` never does, so each render leaves a listener behind. Subscribe in `componentDidMount` (browser only) and unsubscribe in `componentWillUnmount`.".into(),
                            fixes: Vec::new(),
                            subject: None,
                            assumption: None,
                        });
                    }
                }
                continue;
            }
            let Some((_, unmounts)) = CLASS_LIFECYCLES.iter().find(|(mount, _)| *mount == name) else { continue };
            let cleanups: Vec<FunctionId> = model
                .functions()
                .iter()
                .filter(|f| f.name.as_deref().is_some_and(|n| unmounts.contains(&n)))
                .map(|f| f.id)
                .collect();
            for sub in subscriptions(model, func.id) {
                if undone(model, &sub, &cleanups) {
                    continue;
                }
                let unmount = unmounts[0];
                ctx.report(Finding {
                    span: sub.span,
                    message: format!("{} in `{name}` is never undone in `{unmount}`", sub.what),
                    label: "subscribes on every mount".into(),
                    related: vec![Label { span: crate::head(ctx.source, func.span), message: format!("`{name}` subscribes here") }],
                    help: format!("The subscription outlives the component and keeps it (and its state) reachable from the long-lived emitter. Undo it in `{unmount}` with the same function (bind it once, e.g. in the constructor)."),
                    fixes: Vec::new(),
                    subject: None,
                    assumption: None,
                });
            }
        }
    }
}

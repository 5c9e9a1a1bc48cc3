//! `no-unreleased-registry`: every object a factory or constructor creates is
//! added to a long-lived registry that only an opt-in `destroy()` (or nothing)
//! removes it from; long-lived owners that register each caller's object
//! with no way to unregister it; and long-lived bindings replaced per call by a
//! value built from the old one (`logger = logger.child()`), a chain that only grows.

use leaklint_core::model::{Derivation, EventKind, FunctionKind, Lifetime, Origin, ValueId};
use leaklint_core::{FileModel, Finding, Label, Precision, Rule, RuleContext, RuleMeta, Severity};

use crate::how_often;

pub struct NoUnreleasedRegistry;

static META: RuleMeta = RuleMeta {
    id: "no-unreleased-registry",
    default_severity: Severity::Warning,
    summary: "Every created object is kept in a long-lived registry that only an optional destroy() (or nothing) empties, or a long-lived binding is replaced per call by a value built from itself.",
    docs: include_str!("../../../rules/no-unreleased-registry.md"),
    tags: &["memory", "node", "browser"],
    precision: Precision::Medium,
};

/// Methods through which other objects register themselves with a long-lived owner.
const REGISTER_METHODS: &[&str] =
    &["init", "register", "attach", "mount", "track", "watch", "connect", "addInstance", "addClient", "subscribe"];

/// Methods that take an object out of a registry only when its owner remembers to call them.
const DISPOSE_METHODS: &[&str] =
    &["destroy", "dispose", "close", "unregister", "remove", "release", "detach", "disconnect", "stop", "unsubscribe"];

fn removals(
    model: FileModel<'_>,
    target: ValueId,
) -> Vec<(leaklint_core::Span, leaklint_core::model::FunctionId, bool)> {
    model
        .events_on(target)
        .filter(|e| matches!(e.kind, EventKind::Remove { .. } | EventKind::Reassign { .. }))
        .map(|e| (e.span, e.func, e.file == model.file))
        .collect()
}

impl Rule for NoUnreleasedRegistry {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut RuleContext<'_>) {
        check_replaced_fields(ctx);
        check_derived_chains(ctx);
        let model = ctx.model;
        let mut reported: Vec<ValueId> = Vec::new();
        for event in model.events() {
            let EventKind::Write { target, method, after_lookup, stored, path, .. } = &event.kind else { continue };
            if !matches!(method.as_str(), "push" | "add" | "set" | "unshift") || reported.contains(target) {
                continue;
            }
            let func = model.function(event.func);
            let registering_method = func.name.as_deref().is_some_and(|n| REGISTER_METHODS.contains(&n))
                && matches!(func.kind, FunctionKind::Method | FunctionKind::Expression | FunctionKind::Declaration);
            // Only factories, constructors and registration methods can register; most writes stop here.
            let may_register = !func.returns.is_empty() || func.is_constructor || registering_method;
            if !may_register || stored.values.is_empty() {
                continue;
            }
            let value = model.value(*target);
            // What it stores is what it hands back, or the instance being built.
            let registers_product = crate::shares(&stored.values, &func.returns)
                || (func.is_constructor
                    && stored.values.iter().any(|v| model.value(*v).origin == Origin::Instance(func.id)));
            if !(registers_product || (registering_method && path.starts_with("this."))) {
                continue;
            }
            // Setting the registry up (`createDebug.instances = []` in the enclosing
            // set-up function) is not a removal.
            let removed_in: Vec<_> = removals(model, *target)
                .into_iter()
                .filter(|(_, f, _)| !(crate::is_within(model, func.id, *f) && *f != func.id))
                .collect();
            // Shape 1: a factory registers what it returns (`instances.push(debug); return debug`),
            // or a constructor registers `this`; removal only in another, opt-in function.
            let declared_outside = model.local_span(value.decl).is_none_or(|d| !func.span.contains(d));
            // Removal only through an opt-in method (`destroy()`), never on the way out.
            let only_opt_in_removal = !removed_in.is_empty()
                && removed_in
                    .iter()
                    .all(|(_, f, _)| model.function(*f).known_as().any(|n| DISPOSE_METHODS.contains(&n)));
            // A get-or-create cache looks the key up first: that is memoisation, not registration.
            // A keyed registry that is looked up (shared, often reference-counted, entries) is one too.
            let is_cache = *after_lookup
                || model
                    .events_on(*target)
                    .any(|e| matches!(e.kind, EventKind::Lookup { .. }) && (e.func == func.id || method == "set"));
            if registers_product
                && declared_outside
                && func.lifetime.runs_repeatedly()
                && only_opt_in_removal
                && !is_cache
                // An object's own list dies with the object.
                && !path.starts_with("this.")
            {
                let mut related: Vec<Label> = removed_in
                    .iter()
                    .filter(|(_, _, here)| *here)
                    .map(|(s, _, _)| Label { span: *s, message: "only removed here, when someone calls it".into() })
                    .collect();
                if let Some(decl) = model.local_span(value.decl) {
                    related.insert(0, Label { span: decl, message: format!("`{path}` is shared by every instance") });
                }
                let removal = if removed_in.is_empty() {
                    "nothing removes it"
                } else {
                    "only an explicit destroy/dispose call removes it, which most callers never make"
                };
                let created = if func.is_constructor {
                    "every instance this constructor creates".to_string()
                } else {
                    format!("every object that `{}` creates", func.name.as_deref().unwrap_or("this function"))
                };
                ctx.report(Finding {
                    span: event.span,
                    message: format!("{created} is kept in `{path}`; {removal}"),
                    label: format!("registers each new object {}", how_often(model, func)),
                    related,
                    help: "Objects created per call stay reachable from the registry for as long as it lives. Keep only what must be enumerated (a `WeakRef`/`FinalizationRegistry`, or a `Set` the caller must leave), or do not register instances at all.".into(),
                    fixes: Vec::new(),
                    subject: Some(path.to_string()),
                    assumption: model.assumption(func.id),
                });
                reported.push(*target);
                continue;
            }
            // Shape 2: `this.apps.push(app)` in `init(app)`: the owner keeps every object that registers with it.
            let stores_first_parameter =
                stored.values.iter().any(|v| model.value(*v).origin == Origin::Parameter { func: func.id, index: 0 });
            if registering_method
                && path.starts_with("this.")
                && stores_first_parameter
                && removed_in.is_empty()
                && !model.is_drained_or_bounded(*target)
            {
                let stored_name = func.params.first().map(|p| p.as_str()).unwrap_or("it");
                ctx.report(Finding {
                    span: event.span,
                    message: format!(
                        "`{path}` keeps every `{stored_name}` passed to `{}` and nothing ever removes one",
                        func.name.as_deref().unwrap_or_default()
                    ),
                    label: format!("`{stored_name}` is kept after it is gone"),
                    related: Vec::new(),
                    help: format!("Each registered object stays reachable from `{path}` after it is destroyed (apps unmounted, clients disconnected). Remove it when it ends (for example on its `destroyed`/`close` event), or hold it in a `WeakSet`/`WeakRef`."),
                    fixes: Vec::new(),
                    subject: Some(path.to_string()),
                    assumption: model.assumption(func.id),
                });
                reported.push(*target);
            }
        }
    }
}

/// Calls that end an object's subscriptions, connections or timers.
const DISPOSE_CALLS: &[&str] = &[
    "close",
    "destroy",
    "dispose",
    "disconnect",
    "stop",
    "terminate",
    "removeAllListeners",
    "unsubscribe",
    "cancel",
    "abort",
    "end",
];

/// `this.socket = new WebSocket(url)` in a method that runs again (reconnect,
/// re-init) while the old socket, which the class subscribed to, is never closed.
pub(crate) fn check_replaced_fields(ctx: &mut RuleContext<'_>) {
    let model = ctx.model;
    // Fields something disposes (`this.x.close()`, `clearInterval(this.x)`) and
    // emitters something listens to, each collected once.
    let mut disposed_fields: Vec<&str> = Vec::new();
    for c in model.calls() {
        if matches!(c.name.as_str(), "clearInterval" | "clearTimeout") {
            if let Some(leaklint_core::model::Arg::Path { text, .. }) = c.args.first() {
                disposed_fields.push(text);
            }
        } else if DISPOSE_CALLS.contains(&c.name.as_str())
            && let Some(receiver) = c.callee.strip_suffix(c.name.as_str()).and_then(|r| r.strip_suffix('.'))
        {
            disposed_fields.push(receiver.strip_suffix('?').unwrap_or(receiver));
        }
    }
    let listened: Vec<&str> = model
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ListenerAdd { emitter, .. } => Some(emitter.path.as_str()),
            _ => None,
        })
        .collect();
    for call in model.calls() {
        let leaklint_core::model::ResultUse::Stored(field) = &call.result else { continue };
        let Some(name) = field.strip_prefix("this.") else { continue };
        let func = model.function(call.func);
        if func.is_constructor || !func.lifetime.runs_repeatedly() || call.conditional {
            continue;
        }
        let is_timer = crate::no_uncleared_timer::timer_kind(call) == Some("setInterval");
        if !(is_timer || call.is_new || call.name == "subscribe") {
            continue;
        }
        if disposed_fields.contains(&field.as_str()) {
            continue;
        }
        // The old object matters only if it holds listeners, timers or a connection.
        if !(is_timer || call.name == "subscribe" || listened.contains(&field.as_str())) {
            continue;
        }
        // Scans the source text, so it goes last.
        if only_called_from_constructors(ctx.source, model, func) {
            continue;
        }
        let undo = if is_timer {
            format!("`clearInterval({field})`")
        } else if call.name == "subscribe" {
            format!("`{field}.unsubscribe()`")
        } else {
            format!("`{field}.close()` (or `removeAllListeners()`)")
        };
        ctx.report(Finding {
            span: call.head_span(),
            message: format!(
                "`{field}` is replaced each time `{}` runs, but the old value is never closed",
                func.name.as_deref().unwrap_or("this method")
            ),
            label: format!("replaces `{name}` without disposing the old one"),
            related: Vec::new(),
            help: format!(
                "The previous object keeps its listeners, timers or connection, and they keep this instance reachable. Call {undo} before replacing it."
            ),
            fixes: Vec::new(),
            subject: Some(field.to_string()),
            assumption: model.assumption(func.id),
        });
    }
}

/// A set-up method that only constructors call (`this.createGroup()` in the
/// constructor) runs once per instance, so its field is never replaced.
fn only_called_from_constructors(
    source: &str,
    model: leaklint_core::FileModel<'_>,
    func: &leaklint_core::model::Function,
) -> bool {
    let Some(name) = func.name.as_deref() else { return false };
    let needle = format!(".{name}(");
    let constructors: Vec<leaklint_core::Span> =
        model.functions().iter().filter(|f| f.is_constructor).map(|f| f.span).collect();
    let mut calls = source.match_indices(&needle).map(|(at, _)| at as u32).peekable();
    calls.peek().is_some() && calls.all(|at| constructors.iter().any(|c| c.start <= at && at < c.end))
}

/// Methods whose result keeps the receiver reachable (a child logger, a prototype-linked
/// context) or holds everything it held plus more (`concat`, `clone`, `extend`).
const GROWING_METHODS: &[&str] =
    &["child", "concat", "clone", "extend", "with", "fork", "derive", "createChild", "inherit", "spawn"];

/// Names of set-up APIs: `extend`, `use`, `registerPlugin`, `configure`, ...
const SETUP_PREFIXES: &[&str] =
    &["register", "define", "add", "extend", "use", "configure", "setup", "init", "install", "plugin", "mixin"];

fn is_setup_api(name: &str) -> bool {
    SETUP_PREFIXES.iter().any(|p| {
        name.strip_prefix(p).is_some_and(|rest| rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase()))
    })
}

/// Methods whose result is bounded by the receiver or smaller: a replacement with one caps the chain.
const BOUNDING_METHODS: &[&str] = &["slice", "filter", "splice", "subarray", "take", "toSpliced"];

/// `logger = logger.child(...)`, `ctx = Object.create(ctx)`, `list = [...list, x]`,
/// `state = { ...state, [key]: v }` on a long-lived binding from repeated code:
/// each replacement keeps the old value reachable or holds one more entry.
fn check_derived_chains(ctx: &mut RuleContext<'_>) {
    let model = ctx.model;
    let mut reported: Vec<ValueId> = Vec::new();
    for event in model.events() {
        let EventKind::Reassign { target, derived: Some(derived), path, longevity, slot } = &event.kind else {
            continue;
        };
        let grows = match derived {
            Derivation::Method(m) => GROWING_METHODS.contains(&m.as_str()),
            Derivation::Prototype | Derivation::ArraySpread => true,
            Derivation::ObjectSpread { dynamic_key } => *dynamic_key,
        };
        let Some(longevity) = longevity else { continue };
        if !grows || reported.contains(target) {
            continue;
        }
        let func = model.function(event.func);
        // Set-up APIs (`Parser.extend(plugin)`, `configure(opts)`) are called a few times at
        // start-up, not per request: only code known to repeat counts for them.
        if func.lifetime == Lifetime::Repeatable && func.name.as_deref().is_some_and(is_setup_api) {
            continue;
        }
        // A parameter reassigned in its own function is a local: the caller's binding stays as it was.
        if !path.contains('.') && func.params.contains(path) {
            continue;
        }
        // Reset to a fresh value, bounded (`list = list.slice(-100)`), emptied or size-checked somewhere.
        let slot_reset = |e: &leaklint_core::model::Event| match &e.kind {
            EventKind::Reassign { derived: None, slot: s, .. } => slot.is_some() && s == slot,
            EventKind::Reassign { derived: Some(Derivation::Method(m)), slot: s, .. } => {
                slot.is_some() && s == slot && BOUNDING_METHODS.contains(&m.as_str())
            }
            _ => false,
        };
        let bounded = model.package.events.iter().any(slot_reset)
            || model.events_on(*target).any(|e| match &e.kind {
                EventKind::Reassign { derived: None, .. } => true,
                EventKind::Reassign { derived: Some(Derivation::Method(m)), .. } => {
                    BOUNDING_METHODS.contains(&m.as_str())
                }
                EventKind::Remove { .. } | EventKind::SizeCheck { .. } => true,
                _ => false,
            });
        if bounded {
            continue;
        }
        let name = path;
        let (how, what) = match derived {
            Derivation::Method(m) if matches!(m.as_str(), "concat" | "extend") => {
                (format!("`{name}.{m}(...)`"), "a copy that holds everything the old one held, plus more")
            }
            Derivation::Method(m) => {
                (format!("`{name}.{m}(...)`"), "a value built from the old one, which it keeps reachable")
            }
            Derivation::Prototype => {
                (format!("`Object.create({name})`"), "a new object whose prototype is the old one")
            }
            Derivation::ArraySpread => (format!("`[...{name}, ...]`"), "a copy with one more element"),
            Derivation::ObjectSpread { .. } => (format!("`{{ ...{name}, [key]: ... }}`"), "a copy with one more key"),
        };
        let mut related = Vec::new();
        if let Some(decl) = model.local_span(model.value(*target).decl).filter(|d| !d.contains(event.span)) {
            related.push(Label { span: decl, message: format!("`{name}` is {}", longevity.describe()) });
        }
        related.extend(crate::entry_label(model, ctx.source, func, event.span));
        ctx.report(Finding {
            span: event.span,
            message: format!(
                "`{name}` is replaced by {how} {}: {what}, so it grows with every call and nothing resets it",
                how_often(model, func)
            ),
            label: format!("replaces `{name}` with a value built from it"),
            related,
            help: format!(
                "Each replacement stays reachable from `{name}` for as long as it lives, so the chain (or the collection) only grows. Keep the derived value in a local (`const log = {name}.child(...)`) instead of reassigning the shared binding, or bound it (`list = list.slice(-100)`)."
            ),
            fixes: Vec::new(),
            subject: Some(name.to_string()),
            assumption: model.assumption(func.id),
        });
        reported.push(*target);
    }
}

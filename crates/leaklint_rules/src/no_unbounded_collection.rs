//! `no-unbounded-collection`: a long-lived Map/Set/array/dictionary that code
//! running more than once keeps adding to, and that nothing ever empties.

use leaklint_core::model::{ContainerKind, Event, EventKind, FunctionId, KeyKind, Lifetime, ValueId};
use leaklint_core::{Edit, FileModel, Finding, Fix, Label, Precision, Rule, RuleContext, RuleMeta, Severity, Span};

use crate::{function_of, how_often};

pub struct NoUnboundedCollection;

static META: RuleMeta = RuleMeta {
    id: "no-unbounded-collection",
    default_severity: Severity::Error,
    summary: "A long-lived Map, Set, array or dictionary grows from repeated code and is never emptied.",
    docs: include_str!("../../../rules/no-unbounded-collection.md"),
    tags: &["memory", "node", "collections"],
    precision: Precision::High,
};

/// Does this write method grow this kind of container?
fn grows(kind: ContainerKind, method: &str) -> bool {
    match kind {
        ContainerKind::Map => method == "set",
        ContainerKind::Set => method == "add",
        ContainerKind::Array => matches!(method, "push" | "unshift"),
        ContainerKind::Object => method == "[]=",
        _ => false,
    }
}

/// Is `e` a write that grows a long-lived `value` from code that repeats?
fn is_growing(model: FileModel<'_>, kind: ContainerKind, e: &Event) -> bool {
    let EventKind::Write { target, longevity: Some(_), method, key, stored, after_lookup, .. } = &e.kind else {
        return false;
    };
    let func = function_of(model, e);
    let lifetime = func.lifetime;
    // An explicit registration API (`registerLoader`, `defineElement`, `addColorMap`)
    // is called by set-up code, not per request.
    let registration_api = func.name.as_deref().is_some_and(|n| {
        ["register", "define", "add"]
            .iter()
            .any(|p| n.strip_prefix(p).is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase())))
    });
    if registration_api && lifetime != Lifetime::PerRequest {
        return false;
    }
    // Memoisation outside request code (a lookup first, then a write) grows
    // with distinct keys, not with calls.
    let memoised = *after_lookup || looked_up_in(model, *target, e.func);
    grows(kind, method)
        && !(memoised && lifetime != Lifetime::PerRequest)
        && *key != KeyKind::Constant
        // Request-capturing values are `no-retained-request-closure`'s to report.
        && stored.captures_request.is_empty()
        && lifetime.runs_repeatedly()
}

impl Rule for NoUnboundedCollection {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut RuleContext<'_>) {
        let model = ctx.model;
        let mut seen: Vec<ValueId> = Vec::new();
        for event in model.events() {
            let EventKind::Write { target, .. } = &event.kind else { continue };
            if seen.contains(target) {
                continue;
            }
            seen.push(*target);
            let value = model.value(*target);
            if !value.kind.is_collection() || model.is_drained_or_bounded(value.id) {
                continue;
            }
            // Every growing write in the package; the finding goes where the first one is.
            let growing: Vec<&Event> = model.events_on(value.id).filter(|e| is_growing(model, value.kind, e)).collect();
            let Some(first) = growing.first() else { continue };
            if first.file != model.file {
                continue;
            }
            let EventKind::Write { longevity: Some(longevity), path, .. } = &first.kind else { continue };
            let func = function_of(model, first);
            let object_keys = growing.iter().all(|e| matches!(e.kind, EventKind::Write { key: KeyKind::Object, .. }));
            let iterated = model.is_iterated(value.id);
            let kind = value.kind.name();
            let mut related = Vec::new();
            if let Some(decl) = model.local_span(value.decl).filter(|d| !d.contains(first.span)) {
                related.push(Label { span: decl, message: format!("`{path}` is {}", longevity.describe()) });
            }
            related.extend(crate::entry_label(model, ctx.source, func, first.span));
            let others = growing.len() - 1;
            let more = if others > 0 {
                format!(" ({others} more write{} in the package)", plural(others))
            } else {
                String::new()
            };
            let help = fix_advice(value.kind, object_keys, iterated, func.lifetime);
            let fixes = if object_keys && !iterated {
                weak_fix(ctx.source, value.kind, model.local_span(value.decl))
            } else {
                Vec::new()
            };
            ctx.report(Finding {
                span: first.span,
                message: format!(
                    "`{path}` ({} {kind}) gains an entry {} and nothing ever removes one{more}",
                    article(kind),
                    how_often(model, func)
                ),
                label: format!("adds to `{path}` {}", func.lifetime.describe()),
                related,
                help,
                fixes,
                subject: Some(path.to_string()),
                assumption: model.assumption(func.id),
            });
        }
    }
}

/// Does function `func` look entries of `target` up (`get`/`has`)?
fn looked_up_in(model: FileModel<'_>, target: ValueId, func: FunctionId) -> bool {
    model.events_on(target).any(|e| e.func == func && matches!(e.kind, EventKind::Lookup { .. }))
}

fn fix_advice(kind: ContainerKind, object_keys: bool, iterated: bool, lifetime: Lifetime) -> String {
    let weak = match kind {
        ContainerKind::Map | ContainerKind::Object => "WeakMap",
        _ => "WeakSet",
    };
    let when = if lifetime == Lifetime::PerRequest {
        "when the request ends (e.g. in `res.on('close', ...)`)"
    } else {
        "when the work it tracks is done"
    };
    if object_keys && !iterated && kind != ContainerKind::Array {
        format!(
            "Its keys are objects and it is never iterated or sized, so a `{weak}` fits: entries then die with their keys. \
             Otherwise delete each entry {when}."
        )
    } else if object_keys {
        format!(
            "Its keys are objects, but it is iterated, so a `{weak}` cannot replace it. Delete each entry {when}, \
             or bound it (an LRU/TTL cache such as `lru-cache`)."
        )
    } else {
        format!(
            "Bound it (an LRU/TTL cache such as `lru-cache`, or a size check that evicts), or delete each entry {when}."
        )
    }
}

/// `new Map()` → `new WeakMap()` (and `Set` → `WeakSet`) at the declaration, when
/// it is written exactly so. Not marked safe: code elsewhere may still call
/// `.size`/`.clear()` on it through another name.
fn weak_fix(source: &str, kind: ContainerKind, decl: Option<Span>) -> Vec<Fix> {
    let (from, to) = match kind {
        ContainerKind::Map => ("new Map(", "WeakMap"),
        ContainerKind::Set => ("new Set(", "WeakSet"),
        _ => return Vec::new(),
    };
    let Some(decl) = decl else { return Vec::new() };
    let text = decl.text(source);
    let Some(at) = text.find(from) else { return Vec::new() };
    // Only an empty constructor: `new Map(entries)` may be seeded with primitive keys.
    if !text[at + from.len()..].trim_start().starts_with(')') {
        return Vec::new();
    }
    let start = decl.start + (at + "new ".len()) as u32;
    let name_len = from.len() - "new (".len();
    vec![Fix {
        message: format!("Use a `{to}`"),
        safe: false,
        edits: vec![Edit { span: Span::new(start, start + name_len as u32), replacement: to.to_string() }],
    }]
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']) { "an" } else { "a" }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

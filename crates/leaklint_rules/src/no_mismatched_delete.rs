//! `no-mismatched-delete`: entries are added under one key expression and
//! deleted under a different one (`map.set(req.id, …)` but
//! `map.delete(msg.requestId)`), so the delete never hits; or the only delete
//! is on the success path, and a timeout or error path ends the call without it.

use std::collections::HashMap;

use leaklint_core::model::{ContainerKind, EventKind, FunctionId, KeyKind, Name, ValueId};
use leaklint_core::{FileModel, Finding, Label, Precision, Rule, RuleContext, RuleMeta, Severity, Span};

use crate::failure::{
    FailureKind, FailurePath, FunctionNames, always_paths, ends_operation, failure_paths, reaches_any, related,
};

pub struct NoMismatchedDelete;

static META: RuleMeta = RuleMeta {
    id: "no-mismatched-delete",
    default_severity: Severity::Error,
    summary: "A long-lived collection is written under one key and deleted under a different one, or deleted only on the success path, so entries stay.",
    docs: include_str!("../../../rules/no-mismatched-delete.md"),
    tags: &["memory", "collections"],
    precision: Precision::Medium,
};

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
        let mut mismatched: Vec<ValueId> = Vec::new();
        let mut seen: Vec<ValueId> = Vec::new();
        for event in model.events() {
            let (EventKind::Write { target, .. } | EventKind::Remove { target, .. }) = &event.kind else { continue };
            if seen.contains(target) {
                continue;
            }
            seen.push(*target);
            let value = model.value(*target);
            if !value.kind.is_collection() {
                continue;
            }
            let mut writes: Vec<(Name, Span, Name)> = Vec::new();
            let mut deletes: Vec<(Name, Span, bool)> = Vec::new();
            let mut long_lived = false;
            let mut bounded = false;
            for e in model.events_on(value.id) {
                let here = e.file == model.file;
                match &e.kind {
                    EventKind::Write { method, key_text, longevity, path, .. }
                        if method == "set" || method == "[]=" =>
                    {
                        long_lived |= longevity.is_some();
                        if let Some(k) = key_text {
                            writes.push((k.clone(), e.span, path.clone()));
                        }
                    }
                    // A delete under a size check is a bound (`if (m.size > N) m.delete(m.keys().next().value)`).
                    EventKind::Remove { under_size_check: true, .. } | EventKind::SizeCheck { .. } => bounded = true,
                    EventKind::Remove { method, key_text: Some(k), .. } if method == "delete" => {
                        deletes.push((k.clone(), e.span, here));
                    }
                    EventKind::Remove { .. } | EventKind::Reassign { .. } => bounded = true,
                    _ => {}
                }
            }
            if !long_lived || writes.is_empty() || deletes.is_empty() || bounded {
                continue;
            }
            // Only member keys can be compared by field: `req.id` vs `msg.requestId`.
            let written: Vec<&str> = writes.iter().filter_map(|(k, _, _)| field(k)).collect();
            if written.len() != writes.len() {
                continue;
            }
            for (key, span, here) in &deletes {
                let Some(deleted) = field(key) else { continue };
                if !here || written.contains(&deleted) || writes.iter().any(|(w, _, _)| w == key) {
                    continue;
                }
                let (first_key, first_span, path) = &writes[0];
                mismatched.push(value.id);
                let related = if model.events_on(value.id).any(|e| e.span == *first_span && e.file == model.file) {
                    vec![Label {
                        span: *first_span,
                        message: format!("added by `.{}`", field(first_key).unwrap_or(first_key)),
                    }]
                } else {
                    Vec::new()
                };
                ctx.report(Finding {
                    span: *span,
                    message: format!(
                        "`{path}` deletes entries by `{key}`, but they are added by `{first_key}`, so this delete never removes them"
                    ),
                    label: format!("deletes by `.{deleted}`"),
                    related,
                    help: "Use the same key for both: keep the key you added under (for example store it on the message or in a closure) and delete that.".into(),
                    fixes: Vec::new(),
                    subject: Some(path.to_string()),
                    assumption: None,
                });
            }
        }
        check_success_only_deletes(ctx, &mismatched);
    }
}

/// `pending.set(id, { resolve, reject })` per call, `pending.delete(id)` only when the
/// answer arrives, and a timeout or error path that ends the call without deleting.
fn check_success_only_deletes(ctx: &mut RuleContext<'_>, skip: &[ValueId]) {
    let model = ctx.model;
    let candidates = candidates(model, skip);
    if candidates.is_empty() {
        return;
    }
    let names = FunctionNames::new(model);
    let failures = failure_paths(model, ctx.source, &names);
    if failures.is_empty() {
        return;
    }
    let always = always_paths(model, ctx.source, &names);
    for (_, candidate) in candidates {
        let name = candidate.path.clone();
        if candidate.deletes.iter().any(|d| always.iter().any(|a| a.contains(*d))) {
            continue;
        }
        let found = candidate.writes.iter().find_map(|&(write, write_func)| {
            failures
                .iter()
                .find(|p| {
                    stranding(ctx.source, &names, p, (write, write_func), &name, &candidate)
                        && !reaches_any(ctx.source, &names, p.body, p.func, &candidate.deletes)
                })
                .map(|p| (write, write_func, p))
        });
        let Some((write, write_func, path)) = found else { continue };
        let func = model.function(write_func);
        let mut related = vec![Label { span: write, message: format!("added {}", func.lifetime.describe()) }];
        related.extend(candidate.deletes.iter().map(|d| Label { span: *d, message: "only deleted here".into() }));
        ctx.report(Finding {
            span: path.at,
            message: format!(
                "`{name}` gets an entry {}, but {} ends the call without deleting it: only the success path deletes entries",
                crate::how_often(model, func),
                path.what
            ),
            label: format!("ends the call without `{name}.delete(...)`"),
            related,
            help: format!(
                "When the call times out or fails, no answer comes, so its entry (and the callbacks or request it holds) stays in `{name}` for good. Delete it on every path: in a `finally`, or in the timeout/error handler too (one cleanup function that both paths call)."
            ),
            fixes: Vec::new(),
            subject: Some(name.to_string()),
            assumption: model.assumption(write_func),
        });
    }
}

#[derive(Default)]
struct Candidate {
    /// Keyed writes from repeated code, with the function that makes each.
    writes: Vec<(Span, FunctionId)>,
    deletes: Vec<Span>,
    delete_funcs: Vec<FunctionId>,
    /// Cleared, replaced or size-checked somewhere: not a candidate.
    bounded: bool,
    /// The collection as its first write names it.
    path: Name,
}

/// Long-lived keyed collections (or `this.` fields written from methods: the object outlives
/// each call) written per call and only ever removed from one entry at a time (`delete`).
/// One pass over the events.
fn candidates(model: FileModel<'_>, skip: &[ValueId]) -> Vec<(ValueId, Candidate)> {
    let eligible = |id: ValueId| {
        let value = model.value(id);
        !skip.contains(&id) && matches!(value.kind, ContainerKind::Map | ContainerKind::Set | ContainerKind::Object)
    };
    let mut found: HashMap<ValueId, Candidate> = HashMap::new();
    for e in model.events() {
        match &e.kind {
            EventKind::Write { target, method, key, longevity, path, .. }
                if matches!(method.as_str(), "set" | "[]=" | "add")
                    && eligible(*target)
                    && (longevity.is_some() || path.starts_with("this.")) =>
            {
                let func = model.function(e.func);
                let in_constructor = func.is_constructor && path.starts_with("this.");
                if *key != KeyKind::Constant && func.lifetime.runs_repeatedly() && !in_constructor {
                    let c = found.entry(*target).or_default();
                    if c.path.is_empty() {
                        c.path = path.clone();
                    }
                    c.writes.push((e.span, e.func));
                }
            }
            EventKind::Remove { target, method, under_size_check: false, .. }
                if method == "delete" && eligible(*target) =>
            {
                let c = found.entry(*target).or_default();
                c.deletes.push(e.span);
                c.delete_funcs.push(e.func);
            }
            EventKind::Remove { target, .. } | EventKind::Reassign { target, .. } | EventKind::SizeCheck { target }
                if eligible(*target) =>
            {
                found.entry(*target).or_default().bounded = true;
            }
            _ => {}
        }
    }
    let mut found: Vec<(ValueId, Candidate)> =
        found.into_iter().filter(|(_, c)| !c.bounded && !c.writes.is_empty() && !c.deletes.is_empty()).collect();
    found.sort_by_key(|(id, _)| *id);
    found
}

/// Does failure path `p` end the call that wrote the entry at `write` without the delete having run?
fn stranding(
    source: &str,
    names: &FunctionNames<'_>,
    p: &FailurePath,
    (write, write_func): (Span, FunctionId),
    value_name: &str,
    candidate: &Candidate,
) -> bool {
    let model = names.model();
    if !related(model, p.func, write_func) || p.body.contains(write) {
        return false;
    }
    let (deletes, delete_funcs) = (&candidate.deletes, &candidate.delete_funcs);
    // A rejection of the entry's own promise comes from whoever settles the entry.
    if let FailureKind::Rejection { receiver } = p.kind
        && settles_entry(source, receiver, write, value_name)
    {
        return false;
    }
    // A path set up after a delete already ran (inside the success handler) strands nothing.
    let after_delete = deletes.iter().zip(delete_funcs).any(|(d, f)| {
        d.start < p.at.start
            && !matches!(p.kind, FailureKind::Catch { try_block } if try_block.contains(*d))
            && crate::is_within(model, p.func, *f)
    });
    if after_delete {
        return false;
    }
    match p.kind {
        FailureKind::Catch { try_block } => {
            if write.start > p.at.start {
                return false;
            }
            let body = p.body.text(source);
            // The delete in the guarded block runs only if nothing before it threw.
            let skipped_delete = deletes.iter().any(|d| {
                try_block.contains(*d) && {
                    let before = &source[try_block.start as usize + 1..d.start as usize];
                    before.contains('(') || before.contains("await")
                }
            });
            // A clause that falls through reaches a delete written after the `try`.
            let exits = body.contains("return") || body.contains("throw ");
            let delete_after = deletes.iter().zip(delete_funcs).any(|(d, f)| *f == p.func && d.start > p.at.end);
            (skipped_delete || ends_operation(source, names, p)) && (exits || !delete_after)
        }
        // `req.destroy(err)`, `controller.abort()`: the error path it triggers does the cleanup.
        _ => !delegates_to_error_path(p.body.text(source)) && ends_operation(source, names, p),
    }
}

/// Does this code fail the operation by destroying or aborting it, which its own error path then handles?
fn delegates_to_error_path(text: &str) -> bool {
    [".destroy(", ".abort(", "emit('error'", "emit(\"error\""].iter().any(|t| text.contains(t))
}
/// Is the promise `receiver` the entry itself: made around the write
/// (`new Promise((ok, fail) => pending.set(id, { ok, fail })).catch(...)`), read back
/// from the collection, or the stored value (`capability.promise.catch(...)`)?
fn settles_entry(source: &str, receiver: Span, write: Span, value_name: &str) -> bool {
    if receiver.contains(write) {
        return true;
    }
    let text = receiver.text(source);
    let root_end = |t: &str| t.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')).unwrap_or(t.len());
    if text.strip_prefix(value_name).is_some_and(|rest| root_end(rest) == 0) {
        return true;
    }
    let root = &text[..root_end(text)];
    let written = write.text(source);
    let stored = match written.split_once(',') {
        Some((_, stored)) => stored,
        None => written.rsplit_once('=').map_or("", |(_, stored)| stored),
    };
    !root.is_empty()
        && root != "this"
        && stored.match_indices(root).any(|(at, _)| {
            let before = stored[..at].chars().next_back();
            let after = stored[at + root.len()..].chars().next();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
                && !after.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
        })
}

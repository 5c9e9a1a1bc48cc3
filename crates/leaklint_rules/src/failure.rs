//! Failure paths: code that ends an operation when it fails or times out (a
//! `setTimeout` callback, a `catch` clause, a `.catch`/`.then(_, f)` callback,
//! an `'error'`/`'timeout'` listener), for rules whose leak is cleanup that only
//! the success path does. Worked out only for files that have a candidate.

use std::collections::HashMap;

use leaklint_core::model::{Arg, EventKind, FunctionId, FunctionKind, Handler, Origin, OutcomeKind, ValueId};
use leaklint_core::{FileModel, Span};

use crate::no_uncleared_timer::timer_kind;

/// Events whose listener runs when an operation fails.
const FAILURE_EVENTS: &[&str] = &["error", "timeout", "abort", "aborted"];

/// Events whose listener runs however the operation ended (like `finally`).
const ALWAYS_EVENTS: &[&str] = &["close"];

/// Text that ends an operation as failed: rejecting, throwing, calling back or answering.
const ENDING_TEXT: &[&str] =
    &["reject", "throw ", "Error(", "callback(", "cb(", "done(", "fail(", "next(", ".end(", ".send(", ".status("];

/// Callback names that end an operation when passed as the failure handler (`.catch(reject)`).
const ENDING_NAMES: &[&str] = &["callback", "cb", "done", "fail", "next"];

/// Calls are followed by name only to functions that few others share a name with,
/// and only this many functions deep in all: enough for `cleanup()` → `finish()`.
const MAX_SAME_NAME: usize = 8;
const MAX_FOLLOWED: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FailureKind {
    /// A `setTimeout` callback.
    Timeout,
    /// A `catch` clause guarding `try_block`.
    Catch { try_block: Span },
    /// A rejection callback on the promise `receiver`.
    Rejection { receiver: Span },
    /// An `'error'`, `'timeout'` or `'abort'` listener.
    ErrorListener,
}

/// One way an operation can end badly.
#[derive(Debug, Clone)]
pub(crate) struct FailurePath {
    /// What a finding points at: the `setTimeout(` head, the `catch` clause, the callback, the listener call.
    pub at: Span,
    /// The code that runs: a clause, an inline callback, the function a callback names, or just the name.
    pub body: Span,
    /// The function the path is set up in.
    pub func: FunctionId,
    pub kind: FailureKind,
    /// For messages: "the `setTimeout` callback", "the `catch` clause", ...
    pub what: String,
}

impl FailurePath {
    pub(crate) fn is_timeout(&self) -> bool {
        self.kind == FailureKind::Timeout
    }
}

/// The file's functions by name, to follow calls written by name.
pub(crate) struct FunctionNames<'m> {
    model: FileModel<'m>,
    by_name: HashMap<&'m str, Vec<FunctionId>>,
}

/// How a call names its callee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Receiver {
    /// `name(...)`
    Plain,
    /// `this.name(...)`
    This,
    /// `x.name(...)`
    Other,
}

impl<'m> FunctionNames<'m> {
    pub(crate) fn new(model: FileModel<'m>) -> Self {
        let mut by_name: HashMap<&str, Vec<FunctionId>> = HashMap::new();
        for f in model.functions() {
            if let Some(name) = f.name.as_deref() {
                by_name.entry(name).or_default().push(f.id);
            }
        }
        Self { model, by_name }
    }

    pub(crate) fn model(&self) -> FileModel<'m> {
        self.model
    }

    /// The function of this file a value is, if it is one.
    pub(crate) fn function_of_value(&self, v: ValueId) -> Option<FunctionId> {
        match self.model.value(v).origin {
            Origin::Function(f) if self.model.is_local(f) => Some(f),
            _ => None,
        }
    }

    /// The function of this file a handler or argument may be: by value, else by name.
    pub(crate) fn function_of(&self, values: &[ValueId], text: &str, near: FunctionId) -> Option<FunctionId> {
        values.iter().find_map(|v| self.function_of_value(*v)).or_else(|| self.resolve(text, near))
    }

    fn named(&self, name: &str) -> &[FunctionId] {
        self.by_name.get(name).map(Vec::as_slice).unwrap_or_default()
    }

    /// The function called `name` (its last segment) that code in `near` can see:
    /// one declared in `near` or around it first, else any of that name.
    pub(crate) fn resolve(&self, name: &str, near: FunctionId) -> Option<FunctionId> {
        let candidates = self.named(crate::last_segment(name));
        candidates.iter().copied().find(|&f| self.visible(f, near)).or(candidates.first().copied())
    }

    /// Is function `f` declared in `near` or in a function around it?
    fn visible(&self, f: FunctionId, near: FunctionId) -> bool {
        self.model.function(f).parent.is_some_and(|p| crate::is_within(self.model, near, p))
    }

    /// The local functions a call in code of `near` may reach, by how it names them.
    fn callees(&self, name: &str, receiver: Receiver, near: FunctionId) -> impl Iterator<Item = FunctionId> + '_ {
        let candidates = self.named(name);
        let few = candidates.len() <= MAX_SAME_NAME;
        candidates.iter().copied().filter(move |&f| {
            let kind = self.model.function(f).kind;
            few && match receiver {
                Receiver::Plain => self.visible(f, near) && kind != FunctionKind::Method,
                Receiver::This => matches!(kind, FunctionKind::Method | FunctionKind::Expression),
                // `entry.reject(err)`: a method of an object literal or a class.
                Receiver::Other => kind == FunctionKind::Method,
            }
        })
    }

    /// Does the code at `body` (in function `near`), or a local function it calls (at most `depth`
    /// calls deep; `x.name()` on objects other than `this` only if `other_objects`), satisfy `hit`?
    fn reaches(
        &self,
        source: &str,
        (body, near): (Span, FunctionId),
        (depth, other_objects): (u32, bool),
        hit: impl Fn(Span) -> bool,
    ) -> bool {
        if hit(body) {
            return true;
        }
        let mut followed: Vec<FunctionId> = Vec::new();
        let mut frontier = vec![(body, near, 0)];
        while let Some((code, at, level)) = frontier.pop() {
            if level >= depth {
                continue;
            }
            for (name, receiver) in called_names(code.text(source)) {
                if receiver == Receiver::Other && !other_objects {
                    continue;
                }
                for f in self.callees(name, receiver, at) {
                    if followed.contains(&f) || followed.len() >= MAX_FOLLOWED {
                        continue;
                    }
                    followed.push(f);
                    let span = self.model.function(f).span;
                    // A function around the path calls it, not the path.
                    if span.contains(body) {
                        continue;
                    }
                    if hit(span) {
                        return true;
                    }
                    frontier.push((span, f, level + 1));
                }
            }
        }
        false
    }
}

/// `name(` calls in `text`, with how each names its callee.
fn called_names(text: &str) -> impl Iterator<Item = (&str, Receiver)> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    text.match_indices('(').filter_map(move |(open, _)| {
        let before = text[..open].trim_end();
        let start = before.rfind(|c: char| !is_ident(c)).map_or(0, |i| i + 1);
        let name = &before[start..];
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let receiver = match before[..start].strip_suffix('.') {
            Some(object) if object.trim_end().ends_with("this") => Receiver::This,
            Some(_) => Receiver::Other,
            None => Receiver::Plain,
        };
        Some((name, receiver))
    })
}

/// Every failure path in the file, in source order.
pub(crate) fn failure_paths(model: FileModel<'_>, source: &str, names: &FunctionNames<'_>) -> Vec<FailurePath> {
    let mut paths = Vec::new();
    for call in model.calls() {
        if timer_kind(call) != Some("setTimeout") {
            continue;
        }
        let body = match call.args.first() {
            Some(Arg::Function(f)) => model.function(*f).span,
            Some(Arg::Path { text, values }) => match names.function_of(values, text, call.func) {
                Some(f) => model.function(f).span,
                None => continue,
            },
            _ => continue,
        };
        paths.push(FailurePath {
            at: call.head_span(),
            body,
            func: call.func,
            kind: FailureKind::Timeout,
            what: "the `setTimeout` callback".into(),
        });
    }
    for outcome in model.outcomes() {
        let (kind, what) = match outcome.kind {
            OutcomeKind::Catch { try_block } => (FailureKind::Catch { try_block }, "the `catch` clause"),
            OutcomeKind::Rejection { receiver } => (FailureKind::Rejection { receiver }, "the rejection callback"),
            OutcomeKind::Finally => continue,
        };
        paths.push(FailurePath {
            at: crate::head(source, outcome.span),
            body: callback_body(model, source, names, outcome.span, outcome.func),
            func: outcome.func,
            kind,
            what: what.into(),
        });
    }
    for e in model.events() {
        let EventKind::ListenerAdd { event: Some(name), handler, method, emitter, .. } = &e.kind else { continue };
        if !FAILURE_EVENTS.contains(&name.as_str()) {
            continue;
        }
        paths.push(FailurePath {
            at: crate::head(source, e.span),
            body: handler_body(model, names, handler, e.span, e.func),
            func: e.func,
            kind: FailureKind::ErrorListener,
            what: format!("the `{}.{method}('{name}')` listener", emitter.path),
        });
    }
    paths.sort_by_key(|p| p.at.start);
    paths
}

/// Spans of code that runs whatever happens: `finally` clauses and callbacks, and `'close'` listeners.
pub(crate) fn always_paths(model: FileModel<'_>, source: &str, names: &FunctionNames<'_>) -> Vec<Span> {
    let finally = model
        .outcomes()
        .iter()
        .filter(|o| o.kind == OutcomeKind::Finally)
        .map(|o| callback_body(model, source, names, o.span, o.func));
    let close = model.events().iter().filter_map(|e| match &e.kind {
        EventKind::ListenerAdd { event: Some(name), handler, .. } if ALWAYS_EVENTS.contains(&name.as_str()) => {
            Some(handler_body(model, names, handler, e.span, e.func))
        }
        _ => None,
    });
    finally.chain(close).collect()
}

/// The code a listener runs: the call (which holds an inline handler), or the function it names.
fn handler_body(
    model: FileModel<'_>,
    names: &FunctionNames<'_>,
    handler: &Handler,
    call: Span,
    at: FunctionId,
) -> Span {
    if handler.inline {
        return call;
    }
    names.function_of(&handler.values, &handler.text, at).map_or(call, |f| model.function(f).span)
}

/// The code a callback argument runs: itself when inline, the function it names when local.
fn callback_body(model: FileModel<'_>, source: &str, names: &FunctionNames<'_>, at: Span, near: FunctionId) -> Span {
    let text = at.text(source);
    match is_name(text).then(|| names.resolve(text, near)).flatten() {
        Some(f) => model.function(f).span,
        None => at,
    }
}

/// A path such as `onTimeout` or `this.fail`.
fn is_name(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.'))
}

/// Does this failure path end the operation (reject, throw, call back, answer), itself
/// or through a local function it calls?
pub(crate) fn ends_operation(source: &str, names: &FunctionNames<'_>, path: &FailurePath) -> bool {
    let text = path.body.text(source);
    // A callback the operation's caller handed in (a parameter that the code calls) ends the
    // operation when the failure path calls it, whatever it is named: `cb(err)`, `v5(v8)`.
    let callbacks = caller_callbacks(names.model(), path.func);
    if is_name(text) {
        let name = crate::last_segment(text);
        return name.to_ascii_lowercase().contains("reject")
            || ENDING_NAMES.contains(&name)
            || callbacks.iter().any(|c| c == name);
    }
    if callbacks.iter().any(|c| calls_name(text, c)) {
        return true;
    }
    // `setTimeout(() => this.onTimeout(id))` where `onTimeout` rejects. A call on another
    // object (`controller.error(e)`) says nothing about a local function of that name.
    names.reaches(source, (path.body, path.func), (1, false), |code| {
        let text = code.text(source);
        ENDING_TEXT.iter().any(|t| text.contains(t))
    })
}

/// The called parameters of `func` and of the functions around it.
fn caller_callbacks(model: FileModel<'_>, func: FunctionId) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = Some(func);
    while let Some(f) = at {
        let function = model.function(f);
        out.extend(function.called_params.iter().map(|n| n.to_string()));
        at = function.parent;
    }
    out
}

/// Does `text` call `name` as a plain function (`name(`, not `x.name(` or `other_name(`)?
fn calls_name(text: &str, name: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$' || c == '.';
    text.match_indices(name).any(|(i, _)| {
        text[i + name.len()..].trim_start().starts_with('(') && !text[..i].chars().next_back().is_some_and(is_ident)
    })
}

/// Does the code at `body` (in function `near`), or a local function it calls, contain one of `spans`?
pub(crate) fn reaches_any(
    source: &str,
    names: &FunctionNames<'_>,
    body: Span,
    near: FunctionId,
    spans: &[Span],
) -> bool {
    names.reaches(source, (body, near), (3, true), |code| spans.iter().any(|s| code.contains(*s)))
}

/// Are `a` and `b` the same function, or is one nested in the other (below the module top level)?
pub(crate) fn related(model: FileModel<'_>, a: FunctionId, b: FunctionId) -> bool {
    let module = model.module_function();
    a != module && b != module && (crate::is_within(model, a, b) || crate::is_within(model, b, a))
}

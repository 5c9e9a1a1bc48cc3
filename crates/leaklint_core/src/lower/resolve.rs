//! Second step of lowering: decide lifetimes, then turn raw facts into model events.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

use oxc_syntax::symbol::{SymbolFlags, SymbolId};

use super::{Collector, GuardKey, PathExpr, Rate, RawHandler, RawKind, Root, ThisOwner, Usage, is_exports_path, known};
use crate::model::{
    ContainerKind, EmitterRef, Event, EventKind, FileModel, FunctionId, FunctionKind, Handler, Lifetime, Longevity,
    Name, StoredValue, Value, ValueId,
};
use crate::span::Span;

/// Fixpoint rounds are bounded: lifetimes only move up a four-step order, so
/// this is far more than any file needs; it only guards against a bug looping.
const MAX_ROUNDS: usize = 64;

struct Lifetimes {
    life: Vec<Lifetime>,
    /// Shared, so a function that inherits its parent's reason does not copy it.
    reason: Vec<Arc<str>>,
    entry: Vec<Option<Span>>,
}

pub(super) fn resolve(mut c: Collector<'_, '_>) -> FileModel {
    let fn_by_symbol: HashMap<SymbolId, FunctionId> = c
        .functions
        .iter()
        .filter_map(|f| match f.usage {
            Usage::Binding(s) => Some((s, f.model.id)),
            _ => f.binding.map(|s| (s, f.model.id)),
        })
        .collect();
    let lifetimes = decide_lifetimes(&c, &fn_by_symbol);

    let mut resolver = Resolver {
        lifetimes: &lifetimes,
        fn_by_symbol: &fn_by_symbol,
        call_sites: HashMap::default(),
        values: Vec::new(),
        value_index: HashMap::default(),
        param_memo: Default::default(),
    };
    for (i, site) in c.call_sites.iter().enumerate() {
        resolver.call_sites.entry(site.callee).or_default().push(i);
    }

    // Replacements built from the value they replace (`logger = logger.child()`), from repeated code.
    let derived_at: HashMap<u32, crate::model::Derivation> =
        std::mem::take(&mut c.derivations).into_iter().map(|(span, d)| (span.start, d)).collect();
    let derived_assigns: Vec<usize> = if derived_at.is_empty() {
        Vec::new()
    } else {
        (0..c.assigns.len())
            .filter(|&i| {
                let a = &c.assigns[i];
                !a.is_declaration
                    && derived_at.contains_key(&a.span.start)
                    && lifetimes.life[a.func.0 as usize] != Lifetime::Startup
            })
            .collect()
    };

    let fn_by_start: HashMap<u32, FunctionId> = c.functions.iter().map(|f| (f.model.span.start, f.model.id)).collect();
    let request_scoped: HashSet<SymbolId> = c
        .functions
        .iter()
        .filter(|f| lifetimes.life[f.model.id.0 as usize] == Lifetime::PerRequest)
        .flat_map(|f| f.param_symbols.iter().copied())
        .collect();
    let pooled: HashSet<SymbolId> = c
        .field_aliases
        .iter()
        .filter(|(_, root, props)| c.released.contains(&(root.clone(), props.clone())))
        .map(|(alias, _, _)| *alias)
        .collect();
    let ctx = Ctx { c: &c, request_scoped: &request_scoped, fn_by_start: &fn_by_start, pooled: &pooled };

    let mut events = Vec::with_capacity(c.collection_events.len() + c.listeners.len());
    for raw in &c.collection_events {
        let is_write = matches!(raw.kind, RawKind::Write { .. });
        let Some(target) = resolver.value_for(&ctx, &raw.target, raw.func, is_write) else { continue };
        let kind = match &raw.kind {
            RawKind::Write { method, key, stored, after_lookup } => {
                let stored = ctx.stored_value(stored, resolver.fn_by_symbol);
                EventKind::Write { target, method: method.clone(), key: *key, stored, after_lookup: *after_lookup }
            }
            RawKind::Remove { method } => EventKind::Remove { target, method: method.clone() },
            RawKind::Iterate => EventKind::Iterate { target },
            RawKind::SizeCheck => EventKind::SizeCheck { target },
            RawKind::Lookup => EventKind::Lookup { target },
        };
        events.push(Event { span: raw.span, func: raw.func, kind });
    }
    // A replacement built from the value it replaces (`logger = logger.child()`) from
    // repeated code is a fact of its own: track its target even if nothing else does.
    for &i in &derived_assigns {
        resolver.value_for(&ctx, &c.assigns[i].target, c.assigns[i].func, true);
    }
    // Kinds, declarations and reassignments come from assignments to tracked paths.
    let tracked_roots: HashSet<Root> = resolver.value_index.keys().map(|(root, _)| root.clone()).collect();
    for assign in &c.assigns {
        // Most assignments touch nothing the rules track; skip them before building a key.
        if !tracked_roots.contains(&assign.target.root) {
            continue;
        }
        let key = (assign.target.root.clone(), assign.target.props.clone());
        let Some(&id) = resolver.value_index.get(&key) else { continue };
        let value = &mut resolver.values[id.0 as usize];
        let func = &c.functions[assign.func.0 as usize].model;
        let life = lifetimes.life[assign.func.0 as usize];
        let initialises = assign.is_declaration
            || life == Lifetime::Startup
            || (matches!(assign.target.root, Root::This(_)) && func.kind == FunctionKind::Constructor);
        if initialises {
            if value.decl_span.is_none()
                || value.kind == ContainerKind::Unknown && assign.kind != ContainerKind::Unknown
            {
                value.decl_span = Some(assign.span);
            }
            if value.kind == ContainerKind::Unknown {
                value.kind = assign.kind;
            }
        } else {
            if value.kind == ContainerKind::Unknown {
                value.kind = assign.kind;
            }
            let derived = derived_at.get(&assign.span.start).cloned();
            events.push(Event {
                span: assign.span,
                func: assign.func,
                kind: EventKind::Reassign { target: id, derived },
            });
        }
    }
    // Only assignments in functions that add listeners can make an emitter fresh.
    let listening: HashSet<FunctionId> = c.listeners.iter().filter(|l| !l.remove).map(|l| l.func).collect();
    let assigned_in: HashSet<(FunctionId, u64)> = c
        .assigns
        .iter()
        .filter(|a| listening.contains(&a.func))
        .map(|a| (a.func, super::path_hash(&a.target)))
        .collect();
    let asks_flags = c.listeners.iter().any(|l| l.guard_keys.iter().any(|k| matches!(k, GuardKey::Flag(_))));
    let written_keys: HashSet<u64> =
        if asks_flags { c.written_targets.iter().map(|s| c.text_hash(*s)).collect() } else { HashSet::default() };
    for l in &c.listeners {
        // A flag that some code sets, a `listenerCount` check, or a membership test
        // (`if (!tracked.has(socket))`): the listener is added once per key, not per call.
        let guarded = l.guarded_by_count
            || l.guard_keys.iter().any(|k| match k {
                GuardKey::Membership(_) => true,
                GuardKey::Flag(h) => written_keys.contains(h),
            });
        let kind = if l.remove {
            EventKind::ListenerRemove {
                emitter_path: l.emitter.text(),
                event: l.event.clone(),
                handler: match &l.handler {
                    RawHandler::Named(n) => Some(Handler::Named(n.clone())),
                    RawHandler::Inline(_) if l.method == "removeAllListeners" => None,
                    RawHandler::Inline(_) => Some(Handler::Inline),
                },
                method: l.method.clone(),
            }
        } else {
            // An emitter (re)created in the same function is fresh on every call.
            let fresh = assigned_in.contains(&(l.func, super::path_hash(&l.emitter)));
            let path = l.emitter.text();
            let configured = c.long_lived_emitters.iter().any(|e| *e == path).then_some(Longevity::Configured);
            let longevity = if fresh { None } else { resolver.longevity(&ctx, &l.emitter, l.func, 0).or(configured) };
            let (handler, captures_request) = match &l.handler {
                RawHandler::Named(n) => (Handler::Named(n.clone()), Vec::new()),
                RawHandler::Inline(start) => {
                    let captures =
                        start.and_then(|s| fn_by_start.get(&s)).map(|f| ctx.request_captures(*f)).unwrap_or_default();
                    (Handler::Inline, captures)
                }
            };
            EventKind::ListenerAdd {
                emitter: EmitterRef { path, longevity },
                event: l.event.clone(),
                handler,
                method: l.method.clone(),
                result_used: l.result_used,
                auto_removed: l.auto_removed,
                guarded,
                captures_request,
            }
        };
        events.push(Event { span: l.span, func: l.func, kind });
    }
    events.sort_by_key(|e| (e.span.start, e.span.end));

    let values = resolver.values;
    let Lifetimes { life, reason, entry } = lifetimes;
    let functions = c
        .functions
        .into_iter()
        .zip(life.into_iter().zip(reason).zip(entry))
        .map(|(f, ((lifetime, lifetime_reason), entry_span))| crate::model::Function {
            lifetime,
            lifetime_reason,
            entry_span,
            ..f.model
        })
        .collect();
    let calls = c
        .calls
        .into_iter()
        .map(|call| crate::model::Call {
            span: call.span,
            callee_span: call.callee_span,
            func: call.func,
            callee: call.callee,
            name: call.name,
            import: call.import,
            is_new: call.is_new,
            result: call.result,
            conditional: call.conditional,
            args: call
                .args
                .into_iter()
                .map(|a| match a {
                    super::calls::RawArg::Function(start) => match fn_by_start.get(&start) {
                        Some(f) => crate::model::Arg::Function(*f),
                        None => crate::model::Arg::Other,
                    },
                    super::calls::RawArg::Known(arg) => arg,
                })
                .collect(),
        })
        .collect();
    let implicit_globals = c
        .implicit_globals
        .iter()
        .map(|(span, func, name)| crate::model::ImplicitGlobal { span: *span, func: *func, name: Name::from(*name) })
        .collect();
    let mut imported_modules: Vec<String> = c.imports.values().map(|i| i.module.to_string()).collect();
    imported_modules.sort_unstable();
    imported_modules.dedup();
    let mut model = FileModel {
        functions,
        values,
        events,
        directive_comments: Vec::new(),
        calls,
        implicit_globals,
        strict: false,
        imported_modules,
        outcomes: c.outcomes,
        ..FileModel::default()
    };
    model.index_events();
    model
}

fn request_shape(params: &[Name]) -> Option<String> {
    let first = params.first().map(Name::as_str)?;
    let second = params.get(1).map(Name::as_str);
    // Express error handlers: `(err, req, res, next)`.
    let (first, second) = if matches!(first, "err" | "error") && params.len() == 4 {
        (params[1].as_str(), params.get(2).map(Name::as_str))
    } else {
        (first, second)
    };
    if known::REQUEST_PARAMS.contains(&first) && second.is_some_and(|s| known::RESPONSE_PARAMS.contains(&s)) {
        return Some(format!("`({first}, {})` request handler", second.unwrap_or_default()));
    }
    if known::CONTEXT_PARAMS.contains(&first) && second == Some("next") {
        return Some(format!("`({first}, next)` middleware"));
    }
    None
}

/// Where a function's lifetime can come from besides its parent, gathered once
/// before the fixpoint. Offers are made in this order and the first offer of the
/// longest lifetime wins, so the order decides which reason messages show.
#[derive(Clone, Copy)]
enum Source {
    /// A lifetime known up front; `why` indexes the reasons gathered with it.
    Fixed { life: Lifetime, why: u32, entry: Option<Span> },
    /// As often as function `from` runs: a caller (`called`), or the user of a
    /// callback that turned out not to be a handler (reported as that function's reason).
    Follows { from: u32, called: bool },
}

fn push_fixed<'w>(
    sources: &mut Vec<Source>,
    whys: &mut Vec<Why<'w>>,
    life: Lifetime,
    why: Why<'w>,
    entry: Option<Span>,
) {
    // A start-up offer never beats the parent's lifetime, which is offered first.
    if life > Lifetime::Startup {
        sources.push(Source::Fixed { life, why: whys.len() as u32, entry });
        whys.push(why);
    }
}

fn decide_lifetimes(c: &Collector<'_, '_>, fn_by_symbol: &HashMap<SymbolId, FunctionId>) -> Lifetimes {
    let n = c.functions.len();
    // References to each function-holding symbol, in reference order.
    let refs = crate::grouped::Grouped::new(
        c.scoping.symbols_len(),
        c.fn_refs
            .iter()
            .enumerate()
            .filter(|(_, r)| fn_by_symbol.contains_key(&r.symbol))
            .map(|(i, r)| (r.symbol.index(), i as u32)),
    );
    let refs_of = |sym: SymbolId| refs.get(sym.index()).iter().map(|&i| &c.fn_refs[i as usize]);

    // Gather every function's offers once; the rounds below then read only
    // these small arrays instead of the large function records.
    let shapes: Vec<Option<String>> = c.functions.iter().map(|f| request_shape(&f.model.params)).collect();
    // Sized for about one offer per function (most have none or one).
    let mut whys: Vec<Why<'_>> = Vec::with_capacity(n);
    let mut sources: Vec<Source> = Vec::with_capacity(n + c.fn_refs.len());
    let mut source_starts: Vec<u32> = Vec::with_capacity(n + 1);
    let mut parents: Vec<Option<u32>> = Vec::with_capacity(n);
    for (i, f) in c.functions.iter().enumerate() {
        source_starts.push(sources.len() as u32);
        parents.push(f.model.parent.map(|p| p.0));
        if i == 0 {
            continue;
        }
        let id = f.model.id;
        if let Some(shape) = &shapes[i] {
            push_fixed(&mut sources, &mut whys, Lifetime::PerRequest, Why::Text(shape), Some(f.model.span));
        }
        let symbol = match f.usage {
            Usage::Binding(s) => Some(s),
            _ => f.binding,
        };
        if let Some(sym) = symbol
            && c.exported.contains(&sym)
        {
            let name = f.model.name.as_deref().unwrap_or("");
            if known::ROUTE_EXPORTS.contains(&name) {
                push_fixed(&mut sources, &mut whys, Lifetime::PerRequest, Why::RouteExport(name), Some(f.model.span));
            } else {
                push_fixed(&mut sources, &mut whys, Lifetime::Repeatable, Why::Text("exported"), None);
            }
        }
        match &f.usage {
            Usage::Rate(Rate::Inherit) | Usage::Binding(_) => {}
            Usage::Rate(Rate::IfHandler(reason)) => {
                if f.model.params.len() >= 2 {
                    push_fixed(&mut sources, &mut whys, Lifetime::PerRequest, Why::Rate(reason), Some(f.model.span));
                }
            }
            Usage::Rate(Rate::Fixed(l, reason)) => {
                let entry = (*l == Lifetime::PerRequest).then_some(f.model.span);
                push_fixed(&mut sources, &mut whys, *l, Why::Rate(reason), entry);
            }
            Usage::Unknown => {
                push_fixed(&mut sources, &mut whys, Lifetime::Repeatable, Why::Text("stored as a value"), None);
            }
        }
        if let Some(sym) = symbol {
            for r in refs_of(sym) {
                if r.from == id {
                    continue; // recursion
                }
                match &r.rate {
                    Rate::Inherit => sources.push(Source::Follows { from: r.from.0, called: true }),
                    Rate::Fixed(l, reason) => {
                        let entry = (*l == Lifetime::PerRequest).then_some(f.model.span);
                        push_fixed(&mut sources, &mut whys, *l, Why::Rate(reason), entry);
                    }
                    Rate::IfHandler(reason) if f.model.params.len() >= 2 => {
                        push_fixed(
                            &mut sources,
                            &mut whys,
                            Lifetime::PerRequest,
                            Why::Rate(reason),
                            Some(f.model.span),
                        );
                    }
                    Rate::IfHandler(_) => sources.push(Source::Follows { from: r.from.0, called: false }),
                }
            }
        }
    }
    source_starts.push(sources.len() as u32);

    let mut lt = Lifetimes { life: vec![Lifetime::Startup; n], reason: vec![Arc::from(""); n], entry: vec![None; n] };
    for _ in 0..MAX_ROUNDS {
        let mut changed = false;
        for i in 1..n {
            // Reasons are only turned into text when they win, so the fixpoint does not allocate.
            let mut best: (Lifetime, Why<'_>, Option<Span>) = match parents[i] {
                Some(p) => (lt.life[p as usize], Why::Parent(p as usize), lt.entry[p as usize]),
                None => (Lifetime::Startup, Why::Text("module top level"), None),
            };
            for source in &sources[source_starts[i] as usize..source_starts[i + 1] as usize] {
                match *source {
                    Source::Fixed { life, why, entry } => {
                        if life > best.0 {
                            best = (life, whys[why as usize], entry);
                        }
                    }
                    Source::Follows { from, called } => {
                        let from = from as usize;
                        if lt.life[from] > best.0 {
                            let why = if called { Why::CalledFrom(from) } else { Why::Parent(from) };
                            best = (lt.life[from], why, lt.entry[from]);
                        }
                    }
                }
            }
            if best.0 > lt.life[i] {
                let reason = match best.1 {
                    Why::Text(t) => Arc::from(t),
                    Why::Rate(r) => Arc::from(r.render(c.source)),
                    Why::Parent(p) => lt.reason[p].clone(),
                    Why::RouteExport(name) => Arc::from(format!("`{name}` route export")),
                    Why::CalledFrom(from) => {
                        let name = c.functions[from].model.name.as_deref().unwrap_or("an anonymous function");
                        if lt.life[from] == Lifetime::Startup {
                            Arc::from(format!("called from `{name}`"))
                        } else {
                            Arc::from(format!("called from `{name}`, {}", lt.reason[from]))
                        }
                    }
                };
                lt.life[i] = best.0;
                lt.reason[i] = reason;
                lt.entry[i] = best.2;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    lt
}

/// Why a function got its lifetime, rendered to text only when it wins.
#[derive(Clone, Copy)]
enum Why<'x> {
    Text(&'x str),
    Rate(&'x super::Reason<'x>),
    Parent(usize),
    CalledFrom(usize),
    RouteExport(&'x str),
}

struct Ctx<'a, 'p, 's> {
    c: &'a Collector<'p, 's>,
    request_scoped: &'a HashSet<SymbolId>,
    fn_by_start: &'a HashMap<u32, FunctionId>,
    /// Bindings stored in a field that is later released to a pool.
    pooled: &'a HashSet<SymbolId>,
}

impl Ctx<'_, '_, '_> {
    fn name(&self, s: SymbolId) -> Name {
        Name::from(self.c.scoping.symbol_name(s))
    }

    fn request_captures(&self, f: FunctionId) -> Vec<Name> {
        let rec = &self.c.functions[f.0 as usize];
        rec.captures.iter().filter(|s| self.request_scoped.contains(s)).map(|s| self.name(*s)).collect()
    }

    fn stored_value(&self, raw: &super::StoredRaw, fn_by_symbol: &HashMap<SymbolId, FunctionId>) -> StoredValue {
        let func = raw
            .fn_start
            .and_then(|s| self.fn_by_start.get(&s).copied())
            .or_else(|| raw.fn_symbol.and_then(|s| fn_by_symbol.get(&s).copied()));
        match func {
            Some(f) => StoredValue {
                is_function: true,
                captures_request: self.request_captures(f),
                closure_span: Some(self.c.functions[f.0 as usize].model.span),
            },
            None => StoredValue {
                is_function: false,
                captures_request: raw
                    .direct
                    .iter()
                    .filter(|s| self.request_scoped.contains(s))
                    .map(|s| self.name(*s))
                    .collect(),
                closure_span: None,
            },
        }
    }

    fn declaring(&self, s: SymbolId) -> FunctionId {
        self.c.declaring_function(s)
    }

    /// Is `inner` nested (at any depth) inside `outer`?
    fn nested_in(&self, inner: FunctionId, outer: FunctionId) -> bool {
        let mut f = Some(inner);
        while let Some(id) = f {
            if id == outer {
                return true;
            }
            f = self.c.functions[id.0 as usize].model.parent;
        }
        false
    }
}

struct Resolver<'a, 'p> {
    lifetimes: &'a Lifetimes,
    fn_by_symbol: &'a HashMap<SymbolId, FunctionId>,
    call_sites: HashMap<SymbolId, Vec<usize>>,
    values: Vec<Value>,
    value_index: HashMap<(Root<'p>, super::Props<'p>), ValueId>,
    /// Memo of `param_longevity`: helpers called from many places would
    /// otherwise be re-walked once per call site, per level. Keyed by depth
    /// too, so an answer cut short by the depth limit is never reused nearer the top.
    param_memo: std::cell::RefCell<HashMap<(FunctionId, usize, u32), Option<Longevity>>>,
}

/// Argument-to-parameter resolution follows calls this many levels deep.
const MAX_PARAM_DEPTH: u32 = 4;

impl<'p> Resolver<'_, 'p> {
    /// The value for `path`. Longevity is only worked out for writes: the rules
    /// ask it of values that grow, and it is the costly part.
    fn value_for(
        &mut self,
        ctx: &Ctx<'_, 'p, '_>,
        path: &PathExpr<'p>,
        at: FunctionId,
        is_write: bool,
    ) -> Option<ValueId> {
        let key = (path.root.clone(), path.props.clone());
        if let Some(&id) = self.value_index.get(&key) {
            if is_write && self.values[id.0 as usize].longevity.is_none() {
                self.values[id.0 as usize].longevity = self.longevity(ctx, path, at, 0);
            }
            return Some(id);
        }
        let longevity = if is_write { self.longevity(ctx, path, at, 0) } else { None };
        let id = ValueId(self.values.len() as u32);
        self.values.push(Value { id, name: path.text(), kind: ContainerKind::Unknown, decl_span: None, longevity });
        self.value_index.insert(key, id);
        Some(id)
    }

    /// Why the value at `path`, used from function `at`, outlives `at`'s run (if it does).
    fn longevity(&self, ctx: &Ctx<'_, 'p, '_>, path: &PathExpr<'p>, at: FunctionId, depth: u32) -> Option<Longevity> {
        let life = |f: FunctionId| self.lifetimes.life[f.0 as usize];
        match &path.root {
            Root::Global(name) => {
                if *name == "process" {
                    Some(Longevity::Process)
                } else if is_exports_path(path) {
                    Some(Longevity::Exported)
                } else if matches!(*name, "module" | "require" | "arguments" | "undefined") {
                    None
                } else {
                    Some(Longevity::Global)
                }
            }
            Root::Symbol(sym) => {
                let flags = ctx.c.scoping.symbol_flags(*sym);
                if flags.contains(SymbolFlags::Import) {
                    return Some(Longevity::Imported);
                }
                let decl = ctx.declaring(*sym);
                if decl == FunctionId::MODULE {
                    return Some(if path.props.is_empty() {
                        Longevity::ModuleScope
                    } else if flags.intersects(SymbolFlags::Class | SymbolFlags::Function) {
                        Longevity::ClassStatic
                    } else {
                        Longevity::Singleton
                    });
                }
                let decl_rec = &ctx.c.functions[decl.0 as usize];
                if let Some(index) = decl_rec.param_symbols.iter().position(|p| p == sym) {
                    let last = path.props.last().copied();
                    let request_param = life(decl) == Lifetime::PerRequest && index < 2;
                    if matches!(last, Some("server")) || (request_param && matches!(last, Some("app"))) {
                        return Some(Longevity::Server);
                    }
                    if request_param && path.props.iter().any(|p| matches!(*p, "socket" | "connection")) {
                        return Some(Longevity::KeepAliveSocket);
                    }
                    if path.props.is_empty() && ctx.pooled.contains(sym) {
                        return Some(Longevity::Pooled);
                    }
                    if path.props.is_empty() && depth < MAX_PARAM_DEPTH {
                        return self.param_longevity(ctx, decl, index, depth);
                    }
                    return None;
                }
                if decl != at
                    && life(at) == Lifetime::PerRequest
                    && life(decl) < Lifetime::PerRequest
                    && ctx.nested_in(at, decl)
                {
                    return Some(Longevity::Captured);
                }
                None
            }
            Root::This(owner) => {
                let method_like = matches!(owner, ThisOwner::Class(_) | ThisOwner::Proto(_));
                (method_like && life(at) == Lifetime::PerRequest).then_some(Longevity::HandlerOwner)
            }
        }
    }

    /// Longevity of parameter `index` of `func`: the first local call that passes a long-lived
    /// value decides (that call path leaks even if others pass short-lived ones).
    fn param_longevity(&self, ctx: &Ctx<'_, 'p, '_>, func: FunctionId, index: usize, depth: u32) -> Option<Longevity> {
        if let Some(known) = self.param_memo.borrow().get(&(func, index, depth)) {
            return *known;
        }
        let found = self.param_longevity_uncached(ctx, func, index, depth);
        self.param_memo.borrow_mut().insert((func, index, depth), found);
        found
    }

    fn param_longevity_uncached(
        &self,
        ctx: &Ctx<'_, 'p, '_>,
        func: FunctionId,
        index: usize,
        depth: u32,
    ) -> Option<Longevity> {
        let rec = &ctx.c.functions[func.0 as usize];
        let symbol = match rec.usage {
            Usage::Binding(s) => Some(s),
            _ => rec.binding,
        }?;
        if self.fn_by_symbol.get(&symbol) != Some(&func) {
            return None;
        }
        let sites = self.call_sites.get(&symbol)?;
        sites.iter().find_map(|&i| {
            let site = &ctx.c.call_sites[i];
            let arg = site.args.get(index)?.as_ref()?;
            self.longevity(ctx, arg, site.from, depth + 1)
        })
    }
}

//! Lifetimes: how often each function runs, from who calls it.
//!
//! Every function takes the largest rate any of its sources gives it:
//! - a call from another function of the package: that function's rate
//!   (the module top level runs once, at start-up);
//! - a registration with a platform or framework API whose meaning is known:
//!   route and middleware registration, `http.createServer`, a `'request'` or
//!   `'connection'` listener (per request); `setInterval` and other listeners
//!   (repeating); `forEach`, `then`, `setTimeout`, `new Promise` (the caller's rate);
//! - a callback handed to any other code we cannot see: the caller's rate,
//!   and repeatable by assumption;
//! - being reachable by code outside the package (exported from an entry
//!   module, handed to a library, stored on a global): repeatable by
//!   assumption (constructors and methods: once per instance).
//!
//! Each rate carries its evidence: a chain of calls and registrations is
//! *proven*; one that ends in an assumption is not, and findings that rest on
//! it are warnings that name it.

use std::sync::Arc;

use crate::facts::{FileFacts, known};
use crate::link::{Graph, VKind};
use crate::model::{FunctionId, FunctionKind, Lifetime, Site, Why};
use crate::solve::{Escape, Solved};
use crate::span::Span;

/// The longest chain of calls that still proves a rate, and the longest that is still evidence
/// at all (see `decide`).
const MAX_PROVEN_CALLS: u32 = 3;
const MAX_TRACED_CALLS: u32 = 6;

pub(crate) struct Lifetimes {
    pub life: Vec<Lifetime>,
    pub proven: Vec<bool>,
    /// The rate comes through a place the analysis lost track of (a value that overflowed the
    /// solver's places, a chain of more than `MAX_TRACED_CALLS` calls). The function may repeat,
    /// so what it makes is not long-lived, but its own events prove nothing.
    pub lost: Vec<bool>,
    pub why: Vec<Why>,
    pub entry: Vec<Option<Site>>,
    /// The add-listener call (an index into `Graph::calls`) that gives a function its rate, when
    /// that is what does: the function lives as long as that emitter keeps it.
    pub listener: Vec<Option<u32>>,
}

#[derive(Clone)]
enum Source {
    Fixed {
        life: Lifetime,
        proven: bool,
        why: Arc<str>,
    },
    /// Added as a listener by the add-listener call `call` (an index into `Graph::calls`): a
    /// proven rate, and the function lives as long as that emitter keeps it.
    Listener {
        life: Lifetime,
        why: Arc<str>,
        call: u32,
    },
    Follows {
        from: FunctionId,
        site: Site,
    },
    /// Reached from where the analysis lost track (see `Lifetimes::lost`).
    Lost {
        life: Lifetime,
        why: Arc<str>,
    },
}

/// What a call into code we cannot see does with a function handed to it.
enum Sink {
    /// Stores or logs it and never calls it (`map.set(k, f)`): the value flow follows it from there.
    Nothing,
    /// Calls it at the caller's rate (`forEach`, `then`, `setTimeout`).
    Inherit,
    /// Calls it at a known rate (a route, an interval), and at least as often as the caller.
    Fixed(Lifetime, String),
    /// Calls it when its emitter fires (`emitter.on(event, f)`), at a known rate.
    Listener(Lifetime, String),
    /// Middleware when the function takes a request and a response; otherwise the caller's rate.
    IfHandler(String),
    /// Anything: the caller's rate, and repeatable by assumption.
    Unknown(String),
}

pub(crate) fn decide(
    g: &Graph,
    s: &Solved,
    files: &[FileFacts],
    sources: &[&str],
    options: &[&crate::Options],
) -> Lifetimes {
    let n = g.functions.len();
    let mut by_fn: Vec<Vec<Source>> = vec![Vec::new(); n];
    let fact = |f: FunctionId| {
        let node = &g.functions[f.0 as usize];
        &files[node.file.0 as usize].functions[node.local as usize]
    };
    let site_of_call = |c: u32| {
        let call = &g.calls[c as usize];
        let cf = &files[call.file.0 as usize].calls[call.local as usize];
        (Site { file: call.file, span: cf.span }, cf)
    };
    // Calls within the package.
    for &(c, f) in &s.call_edges {
        let call = &g.calls[c as usize];
        if call.caller == f {
            continue;
        }
        let (site, cf) = site_of_call(c);
        // A callback called back through a parameter (`forEach(obj, fn)` calling `fn(...)`) runs
        // within the run that handed it over, not at the helper's rate, which every other caller
        // of the helper raises too. For a callback written inline, that run is its enclosing
        // function's.
        let params = &g.functions[call.caller.0 as usize].params;
        let through_receiver = matches!(call.kind, crate::facts::CallKind::Call | crate::facts::CallKind::Apply);
        let called_back =
            params.contains(&call.callee) || (through_receiver && call.recv.is_some_and(|r| params.contains(&r)));
        let from = match (called_back, fact(f).parent) {
            (true, Some(p)) if p != 0 => FunctionId(g.fn_base[g.functions[f.0 as usize].file.0 as usize] + p),
            _ => call.caller,
        };
        if from == f {
            continue;
        }
        by_fn[f.0 as usize].push(Source::Follows { from, site });
        if cf.jsx {
            by_fn[f.0 as usize].push(Source::Fixed {
                life: Lifetime::Repeatable,
                proven: false,
                why: Arc::from("rendered as a component"),
            });
        }
    }
    // Functions handed to code we cannot see.
    for (c, &unresolved) in s.unresolved.iter().enumerate() {
        if !unresolved {
            continue;
        }
        let call = &g.calls[c];
        let (site, cf) = site_of_call(c as u32);
        let file = call.file.0 as usize;
        let source = sources[file];
        for (i, &arg) in call.args.iter().enumerate() {
            if arg == u32::MAX {
                continue;
            }
            let mut handed: smallvec::SmallVec<[(FunctionId, bool); 2]> = smallvec::SmallVec::new();
            for &v in s.values_at(arg) {
                match g.values[v as usize] {
                    VKind::Function(f) => handed.push((f, false)),
                    VKind::Bound { target, .. } => {
                        for &t in s.values_at(target) {
                            if let VKind::Function(f) = g.values[t as usize] {
                                handed.push((f, false));
                            }
                        }
                    }
                    // `server.route({ method, url, handler })`: the handler runs per request. Only an
                    // object that is a route definition (a method and a path) says so.
                    VKind::Created { .. }
                        if call.name.is_some_and(|n| known::ROUTE_DEFINITION_METHODS.contains(&g.name(n)))
                            && is_route_definition(g, s, cf.arg_facts.get(i), v) =>
                    {
                        for key in known::HANDLER_KEYS {
                            if let Some(&k) = g.name_ids.get(*key)
                                && let Some(fl) = s.field(v, k)
                            {
                                for &h in s.values_at(fl) {
                                    if let VKind::Function(f) = g.values[h as usize] {
                                        handed.push((f, true));
                                    }
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
            if handed.is_empty() {
                continue;
            }
            let sink = sink(g, s, cf, (c, call), i, (source, &files[file].names), options[file]);
            for (f, handler_key) in handed {
                let list = &mut by_fn[f.0 as usize];
                if handler_key {
                    list.push(Source::Fixed {
                        life: Lifetime::PerRequest,
                        proven: true,
                        why: Arc::from("`handler` of a route definition"),
                    });
                    continue;
                }
                if matches!(sink, Sink::Nothing) {
                    continue;
                }
                list.push(Source::Follows { from: call.caller, site });
                match &sink {
                    Sink::Nothing | Sink::Inherit => {}
                    Sink::Fixed(life, why) => {
                        list.push(Source::Fixed { life: *life, proven: true, why: Arc::from(why.as_str()) })
                    }
                    Sink::Listener(life, why) => {
                        list.push(Source::Listener { life: *life, why: Arc::from(why.as_str()), call: c as u32 })
                    }
                    Sink::IfHandler(why) => {
                        if fact(f).params.len() >= 2 {
                            list.push(Source::Fixed {
                                life: Lifetime::PerRequest,
                                proven: true,
                                why: Arc::from(why.as_str()),
                            });
                        }
                    }
                    // A test runner runs each case it is handed once: in a test file, that a
                    // library may call a callback again is no evidence.
                    Sink::Unknown(why) if files[file].is_test => {
                        list.push(Source::Lost { life: Lifetime::Repeatable, why: Arc::from(why.as_str()) })
                    }
                    Sink::Unknown(why) => {
                        list.push(Source::Fixed {
                            life: Lifetime::Repeatable,
                            proven: false,
                            why: Arc::from(why.as_str()),
                        });
                        if let Some(shape) = request_shape(fact(f)) {
                            list.push(Source::Fixed {
                                life: Lifetime::PerRequest,
                                proven: false,
                                why: Arc::from(shape),
                            });
                        }
                    }
                }
            }
        }
    }
    // Functions code outside the package can reach, and what the code says of itself.
    for (i, node) in g.functions.iter().enumerate() {
        let f = &files[node.file.0 as usize].functions[node.local as usize];
        let list = &mut by_fn[i];
        if f.kind == FunctionKind::Module {
            continue;
        }
        if let Some(name) = f.exported_as.as_deref()
            && known::ROUTE_EXPORTS.contains(&name)
            && files[node.file.0 as usize].is_esm
        {
            list.push(Source::Fixed {
                life: Lifetime::PerRequest,
                proven: true,
                why: Arc::from(format!("`{name}` route export")),
            });
        }
        if f.kind == FunctionKind::Accessor {
            let name = f.name.as_deref().unwrap_or("?");
            list.push(Source::Fixed {
                life: Lifetime::PerInstance,
                proven: false,
                why: Arc::from(format!("accessor `{name}`")),
            });
        }
        if node.value == u32::MAX {
            continue;
        }
        // A value that overflowed the solver's places went somewhere the analysis lost track of:
        // that says nothing about who calls it.
        if let Some(Some(why)) = s.escaped.get(node.value as usize) {
            // Static methods run on the class, not per instance: they are plain functions here.
            let method_like = f.kind == FunctionKind::Constructor
                || s.is_ctor[i]
                || (f.this_class.is_some() && !f.is_static)
                || f.on_prototype;
            let life = if method_like { Lifetime::PerInstance } else { Lifetime::Repeatable };
            let text = Arc::from(escape_text(g, files, sources, *why, method_like));
            // Nothing outside calls into a test file's functions but its runner, once per case.
            // A function that only overflowed the solver's places went somewhere the analysis lost:
            // no evidence, unless it is a class's method, whose class is there to be built again
            // and again (the assumption an exported class gets too).
            let lost = (*why == Escape::TooMany && !method_like) || files[node.file.0 as usize].is_test;
            if lost {
                list.push(Source::Lost { life, why: text });
            } else {
                list.push(Source::Fixed { life, proven: false, why: text });
            }
            if let Some(shape) = request_shape(f) {
                list.push(Source::Fixed { life: Lifetime::PerRequest, proven: false, why: Arc::from(shape) });
            }
        }
    }

    let mut lt = Lifetimes {
        life: vec![Lifetime::Startup; n],
        proven: vec![true; n],
        lost: vec![false; n],
        why: vec![Why::TopLevel; n],
        entry: vec![None; n],
        listener: vec![None; n],
    };
    // A constructor built by code that repeats runs once per instance.
    let constructor: Vec<bool> = (0..n)
        .map(|i| {
            let node = &g.functions[i];
            let f = &files[node.file.0 as usize].functions[node.local as usize];
            s.is_ctor[i] || f.is_class_constructor
        })
        .collect();
    // Calls between the function and where its rate comes from. The call graph knows no calling
    // context, so the longer a chain, the likelier it is a path no run takes: past
    // `MAX_PROVEN_CALLS` calls a rate is an assumption, past `MAX_TRACED_CALLS` no evidence.
    let mut depth: Vec<u32> = vec![0; n];
    // Calls made inside an inlined async runtime (and the functions nested in it) are not steps.
    let mut runtime = vec![false; n];
    for i in 0..n {
        let f = fact(FunctionId(i as u32));
        let base = g.fn_base[g.functions[i].file.0 as usize];
        let parent_is_runtime = f.parent.is_some_and(|p| p != 0 && runtime[(base + p) as usize]);
        runtime[i] = parent_is_runtime || f.name.as_deref().is_some_and(known::is_async_runtime_helper);
    }
    // Rates only move up a short order, so this settles quickly; the bound guards against a bug looping.
    for _ in 0..64 {
        let mut changed = false;
        for i in 0..n {
            let mut best = (lt.life[i], evidence(lt.proven[i], lt.lost[i]));
            let mut pick: Option<&Source> = None;
            for src in &by_fn[i] {
                let mut offer = match src {
                    Source::Fixed { life, proven, .. } => (*life, evidence(*proven, false)),
                    Source::Listener { life, .. } => (*life, Evidence::Proven),
                    Source::Lost { life, .. } => (*life, Evidence::Lost),
                    Source::Follows { from, .. } => {
                        let j = from.0 as usize;
                        let lost = lt.lost[j] || depth[j] >= MAX_TRACED_CALLS;
                        (lt.life[j], evidence(lt.proven[j] && depth[j] < MAX_PROVEN_CALLS, lost))
                    }
                };
                if constructor[i] && offer.0 == Lifetime::Repeatable {
                    offer.0 = Lifetime::PerInstance;
                }
                if better(offer, best) {
                    best = offer;
                    pick = Some(src);
                }
            }
            if let Some(src) = pick {
                lt.life[i] = best.0;
                lt.proven[i] = best.1 == Evidence::Proven;
                lt.lost[i] = best.1 == Evidence::Lost;
                match src {
                    Source::Fixed { why, .. } | Source::Listener { why, .. } | Source::Lost { why, .. } => {
                        depth[i] = 0;
                        lt.why[i] = Why::Fixed(why.clone());
                        let node = &g.functions[i];
                        lt.entry[i] = Some(Site { file: node.file, span: fact(FunctionId(i as u32)).span });
                        lt.listener[i] = match src {
                            Source::Listener { call, .. } => Some(*call),
                            _ => None,
                        };
                    }
                    Source::Follows { from, site } => {
                        depth[i] = depth[from.0 as usize] + u32::from(!runtime[from.0 as usize]);
                        lt.why[i] = Why::CalledFrom { caller: *from, site: *site };
                        lt.entry[i] = lt.entry[from.0 as usize];
                        lt.listener[i] = None;
                    }
                }
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    lt
}

/// How much a rate is worth as evidence for a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Evidence {
    /// Through a place the analysis lost track of: none at all.
    Lost,
    /// Rests on callers outside the checked code: a warning that says so.
    Assumed,
    /// A chain from a registration, an interval, a route: an error may rest on it.
    Proven,
}

fn evidence(proven: bool, lost: bool) -> Evidence {
    if lost {
        Evidence::Lost
    } else if proven {
        Evidence::Proven
    } else {
        Evidence::Assumed
    }
}

/// Is `offer` more than `than`: a larger rate, or the same rate with better evidence.
fn better(offer: (Lifetime, Evidence), than: (Lifetime, Evidence)) -> bool {
    offer.0 > than.0 || (offer.0 == than.0 && offer.1 > than.1 && offer.0 > Lifetime::Startup)
}

/// What code outside the package reaching a function means, for messages.
fn escape_text(g: &Graph, files: &[FileFacts], sources: &[&str], why: Escape, method: bool) -> String {
    match why {
        Escape::Exported(file) => {
            let name = file_name(&files[file.0 as usize].path);
            if method {
                format!("a method or constructor of a class exported from {name}, called by its users")
            } else {
                format!("exported from {name}, so its callers are outside the checked code")
            }
        }
        Escape::PassedTo(c) => {
            let call = &g.calls[c as usize];
            let cf = &files[call.file.0 as usize].calls[call.local as usize];
            let callee =
                crate::facts::compact_text(sources[call.file.0 as usize], Span::new(cf.span.start, cf.callee_span.end));
            format!("handed to `{callee}`, which may call it any number of times")
        }
        Escape::Global => "stored on the global object, where any code may call it".to_string(),
        Escape::TooMany => "passed around through more places than leaklint follows".to_string(),
    }
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

/// `(req, res)`-shaped handlers and `(ctx, next)` middleware: by what the function does with its
/// parameters (`req.url` and `res.end()`, `req.headers` and `next()`, `ctx.state` and `next()`),
/// or else by their conventional names. Either is an assumption: nothing shows who calls it.
fn request_shape(f: &crate::facts::FnFact) -> Option<String> {
    let params = &f.params;
    let role = |i: usize| f.param_roles.get(i).copied().unwrap_or(0);
    let name = |i: usize| params.get(i).map(|n| n.as_str()).unwrap_or_default();
    // Express error handlers: `(err, req, res, next)`.
    let skip = usize::from(
        params.len() == 4
            && (matches!(name(0), "err" | "error") || (role(0) == 0 && role(1) & known::PARAM_REQUEST != 0)),
    );
    let (first, second, third) = (skip, skip + 1, skip + 2);
    let shown = || params[first..params.len().min(third + 1)].iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", ");
    if (role(first) & known::PARAM_REQUEST != 0
        && (role(second) & known::PARAM_RESPONSE != 0 || role(third) & known::PARAM_CALLED != 0))
        || role(second) & known::PARAM_RESPONSE_ONLY != 0
    {
        return Some(format!("`({})` request handler, by how it uses its parameters", shown()));
    }
    if role(first) & known::PARAM_CONTEXT != 0 && role(second) & known::PARAM_CALLED != 0 {
        return Some(format!("`({})` middleware, by how it uses its parameters", shown()));
    }
    let (first, second) = (name(first), params.get(second).map(|n| n.as_str()));
    if known::REQUEST_PARAMS.contains(&first) && second.is_some_and(|s| known::RESPONSE_PARAMS.contains(&s)) {
        return Some(format!("`({first}, {})` request handler, by its parameters", second.unwrap_or_default()));
    }
    if known::CONTEXT_PARAMS.contains(&first) && second == Some("next") {
        return Some(format!("`({first}, next)` middleware, by its parameters"));
    }
    None
}

/// What the call `cf` (into code we cannot see) does with the function handed as argument `index`.
fn sink(
    g: &Graph,
    s: &Solved,
    cf: &crate::facts::CallFact,
    (call_index, call): (usize, &crate::link::CallNode),
    index: usize,
    (source, names): (&str, &[crate::model::Name]),
    options: &crate::Options,
) -> Sink {
    use Lifetime::*;
    let callee_text = crate::facts::compact_text(source, cf.callee_span);
    let method = call.name.map(|n| g.name(n)).unwrap_or_default();
    let first_string = cf.first_string.map(|n| names[n as usize].as_str());
    // In-house frameworks named in the configuration: `registerHandler(fn)`, `router.route(path, fn)`.
    if options.request_registrars.iter().any(|r| *r == callee_text.as_str() || (!r.contains('.') && r == method)) {
        return Sink::Fixed(PerRequest, format!("handler passed to `{callee_text}` (a configured request registrar)"));
    }
    if cf.is_new {
        return if method == "Promise" {
            Sink::Inherit
        } else {
            Sink::Unknown(format!("callback passed to `new {callee_text}`"))
        };
    }
    if cf.is_method {
        // `app.get('/x', fn)`, `app.use('/api', fn)`: a path first. `schema.pre('save', fn)` is no route.
        if known::ROUTE_METHODS.contains(&method) && index > 0 && cf.first_is_path {
            return Sink::Fixed(PerRequest, format!("route handler passed to `{callee_text}`"));
        }
        if known::MIDDLEWARE_METHODS.contains(&method) && index == 0 {
            return Sink::IfHandler(format!("middleware passed to `{callee_text}`"));
        }
        if method == "addHook"
            && let Some(hook) = first_string
            && known::PER_REQUEST_HOOKS.contains(&hook)
        {
            return Sink::Fixed(PerRequest, format!("`{hook}` hook"));
        }
    }
    if known::SERVER_FACTORIES.contains(&method) {
        return Sink::Fixed(PerRequest, format!("request handler passed to `{callee_text}`"));
    }
    if s.calls_nothing_back(g, call_index) {
        return Sink::Nothing;
    }
    if known::is_add_listener(method) && cf.is_method {
        if method == "once" || method == "prependOnceListener" {
            return Sink::Inherit;
        }
        let event = first_string;
        // `process.on('message')` is IPC from the parent process, not a client request.
        let on_process = call.recv.is_some_and(|r| {
            s.values_at(r).iter().any(
                |&v| matches!(g.values[v as usize], VKind::Property { base: 0, name, .. } if g.name(name) == "process"),
            )
        });
        return match event {
            Some(e) if known::REQUEST_EVENTS.contains(&e) && !on_process => {
                Sink::Listener(PerRequest, format!("`{e}` handler on `{}`", emitter_text(&callee_text)))
            }
            // An event an emitter fires once in its life runs its listener at the rate it was added.
            Some(e) if known::ONCE_PER_EMITTER_EVENTS.contains(&e) => Sink::Inherit,
            Some(e) => Sink::Listener(Repeatable, format!("`{e}` listener")),
            None => Sink::Listener(Repeatable, "event listener".into()),
        };
    }
    if method == "setInterval" {
        return Sink::Fixed(Repeatable, "`setInterval` callback".into());
    }
    if known::SAME_RATE_CALLERS.contains(&method) {
        return Sink::Inherit;
    }
    Sink::Unknown(format!("callback passed to `{callee_text}`"))
}

/// `server.on` → `server`.
fn emitter_text(callee: &str) -> &str {
    callee.rsplit_once('.').map(|(o, _)| o).unwrap_or(callee)
}

/// Is the object `v` (written as `arg`) a route definition: a `method` and a `url` or `path`?
fn is_route_definition(g: &Graph, s: &Solved, arg: Option<&crate::facts::ArgFact>, v: u32) -> bool {
    let has = |name: &str| match arg {
        Some(crate::facts::ArgFact::Object { keys, .. }) => keys.iter().any(|k| k == name),
        _ => g.name_ids.get(name).is_some_and(|&k| s.field(v, k).is_some()),
    };
    has("method") && (has("url") || has("path"))
}

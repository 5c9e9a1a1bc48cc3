//! Events: the facts' events, calls and functions, with their operands
//! resolved to values and their functions' lifetimes decided, become the
//! [`Package`] model the rules read. Here "long-lived" is decided (a value
//! created less often than the code that writes to it), and listener
//! removals are matched to additions by value (same emitter, same event,
//! same function), once for the package.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use smallvec::SmallVec;

use crate::facts::{ArgFact, EventFactKind, FileFacts, Op, UseFact, ValFact, compact_text, known};
use crate::lifetimes::Lifetimes;
use crate::link::{GLOBAL_OBJECT, Graph, VKind};
use crate::model::{
    Arg, Call, Callee, ContainerKind, EmitterRef, Event, EventId, EventKind, FileId, FileInfo, Function, FunctionId,
    FunctionKind, Handler, ImplicitGlobal, Import, Lifetime, Longevity, Name, Origin, Outcome, Package, ResultUse,
    Site, StoredValue, Value, ValueId, Values,
};
use crate::solve::Solved;
use crate::span::Span;

/// Values an event is expanded over, at most.
const MAX_TARGETS: usize = 8;

struct Builder<'x> {
    g: &'x Graph,
    s: &'x Solved,
    /// Per value: whether it dies with the run that made it, or is shown to outlive it.
    run_local: &'x crate::run_local::RunLocal,
    lt: &'x Lifetimes,
    files: &'x [FileFacts],
    sources: &'x [&'x str],
    options: &'x [&'x crate::Options],
    values: Vec<Value>,
    value_ids: HashMap<u32, ValueId>,
    released: HashSet<u32>,
    /// The call graph: each function's callees.
    callees: HashMap<FunctionId, Vec<FunctionId>>,
    /// Per function: the functions that call it (resolved calls only).
    callers: HashMap<FunctionId, Vec<FunctionId>>,
    /// Per file: a test file (`FileFacts::is_test`).
    test_file: Vec<bool>,
}

pub(crate) fn build(
    g: &Graph,
    s: &Solved,
    run_local: &crate::run_local::RunLocal,
    lt: &Lifetimes,
    files: &[FileFacts],
    sources: &[&str],
    options: &[&crate::Options],
) -> Package {
    // The call graph both ways: each function's callees and its callers.
    let mut callees: HashMap<FunctionId, Vec<FunctionId>> = HashMap::default();
    let mut callers: HashMap<FunctionId, Vec<FunctionId>> = HashMap::default();
    for &(c, f) in &s.call_edges {
        let caller = g.calls[c as usize].caller;
        let down = callees.entry(caller).or_default();
        if !down.contains(&f) {
            down.push(f);
            callers.entry(f).or_default().push(caller);
        }
    }
    let mut b = Builder {
        g,
        s,
        run_local,
        lt,
        files,
        sources,
        options,
        values: Vec::new(),
        value_ids: HashMap::default(),
        released: HashSet::default(),
        callees,
        callers,
        test_file: files.iter().map(|f| f.is_test).collect(),
    };
    // Connections handed back to a pool outlive each borrower.
    for (fi, f) in files.iter().enumerate() {
        for e in &f.events {
            if matches!(e.kind, EventFactKind::Release) {
                for v in b.op_values(fi, e.target) {
                    b.released.insert(v);
                }
            }
        }
    }
    let functions = b.functions();
    let mut package = Package { functions, ..Package::default() };
    for (fi, f) in files.iter().enumerate() {
        let fn_base = g.fn_base[fi];
        let events_start = package.events.len() as u32;
        b.file_events(fi, &mut package.events);
        let calls_start = package.calls.len() as u32;
        b.file_calls(fi, &mut package.calls);
        let outcomes_start = package.outcomes.len() as u32;
        package.outcomes.extend(f.outcomes.iter().map(|o| Outcome { func: FunctionId(fn_base + o.func.0), ..*o }));
        let globals_start = package.implicit_globals.len() as u32;
        package.implicit_globals.extend(f.global_writes.iter().map(|w| {
            let root = w.name.split('.').next_back().unwrap_or(&w.name);
            let plain = !w.name.contains('.');
            ImplicitGlobal {
                span: w.span,
                func: FunctionId(fn_base + w.func),
                name: w.name.clone(),
                builtin: plain && known::is_builtin_global(root),
            }
        }));
        let mut imported: Vec<String> = f.requires.iter().map(|r| r.specifier.to_string()).collect();
        imported.sort_unstable();
        imported.dedup();
        package.files.push(FileInfo {
            path: f.path.clone(),
            strict: f.strict,
            directive_comments: f.directive_comments.clone(),
            imported_modules: imported,
            module_function: FunctionId(fn_base),
            is_test: b.test_file[fi],
            functions: fn_base..fn_base + f.functions.len() as u32,
            events: events_start..package.events.len() as u32,
            calls: calls_start..package.calls.len() as u32,
            outcomes: outcomes_start..package.outcomes.len() as u32,
            implicit_globals: globals_start..package.implicit_globals.len() as u32,
        });
    }
    for (i, e) in package.events.iter_mut().enumerate() {
        e.id = EventId(i as u32);
    }
    let test_file = std::mem::take(&mut b.test_file);
    match_listeners(&mut package.events, &test_file);
    package.values = std::mem::take(&mut b.values);
    // What tests do to the code's values (reset a registry before each case) is not the code's own path.
    let values = &package.values;
    let from_tests = |e: &Event, v: ValueId| {
        test_file[e.file.0 as usize] && values[v.0 as usize].decl.is_none_or(|d| !test_file[d.file.0 as usize])
    };
    let targets = package.events.iter().enumerate().filter_map(|(i, e)| {
        let v = e.kind.target()?;
        (!from_tests(e, v)).then_some((v.0 as usize, i as u32))
    });
    package.events_by_value = crate::grouped::Grouped::new(package.values.len(), targets);
    package
}

impl Builder<'_> {
    fn fact_fn(&self, f: FunctionId) -> &crate::facts::FnFact {
        let node = &self.g.functions[f.0 as usize];
        &self.files[node.file.0 as usize].functions[node.local as usize]
    }

    fn life(&self, f: FunctionId) -> Lifetime {
        self.lt.life[f.0 as usize]
    }

    fn functions(&mut self) -> Vec<Function> {
        let mut out = Vec::with_capacity(self.g.functions.len());
        for (i, node) in self.g.functions.iter().enumerate() {
            let f = &self.files[node.file.0 as usize].functions[node.local as usize];
            let fn_base = self.g.fn_base[node.file.0 as usize];
            let returns: Values = self
                .s
                .values_at(node.ret)
                .iter()
                .take(MAX_TARGETS)
                .copied()
                .collect::<Vec<_>>()
                .into_iter()
                .map(|v| self.value(v))
                .collect();
            out.push(Function {
                id: FunctionId(i as u32),
                file: node.file,
                name: f.name.clone(),
                kind: f.kind,
                span: f.span,
                parent: f.parent.map(|p| FunctionId(fn_base + p)),
                params: f.params.clone(),
                stored_as: f.stored_as.iter().cloned().collect(),
                called_params: f
                    .params
                    .iter()
                    .zip(&f.param_roles)
                    .filter(|(n, role)| !n.is_empty() && **role & crate::facts::known::PARAM_CALLED != 0)
                    .map(|(n, _)| n.clone())
                    .collect(),
                lifetime: self.lt.life[i],
                proven: self.lt.proven[i],
                lost: self.lt.lost[i],
                why: self.lt.why[i].clone(),
                entry: self.lt.entry[i],
                returns_value: f.returns_value,
                returns,
                is_constructor: f.is_class_constructor || self.s.is_ctor[i],
                strict: f.strict,
            });
        }
        out
    }

    /// Does `op` read a location that stopped growing at the solver's cap? What it holds then is
    /// a sample, and no place is shown long-lived by it.
    fn op_is_many(&self, fi: usize, op: Op) -> bool {
        matches!(op, Op::Loc(l) if self.s.is_many(self.g.loc_base[fi] + l))
    }

    /// The package locations or values an operand of file `fi` stands for, as values.
    fn op_values(&self, fi: usize, op: Op) -> Vec<u32> {
        match op {
            Op::None => Vec::new(),
            Op::Loc(l) => self.s.values_at(self.g.loc_base[fi] + l).to_vec(),
            Op::Val(v) => vec![self.g.value_base[fi] + v],
            Op::Global(n) => {
                let name = &self.files[fi].names[n as usize];
                if known::GLOBAL_OBJECTS.contains(&name.as_str()) {
                    return vec![GLOBAL_OBJECT];
                }
                let Some(&id) = self.g.name_ids.get(name.as_str()) else { return Vec::new() };
                self.s.field(GLOBAL_OBJECT, id).map(|l| self.s.values_at(l).to_vec()).unwrap_or_default()
            }
            Op::Instance(f) => {
                let f = FunctionId(self.g.fn_base[fi] + f);
                self.g.instance_value.get(&f).map(|v| vec![*v]).unwrap_or_default()
            }
        }
    }

    /// The model value of solver value `v`, made on first use.
    fn value(&mut self, v: u32) -> ValueId {
        if let Some(&id) = self.value_ids.get(&v) {
            return id;
        }
        let id = ValueId(self.values.len() as u32);
        // Reserved first: a property value names its base, which may be made while naming it.
        self.value_ids.insert(v, id);
        self.values.push(Value {
            id,
            name: Name::default(),
            kind: ContainerKind::Unknown,
            origin: Origin::Bound,
            decl: None,
        });
        let (name, kind, origin, decl) = self.describe(v);
        let value = &mut self.values[id.0 as usize];
        value.name = name;
        value.kind = kind;
        value.origin = origin;
        value.decl = decl;
        id
    }

    fn describe(&mut self, v: u32) -> (Name, ContainerKind, Origin, Option<Site>) {
        match self.g.values[v as usize].clone() {
            VKind::GlobalObject => ("globalThis".into(), ContainerKind::Unknown, Origin::GlobalObject, None),
            VKind::Function(f) => {
                let fact = self.fact_fn(f);
                let site = Site { file: self.g.functions[f.0 as usize].file, span: fact.span };
                (
                    fact.name.clone().unwrap_or_else(|| "a function".into()),
                    ContainerKind::Unknown,
                    Origin::Function(f),
                    Some(site),
                )
            }
            VKind::Instance(f) => {
                let fact = self.fact_fn(f);
                let site = Site { file: self.g.functions[f.0 as usize].file, span: fact.span };
                let name = match &fact.name {
                    Some(n) => Name::from(format!("a `{n}` instance")),
                    None => "an instance".into(),
                };
                (name, ContainerKind::Unknown, Origin::Instance(f), Some(site))
            }
            VKind::Created { file, local } => {
                let fi = file.0 as usize;
                match self.files[fi].values.get(local as usize) {
                    Some(ValFact::Created { func, kind, span, name }) => (
                        name.clone()
                            .unwrap_or_else(|| compact_text(self.sources[fi], *span).chars().take(40).collect()),
                        *kind,
                        Origin::Created { func: FunctionId(self.g.fn_base[fi] + func) },
                        Some(Site { file, span: *span }),
                    ),
                    _ => (
                        "an array".into(),
                        ContainerKind::Array,
                        Origin::Created { func: FunctionId(self.g.fn_base[fi]) },
                        None,
                    ),
                }
            }
            VKind::Module(file) | VKind::Exports(file) => {
                ("module.exports".into(), ContainerKind::Unknown, Origin::Module(file), None)
            }
            VKind::Bound { file, local, .. } => {
                let fi = file.0 as usize;
                let decl = match self.files[fi].values.get(local as usize) {
                    Some(ValFact::Bound { span, .. }) => Some(Site { file, span: *span }),
                    _ => None,
                };
                ("a bound function".into(), ContainerKind::Unknown, Origin::Bound, decl)
            }
            VKind::Package { module, path } => {
                let module_name = Name::from(self.g.name(module));
                let path: SmallVec<[Name; 2]> = path.iter().map(|p| Name::from(self.g.name(*p))).collect();
                let mut name = module_name.clone();
                for p in &path {
                    name.push('.');
                    name.push_str(p);
                }
                (name, ContainerKind::Unknown, Origin::Package { module: module_name, path }, None)
            }
            VKind::Parameter { func, index } => {
                let fact = self.fact_fn(func);
                let name = fact
                    .params
                    .get(index as usize)
                    .cloned()
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| "a parameter".into());
                (name, ContainerKind::Unknown, Origin::Parameter { func, index }, None)
            }
            VKind::Property { base, name, .. } => {
                let base_id = self.value(base);
                let base_name = self.values[base_id.0 as usize].name.clone();
                let prop = self.g.name(name);
                let text =
                    if base == GLOBAL_OBJECT { Name::from(prop) } else { Name::from(format!("{base_name}.{prop}")) };
                (text, ContainerKind::Unknown, Origin::Property { base: base_id, name: prop.into() }, None)
            }
            VKind::CallResult { call } => {
                let node = &self.g.calls[call as usize];
                let fi = node.file.0 as usize;
                let cf = &self.files[fi].calls[node.local as usize];
                let source = self.sources[fi];
                let name = match cf.result_use {
                    UseFact::Stored(span) => compact_text(source, span),
                    _ => {
                        let mut n = compact_text(source, cf.callee_span);
                        n.push_str("()");
                        n
                    }
                };
                let kind = self.constructed_kind(node.callee);
                (
                    name,
                    kind,
                    Origin::Created { func: node.caller },
                    Some(Site { file: node.file, span: Span::new(cf.span.start, cf.callee_span.end) }),
                )
            }
        }
    }

    /// What a value built by calling a callee we cannot see is: a bounded cache, a container, something else.
    fn constructed_kind(&self, callee: u32) -> ContainerKind {
        if callee == u32::MAX {
            return ContainerKind::Unknown;
        }
        for &cv in self.s.values_at(callee) {
            let name = match &self.g.values[cv as usize] {
                VKind::Property { name, .. } => self.g.name(*name),
                VKind::Package { path, module } => match path.last() {
                    Some(p) => self.g.name(*p),
                    None => self.g.name(*module),
                },
                _ => continue,
            };
            if known::BOUNDED_CACHES.contains(&name)
                || matches!(name, "lru-cache" | "quick-lru" | "lru_map" | "mnemonist")
            {
                return ContainerKind::BoundedCache;
            }
            if let Some(kind) = crate::facts::builtin_container(name) {
                return kind;
            }
        }
        ContainerKind::Unknown
    }

    /// Why value `v` outlives a run of `func`, if it does.
    fn longevity(&self, v: u32, func: FunctionId, event_file: FileId, depth: u32) -> Option<Longevity> {
        let rate = self.life(func);
        if !rate.runs_repeatedly() || depth > 3 {
            return None;
        }
        let from_other_file = |file: FileId| file != event_file;
        let found = match &self.g.values[v as usize] {
            VKind::GlobalObject => Some(Longevity::Global),
            VKind::Property { base, name, .. } => {
                let prop = self.g.name(*name);
                // A prototype is reached as `this` by its instances' methods; what they write
                // lands on the instances.
                if prop == "prototype" {
                    return None;
                }
                match &self.g.values[*base as usize] {
                    VKind::GlobalObject if prop == "process" => Some(Longevity::Process),
                    VKind::GlobalObject => Some(Longevity::Global),
                    VKind::Property { base: b2, name: n2, .. }
                        if *b2 == GLOBAL_OBJECT && self.g.name(*n2) == "process" =>
                    {
                        Some(Longevity::Process)
                    }
                    VKind::Parameter { func: h, index } if *index < 2 && self.life(*h) == Lifetime::PerRequest => {
                        if known::is_server_property(prop) {
                            Some(Longevity::Server)
                        } else if known::is_socket_property(prop) {
                            Some(Longevity::KeepAliveSocket)
                        } else {
                            None
                        }
                    }
                    VKind::Property { name: n2, .. }
                        if known::is_socket_property(self.g.name(*n2)) && known::is_server_property(prop) =>
                    {
                        Some(Longevity::Server)
                    }
                    _ => self.longevity(*base, func, event_file, depth + 1),
                }
            }
            VKind::Module(_) | VKind::Exports(_) => Some(Longevity::Exported),
            VKind::Package { .. } => Some(Longevity::Imported),
            VKind::Function(f) => {
                let parent = self
                    .fact_fn(*f)
                    .parent
                    .map(|p| FunctionId(self.g.fn_base[self.g.functions[f.0 as usize].file.0 as usize] + p));
                match parent {
                    Some(p) if self.life(p) < rate => Some(Longevity::ClassStatic),
                    _ => None,
                }
            }
            VKind::Instance(ctor) => {
                let built = self.life(*ctor);
                if built < rate {
                    let own_method = self.fact_fn(func).this_class.is_some_and(|c| {
                        FunctionId(self.g.fn_base[self.g.functions[func.0 as usize].file.0 as usize] + c) == *ctor
                    });
                    Some(if own_method && rate == Lifetime::PerRequest {
                        Longevity::HandlerOwner
                    } else {
                        Longevity::Singleton
                    })
                } else {
                    None
                }
            }
            // Made by one run and reachable from nothing that outlives it: it dies with the run.
            VKind::Created { .. } | VKind::CallResult { .. } if self.run_local.local[v as usize] => None,
            VKind::Created { file, .. } => {
                let made_in = self.created_by(v)?;
                self.created_longevity(made_in, func, from_other_file(*file))
            }
            VKind::CallResult { call } => {
                let node = &self.g.calls[*call as usize];
                self.created_longevity(node.caller, func, from_other_file(node.file))
            }
            VKind::Parameter { .. } | VKind::Bound { .. } => None,
        };
        found.or_else(|| self.released.contains(&v).then_some(Longevity::Pooled))
    }

    /// Is `v` made as often as `func` runs (or more often): an instance built per run, an object
    /// created per run, a request handler's parameter? Such a value dies with the run.
    fn made_per_run(&self, v: u32, func: FunctionId) -> bool {
        let rate = self.life(func);
        if !rate.runs_repeatedly() {
            return false;
        }
        // The object a constructor is building is this run's own, pooled later or not: a
        // listener its constructor (or a callback it runs at its rate) adds lives as long as the
        // object. A handler it defines that runs per request is another run.
        if let VKind::Instance(ctor) = &self.g.values[v as usize]
            && self.encloses(*ctor, func)
            && self.life(*ctor) == rate
        {
            return true;
        }
        // A value handed back to a pool is reused by the next borrower, wherever it was made.
        if self.released.contains(&v) {
            return false;
        }
        // What a test puts in the code's places (`global.registry = new Map()` before each case)
        // says nothing about the code's own runs.
        let test_fn = |f: FunctionId| self.test_file[self.g.functions[f.0 as usize].file.0 as usize];
        let in_test = |f: FunctionId| test_fn(f) && !test_fn(func);
        // Made in the same run: more often than `func` runs, or per request when `func` runs per
        // request, or by `func` itself, a function around it or a function it calls (`const req =
        // this.request()`). Two classes' instances are both made "per instance", but not in the
        // same run.
        // Also when the maker calls the code (a few calls down) and the package keeps the value
        // nowhere that outlives the maker's run: the code then meets it inside that run, whatever
        // rates the two get from their other callers.
        let same_run = |made: FunctionId| {
            let life = self.life(made);
            life > rate
                || (life == rate
                    && (rate == Lifetime::PerRequest || self.encloses(made, func) || self.made_by_callee(func, made)))
                || (!self.run_local.held_by_package[v as usize] && self.calls_down(made, func))
                || self.runs_only_within(func, made, 0)
        };
        match &self.g.values[v as usize] {
            VKind::Instance(ctor) => same_run(*ctor) && !in_test(*ctor),
            VKind::Created { .. } | VKind::CallResult { .. } => {
                self.created_by(v).is_some_and(|made| same_run(made) && !in_test(made))
            }
            // What a request handler is handed by the framework (not by the package's own calls).
            VKind::Parameter { func: h, .. } => {
                self.life(*h) == Lifetime::PerRequest
                    && matches!(self.lt.why[h.0 as usize], crate::model::Why::Fixed(_))
            }
            _ => false,
        }
    }

    /// The function whose run creates `v`: an object or collection made in it, or the result of a
    /// call it makes. `None` for every other kind of value.
    fn created_by(&self, v: u32) -> Option<FunctionId> {
        match &self.g.values[v as usize] {
            VKind::Created { file, local } => {
                let fi = file.0 as usize;
                match self.files[fi].values.get(*local as usize) {
                    Some(ValFact::Created { func, .. }) => Some(FunctionId(self.g.fn_base[fi] + func)),
                    _ => None,
                }
            }
            VKind::CallResult { call } => Some(self.g.calls[*call as usize].caller),
            _ => None,
        }
    }

    /// Does `func` call `made` (a factory, or the constructor a factory it calls builds with):
    /// `const req = this.request()` with `request() { return new Request() }`?
    fn made_by_callee(&self, func: FunctionId, made: FunctionId) -> bool {
        let Some(direct) = self.callees.get(&func) else { return false };
        direct.contains(&made)
            || direct.iter().any(|mid| self.callees.get(mid).is_some_and(|next| next.contains(&made)))
    }

    /// Does `caller` call `callee` directly or through at most two functions in between?
    fn calls_down(&self, caller: FunctionId, callee: FunctionId) -> bool {
        let mut level: Vec<FunctionId> = vec![caller];
        let mut seen: HashSet<FunctionId> = HashSet::default();
        for _ in 0..3 {
            let mut next = Vec::new();
            for f in level {
                for &c in self.callees.get(&f).map(Vec::as_slice).unwrap_or(&[]) {
                    if c == callee {
                        return true;
                    }
                    if seen.insert(c) {
                        next.push(c);
                    }
                }
            }
            level = next;
        }
        false
    }

    /// Does `func` run only inside runs of `maker`: is every caller of `func` `maker`, or such a
    /// function itself (at most three calls up), with no other source of runs (a registration,
    /// an escape to outside callers)? Then each run of `func` meets what that run of `maker` made.
    fn runs_only_within(&self, func: FunctionId, maker: FunctionId, depth: u32) -> bool {
        if func == maker {
            return depth > 0;
        }
        let node = &self.g.functions[func.0 as usize];
        let escaped = node.value != u32::MAX && self.s.escaped.get(node.value as usize).copied().flatten().is_some();
        if depth >= 3 || escaped || !matches!(self.lt.why[func.0 as usize], crate::model::Why::CalledFrom { .. }) {
            return false;
        }
        let Some(callers) = self.callers.get(&func) else { return false };
        callers.iter().all(|&c| c != func && self.runs_only_within(c, maker, depth + 1))
    }

    /// Is the binding a reassignment replaces gone when the run of `func` ends, so that a chain
    /// of replacements cannot grow across runs: a variable of a function that no nested function
    /// refers to (`let t = TEMPLATE; t = t.concat(x)`), or a field of the object a constructor is
    /// building (each instance derives its own once: `this.ops = { ...this.ops, k }`)?
    fn binding_dies_with_run(&self, fi: usize, func: FunctionId, slot: crate::facts::Slot) -> bool {
        let file = &self.files[fi];
        match slot {
            crate::facts::Slot::Loc(l) => {
                file.symbol_fn.get(l as usize).is_some_and(|&declaring| declaring != 0)
                    && file.captured.binary_search_by_key(&l, |&(sym, _)| sym).is_err()
            }
            crate::facts::Slot::Field(Op::Loc(base), _) => {
                let f = self.fact_fn(func);
                (f.is_class_constructor || self.s.is_ctor[func.0 as usize]) && base == f.this
            }
            crate::facts::Slot::Field(..) => false,
        }
    }

    /// Is `outer` `inner` or a function around it?
    fn encloses(&self, outer: FunctionId, inner: FunctionId) -> bool {
        let mut at = Some(inner);
        while let Some(f) = at {
            if f == outer {
                return true;
            }
            at = self.parent_of(f);
        }
        false
    }

    /// A value made by `made_in` outlives a run of `func` when `made_in` runs less often.
    fn created_longevity(&self, made_in: FunctionId, func: FunctionId, other_file: bool) -> Option<Longevity> {
        let made = self.life(made_in);
        if made >= self.life(func) {
            return None;
        }
        if self.fact_fn(made_in).kind == FunctionKind::Module {
            return Some(if other_file { Longevity::Imported } else { Longevity::ModuleScope });
        }
        if self.fact_fn(made_in).is_class_constructor || self.s.is_ctor[made_in.0 as usize] {
            return Some(if made == Lifetime::Startup { Longevity::Singleton } else { Longevity::CreatedLessOften });
        }
        let mut at = Some(func);
        while let Some(f) = at {
            if f == made_in {
                return Some(Longevity::Captured);
            }
            // A listener added during the run that made the value (`const chunks = []; res.on('data',
            // c => chunks.push(c))`) repeats only while its emitter fires; an emitter from that same
            // run (or handed to it) takes the value with it when it goes.
            if let Some(c) = self.lt.listener[f.0 as usize]
                && !self.emitter_outlives(c, made_in)
            {
                return None;
            }
            at = self.parent_of(f);
        }
        Some(if made == Lifetime::Startup { Longevity::Singleton } else { Longevity::CreatedLessOften })
    }

    /// Does the emitter of the add-listener call `c` come from outside a run of `made_in`: a global,
    /// an import, or an object made by other code?
    fn emitter_outlives(&self, c: u32, made_in: FunctionId) -> bool {
        let Some(recv) = self.g.calls[c as usize].recv else { return false };
        let inside = |f: FunctionId| self.encloses(made_in, f);
        self.s.values_at(recv).iter().any(|&v| match &self.g.values[v as usize] {
            VKind::Parameter { func, .. } => !inside(*func),
            VKind::Instance(ctor) => !inside(*ctor),
            VKind::Created { .. } | VKind::CallResult { .. } => self.created_by(v).is_none_or(|made| !inside(made)),
            VKind::Function(_) | VKind::Bound { .. } => false,
            _ => true,
        })
    }

    fn parent_of(&self, f: FunctionId) -> Option<FunctionId> {
        let node = &self.g.functions[f.0 as usize];
        self.fact_fn(f).parent.map(|p| FunctionId(self.g.fn_base[node.file.0 as usize] + p))
    }

    /// The values an event on `op` is about: what a collection, timer or emitter can be.
    fn targets(&self, fi: usize, op: Op) -> Vec<u32> {
        let mut out = self.op_values(fi, op);
        out.retain(|&v| !matches!(self.g.values[v as usize], VKind::Function(_) | VKind::Bound { .. }));
        out.truncate(MAX_TARGETS);
        out
    }

    /// Request-scoped parameters a function value captures, or a stored value is.
    fn request_scoped(&mut self, values: &[u32]) -> Vec<Name> {
        let mut names: Vec<Name> = Vec::new();
        let push = |n: &Name, names: &mut Vec<Name>| {
            if !names.contains(n) {
                names.push(n.clone());
            }
        };
        for &v in values {
            match &self.g.values[v as usize] {
                VKind::Function(f) => {
                    let node = &self.g.functions[f.0 as usize];
                    let fi = node.file.0 as usize;
                    let fact = &self.files[fi].functions[node.local as usize];
                    for (_, owner, name) in &fact.captures {
                        let owner = FunctionId(self.g.fn_base[fi] + owner);
                        if self.life(owner) == Lifetime::PerRequest {
                            push(name, &mut names);
                        }
                    }
                }
                VKind::Parameter { func, index } if self.life(*func) == Lifetime::PerRequest => {
                    if let Some(n) = self.fact_fn(*func).params.get(*index as usize)
                        && !n.is_empty()
                    {
                        push(n, &mut names);
                    }
                }
                VKind::Created { .. } => {
                    // `{ req, res }`: one level of fields.
                    for (_, fl) in self.fields_of(v) {
                        for &inner in self.s.values_at(fl) {
                            if let VKind::Parameter { func, index } = &self.g.values[inner as usize]
                                && self.life(*func) == Lifetime::PerRequest
                                && let Some(n) = self.fact_fn(*func).params.get(*index as usize)
                                && !n.is_empty()
                            {
                                push(n, &mut names);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        names
    }

    /// The fields of a stored object, at most a few.
    fn fields_of(&self, v: u32) -> Vec<(u32, u32)> {
        self.s.fields_of(v).iter().take(8).copied().collect()
    }

    fn file_events(&mut self, fi: usize, out: &mut Vec<Event>) {
        let f = &self.files[fi];
        let file = FileId(fi as u32);
        let fn_base = self.g.fn_base[fi];
        let source = self.sources[fi];
        let options = self.options[fi];
        let mut events: Vec<Event> = Vec::new();
        for e in &f.events {
            let func = FunctionId(fn_base + e.func);
            let path = path_text(source, e.target_span, &f.this_alias_refs);
            let mk = |kind: EventKind| Event { id: EventId(0), file, span: e.span, func, kind };
            match &e.kind {
                EventFactKind::ListenerAdd {
                    event,
                    handler,
                    handler_span,
                    inline,
                    method,
                    result_used,
                    auto_removed,
                    guard_keys,
                    guarded_by_count,
                } => {
                    let emitter = self.emitter(fi, e.target, &path, func, file, options);
                    let handler_values = self.op_values(fi, *handler);
                    let captures_request = self.request_scoped(&handler_values);
                    let handler = Handler {
                        text: if *inline { Name::default() } else { compact_text(source, *handler_span) },
                        values: handler_values.iter().take(MAX_TARGETS).map(|&v| self.value(v)).collect(),
                        inline: *inline,
                    };
                    // A flag that some code sets, a `listenerCount` check, or a membership test
                    // (`if (!tracked.has(socket))`): the listener is added once per key, not per call.
                    let guarded = *guarded_by_count
                        || guard_keys.iter().any(|k| match k {
                            crate::facts::GuardKey::Membership(_) => true,
                            crate::facts::GuardKey::Flag(h) => f.written_flags.contains(h),
                            crate::facts::GuardKey::Size(_) => false,
                        });
                    events.push(mk(EventKind::ListenerAdd {
                        emitter,
                        event: event.clone(),
                        handler,
                        method: method.clone(),
                        result_used: *result_used,
                        auto_removed: *auto_removed,
                        guarded,
                        captures_request,
                        removed_by: Vec::new(),
                    }));
                }
                EventFactKind::ListenerRemove { event, handler, method } => {
                    let emitter = self.emitter(fi, e.target, &path, func, file, options);
                    let handler = handler.map(|(op, span, inline)| {
                        let values = self.op_values(fi, op);
                        Handler {
                            text: if inline { Name::default() } else { compact_text(source, span) },
                            values: values.iter().take(MAX_TARGETS).map(|&v| self.value(v)).collect(),
                            inline,
                        }
                    });
                    events.push(mk(EventKind::ListenerRemove {
                        emitter,
                        event: event.clone(),
                        handler,
                        method: method.clone(),
                        removes: Vec::new(),
                    }));
                }
                kind => {
                    let targets = self.targets(fi, e.target);
                    // A place that may hold an object made per run (the request, this call's
                    // instance) is not shown to be long-lived by the other values it may hold.
                    // A binding replaced per run holds each run's new value too: that is the shape
                    // `x = [...x, y]` asks about, not a sign that `x` dies with the run.
                    let per_run = !matches!(kind, EventFactKind::Reassign { .. })
                        && (self.op_is_many(fi, e.target) || targets.iter().any(|&v| self.made_per_run(v, func)));
                    let exclude: Vec<u32> = match kind {
                        EventFactKind::Reassign { new_value, .. } => self.op_values(fi, *new_value),
                        _ => Vec::new(),
                    };
                    for v in targets {
                        if exclude.contains(&v) {
                            continue;
                        }
                        let target = self.value(v);
                        let event_kind = match kind {
                            EventFactKind::Write { method, key, key_span, stored, after_lookup } => {
                                let stored_values = self.op_values(fi, *stored);
                                let is_function = stored_values.iter().any(|&s| {
                                    matches!(self.g.values[s as usize], VKind::Function(_) | VKind::Bound { .. })
                                });
                                let closure_span =
                                    stored_values.iter().find_map(|&s| match self.g.values[s as usize] {
                                        VKind::Function(fv) if self.g.functions[fv.0 as usize].file == file => {
                                            Some(self.fact_fn(fv).span)
                                        }
                                        _ => None,
                                    });
                                let captures_request = self.request_scoped(&stored_values);
                                let values = stored_values.iter().take(MAX_TARGETS).map(|&s| self.value(s)).collect();
                                EventKind::Write {
                                    target,
                                    longevity: if per_run { None } else { self.longevity(v, func, file, 0) },
                                    method: method.clone(),
                                    key: *key,
                                    key_text: key_span.map(|s| compact_text(source, s)),
                                    stored: StoredValue { is_function, captures_request, closure_span, values },
                                    after_lookup: *after_lookup,
                                    path: path.clone(),
                                }
                            }
                            EventFactKind::Remove { method, key_span, under_size_check } => EventKind::Remove {
                                target,
                                method: method.clone(),
                                key_text: key_span.map(|s| compact_text(source, s)),
                                under_size_check: *under_size_check,
                            },
                            EventFactKind::Reassign { derived, slot, .. } => EventKind::Reassign {
                                target,
                                derived: derived.clone(),
                                path: path.clone(),
                                longevity: if per_run || self.binding_dies_with_run(fi, func, *slot) {
                                    None
                                } else {
                                    self.longevity(v, func, file, 0)
                                },
                                slot: self.slot(fi, *slot),
                            },
                            EventFactKind::Iterate => EventKind::Iterate { target },
                            EventFactKind::SizeCheck => EventKind::SizeCheck { target },
                            EventFactKind::Lookup => EventKind::Lookup { target },
                            EventFactKind::TimerClear => EventKind::TimerClear { target },
                            EventFactKind::Release => EventKind::Release { target },
                            EventFactKind::ListenerAdd { .. } | EventFactKind::ListenerRemove { .. } => continue,
                        };
                        events.push(mk(event_kind));
                    }
                }
            }
        }
        events.sort_by_key(|e| (e.span.start, e.span.end));
        out.extend(events);
    }

    /// One id per variable or property of the package, for a replaced place.
    fn slot(&self, fi: usize, slot: crate::facts::Slot) -> Option<u32> {
        match slot {
            crate::facts::Slot::Loc(l) => Some(self.g.loc_base[fi] + l),
            crate::facts::Slot::Field(base, prop) => {
                let prop = match prop {
                    crate::facts::Prop::Name(n) => *self.g.name_ids.get(self.files[fi].names[n as usize].as_str())?,
                    crate::facts::Prop::Elem | crate::facts::Prop::Any => crate::link::ELEM,
                };
                let object = *self.op_values(fi, base).first()?;
                self.s.field(object, prop)
            }
        }
    }

    fn emitter(
        &mut self,
        fi: usize,
        op: Op,
        path: &Name,
        func: FunctionId,
        file: FileId,
        options: &crate::Options,
    ) -> EmitterRef {
        let values = self.targets(fi, op);
        let mut longevity = if self.op_is_many(fi, op) || values.iter().any(|&v| self.made_per_run(v, func)) {
            None
        } else {
            values.iter().find_map(|&v| self.longevity(v, func, file, 0))
        };
        if longevity.is_none() && options.long_lived_emitters.iter().any(|e| e.as_str() == path.as_str()) {
            longevity = Some(Longevity::Configured);
        }
        // An emitter (re)created in the function that listens is fresh on every call.
        let fresh = values.iter().all(|&v| self.created_by(v) == Some(func));
        if fresh && !values.is_empty() {
            longevity = None;
        }
        let values = values.iter().map(|&v| self.value(v)).collect();
        EmitterRef { path: path.clone(), values, longevity }
    }

    fn file_calls(&mut self, fi: usize, out: &mut Vec<Call>) {
        let f = &self.files[fi];
        let fn_base = self.g.fn_base[fi];
        let source = self.sources[fi];
        let options = self.options[fi];
        let call_base = self.g.call_base[fi] as usize;
        for (local, cf) in f.calls.iter().enumerate() {
            let node = &self.g.calls[call_base + local];
            let name = cf.name.map(|n| f.names[n as usize].clone()).unwrap_or_default();
            let target = self.callee(node.callee);
            let import = match &target {
                Callee::Package(i) => Some(i.clone()),
                _ => None,
            };
            let package_import = import
                .as_ref()
                .is_some_and(|i| !i.module.starts_with('.') && !i.module.starts_with('/') && !is_builtin(&i.module));
            let builtin_factory =
                import.as_ref().is_some_and(|i| is_builtin(&i.module) && (cf.is_new || i.export.starts_with("create")));
            let interesting = known::is_call_name(&name)
                || name.starts_with("create")
                || cf.is_new
                || package_import
                || builtin_factory
                || options.per_call_factories.iter().any(|p| p.export == name.as_str())
                || matches!(&target, Callee::Global(g) if known::is_call_name(g));
            if !interesting || cf.jsx {
                continue;
            }
            let result = match cf.result_use {
                UseFact::Discarded => ResultUse::Discarded,
                UseFact::Stored(span) => ResultUse::Stored(compact_text(source, span)),
                UseFact::Returned => ResultUse::Returned,
                UseFact::Chained(m) => ResultUse::Chained(f.names[m as usize].clone()),
                UseFact::Other => ResultUse::Other,
            };
            let result_value = self
                .s
                .values_at(node.result)
                .iter()
                .copied()
                .find(|&v| matches!(self.g.values[v as usize], VKind::CallResult { call } if call as usize == call_base + local));
            let result_value = result_value.map(|v| self.value(v));
            let args = cf
                .arg_facts
                .iter()
                .enumerate()
                .map(|(i, a)| match a {
                    ArgFact::Function(local_fn) => Arg::Function(FunctionId(fn_base + local_fn)),
                    ArgFact::Object { keys, spread } => Arg::Object { keys: keys.clone(), spread: *spread },
                    ArgFact::Path(span) => {
                        let values = match cf.args.get(i) {
                            Some(op) => {
                                let vs = self.op_values(fi, *op);
                                vs.iter().take(MAX_TARGETS).map(|&v| self.value(v)).collect()
                            }
                            None => Values::new(),
                        };
                        Arg::Path { text: compact_text(source, *span), values }
                    }
                    ArgFact::Literal => Arg::Literal,
                    ArgFact::Dynamic => Arg::Dynamic,
                    ArgFact::Other => Arg::Other,
                })
                .collect();
            let name = match &import {
                Some(i) if name == "default" || name.is_empty() => i.export.clone(),
                _ => name,
            };
            out.push(Call {
                span: cf.span,
                callee_span: cf.callee_span,
                func: FunctionId(fn_base + cf.func),
                callee: compact_text(source, cf.callee_span),
                name,
                target,
                import,
                is_new: cf.is_new,
                result,
                result_value,
                args,
                conditional: cf.conditional,
            });
        }
    }

    /// What a callee location holds, for the rules: a function of the package, a package export, a global.
    fn callee(&self, loc: u32) -> Callee {
        if loc == u32::MAX {
            return Callee::Unknown;
        }
        let values = self.s.values_at(loc);
        let mut best = Callee::Unknown;
        for &v in values {
            match &self.g.values[v as usize] {
                VKind::Function(f) => return Callee::Local(*f),
                VKind::Package { module, path } => {
                    let export = match path.as_slice() {
                        [] => "default",
                        [first, ..] => self.g.name(*first),
                    };
                    best = Callee::Package(Import { module: self.g.name(*module).into(), export: export.into() });
                }
                VKind::Property { base, name, .. } if *base == GLOBAL_OBJECT && best == Callee::Unknown => {
                    best = Callee::Global(self.g.name(*name).into());
                }
                _ => {}
            }
        }
        best
    }
}

fn is_builtin(module: &str) -> bool {
    module.starts_with("node:") || known::NODE_BUILTINS.contains(&module)
}

/// Fill `removed_by`/`removes`: a removal takes a listener off when it is on the
/// same emitter (a shared value, or the same text when neither is known), for
/// the same event (or every event), with the same function (a shared value),
/// or removes all listeners.
fn match_listeners(events: &mut [Event], test_file: &[bool]) {
    let mut by_emitter: HashMap<ValueId, Vec<usize>> = HashMap::default();
    let mut by_text: HashMap<Name, Vec<usize>> = HashMap::default();
    for (i, e) in events.iter().enumerate() {
        if let EventKind::ListenerRemove { emitter, .. } = &e.kind {
            if emitter.values.is_empty() {
                by_text.entry(emitter.path.clone()).or_default().push(i);
            }
            for v in &emitter.values {
                by_emitter.entry(*v).or_default().push(i);
            }
        }
    }
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let EventKind::ListenerAdd { emitter, event, handler, .. } = &e.kind else { continue };
        let mut candidates: Vec<usize> = Vec::new();
        for v in &emitter.values {
            if let Some(rs) = by_emitter.get(v) {
                candidates.extend(rs);
            }
        }
        if emitter.values.is_empty()
            && let Some(rs) = by_text.get(&emitter.path)
        {
            candidates.extend(rs);
        }
        candidates.sort_unstable();
        candidates.dedup();
        for r in candidates {
            // A test removing what the code added says nothing about the code.
            if test_file[events[r].file.0 as usize] && !test_file[e.file.0 as usize] {
                continue;
            }
            let EventKind::ListenerRemove { event: removed_event, handler: removed, .. } = &events[r].kind else {
                continue;
            };
            let same_event = match (removed_event, event) {
                (None, _) | (_, None) => true,
                (Some(a), Some(b)) => a == b,
            };
            if !same_event {
                continue;
            }
            let same_handler = match removed {
                // `removeAllListeners()`.
                None => true,
                Some(h) if h.inline => false,
                Some(h) => {
                    if h.values.is_empty() || handler.values.is_empty() {
                        !h.text.is_empty() && h.text == handler.text
                    } else {
                        h.values.iter().any(|v| handler.values.contains(v))
                    }
                }
            };
            if same_handler {
                pairs.push((i, r));
            }
        }
    }
    for (add, remove) in pairs {
        let remove_id = events[remove].id;
        let add_id = events[add].id;
        if let EventKind::ListenerAdd { removed_by, .. } = &mut events[add].kind {
            removed_by.push(remove_id);
        }
        if let EventKind::ListenerRemove { removes, .. } = &mut events[remove].kind {
            removes.push(add_id);
        }
    }
}

/// The code at `span` as a path for messages and matching, with a leading `this` alias
/// (`_this.pending`, `self.pending`) written as `this` (`this.pending`).
fn path_text(source: &str, span: Span, this_alias_refs: &[Span]) -> Name {
    let at = this_alias_refs.partition_point(|r| r.start < span.start);
    match this_alias_refs.get(at) {
        Some(alias) if alias.start == span.start && alias.end < span.end => {
            let mut path = Name::from("this");
            path.push_str(&compact_text(source, Span::new(alias.end, span.end)));
            path
        }
        _ => compact_text(source, span),
    }
}

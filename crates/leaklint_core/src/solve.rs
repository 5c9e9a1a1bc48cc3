//! Solve: which values each location may hold, and so which functions each
//! call may reach. A flow-insensitive inclusion analysis over the package's
//! constraints with a worklist and difference propagation: each location's
//! new values are pushed along its uses once. Properties are per abstract
//! object (a literal, an instance of a class, a module's exports), so
//! `this.onKey` in one method and in another are one place; a location that
//! would hold more than `CAP` values stops growing and what did not fit is
//! treated as escaping, which keeps the cost near-linear.
//!
//! Calls into code we cannot see return a value of their own (one per call in
//! the code), or their receiver for the methods that return it
//! (`setInterval(...).unref()`, `emitter.on(...)`). Last, the values that code
//! outside the package can reach (exports of entry modules, objects handed to
//! library calls, globals) are closed over: their functions may be called by
//! anyone, which the lifetime phase turns into an assumption.

use rustc_hash::FxHashMap as HashMap;
use smallvec::SmallVec;

use crate::facts::{CallKind, known};
use crate::link::{ANY, CallNode, ELEM, GLOBAL_OBJECT, Graph, PropId, VKind};
use crate::model::{FileId, FunctionId};

/// More values than this in one location: it stops growing ("many"), and events on it prove
/// nothing about lifetimes. Each value a busy location holds is pushed on to everything it flows
/// to, so the cap bounds the work. Whole bench corpus, two threads: 2.7 s at 8, 4.5 s at 16,
/// 7.0 s at 24, and the larger caps add false errors (3 -> 7, 8) from the imprecise values they let
/// through.
const CAP: usize = 8;
/// Property values of property values... are made this deep at most.
const MAX_PROPERTY_DEPTH: u8 = 3;
const NONE: u32 = u32::MAX;
/// Up to this many uses, a location's copy edges are checked by scanning them (see `new_copy`).
const SCAN_USES: usize = 16;
/// Where an overflowed value was headed is remembered for this many full locations.
const MAX_SPILLED: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    Copy(u32),
    Load(u32, PropId),
    Store(PropId, u32),
    /// This location is a base; the getter functions are in the other location.
    GetterBase(PropId, u32),
    /// This location holds getter functions; the bases are in the other location.
    GetterFn(PropId, u32),
    DelegateObj(u32),
    DelegateTo(u32),
    InheritChild(u32),
    InheritParent(u32),
    Ctor,
    Call(u32),
    /// This location holds what a `.bind(x)` binds: the functions in it have `this` = `x`'s values.
    BindThis(u32),
    /// This location is the receiver of `r.call(...)`/`r.apply(...)` (call index): a function there is called.
    FnCall(u32),
}

/// Why code outside the package can reach a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Escape {
    /// Exported from an entry module of the package.
    Exported(FileId),
    /// Handed to a call into code we cannot see (call index).
    PassedTo(u32),
    /// Stored on the global object.
    Global,
    /// Passed around through more places than the analysis follows.
    TooMany,
}

/// The solution.
pub(crate) struct Solved {
    pub pts: Vec<SmallVec<[u32; 4]>>,
    /// Locations that reached `CAP` and stopped growing: what they hold is not all they may hold.
    pub many: Vec<bool>,
    /// `(call, function)`: the call may run the function. Calls are indexes into `Graph::calls`
    /// below `n_calls`; derived calls (through `.bind()` results) are mapped back.
    pub call_edges: Vec<(u32, FunctionId)>,
    /// Per call: no function of the package is among its callees.
    pub unresolved: Vec<bool>,
    /// Per value: why outside code can reach it.
    pub escaped: Vec<Option<Escape>>,
    pub is_ctor: Vec<bool>,
    fields: HashMap<u64, u32>,
    fields_of: HashMap<u32, SmallVec<[(PropId, u32); 4]>>,
    spilled: HashMap<u32, SmallVec<[u32; 2]>>,
}

impl Solved {
    /// Where a value that did not fit was headed: `None` if it always fit, `Some(None)` if
    /// there were too many full locations to remember, else those locations.
    pub(crate) fn spilled_into(&self, value: u32) -> Option<Option<&[u32]>> {
        self.spilled.get(&value).map(|l| Some(l.as_slice()).filter(|l| l.first() != Some(&NONE)))
    }

    /// The properties anything stored into or read from `value`, with their locations.
    pub(crate) fn fields_of(&self, value: u32) -> &[(PropId, u32)] {
        self.fields_of.get(&value).map(|f| f.as_slice()).unwrap_or(&[])
    }

    /// Every field location with the object it belongs to.
    pub(crate) fn all_fields(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.fields_of.iter().flat_map(|(&v, fs)| fs.iter().map(move |&(_, l)| (v, l)))
    }

    /// Did `loc` stop growing at `CAP`?
    pub(crate) fn is_many(&self, loc: u32) -> bool {
        self.many.get(loc as usize).copied().unwrap_or(false)
    }

    pub(crate) fn values_at(&self, loc: u32) -> &[u32] {
        self.pts.get(loc as usize).map(|s| s.as_slice()).unwrap_or(&[])
    }

    /// The location of property `prop` of `value`, if anything made it.
    pub(crate) fn field(&self, value: u32, prop: PropId) -> Option<u32> {
        self.fields.get(&key(value, prop)).copied()
    }
}

/// See [`Solver::calls_nothing_back`]; also asked by the lifetime phase.
pub(crate) fn calls_nothing_back(g: &Graph, pts: &[SmallVec<[u32; 4]>], c: usize) -> bool {
    let call = &g.calls[c];
    if call.is_method && call.name.is_some_and(|n| known::is_non_escaping_method(g.name(n))) {
        return true;
    }
    // Compilers' helpers only wire up what they are given (their meaning is in the facts).
    if call.name.is_some_and(|n| {
        let name = g.name(n);
        known::is_inherits_helper(name)
            || known::is_interop_helper(name)
            || known::is_export_star_helper(name)
            || known::is_wrapping_helper(name)
            || known::is_this_body_helper(name)
    }) {
        return true;
    }
    if call.callee == NONE {
        return false;
    }
    let values = &pts[call.callee as usize];
    !values.is_empty()
        && values.iter().all(|&v| match &g.values[v as usize] {
            VKind::Property { base, name, .. } => {
                let global_name = if *base == GLOBAL_OBJECT {
                    Some(*name)
                } else {
                    match &g.values[*base as usize] {
                        VKind::Property { base: b2, name: n2, .. } if *b2 == GLOBAL_OBJECT => Some(*n2),
                        _ => None,
                    }
                };
                global_name.is_some_and(|n| known::is_non_escaping_global(g.name(n)))
            }
            _ => false,
        })
}

impl Solved {
    pub(crate) fn calls_nothing_back(&self, g: &Graph, c: usize) -> bool {
        calls_nothing_back(g, &self.pts, c)
    }
}

fn key(value: u32, prop: PropId) -> u64 {
    (u64::from(value) << 32) | u64::from(prop)
}

struct Solver<'g> {
    g: &'g mut Graph,
    pts: Vec<SmallVec<[u32; 4]>>,
    done: Vec<u32>,
    many: Vec<bool>,
    uses: Vec<SmallVec<[Use; 2]>>,
    /// Copy edges already in `uses` (`copy_key`): a location read by thousands of others
    /// (a busy helper's parameter) would otherwise be scanned once per new edge.
    copies: rustc_hash::FxHashSet<u64>,
    /// Per location: its copy edges are in `copies` (it has had `SCAN_USES` uses or more).
    hashed: Vec<bool>,
    holder: Vec<u32>,
    queued: Vec<bool>,
    work: Vec<u32>,
    fields: HashMap<u64, u32>,
    fields_of: HashMap<u32, SmallVec<[(PropId, u32); 4]>>,
    any_readers: HashMap<u32, SmallVec<[u32; 2]>>,
    delegates: HashMap<u32, SmallVec<[u32; 2]>>,
    delegators: HashMap<u32, SmallVec<[u32; 2]>>,
    receivers: HashMap<u32, SmallVec<[u32; 2]>>,
    prop_values: HashMap<u64, u32>,
    is_ctor: Vec<bool>,
    call_edges: Vec<(u32, FunctionId)>,
    call_orig: Vec<u32>,
    /// `(original call, bound value)` pairs already followed: `this.f = this.f.bind(this)` puts a
    /// bound function into the very place it calls, which would otherwise be followed forever.
    bound_calls: rustc_hash::FxHashSet<(u32, u32)>,
    overflowed: Vec<bool>,
    /// Per overflowed value: the full locations it did not fit into (`NONE` once there are more
    /// than `MAX_SPILLED`).
    spilled: HashMap<u32, SmallVec<[u32; 2]>>,
    /// `(call, function)` pairs called although the function did not fit into the callee's location.
    overflow_calls: rustc_hash::FxHashSet<(u32, u32)>,
    prototype: PropId,
}

pub(crate) fn solve(g: &mut Graph) -> Solved {
    let n = g.n_locs as usize;
    let n_calls = g.calls.len();
    let n_functions = g.functions.len();
    let prototype = g.intern("prototype");
    let mut s = Solver {
        pts: vec![SmallVec::new(); n],
        done: vec![0; n],
        many: vec![false; n],
        uses: vec![SmallVec::new(); n],
        copies: Default::default(),
        hashed: vec![false; n],
        holder: vec![NONE; n],
        queued: vec![false; n],
        work: Vec::new(),
        fields: HashMap::default(),
        fields_of: HashMap::default(),
        any_readers: HashMap::default(),
        delegates: HashMap::default(),
        delegators: HashMap::default(),
        receivers: HashMap::default(),
        prop_values: HashMap::default(),
        is_ctor: vec![false; n_functions],
        call_edges: Vec::new(),
        call_orig: (0..n_calls as u32).collect(),
        bound_calls: Default::default(),
        overflowed: Vec::new(),
        spilled: HashMap::default(),
        overflow_calls: Default::default(),
        prototype,
        g,
    };
    s.init();
    s.run();
    // Calls into code we cannot see: their results, receivers handed back.
    let mut unresolved = vec![false; n_calls];
    for (c, flag) in unresolved.iter_mut().enumerate() {
        let call = &s.g.calls[c];
        if call.callee == NONE {
            *flag = true;
            continue;
        }
        let is_function = |v: &u32| matches!(s.g.values[*v as usize], VKind::Function(_) | VKind::Bound { .. });
        // `f.call(...)`, `f.apply(...)`, `f.bind(...)` on a function are resolved through their receiver.
        let through_receiver =
            call.kind != CallKind::Plain && call.recv.is_some_and(|r| s.pts[r as usize].iter().any(is_function));
        *flag = !(s.pts[call.callee as usize].iter().any(is_function) || through_receiver);
    }
    for (c, &is_unresolved) in unresolved.iter().enumerate() {
        if is_unresolved {
            s.unresolved_call(c as u32);
        }
    }
    s.run();
    let escaped = s.escape(&unresolved);
    let Solver { pts, many, call_edges, call_orig, is_ctor, fields, fields_of, spilled, .. } = s;
    let call_edges = call_edges.into_iter().map(|(c, f)| (call_orig[c as usize], f)).collect();
    Solved { pts, many, call_edges, unresolved, escaped, is_ctor, fields, fields_of, spilled }
}

impl Solver<'_> {
    fn grow(&mut self) {
        let n = self.g.n_locs as usize;
        if self.pts.len() < n {
            self.pts.resize(n, SmallVec::new());
            self.done.resize(n, 0);
            self.many.resize(n, false);
            self.uses.resize(n, SmallVec::new());
            self.hashed.resize(n, false);
            self.holder.resize(n, NONE);
            self.queued.resize(n, false);
        }
    }

    fn new_loc(&mut self) -> u32 {
        let l = self.g.new_loc();
        self.grow();
        l
    }

    fn init(&mut self) {
        let base = std::mem::take(&mut self.g.base);
        for &(loc, v) in &base {
            self.add(loc, v);
        }
        self.g.base = base;
        for i in 0..self.g.copy.len() {
            let (dst, src) = self.g.copy[i];
            if self.new_copy(src, dst) {
                self.uses[src as usize].push(Use::Copy(dst));
            }
        }
        for i in 0..self.g.load.len() {
            let (dst, b, p) = self.g.load[i];
            self.uses[b as usize].push(Use::Load(dst, p));
        }
        for i in 0..self.g.store.len() {
            let (b, p, src) = self.g.store[i];
            self.uses[b as usize].push(Use::Store(p, src));
        }
        for i in 0..self.g.getter_store.len() {
            let (b, p, getter) = self.g.getter_store[i];
            self.uses[b as usize].push(Use::GetterBase(p, getter));
            self.uses[getter as usize].push(Use::GetterFn(p, b));
        }
        for i in 0..self.g.delegate.len() {
            let (o, t) = self.g.delegate[i];
            self.uses[o as usize].push(Use::DelegateObj(t));
            self.uses[t as usize].push(Use::DelegateTo(o));
        }
        for i in 0..self.g.inherits.len() {
            let (c, p) = self.g.inherits[i];
            self.uses[c as usize].push(Use::InheritChild(p));
            self.uses[p as usize].push(Use::InheritParent(c));
        }
        for i in 0..self.g.ctor.len() {
            let l = self.g.ctor[i];
            self.uses[l as usize].push(Use::Ctor);
        }
        for c in 0..self.g.calls.len() {
            let call = &self.g.calls[c];
            if call.callee != NONE {
                self.uses[call.callee as usize].push(Use::Call(c as u32));
            }
            if matches!(call.kind, CallKind::Call | CallKind::Apply)
                && let Some(recv) = call.recv
            {
                self.uses[recv as usize].push(Use::FnCall(c as u32));
            }
        }
        // A bound function is always called with the bound `this`.
        for v in 0..self.g.values.len() {
            if let VKind::Bound { target, this: Some(this), .. } = self.g.values[v] {
                self.uses[target as usize].push(Use::BindThis(this));
            }
        }
    }

    fn add(&mut self, loc: u32, v: u32) {
        let l = loc as usize;
        if self.many[l] {
            self.overflow(v, loc);
            return;
        }
        let set = &mut self.pts[l];
        if set.contains(&v) {
            return;
        }
        if set.len() >= CAP {
            self.many[l] = true;
            self.overflow(v, loc);
            return;
        }
        set.push(v);
        if !self.queued[l] {
            self.queued[l] = true;
            self.work.push(loc);
        }
    }

    fn overflow(&mut self, v: u32, loc: u32) {
        // A function that does not fit into a full callee location is still called there: the
        // call graph keeps the edge even when the location stops growing.
        if matches!(self.g.values[v as usize], VKind::Function(_) | VKind::Bound { .. }) {
            let calls: SmallVec<[u32; 2]> = self.uses[loc as usize]
                .iter()
                .filter_map(|u| match u {
                    Use::Call(c) => Some(*c),
                    _ => None,
                })
                .collect();
            for c in calls {
                if self.overflow_calls.insert((c, v)) {
                    self.invoke(c, v);
                }
            }
        }
        let i = v as usize;
        if self.overflowed.len() <= i {
            self.overflowed.resize(i + 1, false);
        }
        self.overflowed[i] = true;
        let locs = self.spilled.entry(v).or_default();
        if locs.first() != Some(&NONE) && !locs.contains(&loc) {
            if locs.len() < MAX_SPILLED {
                locs.push(loc);
            } else {
                *locs = smallvec::smallvec![NONE];
            }
        }
    }

    fn run(&mut self) {
        while let Some(loc) = self.work.pop() {
            self.process(loc);
        }
    }

    fn process(&mut self, loc: u32) {
        let l = loc as usize;
        self.queued[l] = false;
        while (self.done[l] as usize) < self.pts[l].len() {
            let v = self.pts[l][self.done[l] as usize];
            self.done[l] += 1;
            // A function stored as a property of an object is called with the object as `this`.
            let holder = self.holder[l];
            if holder != NONE
                && let VKind::Function(f) = self.g.values[v as usize]
            {
                self.bind_this(f, holder);
            }
            let n_uses = self.uses[l].len();
            for i in 0..n_uses {
                let u = self.uses[l][i];
                self.apply(loc, u, v);
            }
        }
    }

    /// `this` of `f` holds `holder` and the instances that use `holder` as their prototype.
    fn bind_this(&mut self, f: FunctionId, holder: u32) {
        if holder == GLOBAL_OBJECT {
            return;
        }
        let Some(this) = self.g.functions[f.0 as usize].this else { return };
        self.add(this, holder);
        if let Some(rs) = self.receivers.get(&holder).cloned() {
            for r in rs {
                self.add(this, r);
            }
        }
    }

    fn apply(&mut self, _loc: u32, u: Use, v: u32) {
        match u {
            Use::Copy(dst) => self.add(dst, v),
            Use::Load(dst, p) => self.load_value(v, p, dst, 0),
            Use::Store(p, src) => {
                let p = if p == ANY { ELEM } else { p };
                let f = self.field(v, p);
                self.edge(src, f);
            }
            Use::GetterBase(p, getter) => {
                let p = if p == ANY { ELEM } else { p };
                let fns: SmallVec<[u32; 4]> = self.pts[getter as usize].clone();
                for fv in fns {
                    if let VKind::Function(f) = self.g.values[fv as usize] {
                        let ret = self.g.functions[f.0 as usize].ret;
                        let fl = self.field(v, p);
                        self.edge(ret, fl);
                    }
                }
            }
            Use::GetterFn(p, base) => {
                let p = if p == ANY { ELEM } else { p };
                if let VKind::Function(f) = self.g.values[v as usize] {
                    let ret = self.g.functions[f.0 as usize].ret;
                    let bases: SmallVec<[u32; 4]> = self.pts[base as usize].clone();
                    for o in bases {
                        let fl = self.field(o, p);
                        self.edge(ret, fl);
                    }
                }
            }
            Use::DelegateObj(to) => {
                let ts: SmallVec<[u32; 4]> = self.pts[to as usize].clone();
                for t in ts {
                    self.delegate(v, t);
                }
            }
            Use::DelegateTo(obj) => {
                let os: SmallVec<[u32; 4]> = self.pts[obj as usize].clone();
                for o in os {
                    self.delegate(o, v);
                }
            }
            Use::InheritChild(parent) => {
                let ps: SmallVec<[u32; 4]> = self.pts[parent as usize].clone();
                for p in ps {
                    self.inherit(v, p);
                }
            }
            Use::InheritParent(child) => {
                let cs: SmallVec<[u32; 4]> = self.pts[child as usize].clone();
                for c in cs {
                    self.inherit(c, v);
                }
            }
            Use::Ctor => {
                if let VKind::Function(f) = self.g.values[v as usize] {
                    self.mark_ctor(f);
                }
            }
            Use::Call(c) => self.invoke(c, v),
            Use::FnCall(c) => self.call_through(c, v),
            Use::BindThis(this) => {
                if let VKind::Function(f) = self.g.values[v as usize]
                    && let Some(own) = self.g.functions[f.0 as usize].this
                {
                    self.edge(this, own);
                }
            }
        }
    }

    /// `dst` holds everything `src` holds, now and later.
    fn edge(&mut self, src: u32, dst: u32) {
        if src == dst || src == NONE || dst == NONE {
            return;
        }
        let s = src as usize;
        if !self.new_copy(src, dst) {
            return;
        }
        self.uses[s].push(Use::Copy(dst));
        let n = self.done[s] as usize;
        for i in 0..n {
            let v = self.pts[s][i];
            self.add(dst, v);
        }
    }

    /// Is the copy edge `src -> dst` new? A location with few uses is scanned; past
    /// `SCAN_USES` its copy edges go to the hash set, which is what a busy location needs but
    /// costs a hash per edge everywhere else.
    fn new_copy(&mut self, src: u32, dst: u32) -> bool {
        let s = src as usize;
        if !self.hashed[s] {
            if self.uses[s].len() < SCAN_USES {
                return !self.uses[s].contains(&Use::Copy(dst));
            }
            // Crossing over: the copies so far go into the set once.
            self.hashed[s] = true;
            for u in &self.uses[s] {
                if let Use::Copy(d) = *u {
                    self.copies.insert(copy_key(src, d));
                }
            }
        }
        self.copies.insert(copy_key(src, dst))
    }

    /// Register a use of `loc` and apply it to what `loc` already processed.
    fn register(&mut self, loc: u32, u: Use) {
        let l = loc as usize;
        self.uses[l].push(u);
        let n = self.done[l] as usize;
        for i in 0..n {
            let v = self.pts[l][i];
            self.apply(loc, u, v);
        }
    }

    /// The location of property `p` of value `v`, made on first use. It is connected to the
    /// `p` of every object up `v`'s delegation chain that has one (reads of `v.p` see theirs) and
    /// of every object down it (their reads see `v.p`). Only `v` gets the field: making it on the
    /// whole chain, as an earlier version did, put every property of every subclass on the base
    /// class and cost seconds on class-heavy packages.
    fn field(&mut self, v: u32, p: PropId) -> u32 {
        if let Some(&l) = self.fields.get(&key(v, p)) {
            return l;
        }
        let l = self.new_field(v, p);
        for t in self.chain(v, true) {
            if let Some(&tf) = self.fields.get(&key(t, p)) {
                self.edge(tf, l);
            }
        }
        for d in self.chain(v, false) {
            if let Some(&df) = self.fields.get(&key(d, p)) {
                self.edge(l, df);
            }
        }
        l
    }

    /// Every object `v` delegates to (`up`), or that delegates to `v`, transitively; not `v`.
    fn chain(&self, v: u32, up: bool) -> Vec<u32> {
        let next = if up { &self.delegates } else { &self.delegators };
        // Most objects delegate to nothing: no set to build.
        if !next.contains_key(&v) {
            return Vec::new();
        }
        // A base class's chain downwards holds every subclass and instance: a set, not a scan.
        let mut seen: rustc_hash::FxHashSet<u32> = std::iter::once(v).collect();
        let mut found: Vec<u32> = Vec::new();
        let mut todo: Vec<u32> = vec![v];
        while let Some(o) = todo.pop() {
            if let Some(ns) = next.get(&o) {
                for &n in ns {
                    if seen.insert(n) {
                        found.push(n);
                        todo.push(n);
                    }
                }
            }
        }
        found
    }

    /// A new location for `o.p`, with what is known before anything is stored there.
    fn new_field(&mut self, v: u32, p: PropId) -> u32 {
        let l = self.new_loc();
        self.fields.insert(key(v, p), l);
        self.holder[l as usize] = v;
        self.fields_of.entry(v).or_default().push((p, l));
        if let Some(seed) = self.seed(v, p) {
            self.add(l, seed);
        }
        if p == self.prototype
            && let VKind::Function(f) = self.g.values[v as usize]
        {
            let inst = self.g.instance(f);
            self.add(l, inst);
            self.mark_ctor(f);
        }
        if let Some(readers) = self.any_readers.get(&v).cloned() {
            for r in readers {
                self.edge(l, r);
            }
        }
        // Properties stored under computed keys may be read under any name.
        if p != ELEM {
            if let Some(&elem) = self.fields.get(&key(v, ELEM)) {
                self.edge(elem, l);
            }
        } else if let Some(named) = self.fields_of.get(&v).cloned() {
            for (q, fl) in named {
                if q != ELEM {
                    self.edge(l, fl);
                }
            }
        }
        l
    }

    /// A property of a value we know nothing more about is a value of its own
    /// (`req.socket`), made once per value and name.
    fn seed(&mut self, v: u32, p: PropId) -> Option<u32> {
        if p == ANY {
            return None;
        }
        let kind = self.g.values[v as usize].clone();
        let new = match kind {
            VKind::GlobalObject | VKind::Parameter { .. } | VKind::CallResult { .. } => {
                VKind::Property { base: v, name: p, depth: 1 }
            }
            VKind::Property { depth, .. } if depth < MAX_PROPERTY_DEPTH => {
                VKind::Property { base: v, name: p, depth: depth + 1 }
            }
            VKind::Package { module, path } if path.len() < 3 => {
                // `require("x").default` is the CommonJS module itself.
                if path.is_empty() && self.g.name(p) == "default" {
                    return Some(v);
                }
                let mut path = path.clone();
                path.push(p);
                VKind::Package { module, path }
            }
            _ => return None,
        };
        if let Some(&existing) = self.prop_values.get(&key(v, p)) {
            return Some(existing);
        }
        let id = self.g.new_value(new);
        self.prop_values.insert(key(v, p), id);
        Some(id)
    }

    fn load_value(&mut self, o: u32, p: PropId, dst: u32, depth: u32) {
        if p == ANY {
            if depth > 4 {
                return;
            }
            let entry = self.any_readers.entry(o).or_default();
            if entry.contains(&dst) {
                return;
            }
            entry.push(dst);
            if let Some(fs) = self.fields_of.get(&o).cloned() {
                for (_, fl) in fs {
                    self.edge(fl, dst);
                }
            }
            if let Some(ts) = self.delegates.get(&o).cloned() {
                for t in ts {
                    self.load_value(t, ANY, dst, depth + 1);
                }
            }
            return;
        }
        let f = self.field(o, p);
        self.edge(f, dst);
    }

    /// Reads of `o.*` also see `t.*`.
    fn delegate(&mut self, o: u32, t: u32) {
        if o == t {
            return;
        }
        let ds = self.delegates.entry(o).or_default();
        if ds.contains(&t) {
            return;
        }
        ds.push(t);
        self.delegators.entry(t).or_default().push(o);
        // Reads of `o`, and of everything that delegates to `o`, now see the fields `t` and
        // everything up its chain have under the same names.
        let mut below = self.chain(o, false);
        below.push(o);
        let mut above = self.chain(t, true);
        above.push(t);
        for &d in &below {
            let Some(fs) = self.fields_of.get(&d).cloned() else { continue };
            for (p, fl) in fs {
                for &a in &above {
                    if let Some(&af) = self.fields.get(&key(a, p)) {
                        self.edge(af, fl);
                    }
                }
            }
        }
        if let Some(readers) = self.any_readers.get(&o).cloned() {
            for r in readers {
                self.load_value(t, ANY, r, 1);
            }
        }
        // An instance whose prototype is `t`: `t`'s methods are called with it as `this`.
        if let VKind::Instance(_) = self.g.values[o as usize] {
            self.receivers.entry(t).or_default().push(o);
            if let Some(fs) = self.fields_of.get(&t).cloned() {
                for (_, fl) in fs {
                    let n = self.done[fl as usize] as usize;
                    for i in 0..n {
                        let fv = self.pts[fl as usize][i];
                        if let VKind::Function(f) = self.g.values[fv as usize]
                            && let Some(this) = self.g.functions[f.0 as usize].this
                        {
                            self.add(this, o);
                        }
                    }
                }
            }
        }
    }

    /// Instances of `child` inherit from those of `parent`.
    fn inherit(&mut self, child: u32, parent: u32) {
        let VKind::Function(c) = self.g.values[child as usize] else { return };
        self.mark_ctor(c);
        let ci = self.g.instance(c);
        if let VKind::Function(p) = self.g.values[parent as usize] {
            self.mark_ctor(p);
            let pi = self.g.instance(p);
            self.delegate(ci, pi);
        }
        // Static members are inherited too.
        self.delegate(child, parent);
    }

    fn mark_ctor(&mut self, f: FunctionId) {
        let i = f.0 as usize;
        if self.is_ctor[i] {
            return;
        }
        self.is_ctor[i] = true;
        if let Some(this) = self.g.functions[i].this {
            let inst = self.g.instance(f);
            self.add(this, inst);
        }
    }

    fn invoke(&mut self, c: u32, v: u32) {
        match self.g.values[v as usize].clone() {
            VKind::Function(f) => {
                self.call_edges.push((c, f));
                let call = self.g.calls[c as usize].clone();
                let node = self.g.functions[f.0 as usize].clone();
                for (i, &arg) in call.args.iter().enumerate() {
                    if arg == NONE {
                        continue;
                    }
                    let spread = call.spread_from.is_some_and(|k| i >= k as usize);
                    if spread {
                        for &p in node.params.iter().skip(i) {
                            self.edge(arg, p);
                        }
                    } else if let Some(&p) = node.params.get(i) {
                        self.edge(arg, p);
                        continue;
                    }
                    if let Some(rest) = node.rest {
                        let fl = self.field(rest, ELEM);
                        self.edge(arg, fl);
                    }
                }
                if let (Some(recv), Some(this)) = (call.recv, node.this) {
                    self.edge(recv, this);
                }
                self.edge(node.ret, call.result);
                if call.is_new {
                    self.mark_ctor(f);
                    let inst = self.g.instance(f);
                    self.add(call.result, inst);
                }
            }
            VKind::Bound { target, this, .. } => {
                let orig = self.call_orig[c as usize];
                if !self.bound_calls.insert((orig, v)) {
                    return;
                }
                let mut derived: CallNode = self.g.calls[c as usize].clone();
                derived.callee = target;
                if this.is_some() {
                    derived.recv = this;
                }
                let id = self.g.calls.len() as u32;
                self.g.calls.push(derived);
                self.call_orig.push(orig);
                self.register(target, Use::Call(id));
            }
            _ => {}
        }
    }

    /// `f.call(t, a)`, `f.apply(t, xs)` where `f` holds function `v`: a call of `v`
    /// with `this` = `t` and the remaining arguments.
    fn call_through(&mut self, c: u32, v: u32) {
        if !matches!(self.g.values[v as usize], VKind::Function(_) | VKind::Bound { .. }) {
            return;
        }
        let orig = self.call_orig[c as usize];
        if !self.bound_calls.insert((orig, v)) {
            return;
        }
        let call = self.g.calls[c as usize].clone();
        let apply = call.kind == CallKind::Apply;
        let derived = CallNode {
            recv: call.args.first().copied().filter(|a| *a != NONE),
            args: call.args.iter().skip(1).copied().collect(),
            spread_from: apply.then_some(0),
            kind: CallKind::Plain,
            callee: NONE,
            ..call
        };
        let id = self.g.calls.len() as u32;
        self.g.calls.push(derived);
        self.call_orig.push(orig);
        self.invoke(id, v);
    }

    /// A call into code we cannot see: it returns a value of its own, or its receiver.
    fn unresolved_call(&mut self, c: u32) {
        let call = self.g.calls[c as usize].clone();
        let returns_receiver =
            call.is_method && call.name.is_some_and(|n| known::RETURNS_THIS.contains(&self.g.name(n)));
        if returns_receiver && let Some(recv) = call.recv {
            self.edge(recv, call.result);
            return;
        }
        // `_possibleConstructorReturn(this, ...)`, `_callSuper(this, ...)`: helpers handed `this` return it.
        if call.first_arg_this
            && let Some(&first) = call.args.first()
        {
            self.edge(first, call.result);
        }
        if !self.uses[call.result as usize].is_empty() {
            let v = self.g.new_value(VKind::CallResult { call: c });
            self.add(call.result, v);
        }
    }

    /// A call into code that stores or reads what it is given and never calls it:
    /// a collection's `set`, `console.log`, `JSON.stringify`.
    pub(crate) fn calls_nothing_back(&self, c: usize) -> bool {
        calls_nothing_back(self.g, &self.pts, c)
    }

    /// Close over what outside code can reach.
    fn escape(&mut self, unresolved: &[bool]) -> Vec<Option<Escape>> {
        let mut escaped: Vec<Option<Escape>> = vec![None; self.g.values.len()];
        let mut queue: Vec<u32> = Vec::new();
        let mark = |v: u32, why: Escape, escaped: &mut Vec<Option<Escape>>, queue: &mut Vec<u32>| {
            let i = v as usize;
            if i < escaped.len() && escaped[i].is_none() {
                escaped[i] = Some(why);
                queue.push(v);
            }
        };
        let exports = self.g.intern("exports");
        for file in 0..self.g.loc_base.len() {
            if self.g.imported[file] && !self.g.entries[file] {
                continue;
            }
            let module = self.g.module_value[file];
            if let Some(&fl) = self.fields.get(&key(module, exports)) {
                for &v in self.pts[fl as usize].iter() {
                    mark(v, Escape::Exported(FileId(file as u32)), &mut escaped, &mut queue);
                }
            }
        }
        for (c, &is_unresolved) in unresolved.iter().enumerate() {
            if !is_unresolved || self.calls_nothing_back(c) {
                continue;
            }
            // Callbacks of `forEach`, `then`, `on`... hand their results back to the caller or nowhere.
            let returns_to_caller = self.g.calls[c].name.is_some_and(|n| {
                known::SAME_RATE_CALLERS.contains(&self.g.name(n)) || known::is_listener_method(self.g.name(n))
            });
            for &arg in &self.g.calls[c].args {
                if arg == NONE {
                    continue;
                }
                for &v in self.pts[arg as usize].iter() {
                    match self.g.values[v as usize] {
                        // Functions handed to a call get their rate from what the call is (see
                        // `lifetimes`); what they return goes to the code that calls them.
                        VKind::Function(f) => {
                            if !returns_to_caller {
                                let ret = self.g.functions[f.0 as usize].ret;
                                for &r in self.pts[ret as usize].iter() {
                                    mark(r, Escape::PassedTo(c as u32), &mut escaped, &mut queue);
                                }
                            }
                        }
                        _ => mark(v, Escape::PassedTo(c as u32), &mut escaped, &mut queue),
                    }
                }
            }
        }
        if let Some(fs) = self.fields_of.get(&GLOBAL_OBJECT).cloned() {
            for (_, fl) in fs {
                for &v in self.pts[fl as usize].iter() {
                    if !matches!(self.g.values[v as usize], VKind::Property { .. }) {
                        mark(v, Escape::Global, &mut escaped, &mut queue);
                    }
                }
            }
        }
        for (v, &o) in self.overflowed.iter().enumerate() {
            if o {
                mark(v as u32, Escape::TooMany, &mut escaped, &mut queue);
            }
        }
        while let Some(v) = queue.pop() {
            let why = escaped[v as usize].expect("marked before queued");
            let mut reach: SmallVec<[u32; 8]> = SmallVec::new();
            match self.g.values[v as usize].clone() {
                VKind::Function(f) => {
                    let node = &self.g.functions[f.0 as usize];
                    reach.extend(self.pts[node.ret as usize].iter().copied());
                    if let Some(&inst) = self.g.instance_value.get(&f) {
                        reach.push(inst);
                    }
                }
                VKind::Bound { target, .. } => reach.extend(self.pts[target as usize].iter().copied()),
                _ => {}
            }
            if let Some(fs) = self.fields_of.get(&v) {
                for &(_, fl) in fs {
                    reach.extend(self.pts[fl as usize].iter().copied());
                }
            }
            if let Some(ds) = self.delegates.get(&v) {
                reach.extend(ds.iter().copied());
            }
            for r in reach {
                mark(r, why, &mut escaped, &mut queue);
            }
        }
        escaped.resize(self.g.values.len(), None);
        escaped
    }
}

/// A copy edge `src -> dst` as one number, for `Solver::copies`.
fn copy_key(src: u32, dst: u32) -> u64 {
    (u64::from(src) << 32) | u64::from(dst)
}

//! Facts: one file lowered, in one walk over oxc's AST, into plain data about
//! values, not names: the functions it defines, the values it creates, the
//! constraints that say where values flow (`x = y`, `o.f = v`, calls,
//! returns, destructuring), the calls it makes, and the events that matter for
//! leaks (a collection written, a listener added, a timer cleared) with the
//! operand each one touches. Nothing here is resolved across files or solved:
//! `link` and `solve` do that for the whole package.
//!
//! Ids are local to the file (locations, values, functions, names); `link`
//! shifts them into the package's id spaces.

mod compiled;
mod events;
mod expr;
mod functions;
mod guards;
pub(crate) mod known;
mod scopes;
mod stmt;

pub(crate) use expr::builtin_container;

use std::path::{Path, PathBuf};

use oxc_ast::ast::*;
use oxc_semantic::Scoping;
use oxc_span::GetSpan;
use oxc_syntax::symbol::SymbolId;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use smallvec::SmallVec;

use crate::model::{Comment, ContainerKind, Derivation, FunctionKind, KeyKind, Name, Outcome, OutcomeKind, Params};
use crate::span::Span;

/// A location: a variable, a temporary, a parameter, a function's return or `this`.
pub(crate) type Loc = u32;

/// What an expression evaluates to, as far as value flow is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// Nothing the model follows (a number, a string, a comparison).
    None,
    /// Whatever a location holds.
    Loc(Loc),
    /// One value of this file.
    Val(u32),
    /// A global variable by name (`process`, `setInterval`, `Map`): a property of the global object.
    Global(u32),
    /// The instances of the constructor function with this local id (its prototype, too).
    Instance(u32),
}

impl Op {
    pub(crate) fn is_none(self) -> bool {
        self == Op::None
    }
}

/// A property a constraint reads or writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prop {
    /// A property by name (local name id).
    Name(u32),
    /// Elements of an array, entries of a Map or Set, properties under computed keys.
    Elem,
    /// A read under a key computed at run time: every property.
    Any,
}

/// Where values flow.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Constraint {
    /// `dst` holds whatever `src` holds.
    Assign { dst: Loc, src: Op },
    /// `dst = base.prop`.
    Load { dst: Loc, base: Op, prop: Prop },
    /// `base.prop = src`.
    Store { base: Op, prop: Prop, src: Op },
    /// `base.prop` is what the getter functions in `getter` return (`Object.defineProperty(o, k, { get })`).
    GetterStore { base: Op, prop: Prop, getter: Op },
    /// Reads of `obj.*` also see `to.*` (prototypes, `Object.assign`, `export *`).
    Delegate { obj: Op, to: Op },
    /// Instances of the constructors in `child` inherit from those in `parent`.
    Inherits { child: Op, parent: Op },
    /// The functions in `func` are constructors (`new F`, `this instanceof F`, `F.prototype`).
    Constructor { func: Op },
    /// `dst = import default of base`: the module's `default`, or a CommonJS module itself (decided at link).
    ImportDefault { dst: Loc, base: Loc },
}

/// A function of the file; local id 0 is the module top level.
#[derive(Debug, Clone)]
pub(crate) struct FnFact {
    pub name: Option<Name>,
    pub kind: FunctionKind,
    pub span: Span,
    pub parent: Option<u32>,
    pub params: Params,
    /// Where each parameter's value arrives.
    pub param_locs: SmallVec<[Loc; 4]>,
    /// Per parameter: how the function's code (nested functions too) uses it, as
    /// `known::PARAM_*` bits. A handler shows it takes a request by what it does with it.
    pub param_roles: SmallVec<[u8; 4]>,
    /// `...rest`: receives every argument from its position on.
    pub rest_loc: Option<Loc>,
    pub ret: Loc,
    pub this: Loc,
    /// Methods, accessors and constructors of a class: the class's constructor (local function id).
    pub this_class: Option<u32>,
    pub is_static: bool,
    pub is_class_constructor: bool,
    pub strict: bool,
    pub returns_value: bool,
    /// Parameters of enclosing functions this function refers to: their locations, the
    /// function whose parameters they are, and their names.
    pub captures: SmallVec<[(Loc, u32, Name); 2]>,
    /// Property names it is stored under besides its own name (`debug.destroy = destroy`,
    /// `obj.close = onClose`): what callers know it as.
    pub stored_as: SmallVec<[Name; 1]>,
    /// Exported under this name by an ES `export` (Next.js-style route exports).
    pub exported_as: Option<Name>,
    /// The function's value id (`u32::MAX` for the module top level).
    pub value: u32,
    /// Assigned to a prototype (`C.prototype.m = function () {}`): a method of `C`'s instances.
    pub on_prototype: bool,
    /// An arrow function: no `this` of its own.
    pub is_arrow: bool,
}

/// A value the file creates.
#[derive(Debug, Clone)]
pub(crate) enum ValFact {
    Function(u32),
    /// An object, array or collection literal, `new Map()`, `Object.create(...)`, made in `func`.
    Created {
        func: u32,
        kind: ContainerKind,
        span: Span,
        name: Option<Name>,
    },
    /// The file's `module` object.
    Module,
    /// The file's `exports` object.
    Exports,
    /// A `.bind()` result: calling it calls the functions in `target` with `this` from `this`.
    Bound {
        target: Loc,
        this: Op,
        span: Span,
    },
}

/// How an argument is written, for the rules.
#[derive(Debug, Clone)]
pub(crate) enum ArgFact {
    Function(u32),
    Object { keys: Vec<Name>, spread: bool },
    Path(Span),
    Literal,
    Dynamic,
    Other,
}

/// Where a call's result goes, as the parent saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UseFact {
    Discarded,
    /// Stored in the binding or assignment target with this span.
    Stored(Span),
    Returned,
    /// A method is called on it right away; the method's name id.
    Chained(u32),
    Other,
}

/// What a method call named `call`, `apply` or `bind` is: decided by the solver from what
/// the receiver holds (a function's `call`, or `socket.bind(port, cb)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallKind {
    Plain,
    /// `f.call(this, ...args)`.
    Call,
    /// `f.apply(this, args)`: the second argument is already the array's elements.
    Apply,
    /// `f.bind(this)`: the result is a bound function (a value of its own).
    Bind,
}

/// A call site. Every call is recorded: the solver needs them all for the call graph.
#[derive(Debug, Clone)]
pub(crate) struct CallFact {
    pub span: Span,
    pub callee_span: Span,
    pub func: u32,
    pub callee: Op,
    /// `this` for the callee: the object of `o.m()`, the first argument of `f.call(x)`.
    pub recv: Op,
    pub args: SmallVec<[Op; 3]>,
    /// Arguments from this index on come from a spread (`f(...xs)`, `f.apply(t, xs)`).
    pub spread_from: Option<u8>,
    pub result: Loc,
    pub is_new: bool,
    /// A JSX element: the callee is rendered as a component.
    pub jsx: bool,
    /// `o.m(...)`: `m`'s name id; the last name of the callee otherwise.
    pub name: Option<u32>,
    /// The callee is a member call (`o.m()`), not a plain call.
    pub is_method: bool,
    /// The first argument when it is a string literal (an event name, a route path, a hook name).
    pub first_string: Option<u32>,
    /// The first argument is `this`.
    pub first_arg_this: bool,
    /// The first argument looks like a route path (a string, template, regular expression or array).
    pub first_is_path: bool,
    pub arg_facts: SmallVec<[ArgFact; 3]>,
    pub result_use: UseFact,
    pub conditional: bool,
    pub kind: CallKind,
}

/// A `require()`, `import` or `export ... from` of a module.
#[derive(Debug, Clone)]
pub(crate) struct RequireFact {
    pub specifier: Name,
    /// Receives the module's exports.
    pub result: Loc,
}

/// Something an `if` (or `&&`, `?:`) condition reads, by hash of its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GuardKey {
    /// A variable or member used as a flag (`initialised`, `this._bound`).
    Flag(u64),
    /// A membership test on a collection (`c.has(k)`, `c[k]`, `k in c`), by the collection's text.
    Membership(u64),
    /// A size check on a collection (`c.size > n`), by the collection's text.
    Size(u64),
}

#[derive(Debug, Clone)]
pub(crate) enum EventFactKind {
    Write {
        method: Name,
        key: KeyKind,
        key_span: Option<Span>,
        stored: Op,
        after_lookup: bool,
    },
    Remove {
        method: Name,
        key_span: Option<Span>,
        under_size_check: bool,
    },
    /// `slot = new_value`: the variable, or the property `prop` of whatever `base` holds.
    Reassign {
        new_value: Op,
        derived: Option<Derivation>,
        slot: Slot,
    },
    Iterate,
    SizeCheck,
    Lookup,
    TimerClear,
    Release,
    ListenerAdd {
        event: Option<Name>,
        handler: Op,
        handler_span: Span,
        inline: bool,
        method: Name,
        result_used: bool,
        auto_removed: bool,
        guard_keys: Vec<GuardKey>,
        guarded_by_count: bool,
    },
    ListenerRemove {
        event: Option<Name>,
        handler: Option<(Op, Span, bool)>,
        method: Name,
    },
}

/// The place an assignment replaces: a variable, or a property of an object.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Slot {
    Loc(Loc),
    Field(Op, Prop),
}

/// An event at a place in the code, on whatever `target` holds.
#[derive(Debug, Clone)]
pub(crate) struct EventFact {
    pub span: Span,
    pub func: u32,
    pub target: Op,
    /// The target as written (`this.sessions`, `process`).
    pub target_span: Span,
    pub kind: EventFactKind,
}

/// An assignment to an undeclared name or a global object's property.
#[derive(Debug, Clone)]
pub(crate) struct GlobalWrite {
    pub span: Span,
    pub func: u32,
    pub name: Name,
}

/// Everything one file says, before linking.
#[derive(Debug, Clone)]
pub(crate) struct FileFacts {
    pub path: PathBuf,
    /// Property, global and event names used by constraints, by local id.
    pub names: Vec<Name>,
    pub n_locs: u32,
    pub functions: Vec<FnFact>,
    pub values: Vec<ValFact>,
    pub constraints: Vec<Constraint>,
    pub calls: Vec<CallFact>,
    pub events: Vec<EventFact>,
    pub requires: Vec<RequireFact>,
    /// Local value ids of the file's `module` and `exports` objects.
    pub module_value: u32,
    pub exports_value: u32,
    /// The file uses `import`/`export` syntax.
    pub is_esm: bool,
    /// A test file by its path (`known::is_test_path`): its runner calls its cases once each.
    pub is_test: bool,
    pub strict: bool,
    pub directive_comments: Vec<Comment>,
    pub outcomes: Vec<Outcome>,
    pub global_writes: Vec<GlobalWrite>,
    /// Hashes of the texts of assignment targets, for flag guards.
    pub written_flags: Vec<u64>,
    /// Per variable (the locations below the first temporary): the local id of the function that
    /// declares it, 0 for the module top level.
    pub symbol_fn: Vec<u32>,
    /// `(variable, function)`: the function refers to a variable of an enclosing function (or a
    /// function between the two does), so the variable lives as long as that function's value.
    pub captured: Vec<(Loc, u32)>,
    /// References to a variable that only ever holds `this` (`var _this = this`, `const self = this`,
    /// as compilers and ES5 code write it), in source order: paths read them as `this`.
    pub this_alias_refs: Vec<Span>,
}

/// Lower a parsed file into facts.
pub(crate) fn lower(path: &Path, program: &Program<'_>, scoping: &Scoping, source: &str) -> FileFacts {
    let mut l = Lowerer::new(path, source, scoping);
    l.program(program);
    l.finish(program)
}

/// The function being lowered.
#[derive(Debug, Clone, Copy)]
struct Frame {
    func: u32,
    /// `this` here: the function's own, or (arrows, static blocks) the enclosing one's.
    this: Op,
    ret: Loc,
    /// Where `super(...)` goes: the class's heritage.
    super_ctor: Op,
    /// The `arguments` object, once referenced.
    arguments: Option<Loc>,
    is_arrow: bool,
}

pub(crate) struct Lowerer<'a, 's> {
    source: &'a str,
    scoping: &'s Scoping,
    facts: FileFacts,
    name_ids: HashMap<&'a str, u32>,
    made_name_ids: HashMap<Name, u32>,
    frames: Vec<Frame>,
    /// Per symbol: 1 + the local id of the function whose parameter it is, or 0.
    param_of: Vec<u32>,
    /// Where the result of the call with this span goes (set by its parent just before lowering it).
    pending_use: Option<(u32, UseFact)>,
    /// What the enclosing conditions read, innermost last (see `guards`).
    guard_reads: Vec<guards::GuardRead>,
    /// One frame per enclosing condition: where its reads start, and whether it checks `listenerCount`.
    guard_frames: Vec<(usize, bool)>,
    /// Assignment targets, hashed at the end only if some listener's guard reads a flag.
    written_spans: Vec<oxc_span::Span>,
    /// `exports` as a location (CommonJS code may reassign it).
    exports_loc: Loc,
    /// Bindings exported by name (`export { GET }`, `export const GET = ...`).
    exported_symbols: Vec<(SymbolId, Name)>,
    /// The function a `function f` declaration or `const f = () => ...` binds, by symbol.
    fn_of_symbol: HashMap<SymbolId, u32>,
    /// `obj.name = f` with `f` a variable: the name a function is stored under, resolved at the end
    /// (a function declaration may come later in the file).
    stored_names: Vec<(SymbolId, Name)>,
    /// Try tables (`[[1, 3]]`: try, catch, finally, after locations) of the regenerator calls being
    /// lowered, innermost last: the state machine in their function argument reads its own.
    try_tables: Vec<Vec<[Option<u32>; 4]>>,
    /// Variables declared as `this` and never assigned again.
    this_aliases: HashSet<SymbolId>,
    /// `const` bindings initialised with a literal: keys that never change.
    constant_symbols: rustc_hash::FxHashSet<SymbolId>,
    /// The file assigns `module.exports = ...`.
    assigns_module_exports: bool,
    /// oxc's scope of each function lowered so far, with its local id.
    function_scopes: Vec<(oxc_syntax::scope::ScopeId, u32)>,
}

impl<'a, 's> Lowerer<'a, 's> {
    fn new(path: &Path, source: &'a str, scoping: &'s Scoping) -> Self {
        let n_symbols = scoping.symbols_len() as u32;
        let mut facts = FileFacts {
            path: path.to_path_buf(),
            names: Vec::new(),
            n_locs: n_symbols,
            functions: Vec::new(),
            values: vec![ValFact::Module, ValFact::Exports],
            constraints: Vec::new(),
            calls: Vec::new(),
            events: Vec::new(),
            requires: Vec::new(),
            module_value: 0,
            exports_value: 1,
            is_esm: false,
            is_test: known::is_test_path(path),
            strict: false,
            directive_comments: Vec::new(),
            outcomes: Vec::new(),
            global_writes: Vec::new(),
            written_flags: Vec::new(),
            symbol_fn: Vec::new(),
            captured: Vec::new(),
            this_alias_refs: Vec::new(),
        };
        let ret = facts.n_locs;
        let this = facts.n_locs + 1;
        let exports_loc = facts.n_locs + 2;
        facts.n_locs += 3;
        facts.functions.push(FnFact {
            name: None,
            kind: FunctionKind::Module,
            span: Span::new(0, source.len() as u32),
            parent: None,
            params: Params::new(),
            param_locs: SmallVec::new(),
            param_roles: SmallVec::new(),
            rest_loc: None,
            ret,
            this,
            this_class: None,
            is_static: false,
            is_class_constructor: false,
            strict: false,
            returns_value: false,
            captures: SmallVec::new(),
            stored_as: SmallVec::new(),
            exported_as: None,
            value: u32::MAX,
            on_prototype: false,
            is_arrow: false,
        });
        let mut l = Self {
            source,
            scoping,
            facts,
            name_ids: HashMap::default(),
            made_name_ids: HashMap::default(),
            frames: vec![Frame {
                func: 0,
                this: Op::Loc(this),
                ret,
                super_ctor: Op::None,
                arguments: None,
                is_arrow: false,
            }],
            param_of: vec![0; n_symbols as usize],
            pending_use: None,
            guard_reads: Vec::new(),
            guard_frames: Vec::new(),
            written_spans: Vec::new(),
            exports_loc,
            exported_symbols: Vec::new(),
            fn_of_symbol: HashMap::default(),
            stored_names: Vec::new(),
            this_aliases: HashSet::default(),
            try_tables: Vec::new(),
            constant_symbols: Default::default(),
            assigns_module_exports: false,
            function_scopes: Vec::new(),
        };
        l.push(Constraint::Assign { dst: exports_loc, src: Op::Val(1) });
        l
    }

    fn program(&mut self, program: &Program<'a>) {
        self.facts.is_esm = program.source_type.is_module() && program.body.iter().any(|s| s.is_module_declaration())
            || matches!(self.facts.path.extension().and_then(|e| e.to_str()), Some("mjs" | "mts"));
        let strict = program.source_type.is_typescript()
            || program.directives.iter().any(|d| d.directive == "use strict")
            || program.body.iter().any(|s| s.is_module_declaration());
        self.facts.strict = strict;
        self.facts.functions[0].strict = strict;
        // At a CommonJS module's top level `this` is `exports`.
        if !self.facts.is_esm {
            let this = self.facts.functions[0].this;
            self.push(Constraint::Assign { dst: this, src: Op::Val(1) });
        }
        self.statements(&program.body);
    }

    fn finish(mut self, program: &Program<'a>) -> FileFacts {
        // `module.exports` starts out as `exports`. Where the file replaces it
        // (`module.exports = ...`), the first object is what nobody imports.
        if !self.assigns_module_exports {
            let exports = self.name("exports");
            let (module, first) = (self.facts.module_value, self.facts.exports_value);
            self.push(Constraint::Store { base: Op::Val(module), prop: Prop::Name(exports), src: Op::Val(first) });
        }
        self.facts.directive_comments = directive_comments(program, self.source);
        self.declarations_and_captures();
        self.facts.this_alias_refs.sort_unstable_by_key(|s| s.start);
        for (sym, name) in std::mem::take(&mut self.stored_names) {
            if let Some(&f) = self.fn_of_symbol.get(&sym) {
                let function = &mut self.facts.functions[f as usize];
                if function.name.as_ref() != Some(&name) && !function.stored_as.contains(&name) {
                    function.stored_as.push(name);
                }
            }
        }
        for (sym, name) in std::mem::take(&mut self.exported_symbols) {
            if let Some(&f) = self.fn_of_symbol.get(&sym) {
                self.facts.functions[f as usize].exported_as.get_or_insert(name);
            }
        }
        let asks_flags = self.facts.events.iter().any(|e| {
            matches!(&e.kind, EventFactKind::ListenerAdd { guard_keys, .. }
                if guard_keys.iter().any(|k| matches!(k, GuardKey::Flag(_))))
        });
        if asks_flags {
            let spans = std::mem::take(&mut self.written_spans);
            self.facts.written_flags = spans.iter().map(|s| self.text_hash(*s)).collect();
        }
        self.facts
    }

    // ------------------------------------------------------------ small helpers

    fn push(&mut self, c: Constraint) {
        self.facts.constraints.push(c);
    }

    fn new_loc(&mut self) -> Loc {
        let l = self.facts.n_locs;
        self.facts.n_locs += 1;
        l
    }

    fn new_value(&mut self, v: ValFact) -> u32 {
        self.facts.values.push(v);
        (self.facts.values.len() - 1) as u32
    }

    /// Local id of a name, interned.
    /// A name made here rather than borrowed from the source (`[kQueue]` for a constant key).
    fn made_name(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.made_name_ids.get(s) {
            return id;
        }
        let id = self.facts.names.len() as u32;
        self.facts.names.push(Name::from(s));
        self.made_name_ids.insert(Name::from(s), id);
        id
    }

    fn name(&mut self, s: &'a str) -> u32 {
        if let Some(&id) = self.name_ids.get(s) {
            return id;
        }
        let id = self.facts.names.len() as u32;
        self.facts.names.push(Name::from(s));
        self.name_ids.insert(s, id);
        id
    }

    fn frame(&self) -> Frame {
        *self.frames.last().expect("the module frame is always there")
    }

    fn current(&self) -> u32 {
        self.frame().func
    }

    /// A location holding `op`: the location itself, or a new one.
    fn loc_of(&mut self, op: Op) -> Loc {
        match op {
            Op::Loc(l) => l,
            other => {
                let l = self.new_loc();
                if !other.is_none() {
                    self.push(Constraint::Assign { dst: l, src: other });
                }
                l
            }
        }
    }

    /// A location holding `a` or `b`.
    fn join(&mut self, a: Op, b: Op) -> Op {
        match (a, b) {
            (Op::None, x) | (x, Op::None) => x,
            (x, y) if x == y => x,
            (x, y) => {
                let l = self.new_loc();
                self.push(Constraint::Assign { dst: l, src: x });
                self.push(Constraint::Assign { dst: l, src: y });
                Op::Loc(l)
            }
        }
    }

    fn load(&mut self, base: Op, prop: Prop) -> Op {
        if base.is_none() {
            return Op::None;
        }
        let dst = self.new_loc();
        self.push(Constraint::Load { dst, base, prop });
        Op::Loc(dst)
    }

    fn symbol_of(&self, ident: &IdentifierReference<'a>) -> Option<SymbolId> {
        let reference = ident.reference_id.get()?;
        self.scoping.get_reference(reference).symbol_id()
    }

    fn text(&self, s: oxc_span::Span) -> &'a str {
        &self.source[s.start as usize..s.end as usize]
    }

    /// Hash of a node's source text with whitespace removed: identifies flags in
    /// guards and collections in membership tests without allocating.
    fn text_hash(&self, s: oxc_span::Span) -> u64 {
        use std::hash::Hasher;
        let mut h = rustc_hash::FxHasher::default();
        for b in self.source.as_bytes()[s.start as usize..s.end as usize].iter().filter(|b| !b.is_ascii_whitespace()) {
            h.write_u8(*b);
        }
        h.finish()
    }

    /// Record where the call (or `new`) that `expr` is goes, for the call to take.
    fn note_use(&mut self, expr: &Expression<'a>, use_: UseFact) {
        let mut inner = expr.get_inner_expression();
        if let Expression::AwaitExpression(a) = inner {
            inner = a.argument.get_inner_expression();
        }
        if matches!(
            inner,
            Expression::CallExpression(_) | Expression::NewExpression(_) | Expression::ChainExpression(_)
        ) {
            self.pending_use = Some((inner.span().start, use_));
        }
    }

    fn take_use(&mut self, call_span: oxc_span::Span) -> UseFact {
        match self.pending_use {
            Some((start, u)) if start == call_span.start => {
                self.pending_use = None;
                u
            }
            _ => UseFact::Other,
        }
    }

    fn outcome(&mut self, span: oxc_span::Span, kind: OutcomeKind) {
        let func = crate::model::FunctionId(self.current());
        self.facts.outcomes.push(Outcome { span: sp(span), func, kind });
    }
}

fn sp(s: oxc_span::Span) -> Span {
    Span::new(s.start, s.end)
}

/// A property key's name, borrowed from the AST.
fn static_key_str<'a>(key: &PropertyKey<'a>) -> Option<&'a str> {
    match key {
        PropertyKey::StaticIdentifier(id) => Some(id.name.as_str()),
        PropertyKey::StringLiteral(s) => Some(s.value.as_str()),
        _ => None,
    }
}

/// Last name of a callee: `a.b.c(...)` → `c`, `f(...)` → `f`, `(0, x.y)(...)` → `y`.
fn callee_name<'a>(callee: &Expression<'a>) -> Option<&'a str> {
    match callee.get_inner_expression() {
        Expression::Identifier(id) => Some(id.name.as_str()),
        Expression::StaticMemberExpression(m) => Some(m.property.name.as_str()),
        Expression::SequenceExpression(s) => s.expressions.last().and_then(callee_name),
        Expression::ChainExpression(c) => match &c.expression {
            ChainElement::StaticMemberExpression(m) => Some(m.property.name.as_str()),
            _ => None,
        },
        _ => None,
    }
}

/// Comments that may hold a `leaklint-disable...` directive. Most files have
/// none, so only those mentioning `leaklint-` are kept.
fn directive_comments(program: &Program<'_>, source: &str) -> Vec<Comment> {
    // Built once: `str::contains` would set up a searcher for every comment.
    static DIRECTIVE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new("leaklint-"));
    program
        .comments
        .iter()
        .filter(|comment| DIRECTIVE.find(comment.content_span().source_text(source).as_bytes()).is_some())
        .map(|comment| Comment {
            span: sp(comment.span),
            content: sp(comment.content_span()),
            block: comment.is_block(),
        })
        .collect()
}

/// Source text of a node with whitespace removed.
pub(crate) fn compact_text(source: &str, s: Span) -> Name {
    let text = &source[s.start as usize..s.end as usize];
    let mut out = Name::with_capacity(text.len());
    for run in text.split(char::is_whitespace) {
        out.push_str(run);
    }
    out
}

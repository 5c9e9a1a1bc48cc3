//! Lowers oxc's AST and semantic model into a [`FileModel`].
//!
//! One pass over the AST (`Collector`) records functions, how each one is
//! used (passed to `app.get`, called, exported, ...), the paths that are
//! written, drained or listened on, and which outer bindings each closure
//! captures. A second step (`resolve`) decides each function's lifetime by
//! fixpoint over those uses and turns the raw facts into model events.

mod calls;
mod flow;
mod known;
mod resolve;

use std::borrow::Cow;
use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use smallvec::SmallVec;
use std::path::Path;

use oxc_allocator::Allocator;
use oxc_ast::ast::*;
use oxc_ast_visit::{Visit, walk};
use oxc_parser::{ParseOptions, Parser, ParserReturn};
use oxc_semantic::{Scoping, SemanticBuilder};
use oxc_span::{GetSpan, SourceType};
use oxc_syntax::scope::{ScopeFlags, ScopeId};
use oxc_syntax::symbol::{SymbolFlags, SymbolId};

use crate::SyntaxError;
use crate::model::{ContainerKind, FileModel, FunctionId, FunctionKind, KeyKind, Name};
use crate::span::Span;

fn source_type(path: &Path) -> SourceType {
    // Unknown extensions (stdin buffers, editors) parse as ES modules with JSX.
    SourceType::from_path(path).unwrap_or_else(|_| SourceType::mjs().with_jsx(true))
}

fn parse<'a>(allocator: &'a Allocator, path: &Path, source: &'a str) -> Result<ParserReturn<'a>, SyntaxError> {
    let source_type = source_type(path);
    match parse_as(allocator, source, source_type) {
        // oxc refuses `@flow` files. Flow's annotations are close enough to
        // TypeScript's that most files parse as TypeScript, which is all the
        // model needs; if not, the Flow error is the one worth showing.
        Err(flow) if flow.message.contains("Flow") => {
            let as_ts = SourceType::ts().with_jsx(source_type.is_jsx()).with_module(true);
            parse_as(allocator, source, as_ts).map_err(|_| flow)
        }
        other => other,
    }
}

fn parse_as<'a>(
    allocator: &'a Allocator,
    source: &'a str,
    source_type: SourceType,
) -> Result<ParserReturn<'a>, SyntaxError> {
    let options = ParseOptions { allow_return_outside_function: true, ..ParseOptions::default() };
    let parsed = Parser::new(allocator, source, source_type).with_options(options).parse();
    let first_error = parsed.diagnostics.errors().next().map(|first| SyntaxError {
        message: first.message.to_string(),
        offset: first.labels.first().map(|l| l.offset()),
    });
    match first_error {
        Some(err) => Err(err),
        None if parsed.panicked => Err(SyntaxError { message: "the parser gave up".into(), offset: None }),
        None => Ok(parsed),
    }
}

/// oxc's parse + semantic, nothing more (the benchmark floor).
pub fn floor(path: &Path, source: &str) -> Result<usize, SyntaxError> {
    let allocator = Allocator::default();
    let parsed = parse(&allocator, path, source)?;
    let semantic = SemanticBuilder::new().build(&parsed.program).semantic;
    Ok(semantic.scoping().symbols_len())
}

pub fn build(path: &Path, source: &str, options: &crate::Options) -> Result<FileModel, SyntaxError> {
    let allocator = Allocator::default();
    let parsed = parse(&allocator, path, source)?;
    let semantic = SemanticBuilder::new().build(&parsed.program).semantic;
    let scoping = semantic.scoping();
    let mut collector = Collector::new(source, scoping);
    collector.options_call_names = options
        .per_call_factories
        .iter()
        .map(|f| f.export.clone())
        .chain(options.request_registrars.iter().map(|r| r.rsplit('.').next().unwrap_or(r).to_string()))
        .collect();
    collector.request_registrars = options.request_registrars.clone();
    collector.long_lived_emitters = options.long_lived_emitters.clone();
    collector.visit_program(&parsed.program);
    let mut model = resolve::resolve(collector);
    model.directive_comments = directive_comments(&parsed.program, source);
    model.strict = is_strict(&parsed.program);
    Ok(model)
}

/// ES modules, TypeScript and files starting with `"use strict"` cannot
/// create globals by assignment.
fn is_strict(program: &Program<'_>) -> bool {
    program.source_type.is_typescript()
        || program.directives.iter().any(|d| d.directive == "use strict")
        || program.body.iter().any(|s| s.is_module_declaration())
}

/// Comments that may hold a `leaklint-disable...` directive. Most files have
/// none, so only those mentioning `leaklint-` are kept.
fn directive_comments(program: &oxc_ast::ast::Program<'_>, source: &str) -> Vec<crate::model::Comment> {
    // Built once: `str::contains` would set up a searcher for every comment.
    static DIRECTIVE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new("leaklint-"));
    program
        .comments
        .iter()
        .filter(|comment| DIRECTIVE.find(comment.content_span().source_text(source).as_bytes()).is_some())
        .map(|comment| crate::model::Comment {
            span: span(comment.span),
            content: span(comment.content_span()),
            block: comment.is_block(),
        })
        .collect()
}

fn span(s: oxc_span::Span) -> Span {
    Span::new(s.start, s.end)
}

// ---------------------------------------------------------------- raw facts

/// Who `this` is inside a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum ThisOwner {
    /// Instances of a class (index into `Collector::classes`).
    Class(u32),
    /// Instances made by a constructor function or its prototype methods.
    Proto(SymbolId),
    /// The class itself (static members).
    Static(u32),
    /// Plain function: whatever it is called on.
    Function(FunctionId),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Root<'a> {
    Symbol(SymbolId),
    This(ThisOwner),
    /// An undeclared global (`process`, `setTimeout`) or a property of `global`/`window`.
    Global(&'a str),
}

/// Property names of a path; names borrow from the source or the AST arena.
type Props<'a> = SmallVec<[&'a str; 4]>;

/// An access path: a root and static property names (`global.scheduledTasks`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct PathExpr<'a> {
    root: Root<'a>,
    props: Props<'a>,
    /// Root name as written (`this`, `req`, `global`).
    root_name: &'a str,
}

impl<'a> PathExpr<'a> {
    fn text(&self) -> Name {
        let len = self.root_name.len() + self.props.iter().map(|p| p.len() + 1).sum::<usize>();
        let mut s = Name::with_capacity(len);
        s.push_str(self.root_name);
        for p in &self.props {
            s.push('.');
            s.push_str(p);
        }
        s
    }

    fn parent(&self) -> Option<PathExpr<'a>> {
        let mut p = self.clone();
        p.props.pop()?;
        Some(p)
    }
}

/// How often a use of a function makes it run, relative to the code that uses it.
/// Why a use gives a function its rate, for messages. Formatted only when it
/// decides a lifetime: most never do, and formatting each one cost an allocation.
#[derive(Debug, Clone)]
enum Reason<'a> {
    Text(&'static str),
    /// The template with its `{}` replaced by a name.
    Named(&'static str, Cow<'a, str>),
    /// The template with its `{}` replaced by the code at the span, whitespace removed.
    Code(&'static str, oxc_span::Span),
    Owned(String),
}

impl Reason<'_> {
    fn render(&self, source: &str) -> String {
        match self {
            Reason::Text(text) => (*text).to_string(),
            Reason::Named(template, name) => template.replacen("{}", name, 1),
            Reason::Code(template, at) => template.replacen("{}", compact_text(source, *at).as_str(), 1),
            Reason::Owned(text) => text.clone(),
        }
    }
}

/// Source text of a node with whitespace removed.
fn compact_text(source: &str, s: oxc_span::Span) -> Name {
    let text = &source[s.start as usize..s.end as usize];
    // Sized once and filled by runs: collecting chars one by one regrew the string.
    let mut out = Name::with_capacity(text.len());
    for run in text.split(char::is_whitespace) {
        out.push_str(run);
    }
    out
}

#[derive(Debug, Clone)]
enum Rate<'a> {
    /// As often as the using function (called directly, `forEach`, `then`, IIFE).
    Inherit,
    /// At a fixed rate, with a reason for messages.
    Fixed(crate::model::Lifetime, Reason<'a>),
    /// Per request if the function has a handler's arity (`app.use(fn)` takes
    /// middleware, but `Vue.use(Plugin)` takes a plugin); else as often as the user.
    IfHandler(Reason<'a>),
}

#[derive(Debug, Clone)]
enum Usage<'a> {
    /// Unknown: stored somewhere or passed around; may run any number of times.
    Unknown,
    Rate(Rate<'a>),
    /// Bound to a symbol; its references decide.
    Binding(SymbolId),
}

#[derive(Debug)]
struct FnRec<'a> {
    model: crate::model::Function,
    usage: Usage<'a>,
    binding: Option<SymbolId>,
    param_symbols: SmallVec<[SymbolId; 4]>,
    captures: Vec<SymbolId>,
    this_owner: ThisOwner,
}

#[derive(Debug)]
struct FnRef<'a> {
    symbol: SymbolId,
    from: FunctionId,
    rate: Rate<'a>,
}

#[derive(Debug)]
struct CallSite<'a> {
    callee: SymbolId,
    from: FunctionId,
    args: Vec<Option<PathExpr<'a>>>,
}

#[derive(Debug, Default)]
struct StoredRaw {
    /// Start offset of an inline function or of the function a stored identifier names.
    fn_start: Option<u32>,
    fn_symbol: Option<SymbolId>,
    /// Symbols stored directly (`list.push(req)`, `{ req, res }`).
    direct: Vec<SymbolId>,
}

#[derive(Debug)]
enum RawKind {
    Write { method: Name, key: KeyKind, stored: StoredRaw, after_lookup: bool },
    Remove { method: Name },
    Iterate,
    SizeCheck,
    Lookup,
}

#[derive(Debug)]
struct RawCollectionEvent<'a> {
    target: PathExpr<'a>,
    span: Span,
    func: FunctionId,
    kind: RawKind,
}

#[derive(Debug)]
struct RawAssign<'a> {
    target: PathExpr<'a>,
    span: Span,
    func: FunctionId,
    kind: ContainerKind,
    /// A declaration (`const x = ...`, class field), not an assignment.
    is_declaration: bool,
}

#[derive(Debug)]
enum RawHandler {
    Inline(Option<u32>),
    Named(Name),
}

#[derive(Debug)]
struct RawListener<'a> {
    emitter: PathExpr<'a>,
    event: Option<Name>,
    handler: RawHandler,
    method: Name,
    span: Span,
    func: FunctionId,
    remove: bool,
    result_used: bool,
    auto_removed: bool,
    guard_keys: Vec<GuardKey>,
    guarded_by_count: bool,
}

/// What a method call does to the collection it is called on.
#[derive(Clone, Copy)]
enum CollectionMethod {
    Write,
    Remove,
    Iterate,
    Lookup,
}

impl CollectionMethod {
    fn of(method: &str) -> Option<Self> {
        if known::WRITE_METHODS.contains(&method) {
            Some(Self::Write)
        } else if known::REMOVE_METHODS.contains(&method) {
            Some(Self::Remove)
        } else if known::ITERATE_METHODS.contains(&method) {
            Some(Self::Iterate)
        } else if known::LOOKUP_METHODS.contains(&method) {
            Some(Self::Lookup)
        } else {
            None
        }
    }
}

/// Something an `if` (or `&&`, `?:`) condition reads, by hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GuardKey {
    /// A variable or member used as a flag (`initialised`, `this._bound`).
    Flag(u64),
    /// A membership test on a collection (`c.has(k)`, `c[k]`, `k in c`), by the collection's path.
    Membership(u64),
}

/// What an enclosing condition reads, as recorded on entering it: flags by
/// span, hashed only for the few listeners that keep them (most conditions
/// guard nothing the rules ask about).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GuardRead {
    Flag(oxc_span::Span),
    Membership(u64),
}

fn path_hash(p: &PathExpr<'_>) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    p.root.hash(&mut h);
    p.props.hash(&mut h);
    h.finish()
}

struct ClassCtx {
    symbol: Option<SymbolId>,
}

/// `symbol_bits`: the symbol is a parameter of some function.
const SYMBOL_PARAM: u8 = 1;
/// `symbol_bits`: a function expression was assigned to the binding.
const SYMBOL_HOLDS_FUNCTION: u8 = 2;

struct Collector<'a, 's> {
    source: &'a str,
    scoping: &'s Scoping,
    functions: Vec<FnRec<'a>>,
    stack: Vec<FunctionId>,
    /// Function owning each scope, indexed by scope id (filled as functions are entered).
    scope_to_func: Vec<Option<FunctionId>>,
    /// Cache of `declaring_function`, indexed by symbol id (a `Cell` so that
    /// lookups during resolution, through `&self`, fill it too).
    symbol_func: Vec<std::cell::Cell<Option<FunctionId>>>,
    /// Usage of the function node starting at this offset, set by its parent.
    fn_usage: HashMap<u32, Usage<'a>>,
    /// Set for a function written `function () {}.bind(this)`: `this` is the parent's.
    fn_binds_this: HashSet<u32>,
    /// Name for the function node starting at this offset (method keys, property names).
    fn_names: HashMap<u32, (Name, FunctionKind)>,
    /// Constructor whose prototype the function node starting at this offset is assigned to.
    fn_proto_owner: HashMap<u32, SymbolId>,
    /// How the identifier reference starting at this offset uses its symbol.
    ident_rate: HashMap<u32, Rate<'a>>,
    fn_refs: Vec<FnRef<'a>>,
    call_sites: Vec<CallSite<'a>>,
    collection_events: Vec<RawCollectionEvent<'a>>,
    assigns: Vec<RawAssign<'a>>,
    listeners: Vec<RawListener<'a>>,
    /// Assignment targets, hashed by text only if some listener's guard asks
    /// whether a flag is ever set (few files).
    written_targets: Vec<oxc_span::Span>,
    unused_results: HashSet<u32>,
    /// What the enclosing conditions read, innermost last, all frames in one
    /// vector so entering an `if` allocates nothing.
    guard_keys_stack: Vec<GuardRead>,
    /// One frame per enclosing condition: where its keys start, and whether it
    /// checks `listenerCount`/`listeners`.
    guard_frames: Vec<(usize, bool)>,
    classes: Vec<ClassCtx>,
    class_stack: Vec<u32>,
    in_static_member: Vec<bool>,
    /// Paths handed back to a pool: `x.release()`, `pool.release(x)`.
    released: HashSet<(Root<'a>, Props<'a>)>,
    /// `this.field = binding` assignments: the binding is also reachable as the field.
    field_aliases: Vec<(SymbolId, Root<'a>, Props<'a>)>,
    /// Start offsets of `x[k]` nodes that are assignment targets (writes, not lookups).
    assignment_targets: HashSet<u32>,
    /// Bindings declared as a dictionary (`{}`, `Object.create(null)`).
    dictionary_symbols: HashSet<SymbolId>,
    /// Per symbol, `SYMBOL_PARAM` and `SYMBOL_HOLDS_FUNCTION` bits: read for
    /// every identifier reference, so a flat array instead of hash sets.
    symbol_bits: Vec<u8>,
    /// Placeholder for lifetime reasons until `resolve` decides them.
    empty_reason: std::sync::Arc<str>,
    /// `const` bindings initialised with a literal: keys that never change.
    constant_symbols: HashSet<SymbolId>,
    /// Symbols exported by `export` declarations or specifiers.
    exported: HashSet<SymbolId>,
    /// Bindings that hold `this` (`var _this = this`), with whose `this` they hold.
    this_aliases: HashMap<SymbolId, ThisOwner>,
    /// Bindings that come from `import` or `require`.
    imports: HashMap<SymbolId, calls::RawImport<'a>>,
    calls: Vec<calls::RawCall>,
    /// Where the results of calls about to be visited go, set by their parents
    /// (keyed by span; each is taken when its call is visited, so this stays short).
    call_results: Vec<(u64, calls::RawResult<'a>)>,
    /// Extra callee names from the configuration (factories, registrars).
    options_call_names: Vec<String>,
    /// Configured per-request registrars, as written (`router.route`, `registerHandler`).
    request_registrars: Vec<String>,
    /// Configured long-lived emitters, as access paths.
    long_lived_emitters: Vec<String>,
    /// Assignments to undeclared identifiers: span, function, name.
    implicit_globals: Vec<(Span, FunctionId, &'a str)>,
    /// `catch`/`finally` clauses and promise rejection/`finally` callbacks.
    outcomes: Vec<crate::model::Outcome>,
    /// Assignments (by span) whose new value is built from the old one: `x = x.child()`.
    derivations: Vec<(Span, crate::model::Derivation)>,
}

impl<'a, 's> Collector<'a, 's> {
    fn new(source: &'a str, scoping: &'s Scoping) -> Self {
        let module = FnRec {
            model: crate::model::Function {
                id: FunctionId::MODULE,
                name: None,
                kind: FunctionKind::Module,
                span: Span::new(0, source.len() as u32),
                parent: None,
                params: crate::model::Params::new(),
                lifetime: crate::model::Lifetime::Startup,
                lifetime_reason: "module top level".into(),
                entry_span: None,
                returned_bindings: Vec::new(),
                returns_value: false,
            },
            usage: Usage::Rate(Rate::Inherit),
            binding: None,
            param_symbols: SmallVec::new(),
            captures: Vec::new(),
            this_owner: ThisOwner::Function(FunctionId::MODULE),
        };
        // Sized up front: growing these vectors of large records copied them again and again.
        let function_scopes =
            (0..scoping.scopes_len()).filter(|&i| scoping.scope_flags(ScopeId::from_usize(i)).is_function()).count();
        let mut functions = Vec::with_capacity(function_scopes + 1);
        functions.push(module);
        let mut scope_to_func = vec![None; scoping.scopes_len()];
        scope_to_func[scoping.root_scope_id().index()] = Some(FunctionId::MODULE);
        Self {
            source,
            scoping,
            functions,
            stack: vec![FunctionId::MODULE],
            scope_to_func,
            symbol_func: vec![std::cell::Cell::new(None); scoping.symbols_len()],
            fn_usage: HashMap::default(),
            fn_binds_this: HashSet::default(),
            fn_names: HashMap::default(),
            fn_proto_owner: HashMap::default(),
            ident_rate: HashMap::default(),
            fn_refs: Vec::with_capacity(function_scopes),
            call_sites: Vec::new(),
            collection_events: Vec::new(),
            assigns: Vec::with_capacity(scoping.symbols_len()),
            listeners: Vec::new(),
            written_targets: Vec::new(),
            unused_results: HashSet::default(),
            guard_keys_stack: Vec::new(),
            guard_frames: Vec::new(),
            classes: Vec::new(),
            class_stack: Vec::new(),
            in_static_member: Vec::new(),
            exported: HashSet::default(),
            constant_symbols: HashSet::default(),
            symbol_bits: vec![0; scoping.symbols_len()],
            empty_reason: std::sync::Arc::from(""),
            dictionary_symbols: HashSet::default(),
            assignment_targets: HashSet::default(),
            released: HashSet::default(),
            field_aliases: Vec::new(),
            imports: HashMap::default(),
            this_aliases: HashMap::default(),
            calls: Vec::new(),
            call_results: Vec::new(),
            options_call_names: Vec::new(),
            request_registrars: Vec::new(),
            long_lived_emitters: Vec::new(),
            implicit_globals: Vec::new(),
            outcomes: Vec::new(),
            derivations: Vec::new(),
        }
    }

    fn current(&self) -> FunctionId {
        *self.stack.last().expect("module function is always on the stack")
    }

    fn symbol_of(&self, ident: &IdentifierReference<'a>) -> Option<SymbolId> {
        let reference = ident.reference_id.get()?;
        self.scoping.get_reference(reference).symbol_id()
    }

    /// The function whose body declares `symbol`.
    fn declaring_function(&self, symbol: SymbolId) -> FunctionId {
        let slot = self.symbol_func.get(symbol.index());
        if let Some(f) = slot.and_then(std::cell::Cell::get) {
            return f;
        }
        let mut scope = Some(self.scoping.symbol_scope_id(symbol));
        let mut found = FunctionId::MODULE;
        while let Some(s) = scope {
            if let Some(f) = self.scope_to_func.get(s.index()).copied().flatten() {
                found = f;
                break;
            }
            scope = self.scoping.scope_parent_id(s);
        }
        if let Some(slot) = slot {
            slot.set(Some(found));
        }
        found
    }

    fn this_owner(&self) -> ThisOwner {
        self.functions[self.current().0 as usize].this_owner
    }

    // ------------------------------------------------------------ paths

    fn path_of(&self, expr: &Expression<'a>) -> Option<PathExpr<'a>> {
        match expr.get_inner_expression() {
            Expression::Identifier(id) => Some(match self.symbol_of(id) {
                // `var _this = this` (transpilers, `self = this`): the alias is `this`.
                Some(sym) if let Some(owner) = self.this_aliases.get(&sym) => {
                    PathExpr { root: Root::This(*owner), props: Props::new(), root_name: "this" }
                }
                Some(sym) => PathExpr { root: Root::Symbol(sym), props: Props::new(), root_name: id.name.as_str() },
                None => {
                    PathExpr { root: Root::Global(id.name.as_str()), props: Props::new(), root_name: id.name.as_str() }
                }
            }),
            Expression::ThisExpression(_) => {
                let owner = self.this_owner();
                let root = match owner {
                    ThisOwner::Static(class) => match self.classes[class as usize].symbol {
                        Some(sym) => Root::Symbol(sym),
                        None => Root::This(owner),
                    },
                    _ => Root::This(owner),
                };
                Some(PathExpr { root, props: Props::new(), root_name: "this" })
            }
            Expression::ChainExpression(chain) => match &chain.expression {
                ChainElement::StaticMemberExpression(m) => {
                    let mut base = self.path_of(&m.object)?;
                    Some(push_prop(&mut base, m.property.name.as_str()))
                }
                _ => None,
            },
            other => other.as_member_expression().and_then(|m| self.member_path(m)),
        }
    }

    /// `a.b`, `a["b"]`, `a.#b` as a path; computed keys other than string literals have none.
    fn member_path(&self, m: &MemberExpression<'a>) -> Option<PathExpr<'a>> {
        let name = match m {
            MemberExpression::StaticMemberExpression(e) => e.property.name.as_str(),
            MemberExpression::ComputedMemberExpression(e) => match e.expression.get_inner_expression() {
                Expression::StringLiteral(lit) => lit.value.as_str(),
                _ => return None,
            },
            // `#field`, as written in the source (keeps the `#` without allocating).
            MemberExpression::PrivateFieldExpression(e) => {
                &self.source[e.field.span.start as usize..e.field.span.end as usize]
            }
        };
        let mut base = self.path_of(m.object())?;
        Some(push_prop(&mut base, name))
    }

    /// Hash of a node's source text with whitespace removed: identifies flags in
    /// guards and assignment targets without allocating a string for each.
    fn text_hash(&self, s: oxc_span::Span) -> u64 {
        let mut h = rustc_hash::FxHasher::default();
        for b in self.source.as_bytes()[s.start as usize..s.end as usize].iter().filter(|b| !b.is_ascii_whitespace()) {
            h.write_u8(*b);
        }
        h.finish()
    }

    /// Source text of a node with whitespace removed, used to match handlers.
    fn key_text(&self, s: oxc_span::Span) -> Name {
        compact_text(self.source, s)
    }

    // ------------------------------------------------------------ classification

    fn container_kind(&self, expr: &Expression<'a>) -> ContainerKind {
        match expr.get_inner_expression() {
            Expression::ArrayExpression(_) => ContainerKind::Array,
            Expression::ObjectExpression(_) => ContainerKind::Object,
            Expression::NewExpression(n) => match callee_name(&n.callee) {
                Some("Map") => ContainerKind::Map,
                Some("Set") => ContainerKind::Set,
                Some("WeakMap") => ContainerKind::WeakMap,
                Some("WeakSet") => ContainerKind::WeakSet,
                Some("Array") => ContainerKind::Array,
                Some("Object") => ContainerKind::Object,
                Some(name) if known::BOUNDED_CACHES.contains(&name) => ContainerKind::BoundedCache,
                _ => ContainerKind::Unknown,
            },
            Expression::CallExpression(c) => match &c.callee.get_inner_expression() {
                Expression::StaticMemberExpression(m) => {
                    match (m.object.get_inner_expression(), m.property.name.as_str()) {
                        (Expression::Identifier(o), "create") if o.name == "Object" => ContainerKind::Object,
                        (Expression::Identifier(o), "from" | "of") if o.name == "Array" => ContainerKind::Array,
                        _ => ContainerKind::Unknown,
                    }
                }
                Expression::Identifier(id) if known::BOUNDED_CACHES.contains(&id.name.as_str()) => {
                    ContainerKind::BoundedCache
                }
                Expression::Identifier(id) if matches!(id.name.as_str(), "lru" | "createCache" | "quickLru") => {
                    ContainerKind::BoundedCache
                }
                _ => ContainerKind::Unknown,
            },
            _ => ContainerKind::Unknown,
        }
    }

    fn key_kind(&self, expr: &Expression<'a>) -> KeyKind {
        match expr.get_inner_expression() {
            Expression::StringLiteral(_)
            | Expression::NumericLiteral(_)
            | Expression::BooleanLiteral(_)
            | Expression::NullLiteral(_) => KeyKind::Constant,
            Expression::TemplateLiteral(t) if t.expressions.is_empty() => KeyKind::Constant,
            Expression::TemplateLiteral(_) | Expression::BinaryExpression(_) => KeyKind::Primitive,
            Expression::ObjectExpression(_)
            | Expression::ArrayExpression(_)
            | Expression::NewExpression(_)
            | Expression::FunctionExpression(_)
            | Expression::ArrowFunctionExpression(_)
            | Expression::ClassExpression(_)
            | Expression::ThisExpression(_) => KeyKind::Object,
            Expression::Identifier(id) => {
                let name = id.name.as_str();
                if self.symbol_of(id).is_some_and(|s| self.constant_symbols.contains(&s)) {
                    KeyKind::Constant
                } else if is_request_like_name(name) {
                    KeyKind::Object
                } else if name.ends_with("Id") || name.ends_with("Key") || name == "id" || name == "key" {
                    KeyKind::Primitive
                } else {
                    KeyKind::Unknown
                }
            }
            Expression::StaticMemberExpression(m) => {
                let name = m.property.name.as_str();
                let lower = name.to_ascii_lowercase();
                if lower.ends_with("id")
                    || lower.ends_with("key")
                    || lower.ends_with("name")
                    || lower.ends_with("url")
                    || lower.ends_with("path")
                    || matches!(lower.as_str(), "ip" | "host" | "type")
                {
                    KeyKind::Primitive
                } else if is_request_like_name(name) {
                    KeyKind::Object
                } else {
                    KeyKind::Unknown
                }
            }
            Expression::CallExpression(c) => match callee_name(&c.callee) {
                Some("String" | "toString" | "stringify" | "join" | "toLowerCase" | "toUpperCase" | "trim") => {
                    KeyKind::Primitive
                }
                _ => KeyKind::Unknown,
            },
            _ => KeyKind::Unknown,
        }
    }

    fn stored_raw(&self, expr: &Expression<'a>) -> StoredRaw {
        let inner = unwrap_bind(expr.get_inner_expression());
        let mut stored = StoredRaw::default();
        match inner {
            Expression::FunctionExpression(_) | Expression::ArrowFunctionExpression(_) => {
                stored.fn_start = Some(inner.span().start);
            }
            Expression::Identifier(id) => {
                if let Some(sym) = self.symbol_of(id) {
                    stored.fn_symbol = Some(sym);
                    stored.direct.push(sym);
                }
            }
            Expression::ObjectExpression(obj) => {
                for prop in &obj.properties {
                    if let ObjectPropertyKind::ObjectProperty(p) = prop
                        && let Expression::Identifier(id) = p.value.get_inner_expression()
                        && let Some(sym) = self.symbol_of(id)
                    {
                        stored.direct.push(sym);
                    }
                }
            }
            Expression::ArrayExpression(arr) => {
                for el in &arr.elements {
                    if let Some(Expression::Identifier(id)) = el.as_expression().map(|e| e.get_inner_expression())
                        && let Some(sym) = self.symbol_of(id)
                    {
                        stored.direct.push(sym);
                    }
                }
            }
            _ => {}
        }
        stored
    }

    /// The rate at which a callback runs when passed as argument `index` of `call`.
    fn callback_rate(&self, callee: &Expression<'a>, args: &[Argument<'a>], index: usize) -> Rate<'a> {
        use crate::model::Lifetime::*;
        let callee = callee.get_inner_expression();
        // IIFE-style: `(function (factory) { ... })(function () { ... })` (UMD wrappers).
        if callee.is_function() {
            return Rate::Inherit;
        }
        let method = callee_name(callee).unwrap_or("");
        let first_arg = args.first().and_then(|a| a.as_expression()).map(|e| e.get_inner_expression());
        let first_is_path = matches!(
            first_arg,
            Some(Expression::StringLiteral(_) | Expression::TemplateLiteral(_) | Expression::RegExpLiteral(_))
                | Some(Expression::ArrayExpression(_))
        );
        let callee_span = callee.span();
        // In-house frameworks named in the configuration: `registerHandler(fn)`, `router.route(path, fn)`.
        if !self.request_registrars.is_empty() {
            let callee_text = self.key_text(callee_span);
            if self.request_registrars.iter().any(|r| *r == callee_text || (!r.contains('.') && r == method)) {
                return Rate::Fixed(
                    PerRequest,
                    Reason::Owned(format!("handler passed to `{callee_text}` (a configured request registrar)")),
                );
            }
        }
        if let Expression::StaticMemberExpression(_) = callee {
            if known::ROUTE_METHODS.contains(&method)
                && index > 0
                && (first_is_path || known::MIDDLEWARE_METHODS.contains(&method))
            {
                return Rate::Fixed(PerRequest, Reason::Code("route handler passed to `{}`", callee_span));
            }
            if known::MIDDLEWARE_METHODS.contains(&method) {
                let reason = Reason::Code("middleware passed to `{}`", callee_span);
                return match args
                    .get(index)
                    .and_then(|a| a.as_expression())
                    .map(|e| unwrap_bind(e.get_inner_expression()))
                {
                    Some(Expression::FunctionExpression(f)) if f.params.items.len() >= 2 => {
                        Rate::Fixed(PerRequest, reason)
                    }
                    Some(Expression::ArrowFunctionExpression(f)) if f.params.items.len() >= 2 => {
                        Rate::Fixed(PerRequest, reason)
                    }
                    Some(Expression::Identifier(_)) => Rate::IfHandler(reason),
                    _ => Rate::Inherit,
                };
            }
            if method == "addHook"
                && let Some(Expression::StringLiteral(s)) = first_arg
                && known::PER_REQUEST_HOOKS.contains(&s.value.as_str())
            {
                return Rate::Fixed(PerRequest, Reason::Named("`{}` hook", Cow::Borrowed(s.value.as_str())));
            }
        }
        if known::SERVER_FACTORIES.contains(&method) {
            return Rate::Fixed(PerRequest, Reason::Code("request handler passed to `{}`", callee_span));
        }
        if known::is_add_listener(method) && method != "once" && method != "prependOnceListener" {
            let event = match first_arg {
                Some(Expression::StringLiteral(s)) => Some(s.value.as_str()),
                _ => None,
            };
            // `process.on('message')` is IPC from the parent process, not a client request.
            let on_process = matches!(callee, Expression::StaticMemberExpression(m)
                if matches!(m.object.get_inner_expression(), Expression::Identifier(o) if o.name == "process"));
            return match event {
                Some(e) if known::REQUEST_EVENTS.contains(&e) && !on_process => {
                    Rate::Fixed(PerRequest, Reason::Owned(format!("`{e}` handler on `{}`", self.key_text(callee_span))))
                }
                Some(e) => Rate::Fixed(Repeatable, Reason::Named("`{}` listener", Cow::Borrowed(e))),
                None => Rate::Fixed(Repeatable, Reason::Text("event listener")),
            };
        }
        if method == "setInterval" {
            return Rate::Fixed(Repeatable, Reason::Text("`setInterval` callback"));
        }
        if known::SAME_RATE_CALLERS.contains(&method) {
            return Rate::Inherit;
        }
        Rate::Fixed(Repeatable, Reason::Code("callback passed to `{}`", callee_span))
    }

    /// Register the rate of a function or function-valued identifier passed as an argument.
    fn register_argument(&mut self, expr: &Expression<'a>, rate: Rate<'a>) {
        let inner = expr.get_inner_expression();
        let target = unwrap_bind(inner);
        if target.is_function() {
            if !std::ptr::eq(target, inner) {
                self.fn_binds_this.insert(target.span().start);
            }
            self.fn_usage.insert(target.span().start, Usage::Rate(rate));
        } else if let Expression::Identifier(id) = target {
            self.ident_rate.insert(id.span.start, rate);
        } else if let Expression::ObjectExpression(obj) = target {
            // `server.route({ method, url, handler })`: the handler runs per request.
            for prop in &obj.properties {
                if let ObjectPropertyKind::ObjectProperty(p) = prop
                    && let Some(key) = p.key.static_name()
                {
                    let value = unwrap_bind(p.value.get_inner_expression());
                    let prop_rate = if known::HANDLER_KEYS.contains(&key.as_ref()) {
                        Rate::Fixed(
                            crate::model::Lifetime::PerRequest,
                            Reason::Owned(format!("`{key}` of a route definition")),
                        )
                    } else {
                        rate.clone()
                    };
                    if value.is_function() {
                        self.fn_usage.insert(value.span().start, Usage::Rate(prop_rate));
                    } else if let Expression::Identifier(id) = value {
                        self.ident_rate.insert(id.span.start, prop_rate);
                    }
                }
            }
        }
    }

    fn guard_keys(&self, test: &Expression<'a>, keys: &mut Vec<GuardRead>, counts: &mut bool) {
        match test.get_inner_expression() {
            Expression::UnaryExpression(u) => self.guard_keys(&u.argument, keys, counts),
            Expression::LogicalExpression(l) => {
                self.guard_keys(&l.left, keys, counts);
                self.guard_keys(&l.right, keys, counts);
            }
            Expression::BinaryExpression(b) => {
                if b.operator == BinaryOperator::In
                    && let Some(p) = self.path_of(&b.right)
                {
                    keys.push(GuardRead::Membership(path_hash(&p)));
                }
                self.guard_keys(&b.left, keys, counts);
                self.guard_keys(&b.right, keys, counts);
            }
            Expression::CallExpression(c) => {
                let name = callee_name(&c.callee);
                if matches!(name, Some("listenerCount" | "listeners")) {
                    *counts = true;
                }
                // `c.has(k)`, `c.get(k)`: a lookup in `c`.
                if matches!(name, Some("has" | "get" | "includes" | "indexOf"))
                    && let Expression::StaticMemberExpression(m) = c.callee.get_inner_expression()
                    && let Some(p) = self.path_of(&m.object)
                {
                    keys.push(GuardRead::Membership(path_hash(&p)));
                }
            }
            e @ (Expression::Identifier(_)
            | Expression::StaticMemberExpression(_)
            | Expression::ComputedMemberExpression(_)
            | Expression::PrivateFieldExpression(_)) => {
                keys.push(GuardRead::Flag(e.span()));
                if let Some(m) = e.as_member_expression() {
                    if let (MemberExpression::ComputedMemberExpression(_), Some(p)) = (m, self.path_of(m.object())) {
                        keys.push(GuardRead::Membership(path_hash(&p)));
                    }
                    self.guard_keys(m.object(), keys, counts);
                }
            }
            _ => {}
        }
    }

    /// Could this argument be (or carry) a function whose rate the call decides?
    fn may_be_function(&self, expr: &Expression<'a>) -> bool {
        match unwrap_bind(expr.get_inner_expression()) {
            e if e.is_function() => true,
            Expression::ObjectExpression(_) => true,
            Expression::Identifier(id) => self.symbol_of(id).is_some_and(|s| self.holds_function(s)),
            _ => false,
        }
    }

    /// A function declaration, or a binding a function expression was assigned to (so far).
    fn holds_function(&self, symbol: SymbolId) -> bool {
        self.symbol_bits.get(symbol.index()).is_some_and(|b| b & SYMBOL_HOLDS_FUNCTION != 0)
            || self.scoping.symbol_flags(symbol).contains(SymbolFlags::Function)
    }

    /// A reference to parameter `sym` of an enclosing function: every function
    /// between that one and here captures it. Kept out of line: most references are not
    /// to an outer function's parameter, and the identifier visit is the hottest path.
    #[inline(never)]
    fn note_parameter_capture(&mut self, sym: SymbolId, declaring: FunctionId) {
        if self.functions[declaring.0 as usize].param_symbols.contains(&sym)
            && let Some(pos) = self.stack.iter().rposition(|f| *f == declaring)
        {
            for f in &self.stack[pos + 1..] {
                let captures = &mut self.functions[f.0 as usize].captures;
                if !captures.contains(&sym) {
                    captures.push(sym);
                }
            }
        }
    }

    fn mark_symbol(&mut self, symbol: SymbolId, bit: u8) {
        if let Some(bits) = self.symbol_bits.get_mut(symbol.index()) {
            *bits |= bit;
        }
    }

    /// Enter code that runs only under condition `test`.
    fn push_guard(&mut self, test: &Expression<'a>) {
        let start = self.guard_keys_stack.len();
        let mut counts = false;
        // Taken out and put back so `guard_keys` can read `self` while filling it.
        let mut keys = std::mem::take(&mut self.guard_keys_stack);
        self.guard_keys(test, &mut keys, &mut counts);
        self.guard_keys_stack = keys;
        self.guard_frames.push((start, counts));
    }

    fn pop_guard(&mut self) {
        if let Some((start, _)) = self.guard_frames.pop() {
            self.guard_keys_stack.truncate(start);
        }
    }

    /// Is the current code inside a branch that runs only after a lookup in `target` missed?
    fn after_lookup(&self, target: &PathExpr<'a>) -> bool {
        let key = GuardRead::Membership(path_hash(target));
        self.guard_keys_stack.contains(&key)
    }

    fn handler_of(&self, expr: &Expression<'a>) -> RawHandler {
        let inner = expr.get_inner_expression();
        match inner {
            Expression::FunctionExpression(_) | Expression::ArrowFunctionExpression(_) => {
                RawHandler::Inline(Some(inner.span().start))
            }
            Expression::CallExpression(c) if callee_name(&c.callee) == Some("bind") => RawHandler::Inline(None),
            // Matched by name, not by binding: removals often go through another
            // variable of the same name (`for (const [signal, cleanup] of refs)`).
            Expression::Identifier(id) => RawHandler::Named(Name::from(id.name.as_str())),
            Expression::AssignmentExpression(a) => RawHandler::Named(self.key_text(a.left.span())),
            other => RawHandler::Named(self.key_text(other.span())),
        }
    }

    fn record_listener(&mut self, call: &CallExpression<'a>, member: &StaticMemberExpression<'a>, remove: bool) {
        // `socket.on(a, f).on(b, g)`: `on` returns its emitter, so a chain names one emitter.
        let mut receiver = member.object.get_inner_expression();
        while let Expression::CallExpression(inner) = receiver
            && let Expression::StaticMemberExpression(m) = inner.callee.get_inner_expression()
            && (known::is_listener_method(m.property.name.as_str())
                || known::RETURNS_THIS.contains(&m.property.name.as_str()))
        {
            receiver = m.object.get_inner_expression();
        }
        let Some(emitter) = self.path_of(receiver) else { return };
        let method = member.property.name.to_string();
        let args: Vec<&Expression<'a>> = call.arguments.iter().filter_map(|a| a.as_expression()).collect();
        let event = match args.first().map(|e| e.get_inner_expression()) {
            Some(Expression::StringLiteral(s)) => Some(Name::from(s.value.as_str())),
            _ => None,
        };
        let handler = match args.get(1) {
            Some(h) => self.handler_of(h),
            None if remove => RawHandler::Inline(None),
            None => return,
        };
        let auto_removed = args.get(2).is_some_and(|opts| match opts.get_inner_expression() {
            Expression::ObjectExpression(obj) => obj.properties.iter().any(|p| match p {
                ObjectPropertyKind::ObjectProperty(p) => {
                    matches!(p.key.static_name().as_deref(), Some("signal"))
                        || (matches!(p.key.static_name().as_deref(), Some("once"))
                            && matches!(p.value, Expression::BooleanLiteral(ref b) if b.value))
                }
                ObjectPropertyKind::SpreadProperty(_) => true,
            }),
            Expression::BooleanLiteral(_) => false,
            _ => true,
        });
        let guard_keys = self
            .guard_keys_stack
            .iter()
            .map(|read| match *read {
                GuardRead::Flag(at) => GuardKey::Flag(self.text_hash(at)),
                GuardRead::Membership(h) => GuardKey::Membership(h),
            })
            .collect();
        let guarded_by_count = self.guard_frames.iter().any(|(_, counts)| *counts);
        let handler = if remove && method == "removeAllListeners" { RawHandler::Inline(None) } else { handler };
        self.listeners.push(RawListener {
            emitter,
            event,
            handler,
            method: Name::from(method),
            span: span(call.span),
            func: self.current(),
            remove,
            result_used: !self.unused_results.contains(&call.span.start),
            auto_removed,
            guard_keys,
            guarded_by_count,
        });
    }

    fn record_collection_call(&mut self, call: &CallExpression<'a>, member: &StaticMemberExpression<'a>) {
        let method = member.property.name.as_str();
        // Classify by name before building the receiver's path: most calls are not on collections.
        let Some(class) = CollectionMethod::of(method) else { return };
        let Some(target) = self.path_of(&member.object) else { return };
        let args: Vec<&Expression<'a>> = call.arguments.iter().filter_map(|a| a.as_expression()).collect();
        let kind = match class {
            CollectionMethod::Write => {
                let (key, stored) = match method {
                    "set" if args.len() >= 2 => (self.key_kind(args[0]), self.stored_raw(args[1])),
                    "add" if !args.is_empty() => (self.key_kind(args[0]), self.stored_raw(args[0])),
                    "push" | "unshift" if !call.arguments.is_empty() => {
                        (KeyKind::Unknown, args.first().map(|a| self.stored_raw(a)).unwrap_or_default())
                    }
                    _ => return,
                };
                RawKind::Write { method: Name::from(method), key, stored, after_lookup: self.after_lookup(&target) }
            }
            CollectionMethod::Remove => RawKind::Remove { method: Name::from(method) },
            CollectionMethod::Iterate => RawKind::Iterate,
            CollectionMethod::Lookup => RawKind::Lookup,
        };
        self.collection_events.push(RawCollectionEvent { target, span: span(call.span), func: self.current(), kind });
    }

    fn push_collection_event(&mut self, expr: &Expression<'a>, at: oxc_span::Span, kind: RawKind) {
        if let Some(target) = self.path_of(expr) {
            self.collection_events.push(RawCollectionEvent { target, span: span(at), func: self.current(), kind });
        }
    }

    fn enter_function(
        &mut self,
        start: u32,
        fn_span: oxc_span::Span,
        scope: Option<ScopeId>,
        id: Option<&BindingIdentifier<'a>>,
        params: &FormalParameters<'a>,
        is_arrow: bool,
    ) -> FunctionId {
        let id_fn = FunctionId(self.functions.len() as u32);
        let parent = self.current();
        let mut usage = self.fn_usage.remove(&start).unwrap_or(Usage::Unknown);
        let binding = id.and_then(|b| b.symbol_id.get());
        if let (Some(sym), Usage::Unknown) = (binding, &usage) {
            usage = Usage::Binding(sym);
        }
        let named = self.fn_names.remove(&start);
        let kind = match (&named, is_arrow) {
            (Some((_, k)), _) => *k,
            (None, true) => FunctionKind::Arrow,
            (None, false) if id.is_some() => FunctionKind::Declaration,
            (None, false) => FunctionKind::Expression,
        };
        // A function expression's own name beats the key it is stored under (`value: function componentDidMount() {}`).
        let name = id.map(|b| Name::from(b.name.as_str())).or_else(|| named.map(|(n, _)| n));
        let binds_this = self.fn_binds_this.contains(&start);
        let this_owner = if is_arrow || binds_this {
            self.this_owner()
        } else if let Some(class) = self
            .class_stack
            .last()
            .copied()
            .filter(|_| matches!(kind, FunctionKind::Method | FunctionKind::Constructor | FunctionKind::Accessor))
        {
            if self.in_static_member.last().copied().unwrap_or(false) {
                ThisOwner::Static(class)
            } else {
                ThisOwner::Class(class)
            }
        } else if let Some(owner) = self.pending_proto_owner(start) {
            ThisOwner::Proto(owner)
        } else if let Some(sym) = binding.or(match usage {
            Usage::Binding(s) => Some(s),
            _ => None,
        }) {
            ThisOwner::Proto(sym)
        } else {
            ThisOwner::Function(id_fn)
        };
        let mut param_names = crate::model::Params::with_capacity(params.items.len());
        let mut param_symbols = SmallVec::with_capacity(params.items.len());
        for p in &params.items {
            match &p.pattern {
                BindingPattern::BindingIdentifier(b) => {
                    param_names.push(Name::from(b.name.as_str()));
                    if let Some(s) = b.symbol_id.get() {
                        param_symbols.push(s);
                        self.mark_symbol(s, SYMBOL_PARAM);
                    }
                }
                _ => param_names.push(Name::default()),
            }
        }
        self.functions.push(FnRec {
            model: crate::model::Function {
                id: id_fn,
                name,
                kind,
                span: span(fn_span),
                parent: Some(parent),
                params: param_names,
                lifetime: crate::model::Lifetime::Startup,
                lifetime_reason: self.empty_reason.clone(),
                entry_span: None,
                returned_bindings: Vec::new(),
                returns_value: false,
            },
            usage,
            binding,
            param_symbols,
            captures: Vec::new(),
            this_owner,
        });
        if let Some(scope) = scope
            && let Some(slot) = self.scope_to_func.get_mut(scope.index())
        {
            *slot = Some(id_fn);
        }
        self.stack.push(id_fn);
        id_fn
    }

    fn pending_proto_owner(&self, start: u32) -> Option<SymbolId> {
        self.fn_proto_owner.get(&start).copied()
    }
}

fn push_prop<'a>(base: &mut PathExpr<'a>, prop: &'a str) -> PathExpr<'a> {
    // `global.x`, `globalThis.x`, `window.x`: the property itself is the global.
    if let Root::Global(g) = &base.root
        && base.props.is_empty()
        && known::GLOBAL_OBJECTS.contains(g)
    {
        let mut p = base.clone();
        p.root = Root::Global(prop);
        p.props.push(prop);
        return p;
    }
    let mut p = base.clone();
    p.props.push(prop);
    p
}

/// `fn.bind(x)` → `fn`.
fn unwrap_bind<'b, 'a>(expr: &'b Expression<'a>) -> &'b Expression<'a> {
    if let Expression::CallExpression(c) = expr
        && let Expression::StaticMemberExpression(m) = c.callee.get_inner_expression()
        && m.property.name == "bind"
        && m.object.get_inner_expression().is_function()
    {
        return m.object.get_inner_expression();
    }
    expr
}

/// Last name of a callee: `a.b.c(...)` → `c`, `f(...)` → `f`.
fn callee_name<'b>(callee: &'b Expression<'_>) -> Option<&'b str> {
    match callee.get_inner_expression() {
        Expression::Identifier(id) => Some(id.name.as_str()),
        Expression::StaticMemberExpression(m) => Some(m.property.name.as_str()),
        Expression::ChainExpression(c) => match &c.expression {
            ChainElement::StaticMemberExpression(m) => Some(m.property.name.as_str()),
            _ => None,
        },
        _ => None,
    }
}

fn is_request_like_name(name: &str) -> bool {
    matches!(
        name,
        "req" | "request" | "res" | "response" | "ctx" | "context" | "socket" | "ws" | "conn" | "connection" | "client"
    )
}

/// `exports.x`, `module.exports`, `module.exports.x`.
fn is_exports_path(p: &PathExpr<'_>) -> bool {
    match &p.root {
        Root::Global(g) => *g == "exports" || (*g == "module" && p.props.first() == Some(&"exports")),
        _ => false,
    }
}

/// A property key's name, borrowed from the AST.
fn static_key_str<'a>(key: &PropertyKey<'a>) -> Option<&'a str> {
    match key {
        PropertyKey::StaticIdentifier(id) => Some(id.name.as_str()),
        PropertyKey::StringLiteral(s) => Some(s.value.as_str()),
        _ => None,
    }
}

// ---------------------------------------------------------------- the walk

impl<'a> Visit<'a> for Collector<'a, '_> {
    fn visit_function(&mut self, it: &Function<'a>, flags: ScopeFlags) {
        self.enter_function(it.span.start, it.span, it.scope_id.get(), it.id.as_ref(), &it.params, false);
        self.in_static_member.push(false);
        walk::walk_function(self, it, flags);
        self.in_static_member.pop();
        self.stack.pop();
    }

    fn visit_arrow_function_expression(&mut self, it: &ArrowFunctionExpression<'a>) {
        let id = self.enter_function(it.span.start, it.span, it.scope_id.get(), None, &it.params, true);
        if let Some(body) = it.body.as_expression() {
            self.functions[id.0 as usize].model.returns_value = true;
            self.note_call_result(body, calls::RawResult::Returned);
        }
        walk::walk_arrow_function_expression(self, it);
        self.stack.pop();
    }

    fn visit_class(&mut self, it: &Class<'a>) {
        let index = self.classes.len() as u32;
        self.classes.push(ClassCtx { symbol: it.id.as_ref().and_then(|b| b.symbol_id.get()) });
        self.class_stack.push(index);
        walk::walk_class(self, it);
        self.class_stack.pop();
    }

    fn visit_method_definition(&mut self, it: &MethodDefinition<'a>) {
        use crate::model::Lifetime::*;
        let name = it.key.static_name().unwrap_or(Cow::Borrowed("[computed]"));
        let (kind, rate) = match it.kind {
            MethodDefinitionKind::Constructor => {
                (FunctionKind::Constructor, Rate::Fixed(PerInstance, Reason::Text("constructor")))
            }
            MethodDefinitionKind::Get | MethodDefinitionKind::Set => {
                (FunctionKind::Accessor, Rate::Fixed(PerInstance, Reason::Named("accessor `{}`", name.clone())))
            }
            MethodDefinitionKind::Method if it.r#static => {
                (FunctionKind::Method, Rate::Fixed(Repeatable, Reason::Named("static method `{}`", name.clone())))
            }
            MethodDefinitionKind::Method => {
                (FunctionKind::Method, Rate::Fixed(PerInstance, Reason::Named("method `{}`", name.clone())))
            }
        };
        self.fn_names.insert(it.value.span.start, (Name::from(name.as_ref()), kind));
        self.fn_usage.insert(it.value.span.start, Usage::Rate(rate));
        self.in_static_member.push(it.r#static);
        walk::walk_method_definition(self, it);
        self.in_static_member.pop();
    }

    fn visit_property_definition(&mut self, it: &PropertyDefinition<'a>) {
        use crate::model::Lifetime::*;
        if let (Some(value), Some(name)) = (&it.value, it.key.static_name()) {
            let inner = value.get_inner_expression();
            if inner.is_function() {
                let rate = if it.r#static {
                    Rate::Fixed(Repeatable, Reason::Named("static method `{}`", name.clone()))
                } else {
                    Rate::Fixed(PerInstance, Reason::Named("method `{}`", name.clone()))
                };
                self.fn_names.insert(inner.span().start, (Name::from(name.as_ref()), FunctionKind::Method));
                self.fn_usage.insert(inner.span().start, Usage::Rate(rate));
            }
            if let Some(&class) = self.class_stack.last() {
                let root = match (it.r#static, self.classes[class as usize].symbol) {
                    (true, Some(sym)) => Some(Root::Symbol(sym)),
                    (true, None) => None,
                    (false, _) => Some(Root::This(ThisOwner::Class(class))),
                };
                if let (Some(root), Some(key)) = (root, static_key_str(&it.key)) {
                    let kind = self.container_kind(value);
                    let mut props = Props::new();
                    props.push(key);
                    self.assigns.push(RawAssign {
                        target: PathExpr { root, props, root_name: "this" },
                        span: span(it.span),
                        func: self.current(),
                        kind,
                        is_declaration: true,
                    });
                }
            }
        }
        self.in_static_member.push(it.r#static);
        walk::walk_property_definition(self, it);
        self.in_static_member.pop();
    }

    fn visit_static_block(&mut self, it: &StaticBlock<'a>) {
        self.in_static_member.push(true);
        walk::walk_static_block(self, it);
        self.in_static_member.pop();
    }

    fn visit_import_declaration(&mut self, it: &ImportDeclaration<'a>) {
        self.note_import_declaration(it);
        walk::walk_import_declaration(self, it);
    }

    fn visit_variable_declarator(&mut self, it: &VariableDeclarator<'a>) {
        if let Some(init) = &it.init {
            self.note_require(&it.id, init);
            if let (BindingPattern::BindingIdentifier(b), Expression::ThisExpression(_)) =
                (&it.id, init.get_inner_expression())
                && let Some(sym) = b.symbol_id.get()
                && !self.scoping.symbol_is_mutated(sym)
            {
                let owner = self.this_owner();
                self.this_aliases.insert(sym, owner);
            }
            if let BindingPattern::BindingIdentifier(b) = &it.id {
                let name = b.name.as_str();
                self.note_call_result(init, calls::RawResult::StoredIn(name));
            }
        }
        if let (BindingPattern::BindingIdentifier(b), Some(init)) = (&it.id, &it.init)
            && let Some(sym) = b.symbol_id.get()
        {
            let inner = unwrap_bind(init.get_inner_expression());
            if inner.is_function() {
                self.mark_symbol(sym, SYMBOL_HOLDS_FUNCTION);
                self.fn_usage.insert(inner.span().start, Usage::Binding(sym));
                self.fn_names.entry(inner.span().start).or_insert_with(|| {
                    let kind = if matches!(inner, Expression::ArrowFunctionExpression(_)) {
                        FunctionKind::Arrow
                    } else {
                        FunctionKind::Expression
                    };
                    (Name::from(b.name.as_str()), kind)
                });
            }
            let root_name = b.name.as_str();
            if self.scoping.symbol_flags(sym).contains(SymbolFlags::ConstVariable)
                && matches!(
                    init.get_inner_expression(),
                    Expression::StringLiteral(_) | Expression::NumericLiteral(_) | Expression::BooleanLiteral(_)
                )
            {
                self.constant_symbols.insert(sym);
            }
            let kind = self.container_kind(init);
            if kind == ContainerKind::Object {
                self.dictionary_symbols.insert(sym);
            }
            let func = self.current();
            self.assigns.push(RawAssign {
                target: PathExpr { root: Root::Symbol(sym), props: Props::new(), root_name },
                span: span(it.span),
                func,
                kind,
                is_declaration: true,
            });
            // Containers nested one level in an object literal: `const state = { items: [] }`.
            if let Expression::ObjectExpression(obj) = init.get_inner_expression() {
                for prop in &obj.properties {
                    if let ObjectPropertyKind::ObjectProperty(p) = prop
                        && let Some(key) = static_key_str(&p.key)
                    {
                        let kind = self.container_kind(&p.value);
                        if kind != ContainerKind::Unknown {
                            let mut props = Props::new();
                            props.push(key);
                            self.assigns.push(RawAssign {
                                target: PathExpr { root: Root::Symbol(sym), props, root_name },
                                span: span(p.span),
                                func,
                                kind,
                                is_declaration: true,
                            });
                        }
                    }
                }
            }
        }
        walk::walk_variable_declarator(self, it);
    }

    fn visit_assignment_expression(&mut self, it: &AssignmentExpression<'a>) {
        use crate::model::Lifetime::*;
        match &it.left {
            AssignmentTarget::AssignmentTargetIdentifier(id) => self.note_implicit_global(id),
            AssignmentTarget::StaticMemberExpression(m) => self.note_global_property_write(m),
            _ => {}
        }
        let left_span = it.left.span();
        self.note_call_result(&it.right, calls::RawResult::StoredAt(left_span));
        let target_path = match &it.left {
            AssignmentTarget::AssignmentTargetIdentifier(id) => match self.symbol_of(id) {
                Some(sym) => {
                    Some(PathExpr { root: Root::Symbol(sym), props: Props::new(), root_name: id.name.as_str() })
                }
                None => Some(PathExpr {
                    root: Root::Global(id.name.as_str()),
                    props: Props::new(),
                    root_name: id.name.as_str(),
                }),
            },
            AssignmentTarget::ComputedMemberExpression(m) => {
                if it.operator == AssignmentOperator::Assign {
                    self.assignment_targets.insert(m.span.start);
                }
                // `dict[key] = value` grows a dictionary unless the key is a literal.
                let logical = matches!(
                    it.operator,
                    AssignmentOperator::LogicalOr | AssignmentOperator::LogicalNullish | AssignmentOperator::LogicalAnd
                );
                if it.operator == AssignmentOperator::Assign || logical {
                    let key = self.key_kind(&m.expression);
                    if key != KeyKind::Constant
                        && let Some(target) = self.path_of(&m.object)
                    {
                        let stored = self.stored_raw(&it.right);
                        // `c[k] ||= v` only writes when the lookup missed.
                        let after_lookup = logical || self.after_lookup(&target);
                        self.collection_events.push(RawCollectionEvent {
                            target,
                            span: span(it.span),
                            func: self.current(),
                            kind: RawKind::Write { method: "[]=".into(), key, stored, after_lookup },
                        });
                    }
                }
                None
            }
            other => other.as_member_expression().and_then(|m| self.member_path(m)),
        };
        self.written_targets.push(it.left.span());
        if let Some(target) = target_path {
            // `arr.length = 0` empties an array.
            if target.props.last().is_some_and(|p| *p == "length")
                && let Some(parent) = target.parent()
            {
                self.collection_events.push(RawCollectionEvent {
                    target: parent,
                    span: span(it.span),
                    func: self.current(),
                    kind: RawKind::Remove { method: "length =".into() },
                });
            }
            let right = unwrap_bind(it.right.get_inner_expression());
            let is_proto = target.props.len() >= 2 && target.props[target.props.len() - 2] == "prototype";
            let is_proto_object = target.props.last().is_some_and(|p| *p == "prototype");
            // Only a function or a function's name takes this rate; most
            // assignments are neither, so the reason is not formatted for them.
            let takes_rate = right.is_function() || matches!(right, Expression::Identifier(_));
            let rate = if !takes_rate {
                None
            } else if is_exports_path(&target) {
                Some(Rate::Fixed(Repeatable, Reason::Owned(format!("exported as `{}`", target.text()))))
            } else if is_proto || matches!(target.root, Root::This(_)) {
                Some(Rate::Fixed(
                    PerInstance,
                    Reason::Named("method `{}`", Cow::Borrowed(target.props.last().copied().unwrap_or_default())),
                ))
            } else {
                None
            };
            let proto_owner = match &target.root {
                Root::Symbol(sym) if is_proto || is_proto_object => Some(*sym),
                _ => None,
            };
            if right.is_function() {
                if let Some(owner) = proto_owner {
                    self.fn_proto_owner.insert(right.span().start, owner);
                }
                let name = target.props.last().copied().unwrap_or(target.root_name);
                self.fn_names.entry(right.span().start).or_insert((Name::from(name), FunctionKind::Expression));
                if !std::ptr::eq(right, it.right.get_inner_expression()) {
                    self.fn_binds_this.insert(right.span().start);
                }
                match (&target.root, target.props.is_empty(), rate) {
                    (_, _, Some(rate)) => {
                        self.fn_usage.insert(right.span().start, Usage::Rate(rate));
                    }
                    (Root::Symbol(sym), true, None) => {
                        self.mark_symbol(*sym, SYMBOL_HOLDS_FUNCTION);
                        self.fn_usage.insert(right.span().start, Usage::Binding(*sym));
                    }
                    _ => {}
                }
            } else if let Expression::Identifier(id) = right
                && let Some(rate) = rate
            {
                self.ident_rate.insert(id.span.start, rate);
            } else if let Expression::ObjectExpression(obj) = right
                && (is_proto_object || is_exports_path(&target))
            {
                for prop in &obj.properties {
                    if let ObjectPropertyKind::ObjectProperty(p) = prop {
                        let value = unwrap_bind(p.value.get_inner_expression());
                        let rate = if is_proto_object {
                            Rate::Fixed(PerInstance, Reason::Text("prototype method"))
                        } else {
                            Rate::Fixed(Repeatable, Reason::Text("exported"))
                        };
                        if value.is_function() {
                            if let Some(owner) = proto_owner {
                                self.fn_proto_owner.insert(value.span().start, owner);
                            }
                            self.fn_usage.insert(value.span().start, Usage::Rate(rate));
                        } else if let Expression::Identifier(id) = value {
                            self.ident_rate.insert(id.span.start, rate);
                        }
                    }
                }
            }
            if let (Root::This(_), Expression::Identifier(id)) = (&target.root, it.right.get_inner_expression())
                && let Some(sym) = self.symbol_of(id)
            {
                self.field_aliases.push((sym, target.root.clone(), target.props.clone()));
            }
            if it.operator == AssignmentOperator::Assign {
                self.note_derivation(it);
                let kind = self.container_kind(&it.right);
                self.assigns.push(RawAssign {
                    target,
                    span: span(it.span),
                    func: self.current(),
                    kind,
                    is_declaration: false,
                });
            }
        }
        walk::walk_assignment_expression(self, it);
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        let callee = it.callee.get_inner_expression();
        // IIFE: `(function () { ... })()` and `(function () {}).call(this)`.
        if callee.is_function() {
            self.fn_usage.insert(callee.span().start, Usage::Rate(Rate::Inherit));
        } else if let Expression::StaticMemberExpression(m) = callee
            && matches!(m.property.name.as_str(), "call" | "apply")
            && m.object.get_inner_expression().is_function()
        {
            let f = m.object.get_inner_expression();
            self.fn_usage.insert(f.span().start, Usage::Rate(Rate::Inherit));
        }
        // Arguments that are functions (or name functions) get a rate from this call.
        for (i, arg) in it.arguments.iter().enumerate() {
            if let Some(expr) = arg.as_expression()
                && self.may_be_function(expr)
            {
                let rate = self.callback_rate(&it.callee, &it.arguments, i);
                self.register_argument(expr, rate);
            }
        }
        match callee {
            Expression::Identifier(id) => {
                self.ident_rate.insert(id.span.start, Rate::Inherit);
                if let Some(sym) = self.symbol_of(id) {
                    let args = it.arguments.iter().map(|a| a.as_expression().and_then(|e| self.path_of(e))).collect();
                    self.call_sites.push(CallSite { callee: sym, from: self.current(), args });
                }
            }
            Expression::StaticMemberExpression(m) => {
                let method = m.property.name.as_str();
                if matches!(method, "release" | "releaseConnection") {
                    let released = match it.arguments.first().and_then(|a| a.as_expression()) {
                        Some(arg) => self.path_of(arg),
                        None => self.path_of(&m.object),
                    };
                    if let Some(p) = released {
                        self.released.insert((p.root, p.props));
                    }
                }
                if known::is_add_listener(method) && it.arguments.len() >= 2 {
                    self.record_listener(it, m, false);
                } else if known::is_remove_listener(method) {
                    self.record_listener(it, m, true);
                } else if matches!(method, "catch" | "then" | "finally") {
                    self.note_promise_callback(m, &it.arguments);
                } else {
                    self.record_collection_call(it, m);
                }
                // Chained `.on(...).on(...)`: the inner result is not kept (only listener calls ask).
                if let Expression::CallExpression(inner) = m.object.get_inner_expression()
                    && callee_name(&inner.callee).is_some_and(known::is_listener_method)
                {
                    self.unused_results.insert(inner.span.start);
                }
                self.note_call_result(&m.object, calls::RawResult::Chained(method));
                if let Expression::Identifier(obj) = m.object.get_inner_expression()
                    && known::ENUMERATING_FUNCTIONS.iter().any(|(o, f)| obj.name == *o && method == *f)
                    && let Some(first) = it.arguments.first().and_then(|a| a.as_expression())
                {
                    self.push_collection_event(first, it.span, RawKind::Iterate);
                }
            }
            _ => {}
        }
        self.record_call(it.span, &it.callee, &it.arguments, false);
        walk::walk_call_expression(self, it);
    }

    fn visit_new_expression(&mut self, it: &NewExpression<'a>) {
        use crate::model::Lifetime::*;
        if let Expression::Identifier(id) = it.callee.get_inner_expression() {
            self.ident_rate.insert(id.span.start, Rate::Fixed(PerInstance, Reason::Text("constructor")));
        }
        let is_promise = matches!(callee_name(&it.callee), Some("Promise"));
        for arg in &it.arguments {
            if let Some(expr) = arg.as_expression()
                && self.may_be_function(expr)
            {
                let rate = if is_promise {
                    Rate::Inherit
                } else {
                    Rate::Fixed(Repeatable, Reason::Code("callback passed to `new {}`", it.callee.span()))
                };
                self.register_argument(expr, rate);
            }
        }
        self.record_call(it.span, &it.callee, &it.arguments, true);
        walk::walk_new_expression(self, it);
    }

    fn visit_expression_statement(&mut self, it: &ExpressionStatement<'a>) {
        let mut e = it.expression.get_inner_expression();
        if let Expression::AwaitExpression(a) = e {
            e = a.argument.get_inner_expression();
        }
        // Only listener calls ask whether their result is kept.
        let call = match e {
            Expression::CallExpression(call) => Some(&**call),
            Expression::ChainExpression(chain) => match &chain.expression {
                ChainElement::CallExpression(call) => Some(&**call),
                _ => None,
            },
            _ => None,
        };
        if call.and_then(|c| callee_name(&c.callee)).is_some_and(known::is_listener_method) {
            self.unused_results.insert(e.span().start);
        }
        self.note_call_result(e, calls::RawResult::Discarded);
        walk::walk_expression_statement(self, it);
    }

    fn visit_return_statement(&mut self, it: &ReturnStatement<'a>) {
        use crate::model::Lifetime::*;
        if let Some(arg) = &it.argument {
            self.note_call_result(arg, calls::RawResult::Returned);
            let inner = unwrap_bind(arg.get_inner_expression());
            if !matches!(inner, Expression::Identifier(id) if id.name == "undefined") {
                let current = self.current();
                let model = &mut self.functions[current.0 as usize].model;
                model.returns_value = true;
                match inner {
                    Expression::Identifier(id) => model.returned_bindings.push(Name::from(id.name.as_str())),
                    Expression::ThisExpression(_) => model.returned_bindings.push("this".into()),
                    _ => {}
                }
            }
            if inner.is_function() {
                self.fn_usage
                    .entry(inner.span().start)
                    .or_insert(Usage::Rate(Rate::Fixed(Repeatable, Reason::Text("returned to the caller"))));
            }
        }
        walk::walk_return_statement(self, it);
    }

    fn visit_export_declaration(&mut self, it: &ExportDeclaration<'a>) {
        {
            match &it.declaration {
                Declaration::FunctionDeclaration(f) => {
                    if let Some(sym) = f.id.as_ref().and_then(|b| b.symbol_id.get()) {
                        self.exported.insert(sym);
                    }
                }
                Declaration::VariableDeclaration(v) => {
                    for d in &v.declarations {
                        if let BindingPattern::BindingIdentifier(b) = &d.id
                            && let Some(sym) = b.symbol_id.get()
                        {
                            self.exported.insert(sym);
                        }
                    }
                }
                Declaration::ClassDeclaration(c) => {
                    if let Some(sym) = c.id.as_ref().and_then(|b| b.symbol_id.get()) {
                        self.exported.insert(sym);
                    }
                }
                _ => {}
            }
        }
        walk::walk_export_declaration(self, it);
    }

    fn visit_export_default_declaration(&mut self, it: &ExportDefaultDeclaration<'a>) {
        use crate::model::Lifetime::*;
        match &it.declaration {
            ExportDefaultDeclarationKind::FunctionDeclaration(f) => {
                if let Some(sym) = f.id.as_ref().and_then(|b| b.symbol_id.get()) {
                    self.exported.insert(sym);
                } else {
                    self.fn_usage
                        .insert(f.span.start, Usage::Rate(Rate::Fixed(Repeatable, Reason::Text("default export"))));
                }
            }
            other => {
                if let Some(expr) = other.as_expression() {
                    let inner = expr.get_inner_expression();
                    if inner.is_function() {
                        self.fn_usage.insert(
                            inner.span().start,
                            Usage::Rate(Rate::Fixed(Repeatable, Reason::Text("default export"))),
                        );
                    } else if let Expression::Identifier(id) = inner {
                        self.ident_rate.insert(id.span.start, Rate::Fixed(Repeatable, Reason::Text("default export")));
                    }
                }
            }
        }
        walk::walk_export_default_declaration(self, it);
    }

    fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
        // Taken before anything else so entries for globals (`Array.prototype`)
        // do not pile up: the map stays nearly empty and the check cheap.
        let given = if self.ident_rate.is_empty() { None } else { self.ident_rate.remove(&it.span.start) };
        let Some(sym) = self.symbol_of(it) else { return };
        let bits = self.symbol_bits.get(sym.index()).copied().unwrap_or(0);
        // Only parameters can be request-scoped (`req`, `res`), and captures are only
        // asked about those: skip the walk for every other outer binding.
        if bits & SYMBOL_PARAM != 0 {
            let declaring = self.declaring_function(sym);
            if declaring != self.current() {
                self.note_parameter_capture(sym, declaring);
            }
        }
        // Only references to functions decide lifetimes; `var f = function` declared
        // after its use is also a Function-less variable, so keep every variable
        // reference that a parent gave a rate to.
        let rate = match given {
            Some(rate) => rate,
            None if bits & SYMBOL_HOLDS_FUNCTION != 0
                || self.scoping.symbol_flags(sym).contains(SymbolFlags::Function) =>
            {
                Rate::Fixed(crate::model::Lifetime::Repeatable, Reason::Text("referenced as a value"))
            }
            None => return,
        };
        let from = self.current();
        self.fn_refs.push(FnRef { symbol: sym, from, rate });
    }

    fn visit_computed_member_expression(&mut self, it: &ComputedMemberExpression<'a>) {
        // `dict[key]` read with a computed key: a lookup (memoisation reads before it writes).
        // Only dictionaries can be memo caches: a local binding must have been made one
        // (`{}`, `Object.create(null)`); members (`this.cache[k]`) are kept as they come.
        let maybe_dictionary = match it.object.get_inner_expression() {
            Expression::Identifier(id) => self.symbol_of(id).is_some_and(|s| self.dictionary_symbols.contains(&s)),
            _ => true,
        };
        if maybe_dictionary
            && !self.assignment_targets.contains(&it.span.start)
            && !matches!(
                it.expression.get_inner_expression(),
                Expression::StringLiteral(_) | Expression::NumericLiteral(_)
            )
        {
            self.push_collection_event(&it.object, it.span, RawKind::Lookup);
        }
        walk::walk_computed_member_expression(self, it);
    }

    fn visit_static_member_expression(&mut self, it: &StaticMemberExpression<'a>) {
        // `F.prototype` names a constructor: `F` runs once per instance.
        if it.property.name == "prototype"
            && let Expression::Identifier(id) = it.object.get_inner_expression()
            && self.symbol_of(id).is_some()
        {
            self.ident_rate
                .insert(id.span.start, Rate::Fixed(crate::model::Lifetime::PerInstance, Reason::Text("constructor")));
        }
        walk::walk_static_member_expression(self, it);
    }

    fn visit_object_property(&mut self, it: &ObjectProperty<'a>) {
        use crate::model::Lifetime::*;
        let value = unwrap_bind(it.value.get_inner_expression());
        if value.is_function()
            && let Some(name) = it.key.static_name()
        {
            let start = value.span().start;
            self.fn_usage.entry(start).or_insert_with(|| {
                Usage::Rate(Rate::Fixed(Repeatable, Reason::Named("method `{}` of an object", name.clone())))
            });
            self.fn_names.entry(start).or_insert_with(|| (Name::from(name.as_ref()), FunctionKind::Method));
        }
        walk::walk_object_property(self, it);
    }

    fn visit_unary_expression(&mut self, it: &UnaryExpression<'a>) {
        if it.operator == UnaryOperator::Delete
            && let Some(m) = it.argument.get_inner_expression().as_member_expression()
        {
            let object = m.object();
            self.push_collection_event(object, it.span, RawKind::Remove { method: "delete".into() });
        }
        walk::walk_unary_expression(self, it);
    }

    fn visit_binary_expression(&mut self, it: &BinaryExpression<'a>) {
        if it.operator == BinaryOperator::In {
            self.push_collection_event(&it.right, it.span, RawKind::Lookup);
        }
        if it.operator.is_compare() || it.operator.is_equality() {
            for side in [&it.left, &it.right] {
                if let Expression::StaticMemberExpression(m) = side.get_inner_expression()
                    && matches!(m.property.name.as_str(), "size" | "length")
                {
                    let object = &m.object;
                    self.push_collection_event(object, it.span, RawKind::SizeCheck);
                }
            }
        }
        walk::walk_binary_expression(self, it);
    }

    fn visit_for_of_statement(&mut self, it: &ForOfStatement<'a>) {
        self.push_collection_event(&it.right, it.right.span(), RawKind::Iterate);
        walk::walk_for_of_statement(self, it);
    }

    fn visit_for_in_statement(&mut self, it: &ForInStatement<'a>) {
        self.push_collection_event(&it.right, it.right.span(), RawKind::Iterate);
        walk::walk_for_in_statement(self, it);
    }

    fn visit_spread_element(&mut self, it: &SpreadElement<'a>) {
        self.push_collection_event(&it.argument, it.span, RawKind::Iterate);
        walk::walk_spread_element(self, it);
    }

    fn visit_try_statement(&mut self, it: &TryStatement<'a>) {
        self.note_try(it);
        walk::walk_try_statement(self, it);
    }

    fn visit_if_statement(&mut self, it: &IfStatement<'a>) {
        self.visit_expression(&it.test);
        self.push_guard(&it.test);
        self.visit_statement(&it.consequent);
        if let Some(alt) = &it.alternate {
            self.visit_statement(alt);
        }
        self.pop_guard();
    }

    fn visit_conditional_expression(&mut self, it: &ConditionalExpression<'a>) {
        self.visit_expression(&it.test);
        self.push_guard(&it.test);
        self.visit_expression(&it.consequent);
        self.visit_expression(&it.alternate);
        self.pop_guard();
    }

    fn visit_logical_expression(&mut self, it: &LogicalExpression<'a>) {
        // `initialized || server.on(...)`: the right side only runs under a condition.
        self.visit_expression(&it.left);
        self.push_guard(&it.left);
        self.visit_expression(&it.right);
        self.pop_guard();
    }

    fn visit_statements(&mut self, it: &oxc_allocator::Vec<'a, Statement<'a>>) {
        // `if (done) return;` guards every statement after it in the same list.
        let depth = self.guard_frames.len();
        for stmt in it {
            self.visit_statement(stmt);
            if let Statement::IfStatement(s) = stmt
                && s.alternate.is_none()
                && exits(&s.consequent)
            {
                self.push_guard(&s.test);
            }
        }
        while self.guard_frames.len() > depth {
            self.pop_guard();
        }
    }
}

/// A statement that always leaves the enclosing function or loop.
fn exits(stmt: &Statement<'_>) -> bool {
    match stmt {
        Statement::ReturnStatement(_) | Statement::ThrowStatement(_) => true,
        Statement::BlockStatement(b) => b.body.last().is_some_and(exits),
        _ => false,
    }
}

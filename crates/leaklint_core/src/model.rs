//! The lifetime model and leak facts of one file.
//!
//! Everything here is plain data computed by the core from oxc's AST and
//! semantic model. Rules ask this model questions ("does this function run
//! per request?", "is this Map long-lived?", "is it ever cleared?") instead
//! of re-deriving them from syntax.

use crate::span::Span;

/// A short name from the code (parameter, method, callee, access path). Names
/// up to 24 bytes are stored inline, so building a model allocates far less.
pub type Name = compact_str::CompactString;

/// Index into [`FileModel::functions`]. `FunctionId(0)` is the module's top level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FunctionId(pub u32);

impl FunctionId {
    pub const MODULE: FunctionId = FunctionId(0);
}

/// Index into [`FileModel::values`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ValueId(pub u32);

/// How often a function's body runs.
///
/// Ordered by how much it repeats: a function nested in another runs at
/// least as often as its parent, so lifetimes only ever move up this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lifetime {
    /// Once, while the module loads (top level and code only reached from it).
    Startup,
    /// An exported or otherwise escaping function: callers may run it any number of times.
    Repeatable,
    /// Once per object: constructors and methods.
    PerInstance,
    /// Once per request, connection, message or event.
    PerRequest,
}

impl Lifetime {
    pub fn runs_repeatedly(self) -> bool {
        self != Lifetime::Startup
    }

    pub fn describe(self) -> &'static str {
        match self {
            Lifetime::Startup => "once at start-up",
            Lifetime::Repeatable => "on every call",
            Lifetime::PerInstance => "once per instance",
            Lifetime::PerRequest => "once per request",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionKind {
    Module,
    Declaration,
    Expression,
    Arrow,
    Method,
    Constructor,
    Accessor,
}

/// A function's parameter names, inline for the common three or fewer.
pub type Params = smallvec::SmallVec<[Name; 3]>;

#[derive(Debug, Clone)]
pub struct Function {
    pub id: FunctionId,
    pub name: Option<Name>,
    pub kind: FunctionKind,
    /// The whole function.
    pub span: Span,
    pub parent: Option<FunctionId>,
    pub params: Params,
    pub lifetime: Lifetime,
    /// Why the lifetime was chosen, for messages: "route handler passed to `app.get`".
    pub lifetime_reason: std::sync::Arc<str>,
    /// Where the per-request entry point is (the handler itself or the function
    /// that makes this one run per request), when `lifetime` is `PerRequest`.
    pub entry_span: Option<Span>,
    /// Identifiers its `return` statements hand back (`return debug`).
    pub returned_bindings: Vec<Name>,
    /// Some `return` in its body hands back a value (for an effect callback:
    /// a cleanup), or it is an arrow with an expression body.
    pub returns_value: bool,
}

/// What a tracked value was created as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    Map,
    Set,
    WeakMap,
    WeakSet,
    Array,
    /// An object literal or `Object.create(null)` used as a dictionary.
    Object,
    /// A bounded cache (`new LRU(...)`, `new QuickLRU(...)`, ...): evicts by itself.
    BoundedCache,
    /// Created somewhere we cannot see.
    Unknown,
}

impl ContainerKind {
    pub fn is_weak(self) -> bool {
        matches!(self, ContainerKind::WeakMap | ContainerKind::WeakSet)
    }

    pub fn is_collection(self) -> bool {
        matches!(self, ContainerKind::Map | ContainerKind::Set | ContainerKind::Array | ContainerKind::Object)
    }

    pub fn name(self) -> &'static str {
        match self {
            ContainerKind::Map => "Map",
            ContainerKind::Set => "Set",
            ContainerKind::WeakMap => "WeakMap",
            ContainerKind::WeakSet => "WeakSet",
            ContainerKind::Array => "array",
            ContainerKind::Object => "object",
            ContainerKind::BoundedCache => "bounded cache",
            ContainerKind::Unknown => "value",
        }
    }
}

/// Why a value outlives the code that writes to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Longevity {
    /// Declared at module scope.
    ModuleScope,
    /// Imported from another module (a module singleton).
    Imported,
    /// A property of `global`/`globalThis`/`window`, or an undeclared global.
    Global,
    /// `process` or one of its properties.
    Process,
    /// A static property of a class or a property of a module-level function.
    ClassStatic,
    /// A property of a module-level object or of a module-level instance.
    Singleton,
    /// Attached to `module.exports`/`exports`.
    Exported,
    /// The HTTP server a request arrived on (`req.socket.server`, ...).
    Server,
    /// The socket under a request; reused across requests by keep-alive.
    KeepAliveSocket,
    /// `this` inside a per-request method: the object that handles many requests.
    HandlerOwner,
    /// Handed back to a pool (`.release()`) and reused by the next borrower.
    Pooled,
    /// Declared in an enclosing function that runs less often than the writer
    /// (a factory's local captured by the per-request closure it returns).
    Captured,
    /// Named as long-lived in the configuration (`longLivedEmitters`).
    Configured,
}

impl Longevity {
    pub fn describe(self) -> &'static str {
        match self {
            Longevity::ModuleScope => "declared at module scope, so it lives as long as the process",
            Longevity::Imported => "an imported module singleton, so it lives as long as the process",
            Longevity::Global => "a global, so it lives as long as the process",
            Longevity::Process => "`process` lives as long as the process",
            Longevity::ClassStatic => "a static property, so it lives as long as the class",
            Longevity::Singleton => "a property of a module-level object, so it lives as long as the process",
            Longevity::Exported => "exported from the module, so it lives as long as the process",
            Longevity::Server => "the server outlives every request it serves",
            Longevity::KeepAliveSocket => "keep-alive sockets are reused across many requests",
            Longevity::HandlerOwner => "the object that owns this handler outlives each request",
            Longevity::Pooled => "it is released back to a pool and reused, so it outlives each borrower",
            Longevity::Captured => "declared in an enclosing function that runs less often, so every call shares it",
            Longevity::Configured => "configured as long-lived (`longLivedEmitters` in .leaklintrc.json)",
        }
    }
}

/// A container or emitter the model tracks, named by its access path.
#[derive(Debug, Clone)]
pub struct Value {
    pub id: ValueId,
    /// Access path as written, e.g. `cache`, `global.scheduledTasks`, `Foo.registry`.
    pub name: Name,
    pub kind: ContainerKind,
    /// Where it is declared or first created.
    pub decl_span: Option<Span>,
    pub longevity: Option<Longevity>,
}

/// What a key written into a collection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// A string/number literal: the same slot is overwritten, nothing grows.
    Constant,
    /// Certainly an object: `req`, `this`, a fresh `{}`/`new X()`, a function.
    Object,
    /// A string or number computed at run time.
    Primitive,
    /// Anything else.
    Unknown,
}

/// What was stored.
#[derive(Debug, Clone, Default)]
pub struct StoredValue {
    /// The stored value is a function (inline, or a local that holds one).
    pub is_function: bool,
    /// Request-scoped bindings a stored closure captures (`req`, `res`, ...).
    pub captures_request: Vec<Name>,
    /// Span of the stored closure, when it is written inline or as a local.
    pub closure_span: Option<Span>,
}

/// How a listener is identified, which decides whether it can ever be removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handler {
    /// A named function or a member path: removable with the same name.
    Named(Name),
    /// An inline function, or a fresh `.bind()`: no other code can name it.
    Inline,
}

#[derive(Debug, Clone)]
pub struct EmitterRef {
    /// Normalised access path, e.g. `process`, `this`, `req.socket`.
    pub path: Name,
    pub longevity: Option<Longevity>,
}

#[derive(Debug, Clone)]
pub enum EventKind {
    /// A collection gains an entry: `set`, `add`, `push`, `unshift`, `obj[k] = v`.
    Write {
        target: ValueId,
        method: Name,
        key: KeyKind,
        stored: StoredValue,
        /// Only runs after a lookup of the same key failed (`if (!c.has(k))`, `c[k] || (c[k] = v)`):
        /// memoisation or de-duplication, which grows with distinct keys, not with calls.
        after_lookup: bool,
    },
    /// An entry leaves: `delete`, `clear`, `splice`, `shift`, `pop`, `length = n`.
    Remove { target: ValueId, method: Name },
    /// The binding is replaced (drops everything it held, unless the new value
    /// is derived from the old one: `derived`).
    Reassign { target: ValueId, derived: Option<Derivation> },
    /// Iterated or enumerated (`for..of`, `forEach`, `keys()`, `Object.keys`, spread).
    Iterate { target: ValueId },
    /// Its size is compared against something: a bound.
    SizeCheck { target: ValueId },
    /// An entry is looked up (`get`, `has`).
    Lookup { target: ValueId },
    /// A listener is added.
    ListenerAdd {
        emitter: EmitterRef,
        event: Option<Name>,
        handler: Handler,
        method: Name,
        /// The call's result is kept (an unsubscribe function or a handle).
        result_used: bool,
        /// Registered with an `AbortSignal` or a `{ once: true }`-style option.
        auto_removed: bool,
        /// Inside a branch whose condition a flag or `listenerCount` check controls.
        guarded: bool,
        /// Request-scoped bindings an inline listener captures.
        captures_request: Vec<Name>,
    },
    /// A listener is removed; `handler` is `None` for `removeAllListeners`
    /// (and `Some(Handler::Inline)` for a fresh function, which removes nothing).
    ListenerRemove { emitter_path: Name, event: Option<Name>, handler: Option<Handler>, method: Name },
}

impl EventKind {
    /// The value a collection event touches; `None` for listener events.
    pub fn target(&self) -> Option<ValueId> {
        match self {
            EventKind::Write { target, .. }
            | EventKind::Remove { target, .. }
            | EventKind::Reassign { target, .. }
            | EventKind::Iterate { target }
            | EventKind::SizeCheck { target }
            | EventKind::Lookup { target } => Some(*target),
            EventKind::ListenerAdd { .. } | EventKind::ListenerRemove { .. } => None,
        }
    }
}

/// How a replacement value is built from the value it replaces (`x = <from x>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Derivation {
    /// `x = x.method(...)`: `x.child(...)`, `x.concat(y)`, `x.slice(-100)`.
    Method(String),
    /// `x = Object.create(x)`: the old value becomes the new one's prototype.
    Prototype,
    /// `x = [...x, y]` (or `[y, ...x]`).
    ArraySpread,
    /// `x = { ...x, k: v }`; `dynamic_key` when some key is computed at run time (`[id]: v`).
    ObjectSpread { dynamic_key: bool },
}

#[derive(Debug, Clone)]
pub struct Event {
    pub span: Span,
    /// The function whose body contains the event.
    pub func: FunctionId,
    pub kind: EventKind,
}

/// Everything the rules know about one file.
#[derive(Debug, Clone, Default)]
pub struct FileModel {
    pub functions: Vec<Function>,
    pub values: Vec<Value>,
    pub events: Vec<Event>,
    /// Comments that mention `leaklint-` (suppression directives), in source order.
    pub directive_comments: Vec<Comment>,
    /// Calls the rules look at (timers, factories, memoisers, subscriptions,
    /// hooks), in source order.
    pub calls: Vec<Call>,
    /// Assignments to undeclared identifiers (implicit globals in sloppy code).
    pub implicit_globals: Vec<ImplicitGlobal>,
    /// The file is an ES module or starts with `"use strict"`.
    pub strict: bool,
    /// Modules the file imports or requires, sorted, without duplicates.
    pub imported_modules: Vec<String>,
    /// `catch`/`finally` clauses and promise `.catch`/`.then(_, f)`/`.finally` callbacks, in the order
    /// the walk meets them (in a chain, the outer call first).
    pub outcomes: Vec<Outcome>,
    /// Indexes of `events` grouped by the value they touch, in event order.
    /// Rules ask for a value's events often; scanning every event each time
    /// was quadratic in big files.
    pub(crate) events_by_value: crate::grouped::Grouped,
}

/// Code that runs only when something fails, or whatever happens: a `try`
/// statement's `catch`/`finally` clause, or a promise's rejection or `finally` callback.
#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    /// The code that runs: the clause, or the callback argument (an inline function or a name).
    pub span: Span,
    /// The function the clause or the call is written in.
    pub func: FunctionId,
    pub kind: OutcomeKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeKind {
    /// `catch (e) { ... }`, guarding `try_block`.
    Catch { try_block: Span },
    /// `.catch(f)` or `.then(ok, f)`: runs when the promise `receiver` rejects.
    Rejection { receiver: Span },
    /// `finally { ... }` or `.finally(f)`: runs on every outcome.
    Finally,
}

/// An assignment to an identifier no scope declares (`name` is `x`), or to a
/// property of the global object (`name` is `global.x`, `window.x`).
#[derive(Debug, Clone)]
pub struct ImplicitGlobal {
    pub span: Span,
    pub func: FunctionId,
    pub name: Name,
}

/// A call (or `new`) the rules look at.
#[derive(Debug, Clone)]
pub struct Call {
    /// The whole call expression.
    pub span: Span,
    pub callee_span: Span,
    /// The function whose body makes the call.
    pub func: FunctionId,
    /// The callee as written, whitespace removed: `setInterval`, `ajv.compile`, `_.memoize`.
    pub callee: Name,
    /// The callee's last name: `compile` for `ajv.compile`.
    pub name: Name,
    /// Where the callee comes from when its root is an import or `require`.
    pub import: Option<Import>,
    pub is_new: bool,
    /// What happens to the result.
    pub result: ResultUse,
    pub args: Vec<Arg>,
    /// Inside an `if`, `?:`, `&&`/`||` branch: it may not run every time.
    pub conditional: bool,
}

impl Call {
    /// From the start of the call to the end of its callee (`new Ajv`, `memoize`):
    /// what a finding underlines, without a multi-line argument list.
    pub fn head_span(&self) -> Span {
        Span::new(self.span.start, self.callee_span.end)
    }
}

/// An imported binding: `import Ajv from "ajv"` is `{ module: "ajv", export: "default" }`;
/// `const _ = require("lodash"); _.memoize` is `{ module: "lodash", export: "memoize" }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub module: Name,
    pub export: Name,
}

/// Where a call's result goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultUse {
    /// An expression statement: nobody keeps it.
    Discarded,
    /// Stored in a binding or property, by access path (`timer`, `this.timer`).
    Stored(Name),
    /// Returned to the caller.
    Returned,
    /// A method is called on it right away (`setInterval(...).unref()`).
    Chained(Name),
    /// Passed on or used some other way.
    Other,
}

/// An argument of a [`Call`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// An inline function.
    Function(FunctionId),
    /// An object literal, with its static keys and whether it spreads another object.
    Object { keys: Vec<Name>, spread: bool },
    /// A variable or member path (`tick`, `this.onClose`, `opts.name`).
    Path(Name),
    /// A string, number or other literal, or a template without expressions.
    Literal,
    /// A string built at run time (template with expressions, concatenation).
    Dynamic,
    /// Anything else.
    Other,
}

/// A source comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Comment {
    /// The whole comment, delimiters included.
    pub span: Span,
    /// The text between the delimiters.
    pub content: Span,
    /// `/* ... */` rather than `// ...`.
    pub block: bool,
}

impl FileModel {
    pub fn function(&self, id: FunctionId) -> &Function {
        &self.functions[id.0 as usize]
    }

    pub fn value(&self, id: ValueId) -> &Value {
        &self.values[id.0 as usize]
    }

    /// Events that touch `target` (writes, removals, reassignments, iteration, bounds), in order.
    pub fn events_on(&self, target: ValueId) -> impl Iterator<Item = &Event> {
        self.events_by_value.get(target.0 as usize).iter().map(|&i| &self.events[i as usize])
    }

    /// Build the index behind `events_on`; call again after changing `events` or `values`.
    pub fn index_events(&mut self) {
        let targets = self.events.iter().enumerate().filter_map(|(i, e)| Some((e.kind.target()?.0 as usize, i as u32)));
        self.events_by_value = crate::grouped::Grouped::new(self.values.len(), targets);
    }

    /// True when some code removes entries from `target`, replaces it, or checks its size.
    pub fn is_drained_or_bounded(&self, target: ValueId) -> bool {
        self.events_on(target).any(|e| {
            matches!(e.kind, EventKind::Remove { .. } | EventKind::Reassign { .. } | EventKind::SizeCheck { .. })
        })
    }

    pub fn is_iterated(&self, target: ValueId) -> bool {
        self.events_on(target).any(|e| matches!(e.kind, EventKind::Iterate { .. }))
    }
}

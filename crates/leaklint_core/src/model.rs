//! What the model knows about a package, as plain data the rules read.
//!
//! A [`Package`] holds every checked file's functions, the values that flow
//! between them (collections, emitters, timers, instances, functions), and the
//! events that matter for leaks (a collection grows or shrinks, a listener is
//! added or removed, a timer is cleared), with each function's *lifetime*
//! (how often it runs, and the evidence for it) decided over the call graph of
//! the whole package. Rules see one file at a time through a [`FileModel`],
//! but every question they ask ("is this listener ever removed?", "does this
//! Map outlive the code writing to it?") is answered for the package.
//! `docs/model.md` describes how it is computed.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use smallvec::SmallVec;

use crate::span::Span;

/// A short name from the code (parameter, method, callee, access path). Names
/// up to 24 bytes are stored inline, so building a model allocates far less.
pub type Name = compact_str::CompactString;

/// Index into [`Package::files`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// Index into [`Package::functions`]. Each file's module top level is a function too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FunctionId(pub u32);

/// Index into [`Package::values`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ValueId(pub u32);

/// Index into [`Package::events`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(pub u32);

/// A place in a file of the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Site {
    pub file: FileId,
    pub span: Span,
}

/// Values a location may hold, few enough to keep inline.
pub type Values = SmallVec<[ValueId; 2]>;

/// How often a function's body runs.
///
/// Ordered by how much it repeats, so a function takes the largest rate any
/// of its callers or registrations gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lifetime {
    /// Once, while the module loads (top level and code only reached from it).
    Startup,
    /// Any number of times: callbacks of intervals and events, exported functions.
    Repeatable,
    /// Once per object: constructors and methods of classes whose instances
    /// are built by code we cannot see.
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
pub type Params = SmallVec<[Name; 3]>;

#[derive(Debug, Clone)]
pub struct Function {
    pub id: FunctionId,
    pub file: FileId,
    pub name: Option<Name>,
    pub kind: FunctionKind,
    /// The whole function.
    pub span: Span,
    pub parent: Option<FunctionId>,
    pub params: Params,
    /// Property names it is stored under besides its own (`debug.destroy = destroy`).
    pub stored_as: Params,
    /// Parameters its code calls (`cb(err)`, `next()`): callbacks its caller handed in.
    pub called_params: Params,
    /// The largest rate anything gives it.
    pub lifetime: Lifetime,
    /// The lifetime rests on a chain of evidence (a route registration, an
    /// interval, a call from such code), not on an assumption (an exported
    /// function whose callers are outside the checked code).
    pub proven: bool,
    /// The rate comes through a place the analysis lost track of (a value that overflowed its
    /// places, a chain of more than six calls): nothing it does is evidence for a finding.
    pub lost: bool,
    /// Why it has its lifetime, rendered by [`Package::lifetime_reason`].
    pub(crate) why: Why,
    /// The per-request (or repeating) entry point the lifetime comes from, when
    /// it is another function: the route handler, the interval callback.
    pub entry: Option<Site>,
    /// Some `return` hands back a value (for an effect callback: its cleanup),
    /// or it is an arrow with an expression body.
    pub returns_value: bool,
    /// What its `return` statements may hand back.
    pub returns: Values,
    /// The function is a class, ES5 or compiled constructor (`new F()`, `F.prototype.m = ...`).
    pub is_constructor: bool,
    /// The code is strict: a module, `"use strict"` in it or in an enclosing function, a class body.
    pub strict: bool,
}

impl Function {
    /// The names callers know it by: its own and the properties it is stored under.
    pub fn known_as(&self) -> impl Iterator<Item = &str> {
        self.name.iter().chain(self.stored_as.iter()).map(|n| n.as_str())
    }
}

/// Why a function has its lifetime.
#[derive(Debug, Clone)]
pub(crate) enum Why {
    /// A module's top level, or code nothing calls.
    TopLevel,
    /// A registration or shape that fixes the rate: "route handler passed to `app.get`".
    Fixed(Arc<str>),
    /// Called (or constructed) from another function, at `site`.
    CalledFrom { caller: FunctionId, site: Site },
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
    /// Anything else: an instance, a function, something made by a library.
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

/// Where a value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A function (as an object: `fn.cache = {}`).
    Function(FunctionId),
    /// The instances a constructor builds (one abstract object for all of
    /// them, which is also the prototype its methods live on).
    Instance(FunctionId),
    /// Created by code in `func`: a literal, `new X()`, or the result of a
    /// call into code we cannot see. One value per place in the code.
    Created { func: FunctionId },
    /// The global object (`globalThis`, `window`, `global`, `self`).
    GlobalObject,
    /// A module's `module` object or its `exports`.
    Module(FileId),
    /// An imported npm package or Node built-in, or a member of one (`events`, `lodash.memoize`).
    Package { module: Name, path: SmallVec<[Name; 2]> },
    /// What callers we cannot see pass as parameter `index` of `func`.
    Parameter { func: FunctionId, index: u32 },
    /// A property of a value we know nothing more about (`req.socket`, `process.stdout`).
    Property { base: ValueId, name: Name },
    /// A `.bind()` result: a new function each time.
    Bound,
}

/// A value the model follows: a collection, an emitter, a timer, an instance,
/// a function, anything the rules ask about.
#[derive(Debug, Clone)]
pub struct Value {
    pub id: ValueId,
    /// A name for messages: the variable or property it was first stored in
    /// (`cache`, `this.sessions`), or how it was made.
    pub name: Name,
    pub kind: ContainerKind,
    pub origin: Origin,
    /// Where it is created or declared.
    pub decl: Option<Site>,
}

/// Why a value outlives the code that touches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Longevity {
    /// Created at a module's top level.
    ModuleScope,
    /// Imported from another module (a module singleton).
    Imported,
    /// A property of `global`/`globalThis`/`window`, or an undeclared global.
    Global,
    /// `process` or one of its properties.
    Process,
    /// A static property of a class or a property of a module-level function.
    ClassStatic,
    /// A property of a module-level object or of an instance built once.
    Singleton,
    /// Attached to `module.exports`/`exports`.
    Exported,
    /// The HTTP server a request arrived on (`req.socket.server`, ...).
    Server,
    /// The socket under a request; reused across requests by keep-alive.
    KeepAliveSocket,
    /// The object whose method runs per request: it outlives each request.
    HandlerOwner,
    /// Handed back to a pool (`.release()`) and reused by the next borrower.
    Pooled,
    /// Created in an enclosing function that runs less often than the writer
    /// (a factory's local captured by the per-request closure it returns).
    Captured,
    /// Created by code that runs less often than the code that uses it.
    CreatedLessOften,
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
            Longevity::Singleton => "a property of an object created once, so it lives as long as the process",
            Longevity::Exported => "exported from the module, so it lives as long as the process",
            Longevity::Server => "the server outlives every request it serves",
            Longevity::KeepAliveSocket => "keep-alive sockets are reused across many requests",
            Longevity::HandlerOwner => "the object that owns this handler outlives each request",
            Longevity::Pooled => "it is released back to a pool and reused, so it outlives each borrower",
            Longevity::Captured => "declared in an enclosing function that runs less often, so every call shares it",
            Longevity::CreatedLessOften => "created by code that runs less often than this, so every run shares it",
            Longevity::Configured => "configured as long-lived (`longLivedEmitters` in .leaklintrc.json)",
        }
    }
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
    /// Request-scoped bindings the stored value is or captures (`req`, `res`, ...).
    pub captures_request: Vec<Name>,
    /// Span of the stored closure, when it is written in this file.
    pub closure_span: Option<Span>,
    /// The values stored.
    pub values: Values,
}

/// A listener function as the model sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handler {
    /// As written (`onClose`, `this.onKey`); empty for an inline function.
    pub text: Name,
    /// The function values it may be.
    pub values: Values,
    /// Written inline, or a fresh `.bind()`: no other code can name it.
    pub inline: bool,
}

/// The emitter a listener call is made on.
#[derive(Debug, Clone)]
pub struct EmitterRef {
    /// As written, e.g. `process`, `this`, `req.socket`.
    pub path: Name,
    pub values: Values,
    /// Why it outlives the function that adds the listener, if it does.
    pub longevity: Option<Longevity>,
}

#[derive(Debug, Clone)]
pub enum EventKind {
    /// A collection gains an entry: `set`, `add`, `push`, `unshift`, `obj[k] = v`.
    Write {
        target: ValueId,
        /// Why the collection outlives the writing function, if it does.
        longevity: Option<Longevity>,
        method: Name,
        key: KeyKind,
        /// The key as written, whitespace removed (`req.id`).
        key_text: Option<Name>,
        stored: StoredValue,
        /// Only runs after a lookup of the same key failed (`if (!c.has(k))`, `c[k] || (c[k] = v)`):
        /// memoisation or de-duplication, which grows with distinct keys, not with calls.
        after_lookup: bool,
        /// The collection as written here (`this.sessions`).
        path: Name,
    },
    /// An entry leaves: `delete`, `clear`, `splice`, `shift`, `pop`, `length = n`.
    Remove {
        target: ValueId,
        method: Name,
        /// The key as written, for `delete`.
        key_text: Option<Name>,
        /// Inside a branch that checks the collection's size (`if (m.size > N) m.delete(...)`): a bound.
        under_size_check: bool,
    },
    /// The location holding it is given another value, which drops it (unless the
    /// new value is derived from the old one: `derived`).
    Reassign {
        target: ValueId,
        derived: Option<Derivation>,
        path: Name,
        longevity: Option<Longevity>,
        /// The variable or property replaced, one id per place in the package:
        /// replacements with the same slot replace the same thing.
        slot: Option<u32>,
    },
    /// Iterated or enumerated (`for..of`, `forEach`, `keys()`, `Object.keys`, spread).
    Iterate { target: ValueId },
    /// Its size is compared against something: a bound.
    SizeCheck { target: ValueId },
    /// An entry is looked up (`get`, `has`).
    Lookup { target: ValueId },
    /// A timer is stopped (`clearInterval(t)`, `t.close()`).
    TimerClear { target: ValueId },
    /// Handed back to a pool (`x.release()`, `pool.release(x)`).
    Release { target: ValueId },
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
        /// Request-scoped bindings the listener captures.
        captures_request: Vec<Name>,
        /// Removals anywhere in the package that take this listener off again.
        removed_by: Vec<EventId>,
    },
    /// A listener is removed; `handler` is `None` for `removeAllListeners`.
    ListenerRemove {
        emitter: EmitterRef,
        event: Option<Name>,
        handler: Option<Handler>,
        method: Name,
        /// The additions this removal matches (same emitter, event and function).
        removes: Vec<EventId>,
    },
}

impl EventKind {
    /// The value a collection or timer event touches; `None` for listener events.
    pub fn target(&self) -> Option<ValueId> {
        match self {
            EventKind::Write { target, .. }
            | EventKind::Remove { target, .. }
            | EventKind::Reassign { target, .. }
            | EventKind::Iterate { target }
            | EventKind::SizeCheck { target }
            | EventKind::Lookup { target }
            | EventKind::TimerClear { target }
            | EventKind::Release { target } => Some(*target),
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
    pub id: EventId,
    pub file: FileId,
    pub span: Span,
    /// The function whose body contains the event.
    pub func: FunctionId,
    pub kind: EventKind,
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
    /// The name is a global every JavaScript environment already has (`Promise`,
    /// `console`): assigning it replaces that global rather than creating one.
    pub builtin: bool,
}

/// What a call's callee turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callee {
    /// A function of the package.
    Local(FunctionId),
    /// Something an npm package or Node built-in exports: `lodash.memoize` is
    /// `{ module: "lodash", export: "memoize" }`; the module itself is `default`.
    Package(Import),
    /// A global (`setInterval`, `window.setInterval`): its name.
    Global(Name),
    /// Something we cannot see.
    Unknown,
}

/// A call (or `new`) the rules look at.
#[derive(Debug, Clone)]
pub struct Call {
    /// The whole call expression.
    pub span: Span,
    pub callee_span: Span,
    /// The function whose body makes the call.
    pub func: FunctionId,
    /// The callee as written, whitespace removed: `setInterval`, `ajv.compile`, `(0,_lodash.default)`.
    pub callee: Name,
    /// The callee's last name: `compile` for `ajv.compile`; for a package export, the export's name.
    pub name: Name,
    /// What the callee is, by value flow (through aliases, `require` and compiled interop).
    pub target: Callee,
    /// Where the callee comes from when it is an npm package or Node built-in.
    pub import: Option<Import>,
    pub is_new: bool,
    /// What happens to the result.
    pub result: ResultUse,
    /// The value the call returns when the callee is not a function of the
    /// package (a timer id, a client): one per call in the code.
    pub result_value: Option<ValueId>,
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
    /// A variable or member path (`tick`, `this.onClose`, `opts.name`), with the values it may hold.
    Path { text: Name, values: Values },
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

/// One file of a package.
#[derive(Debug, Clone)]
pub struct FileInfo {
    pub path: PathBuf,
    /// The file is an ES module, TypeScript, or starts with `"use strict"`.
    pub strict: bool,
    /// Comments that mention `leaklint-` (suppression directives), in source order.
    pub directive_comments: Vec<Comment>,
    /// Modules the file imports or requires, sorted, without duplicates.
    pub imported_modules: Vec<String>,
    /// The file's module top level.
    pub module_function: FunctionId,
    /// A test, fixture or mock file: its resets and removals are not evidence about the code it tests.
    pub is_test: bool,
    pub(crate) functions: Range<u32>,
    pub(crate) events: Range<u32>,
    pub(crate) calls: Range<u32>,
    pub(crate) outcomes: Range<u32>,
    pub(crate) implicit_globals: Range<u32>,
}

/// Everything the rules know about the files checked together.
#[derive(Debug, Clone, Default)]
pub struct Package {
    pub files: Vec<FileInfo>,
    pub functions: Vec<Function>,
    pub values: Vec<Value>,
    /// In file order, then source order within a file.
    pub events: Vec<Event>,
    pub calls: Vec<Call>,
    pub outcomes: Vec<Outcome>,
    pub implicit_globals: Vec<ImplicitGlobal>,
    /// Indexes of `events` grouped by the value they touch, in event order.
    pub(crate) events_by_value: crate::grouped::Grouped,
}

impl Package {
    pub fn function(&self, id: FunctionId) -> &Function {
        &self.functions[id.0 as usize]
    }

    pub fn value(&self, id: ValueId) -> &Value {
        &self.values[id.0 as usize]
    }

    pub fn event(&self, id: EventId) -> &Event {
        &self.events[id.0 as usize]
    }

    pub fn file(&self, id: FileId) -> &FileInfo {
        &self.files[id.0 as usize]
    }

    /// The view of one file.
    pub fn file_model(&self, file: FileId) -> FileModel<'_> {
        FileModel { package: self, file }
    }

    /// Events anywhere in the package that touch `target` (writes, removals,
    /// reassignments, iteration, bounds, clears), in order.
    pub fn events_on(&self, target: ValueId) -> impl Iterator<Item = &Event> {
        self.events_by_value.get(target.0 as usize).iter().map(|&i| &self.events[i as usize])
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

    /// Why `func` has its lifetime, for messages: "called from `follow` (watch.js),
    /// `(req, res)` request handler". Rendered on demand: most never appear in a finding.
    pub fn lifetime_reason(&self, func: FunctionId, from_file: FileId) -> String {
        // Each step of the chain, from `func` to the registration or assumption it ends in.
        let mut steps: Vec<String> = Vec::new();
        let mut at = func;
        // The bound guards against a cycle in the evidence.
        for _ in 0..64 {
            let f = self.function(at);
            match &f.why {
                Why::TopLevel => {
                    if steps.is_empty() {
                        steps.push("module top level".to_string());
                    }
                    break;
                }
                Why::Fixed(text) => {
                    steps.push(text.to_string());
                    break;
                }
                Why::CalledFrom { caller, site } => {
                    let c = self.function(*caller);
                    let mut step = match c.name.as_deref() {
                        _ if c.kind == FunctionKind::Module => "called from the module top level".to_string(),
                        Some(name) => format!("called from `{name}`"),
                        None => "called from an anonymous function".to_string(),
                    };
                    if site.file != from_file {
                        step.push_str(&format!(" in {}", self.display_name(site.file)));
                    }
                    steps.push(step);
                    if c.lifetime == Lifetime::Startup {
                        break;
                    }
                    at = *caller;
                }
            }
        }
        // Long chains keep their first two steps and the last two, where the rate comes from.
        if steps.len() > 5 {
            let skipped = steps.len() - 4;
            let tail = steps.split_off(steps.len() - 2);
            steps.truncate(2);
            steps.push(format!("… {skipped} more calls …"));
            steps.extend(tail);
        }
        steps.join(", ")
    }

    /// The file's name for messages (its last path component).
    pub fn display_name(&self, file: FileId) -> String {
        let path = &self.file(file).path;
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
    }

    /// When the lifetime of `func` rests on an assumption rather than a proven
    /// chain: the assumption, for messages.
    pub fn assumption(&self, func: FunctionId) -> Option<Assumption> {
        let f = self.function(func);
        if f.proven || !f.lifetime.runs_repeatedly() {
            return None;
        }
        if f.lost {
            return Some(Assumption::Lost);
        }
        let reason = self.lifetime_reason(func, f.file);
        Some(Assumption::Stated(format!("how often this runs depends on code outside what was checked ({reason})")))
    }
}

/// What a finding rests on when its chain is not proven.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assumption {
    /// Callers outside the checked code (a library's exported function): a warning that says so.
    Stated(String),
    /// A place the analysis lost track of: no evidence, so no finding.
    Lost,
}

/// What the rules see for one file: its own functions, events and calls, and
/// package-wide answers about the values they touch.
#[derive(Debug, Clone, Copy)]
pub struct FileModel<'p> {
    pub package: &'p Package,
    pub file: FileId,
}

impl<'p> FileModel<'p> {
    fn info(&self) -> &'p FileInfo {
        self.package.file(self.file)
    }

    pub fn path(&self) -> &'p Path {
        &self.info().path
    }

    /// This file's functions, its module top level first.
    pub fn functions(&self) -> &'p [Function] {
        let r = &self.info().functions;
        &self.package.functions[r.start as usize..r.end as usize]
    }

    /// This file's events, in source order.
    pub fn events(&self) -> &'p [Event] {
        let r = &self.info().events;
        &self.package.events[r.start as usize..r.end as usize]
    }

    /// This file's calls the rules look at, in source order.
    pub fn calls(&self) -> &'p [Call] {
        let r = &self.info().calls;
        &self.package.calls[r.start as usize..r.end as usize]
    }

    pub fn outcomes(&self) -> &'p [Outcome] {
        let r = &self.info().outcomes;
        &self.package.outcomes[r.start as usize..r.end as usize]
    }

    pub fn implicit_globals(&self) -> &'p [ImplicitGlobal] {
        let r = &self.info().implicit_globals;
        &self.package.implicit_globals[r.start as usize..r.end as usize]
    }

    pub fn strict(&self) -> bool {
        self.info().strict
    }

    pub fn directive_comments(&self) -> &'p [Comment] {
        &self.info().directive_comments
    }

    pub fn imported_modules(&self) -> &'p [String] {
        &self.info().imported_modules
    }

    pub fn module_function(&self) -> FunctionId {
        self.info().module_function
    }

    pub fn function(&self, id: FunctionId) -> &'p Function {
        self.package.function(id)
    }

    pub fn value(&self, id: ValueId) -> &'p Value {
        self.package.value(id)
    }

    pub fn event(&self, id: EventId) -> &'p Event {
        self.package.event(id)
    }

    /// Is `id` a function of this file?
    pub fn is_local(&self, id: FunctionId) -> bool {
        self.info().functions.contains(&id.0)
    }

    /// Events anywhere in the package that touch `target`.
    pub fn events_on(&self, target: ValueId) -> impl Iterator<Item = &'p Event> + 'p {
        self.package.events_on(target)
    }

    pub fn is_drained_or_bounded(&self, target: ValueId) -> bool {
        self.package.is_drained_or_bounded(target)
    }

    pub fn is_iterated(&self, target: ValueId) -> bool {
        self.package.is_iterated(target)
    }

    /// Why `func` has its lifetime, with files other than this one named.
    pub fn lifetime_reason(&self, func: FunctionId) -> String {
        self.package.lifetime_reason(func, self.file)
    }

    pub fn assumption(&self, func: FunctionId) -> Option<Assumption> {
        self.package.assumption(func)
    }

    /// The site as a span in this file, when it is in this file.
    pub fn local_span(&self, site: Option<Site>) -> Option<Span> {
        site.filter(|s| s.file == self.file).map(|s| s.span)
    }
}

//! What the platform and its compilers mean, as data: framework registration
//! calls, request parameter shapes, callers that run callbacks at their own
//! rate, methods that return their receiver, the helpers Babel, TypeScript and
//! esbuild emit. Kept as lists so they read as lists; nothing here names a
//! project's own code.

/// Methods that register a per-request handler when given a route path or used as middleware
/// (express, restify, koa-router, fastify, connect, hapi).
pub const ROUTE_METHODS: &[&str] =
    &["get", "post", "put", "patch", "delete", "del", "head", "options", "all", "any", "route", "use", "pre"];

/// Route methods that take a handler without a path first argument.
pub const MIDDLEWARE_METHODS: &[&str] = &["use", "pre"];

/// Factories whose callback runs once per request (`http.createServer(handler)`).
pub const SERVER_FACTORIES: &[&str] = &["createServer", "createSecureServer"];

/// Events a server fires once per request or client connection (a `message` or a client's `connect` repeats too, but
/// is no request: those are repeating listeners).
pub const REQUEST_EVENTS: &[&str] =
    &["request", "upgrade", "connection", "secureConnection", "stream", "session", "checkContinue"];

/// Fastify hooks that run per request: `fastify.addHook('onRequest', fn)`.
pub const PER_REQUEST_HOOKS: &[&str] = &[
    "onRequest",
    "preParsing",
    "preValidation",
    "preHandler",
    "preSerialization",
    "onSend",
    "onResponse",
    "onError",
    "onTimeout",
    "onRequestAbort",
];

/// Events an emitter fires at most once in its life (a server starts listening once, a stream
/// ends once, a process exits once).
pub const ONCE_PER_EMITTER_EVENTS: &[&str] = &[
    "listening",
    "ready",
    "open",
    "close",
    "end",
    "finish",
    "exit",
    "beforeExit",
    "DOMContentLoaded",
    "load",
    "unload",
];

/// Methods that take a whole route definition (`fastify.route({ method, url, handler })`,
/// hapi's `server.route({ method, path, handler })`).
pub const ROUTE_DEFINITION_METHODS: &[&str] = &["route", "addRoute"];

/// Object keys whose function value is a per-request handler (`server.route({ handler })`).
pub const HANDLER_KEYS: &[&str] = &["handler"];

/// Named exports that Next.js-style routers call per request.
pub const ROUTE_EXPORTS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Parameter names that mark a request object (first parameter)...
pub const REQUEST_PARAMS: &[&str] = &["req", "request"];
/// ...followed by a response object (second parameter).
pub const RESPONSE_PARAMS: &[&str] = &["res", "response", "reply", "h"];
/// How a function uses a parameter (`FnFact::param_roles` bits): reads or calls a member only
/// an HTTP request has...
pub const PARAM_REQUEST: u8 = 1;
/// ...a member only a response has...
pub const PARAM_RESPONSE: u8 = 2;
/// ...calls it (`next()`)...
pub const PARAM_CALLED: u8 = 4;
/// ...or a member of a Koa-style context...
pub const PARAM_CONTEXT: u8 = 8;
/// ...or a member that only an HTTP response has (`writeHead`, `setHeader`, `headersSent`).
pub const PARAM_RESPONSE_ONLY: u8 = 16;

/// Members that, on their own, show an object is an HTTP response.
const RESPONSE_ONLY_MEMBERS: &[&str] =
    &["writeHead", "setHeader", "flushHeaders", "headersSent", "sendStatus", "sendFile", "writeContinue"];

/// Members of Node's and Express's request objects that other objects rarely have together
/// with a response or `next` (the shape is decided in `lifetimes`, from two parameters).
const REQUEST_MEMBERS: &[&str] = &[
    "url",
    "originalUrl",
    "baseUrl",
    "method",
    "headers",
    "rawHeaders",
    "httpVersion",
    "params",
    "query",
    "body",
    "cookies",
    "signedCookies",
    "hostname",
    "ip",
    "ips",
    "protocol",
    "xhr",
    "subdomains",
    "session",
    "sessionID",
    "connection",
    "socket",
    "accepts",
    "acceptsLanguages",
];

/// Members of Node's and Express's response objects.
const RESPONSE_MEMBERS: &[&str] = &[
    "writeHead",
    "setHeader",
    "getHeader",
    "removeHeader",
    "hasHeader",
    "flushHeaders",
    "headersSent",
    "statusCode",
    "statusMessage",
    "end",
    "write",
    "send",
    "json",
    "jsonp",
    "status",
    "sendStatus",
    "sendFile",
    "redirect",
    "render",
    "cookie",
    "clearCookie",
    "locals",
    "attachment",
    "download",
];

/// Members of a Koa context that a plain object rarely has.
/// (Not `assert` or `throw`: node:test's `(t, done)` callbacks have those too.)
const CONTEXT_MEMBERS: &[&str] = &["request", "response", "state", "cookies", "respond"];

/// The role reading or calling `member` on a parameter gives it.
pub fn param_role_of_member(member: &str) -> u8 {
    let mut role = 0;
    if REQUEST_MEMBERS.contains(&member) {
        role |= PARAM_REQUEST;
    }
    if RESPONSE_MEMBERS.contains(&member) {
        role |= PARAM_RESPONSE;
    }
    if CONTEXT_MEMBERS.contains(&member) {
        role |= PARAM_CONTEXT;
    }
    if RESPONSE_ONLY_MEMBERS.contains(&member) {
        role |= PARAM_RESPONSE_ONLY;
    }
    role
}

/// Koa-style `(ctx, next)` handlers.
pub const CONTEXT_PARAMS: &[&str] = &["ctx", "context"];

/// Calls that run their callback synchronously, or at most once, at the caller's own rate.
pub const SAME_RATE_CALLERS: &[&str] = &[
    "forEach",
    "map",
    "flatMap",
    "filter",
    "reduce",
    "reduceRight",
    "some",
    "every",
    "find",
    "findIndex",
    "findLast",
    "findLastIndex",
    "sort",
    "toSorted",
    "from",
    "then",
    "catch",
    "finally",
    "once",
    "listen",
    "setTimeout",
    "setImmediate",
    "nextTick",
    "queueMicrotask",
    "define",
    "call",
    "apply",
    "replace",
    "replaceAll",
    "describe",
    "run",
    "__commonJS",
    "__esm",
    "__esmMin",
    "__commonJSMin",
];

/// Constructors of caches that evict by themselves.
pub const BOUNDED_CACHES: &[&str] =
    &["LRU", "LRUCache", "LruCache", "QuickLRU", "TTLCache", "LRUMap", "Keyv", "NodeCache", "BoundedMap"];

/// Methods that add a listener (a `match`: asked of every method call).
pub fn is_add_listener(method: &str) -> bool {
    matches!(method, "on" | "addListener" | "once" | "prependListener" | "prependOnceListener" | "addEventListener")
}

/// Methods that remove a listener.
pub fn is_remove_listener(method: &str) -> bool {
    matches!(method, "off" | "removeListener" | "removeEventListener" | "removeAllListeners")
}

/// Methods that add or remove a listener.
pub fn is_listener_method(method: &str) -> bool {
    is_add_listener(method) || is_remove_listener(method)
}

/// Calls that keep a callback and call it again after the run that handed it over has ended:
/// listeners (not `once`), intervals, subscriptions and watchers, routes, middleware and servers.
/// A callback handed to any other library call (a walker, a visitor, a node-style callback) is
/// not known to outlive that run.
pub fn keeps_callback(method: &str) -> bool {
    (is_add_listener(method) && !matches!(method, "once" | "prependOnceListener"))
        || matches!(method, "setInterval" | "subscribe" | "observe" | "watch" | "watchFile" | "addHook")
        || ROUTE_METHODS.contains(&method)
        || MIDDLEWARE_METHODS.contains(&method)
        || SERVER_FACTORIES.contains(&method)
}

/// Collection methods that add entries.
pub const WRITE_METHODS: &[&str] = &["set", "add", "push", "unshift"];

/// Collection methods that remove entries.
pub const REMOVE_METHODS: &[&str] = &["delete", "clear", "splice", "shift", "pop"];

/// Collection methods that look one entry up.
pub const LOOKUP_METHODS: &[&str] = &["get", "has"];

/// Collection methods that walk the entries.
pub const ITERATE_METHODS: &[&str] = &[
    "forEach",
    "keys",
    "values",
    "entries",
    "map",
    "filter",
    "reduce",
    "some",
    "every",
    "find",
    "findIndex",
    "join",
    "slice",
    "indexOf",
    "includes",
    "flatMap",
];

/// Calls that enumerate their argument: `Object.keys(x)`, `Array.from(x)`, `JSON.stringify(x)`.
pub const ENUMERATING_FUNCTIONS: &[(&str, &str)] = &[
    ("Object", "keys"),
    ("Object", "values"),
    ("Object", "entries"),
    ("Object", "assign"),
    ("Array", "from"),
    ("JSON", "stringify"),
    ("Reflect", "ownKeys"),
];

/// Names of global objects whose properties are process-wide.
pub const GLOBAL_OBJECTS: &[&str] = &["global", "globalThis", "window", "self"];

/// Callee names whose calls become call facts whatever they are bound to:
/// timers, memoisers, subscriptions, component hooks and lifecycles, disposal.
/// A `match` rather than a list: it runs for every call in every file.
pub fn is_call_name(name: &str) -> bool {
    matches!(
        name,
        "setInterval"
            | "setTimeout"
            | "clearInterval"
            | "clearTimeout"
            | "unref"
            | "memoize"
            | "memoizee"
            | "moize"
            | "memoizeWith"
            | "fastMemoize"
            | "compile"
            | "subscribe"
            | "unsubscribe"
            | "useEffect"
            | "useLayoutEffect"
            | "onMounted"
            | "onBeforeUnmount"
            | "onUnmounted"
            | "observe"
            | "disconnect"
            | "debug"
            | "express"
            | "Router"
            | "addEventListener"
            | "close"
            | "destroy"
            | "dispose"
            | "stop"
            | "terminate"
            | "removeAllListeners"
            | "cancel"
            | "abort"
    )
}

/// Node's built-in modules (also reachable with a `node:` prefix).
pub const NODE_BUILTINS: &[&str] = &[
    "assert",
    "async_hooks",
    "buffer",
    "child_process",
    "cluster",
    "crypto",
    "dgram",
    "dns",
    "events",
    "fs",
    "fs/promises",
    "http",
    "http2",
    "https",
    "net",
    "os",
    "path",
    "perf_hooks",
    "process",
    "querystring",
    "readline",
    "stream",
    "string_decoder",
    "timers",
    "tls",
    "tty",
    "url",
    "util",
    "v8",
    "vm",
    "worker_threads",
    "zlib",
];

/// Emitter and stream methods that return the object they are called on, so
/// `socket.setNoDelay(true).on(...)` listens on `socket`.
pub const RETURNS_THIS: &[&str] = &[
    "on",
    "addListener",
    "once",
    "prependListener",
    "prependOnceListener",
    "off",
    "removeListener",
    "removeAllListeners",
    "setNoDelay",
    "setTimeout",
    "setKeepAlive",
    "setEncoding",
    "setMaxListeners",
    "pause",
    "resume",
    "ref",
    "unref",
    "cork",
    "uncork",
];

/// Module-interop helpers that hand back the module they are given (or a
/// wrapper whose `default` is it): Babel's `_interopRequireDefault`, TypeScript's
/// `__importDefault`, esbuild's `__toESM`, and their relatives.
pub fn is_interop_helper(name: &str) -> bool {
    matches!(
        name,
        "_interopRequireDefault"
            | "_interopRequireWildcard"
            | "interopRequireDefault"
            | "interopRequireWildcard"
            | "__importDefault"
            | "__importStar"
            | "__toESM"
            | "__toCommonJS"
            | "_interop_require_default"
            | "_interop_require_wildcard"
            | "__importDefault$1"
    )
}

/// Helpers that copy every export of one module onto another
/// (`__exportStar(require("./x"), exports)`, esbuild's `__reExport(target, mod)`).
pub fn is_export_star_helper(name: &str) -> bool {
    matches!(name, "__exportStar" | "__reExport" | "_exportStar" | "__export_star" | "_export_star")
}

/// Inheritance helpers: `util.inherits(Child, Parent)`, TypeScript's `__extends`, Babel's `_inherits`.
pub fn is_inherits_helper(name: &str) -> bool {
    matches!(name, "inherits" | "__extends" | "_inherits" | "_inheritsLoose" | "_inherits_loose" | "extendStatics")
}

/// Helpers that run a generator or async body with the caller's `this`:
/// tslib's `__awaiter(thisArg, _, _, body)` and `__generator(thisArg, body)`.
pub fn is_this_body_helper(name: &str) -> bool {
    matches!(name, "__awaiter" | "__generator" | "__async" | "__asyncGenerator")
}

/// Helpers that wrap a function and return one that calls it
/// (`_asyncToGenerator(function* () {})`, `_wrapAsyncGenerator`).
/// Runtimes compilers inline to run down-levelled `async` functions and generators: the calls
/// inside them are the runtime's plumbing, not steps of the program's own call chains.
pub fn is_async_runtime_helper(name: &str) -> bool {
    is_this_body_helper(name)
        || is_wrapping_helper(name)
        || matches!(
            name,
            "_regenerator"
                | "_regeneratorRuntime"
                | "regeneratorRuntime"
                | "_regeneratorDefine"
                | "_regeneratorDefine2"
                | "asyncGeneratorStep"
                | "_asyncIterator"
                | "_awaitAsyncGenerator"
                | "_OverloadYield"
        )
}

pub fn is_wrapping_helper(name: &str) -> bool {
    matches!(
        name,
        "_asyncToGenerator" | "asyncToGenerator" | "_async_to_generator" | "_wrapAsyncGenerator" | "_wrapNativeSuper"
    )
}

/// Globals every JavaScript environment (ES, Node or the browser) already has:
/// assigning one replaces it, it does not create a global.
pub fn is_builtin_global(name: &str) -> bool {
    matches!(
        name,
        "Promise"
            | "Symbol"
            | "Map"
            | "Set"
            | "WeakMap"
            | "WeakSet"
            | "Object"
            | "Array"
            | "Function"
            | "String"
            | "Number"
            | "Boolean"
            | "Date"
            | "RegExp"
            | "Error"
            | "JSON"
            | "Math"
            | "Reflect"
            | "Proxy"
            | "console"
            | "setTimeout"
            | "setInterval"
            | "clearTimeout"
            | "clearInterval"
            | "setImmediate"
            | "clearImmediate"
            | "queueMicrotask"
            | "fetch"
            | "XMLHttpRequest"
            | "WebSocket"
            | "Buffer"
            | "process"
            | "URL"
            | "URLSearchParams"
            | "TextEncoder"
            | "TextDecoder"
            | "AbortController"
            | "EventTarget"
            | "Event"
            | "CustomEvent"
            | "navigator"
            | "document"
            | "location"
            | "history"
            | "localStorage"
            | "sessionStorage"
            | "requestAnimationFrame"
            | "cancelAnimationFrame"
            | "performance"
            | "crypto"
            | "structuredClone"
            | "regeneratorRuntime"
            | "Intl"
            | "BigInt"
            | "ArrayBuffer"
            | "DataView"
            | "Uint8Array"
            | "Int32Array"
            | "Float64Array"
            | "globalThis"
            | "onmessage"
            | "onerror"
            | "onload"
            | "name"
            | "status"
    )
}

/// Methods on timers that stop them (`timeout.close()` in Node).
pub const TIMER_STOP_METHODS: &[&str] = &["close"];

/// Globals that stop a timer given its id.
pub fn is_timer_clear(name: &str) -> bool {
    matches!(name, "clearInterval" | "clearTimeout")
}

/// Parameter names that often hold a request-scoped object, for key kinds.
pub fn is_request_like_name(name: &str) -> bool {
    matches!(
        name,
        "req" | "request" | "res" | "response" | "ctx" | "context" | "socket" | "ws" | "conn" | "connection" | "client"
    )
}

/// Properties of a request that are the keep-alive socket under it.
pub fn is_socket_property(name: &str) -> bool {
    matches!(name, "socket" | "connection")
}

/// Properties that lead from a request or socket to the server it arrived on.
pub fn is_server_property(name: &str) -> bool {
    matches!(name, "server" | "app")
}

/// Methods that store, read or transform their arguments without calling
/// them or handing them to code that might: collection and string methods,
/// promise combinators. A function or object passed to one is not reachable by
/// outside code because of it (its flow into the collection is followed).
pub fn is_non_escaping_method(name: &str) -> bool {
    matches!(
        name,
        "set"
            | "add"
            | "push"
            | "unshift"
            | "get"
            | "has"
            | "delete"
            | "indexOf"
            | "includes"
            | "lastIndexOf"
            | "concat"
            | "join"
            | "slice"
            | "splice"
            | "at"
            | "keys"
            | "values"
            | "entries"
            | "fill"
            | "toString"
            | "valueOf"
            | "hasOwnProperty"
            | "isPrototypeOf"
            | "propertyIsEnumerable"
            | "startsWith"
            | "endsWith"
            | "split"
            | "replace"
            | "replaceAll"
            | "match"
            | "test"
            | "exec"
            | "charAt"
            | "trim"
            | "toLowerCase"
            | "toUpperCase"
            | "padStart"
            | "padEnd"
            | "log"
            | "warn"
            | "error"
            | "info"
            | "debug"
            | "trace"
            | "dir"
            | "assert"
            | "equal"
            | "strictEqual"
            | "deepEqual"
            | "deepStrictEqual"
            | "notEqual"
            | "ok"
            | "write"
            | "resolve"
            | "all"
            | "allSettled"
            | "race"
            | "any"
            | "stringify"
            | "parse"
            | "freeze"
            | "seal"
            | "isFrozen"
            | "getPrototypeOf"
            | "getOwnPropertyNames"
            | "getOwnPropertyDescriptor"
            | "is"
            | "isArray"
            | "from"
            | "of"
            | "max"
            | "min"
            | "abs"
            | "floor"
            | "ceil"
            | "round"
    )
}

/// Globals whose functions never call back what they are given (`console.log(x)`, `JSON.stringify(x)`).
pub fn is_non_escaping_global(name: &str) -> bool {
    matches!(
        name,
        "console"
            | "JSON"
            | "Math"
            | "Object"
            | "Array"
            | "String"
            | "Number"
            | "Boolean"
            | "Reflect"
            | "Symbol"
            | "Buffer"
            | "parseInt"
            | "parseFloat"
            | "isNaN"
            | "isFinite"
            | "Date"
            | "RegExp"
            | "Error"
            | "TypeError"
            | "RangeError"
            | "encodeURIComponent"
            | "decodeURIComponent"
            | "encodeURI"
            | "decodeURI"
            | "BigInt"
            | "structuredClone"
            | "clearTimeout"
            | "clearInterval"
            | "clearImmediate"
    )
}

/// A file of tests, fixtures or mocks by its path: what happens there is not the
/// code's normal path, so its resets and removals prove nothing about the code.
pub fn is_test_path(path: &std::path::Path) -> bool {
    let dirs = path.parent().into_iter().flat_map(|p| p.components());
    let in_test_dir = dirs.into_iter().any(|c| {
        matches!(
            c.as_os_str().to_str(),
            Some("test" | "tests" | "__tests__" | "__mocks__" | "spec" | "specs" | "__fixtures__" | "e2e")
        )
    });
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    in_test_dir || [".test.", ".spec.", "-test.", "_test.", ".e2e."].iter().any(|m| name.contains(m))
}

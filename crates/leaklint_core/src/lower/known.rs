//! Names the lifetime model recognises: framework registration calls, request
//! parameter shapes, synchronous callers. Kept as data so it reads as a list.

/// Methods that register a per-request handler when given a route path or used as middleware
/// (express, restify, koa-router, fastify, connect, hapi).
pub const ROUTE_METHODS: &[&str] =
    &["get", "post", "put", "patch", "delete", "del", "head", "options", "all", "any", "route", "use", "pre"];

/// Route methods that take a handler without a path first argument.
pub const MIDDLEWARE_METHODS: &[&str] = &["use", "pre"];

/// Factories whose callback runs once per request (`http.createServer(handler)`).
pub const SERVER_FACTORIES: &[&str] = &["createServer", "createSecureServer"];

/// Events that fire once per request, connection or message.
pub const REQUEST_EVENTS: &[&str] = &[
    "request",
    "upgrade",
    "connection",
    "connect",
    "secureConnection",
    "message",
    "stream",
    "session",
    "checkContinue",
];

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

/// Object keys whose function value is a per-request handler (`server.route({ handler })`).
pub const HANDLER_KEYS: &[&str] = &["handler"];

/// Named exports that Next.js-style routers call per request.
pub const ROUTE_EXPORTS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Parameter names that mark a request object (first parameter)...
pub const REQUEST_PARAMS: &[&str] = &["req", "request"];
/// ...followed by a response object (second parameter).
pub const RESPONSE_PARAMS: &[&str] = &["res", "response", "reply", "h"];
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

/// Constructors recorded even when not imported (globals such as `Worker`).
pub const CONSTRUCTED: &[&str] = &[
    "Worker",
    "SharedWorker",
    "Ajv",
    "PrismaClient",
    "Redis",
    "Pool",
    "Client",
    "Agent",
    "MutationObserver",
    "ResizeObserver",
    "IntersectionObserver",
];

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

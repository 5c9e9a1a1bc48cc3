//! Objects that are meant to be created once per process, as data: the
//! package, the export, and why building one per call hurts. Extend it from
//! `.leaklintrc.json` (`perCallFactories`).

pub struct Factory {
    pub package: &'static str,
    /// Export name; `default` for the module itself (`require("ajv")`, `import Ajv from "ajv"`).
    pub export: &'static str,
    pub why: &'static str,
    /// Only a leak when the first argument is built at run time (`debug(name)`).
    pub needs_dynamic_argument: bool,
}

const fn f(package: &'static str, export: &'static str, why: &'static str) -> Factory {
    Factory { package, export, why, needs_dynamic_argument: false }
}

pub static FACTORIES: &[Factory] = &[
    f("ajv", "default", "Each Ajv instance compiles and caches schemas and formats of its own."),
    f("ajv", "Ajv", "Each Ajv instance compiles and caches schemas and formats of its own."),
    f(
        "http-proxy-middleware",
        "createProxyMiddleware",
        "Each proxy middleware creates its own http-proxy server and may subscribe to the HTTP server's `upgrade` event.",
    ),
    f(
        "http-proxy-middleware",
        "default",
        "Each proxy middleware creates its own http-proxy server and may subscribe to the HTTP server's `upgrade` event.",
    ),
    f("http-proxy", "createProxyServer", "Each proxy server keeps its own agent, sockets and listeners."),
    f("axios", "create", "Each axios instance keeps its own interceptors and agents."),
    f("express", "default", "An express application holds its router, settings and middleware stack."),
    f("express", "Router", "A router holds its stack of layers; building one per request rebuilds and keeps it."),
    f("@prisma/client", "PrismaClient", "Each PrismaClient starts its own query engine and connection pool."),
    f("ioredis", "default", "Each client opens its own connection."),
    f("ioredis", "Redis", "Each client opens its own connection."),
    f("redis", "createClient", "Each client opens its own connection."),
    f("pg", "Pool", "Each pool opens and keeps its own connections."),
    f("pg", "Client", "Each client opens its own connection, which must be ended."),
    f("mysql", "createPool", "Each pool opens and keeps its own connections."),
    f("mysql", "createConnection", "Each connection must be ended or it stays open."),
    f("mysql2", "createPool", "Each pool opens and keeps its own connections."),
    f("mysql2/promise", "createPool", "Each pool opens and keeps its own connections."),
    f("mongodb", "MongoClient", "Each client keeps its own connection pool and monitoring timers."),
    f("undici", "Agent", "Each agent keeps its own connection pools."),
    f("undici", "Pool", "Each pool keeps its own connections."),
    f("http", "Agent", "Each agent keeps its own socket pool."),
    f("https", "Agent", "Each agent keeps its own socket pool."),
    f("worker_threads", "Worker", "Each worker is a thread with its own heap until it is terminated."),
    f("lru-cache", "default", "A cache built per call caches nothing and is rebuilt each time."),
    f("lru-cache", "LRUCache", "A cache built per call caches nothing and is rebuilt each time."),
    f("node-cache", "default", "Each cache starts its own check-period timer."),
    Factory {
        package: "debug",
        export: "default",
        why: "`debug` keeps every instance it creates (`createDebug.instances` in debug 4.2), so a logger per dynamic name grows that list forever.",
        needs_dynamic_argument: true,
    },
];

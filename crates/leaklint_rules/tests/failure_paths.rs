//! Cleanup that only the success path does, and replacements that only grow:
//! each shape's reports and the code that must keep it quiet.

use std::path::Path;

use leaklint_core::{ActiveRule, analyze};

/// Messages of `rule`'s findings on `source`.
fn findings(rule: &str, source: &str) -> Vec<String> {
    let rule = leaklint_rules::find_rule(rule).expect("rule exists");
    let active = [ActiveRule { rule, severity: rule.meta().default_severity }];
    analyze(Path::new("case.js"), source, &active).expect("parses").into_iter().map(|d| d.message).collect()
}

fn assert_reports(rule: &str, name: &str, source: &str, needle: &str) {
    let found = findings(rule, source);
    assert!(
        found.iter().any(|m| m.contains(needle)),
        "{name}: expected a `{rule}` finding with {needle:?}, got {found:#?}"
    );
}

fn assert_quiet(rule: &str, name: &str, source: &str) {
    let found = findings(rule, source);
    assert!(found.is_empty(), "{name}: expected no `{rule}` finding, got {found:#?}");
}

// ------------------------------------------------------------ deletes only on the success path

const DELETE: &str = "no-mismatched-delete";

#[test]
fn success_only_deletes_are_reported_for_each_failure_path() {
    let cases = [
        (
            "timeout rejects",
            "const pending = new Map();
exports.call = function call(id) {
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    setTimeout(() => reject(new Error('timeout')), 1000);
  });
};
socket.on('message', (m) => { pending.get(m.id).resolve(m); pending.delete(m.id); });",
            "the `setTimeout` callback",
        ),
        (
            "catch clause after the delete in the try block",
            "const inflight = new Map();
exports.handle = async (req, res) => {
  inflight.set(req.id, req);
  try {
    const out = await work(req);
    inflight.delete(req.id);
    res.end(out);
  } catch (err) {
    res.end('failed');
  }
};",
            "the `catch` clause",
        ),
        (
            "rejection callback",
            "class Client {
  constructor() { this.pending = new Map(); }
  request(id) {
    const done = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.send(id).catch((err) => this.pending.get(id).reject(err));
    return done;
  }
  onMessage(m) { this.pending.get(m.id).resolve(m); this.pending.delete(m.id); }
}
module.exports = Client;",
            "the rejection callback",
        ),
        (
            "'error' listener",
            "const requests = {};
exports.get = function get(id, url, cb) {
  const req = http.get(url);
  requests[id] = req;
  req.on('response', (res) => { delete requests[id]; cb(null, res); });
  req.on('error', (err) => cb(err));
};",
            "listener",
        ),
        (
            "timeout calls a method that rejects",
            "class Client {
  constructor() { this.pending = new Map(); }
  request(id) {
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      setTimeout(() => this.fail(id), 1000);
    });
  }
  fail(id) { this.pending.get(id).reject(new Error('timeout')); }
  onMessage(m) { this.pending.get(m.id).resolve(m); this.pending.delete(m.id); }
}
module.exports = Client;",
            "the `setTimeout` callback",
        ),
    ];
    for (name, source, needle) in cases {
        assert_reports(DELETE, name, source, needle);
    }
}

#[test]
fn deletes_on_every_path_are_quiet() {
    let cases = [
        (
            "timeout deletes too",
            "const pending = new Map();
exports.call = function call(id) {
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    setTimeout(() => { pending.delete(id); reject(new Error('timeout')); }, 1000);
  });
};
socket.on('message', (m) => { pending.get(m.id).resolve(m); pending.delete(m.id); });",
        ),
        (
            "delete in finally",
            "const inflight = new Map();
exports.handle = async (req, res) => {
  inflight.set(req.id, req);
  try { res.end(await work(req)); } catch (err) { res.end('failed'); } finally { inflight.delete(req.id); }
};",
        ),
        (
            "delete in a .finally callback",
            "const pending = new Map();
exports.call = function call(id) {
  const p = new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    setTimeout(() => reject(new Error('timeout')), 1000);
  });
  return p.finally(() => pending.delete(id));
};",
        ),
        (
            "delete in a 'close' listener",
            "const active = new Map();
exports.get = function get(url, cb) {
  const req = http.get(url);
  active.set(url, req);
  req.on('error', (err) => cb(err));
  req.on('close', () => active.delete(url));
};",
        ),
        (
            "timeout calls the same local cleanup",
            "const pending = new Map();
exports.call = function call(id) {
  return new Promise((resolve, reject) => {
    const cleanup = () => { clearTimeout(timer); pending.delete(id); };
    const timer = setTimeout(() => { cleanup(); reject(new Error('timeout')); }, 1000);
    pending.set(id, { resolve: (v) => { cleanup(); resolve(v); }, reject });
  });
};",
        ),
        (
            "timeout calls a module-level function that deletes",
            "const callbacks = {};
function forget(id) { delete callbacks[id]; }
exports.send = function send(id, cb) {
  callbacks[id] = cb;
  setTimeout(() => { forget(id); cb(new Error('timeout')); }, 1000);
};
exports.onReply = function onReply(msg) { const cb = callbacks[msg.id]; delete callbacks[msg.id]; cb(null, msg); };",
        ),
        (
            "timeout calls a method that deletes",
            "class Client {
  constructor() { this.pending = new Map(); }
  request(id) {
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      setTimeout(() => this.onTimeout(id), 1000);
    });
  }
  onTimeout(id) { const e = this.pending.get(id); this.pending.delete(id); e.reject(new Error('timeout')); }
  onMessage(m) { this.pending.get(m.id).resolve(m); this.pending.delete(m.id); }
}
module.exports = Client;",
        ),
        (
            "the stored reject wrapper deletes",
            "const pending = new Map();
exports.call = function call(id) {
  return new Promise((resolve, reject) => {
    pending.set(id, {
      resolve: (v) => { pending.delete(id); resolve(v); },
      reject: (e) => { pending.delete(id); reject(e); },
    });
    setTimeout(() => pending.get(id)?.reject(new Error('timeout')), 1000);
  });
};",
        ),
        (
            "no error or timeout path",
            "const pending = new Map();
exports.call = function call(id) {
  return new Promise((resolve) => { pending.set(id, resolve); worker.postMessage({ id }); });
};
worker.on('message', (m) => { pending.get(m.id)(m); pending.delete(m.id); });",
        ),
        (
            "catch falls through to the delete",
            "const inflight = new Map();
exports.handle = async (req, res) => {
  inflight.set(req.id, req);
  let out;
  try { out = await work(req); } catch (err) { out = 'failed'; }
  inflight.delete(req.id);
  res.end(out);
};",
        ),
        (
            "timeout destroys the request, whose 'error' listener deletes",
            "const pending = new Map();
exports.get = function get(id, url, cb) {
  const req = http.get(url);
  pending.set(id, req);
  setTimeout(() => req.destroy(new Error('timeout')), 5000);
  req.on('error', (err) => { pending.delete(id); cb(err); });
  req.on('response', (res) => { pending.delete(id); cb(null, res); });
};",
        ),
        (
            "rejection of the entry's own promise",
            "const pending = new Map();
exports.call = function call(id) {
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    send(id);
  }).catch((err) => { throw new Error('call failed: ' + err.message); });
};
socket.on('message', (m) => { const e = pending.get(m.id); pending.delete(m.id); e.resolve(m); });",
        ),
        (
            "catch inside the answer handler, after the delete",
            "function createClient(socket) {
  const pending = new Map();
  return {
    call(id) {
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        socket.once('message:' + id, (data) => {
          pending.delete(id);
          try { resolve(JSON.parse(data)); } catch (err) { reject(err); }
        });
      });
    },
  };
}
module.exports = createClient;",
        ),
        (
            "cleared on failure",
            "const pending = new Map();
exports.call = function call(id) {
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    setTimeout(() => reject(new Error('timeout')), 1000);
  });
};
socket.on('message', (m) => { pending.get(m.id).resolve(m); pending.delete(m.id); });
socket.on('close', () => pending.clear());",
        ),
    ];
    for (name, source) in cases {
        assert_quiet(DELETE, name, source);
    }
}

// ------------------------------------------------------------ `once` listeners stranded by a failure path

const LISTENER: &str = "no-listener-leak";

#[test]
fn stranded_once_listeners_are_reported() {
    let cases = [
        (
            "per-call event name, timeout rejects",
            "const { EventEmitter } = require('events');
const bus = new EventEmitter();
exports.call = function call(id) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), 5000);
    bus.once('response:' + id, (msg) => { clearTimeout(timer); resolve(msg); });
  });
};",
            "the `setTimeout` callback",
        ),
        (
            "catch clause answers the request",
            "const EventEmitter = require('events');
const replies = new EventEmitter();
exports.handler = async (req, res) => {
  replies.once(`reply:${req.id}`, (reply) => res.end(reply));
  try { await queue.publish(req.body); } catch (err) { res.statusCode = 502; res.end(); }
};",
            "the `catch` clause",
        ),
        (
            "'error' listener rejects",
            "const EventEmitter = require('events');
const conn = new EventEmitter();
function waitFor(name) {
  return new Promise((resolve, reject) => {
    conn.once(name + ':done', resolve);
    conn.once('error', reject);
  });
}
exports.handler = async (req, res) => { res.end(await waitFor(req.url)); };",
            "listener ends the call",
        ),
    ];
    for (name, source, needle) in cases {
        assert_reports(LISTENER, name, source, needle);
    }
}

#[test]
fn once_listeners_that_cannot_be_stranded_are_quiet() {
    let cases = [
        (
            "the failure path removes it",
            "const EventEmitter = require('events');
const replies = new EventEmitter();
exports.handler = async (req, res) => {
  const onReply = (reply) => res.end(reply);
  replies.once(`reply:${req.id}`, onReply);
  try { await queue.publish(req.body); } catch (err) { replies.removeListener(`reply:${req.id}`, onReply); res.end(); }
};",
        ),
        (
            "a shared cleanup removes it",
            "const { EventEmitter } = require('events');
const bus = new EventEmitter();
exports.call = function call(id) {
  return new Promise((resolve, reject) => {
    const onReply = (msg) => { clearTimeout(timer); resolve(msg); };
    const cleanup = () => bus.off('response:' + id, onReply);
    const timer = setTimeout(() => { cleanup(); reject(new Error('timeout')); }, 5000);
    bus.once('response:' + id, onReply);
  });
};",
        ),
        (
            "registered with a signal",
            "const { EventEmitter } = require('events');
const bus = new EventEmitter();
exports.call = function call(id) {
  const controller = new AbortController();
  return new Promise((resolve, reject) => {
    bus.once('response:' + id, resolve, { signal: controller.signal });
    setTimeout(() => { controller.abort(); reject(new Error('timeout')); }, 5000);
  });
};",
        ),
        (
            "request-scoped emitter",
            "exports.handler = (req, res) => {
  const timer = setTimeout(() => res.end('timeout'), 1000);
  req.once('data', (chunk) => { clearTimeout(timer); res.end(chunk); });
};",
        ),
        (
            "an event that fires per request anyway",
            "const EventEmitter = require('events');
const bus = new EventEmitter();
exports.handler = (req, res) => {
  setTimeout(() => res.end('timeout'), 1000);
  bus.once('message', (m) => res.end(m));
};",
        ),
        (
            "set-up code of unknown rate with a constant event",
            "export async function start(server) {
  process.once('SIGTERM', () => server.close());
  try { await server.listen(3000); } catch (err) { throw err; }
}",
        ),
        (
            "the failure path is inside the handler, which already fired",
            "const { EventEmitter } = require('events');
const bus = new EventEmitter();
exports.call = function call(id) {
  return new Promise((resolve, reject) => {
    bus.once('response:' + id, (raw) => {
      try { resolve(JSON.parse(raw)); } catch (err) { reject(err); }
    });
  });
};",
        ),
    ];
    for (name, source) in cases {
        assert_quiet(LISTENER, name, source);
    }
}

// ------------------------------------------------------------ replacements built from the old value

const REGISTRY: &str = "no-unreleased-registry";

#[test]
fn growing_replacements_are_reported() {
    let cases = [
        (
            "child logger",
            "let logger = pino();\nexports.h = (req, res) => { logger = logger.child({ id: req.id }); };",
            "`logger.child(...)`",
        ),
        (
            "prototype chain",
            "let ctx = {};\nexports.h = (req, res) => { ctx = Object.create(ctx); };",
            "`Object.create(ctx)`",
        ),
        (
            "concat",
            "let list = [];\nexports.h = (req, res) => { list = list.concat(req.body); };",
            "`list.concat(...)`",
        ),
        (
            "array spread",
            "let list = [];\nexports.h = (req, res) => { list = [...list, req.url]; };",
            "`[...list, ...]`",
        ),
        (
            "object spread with a dynamic key",
            "let state = {};\nexports.h = (req, res) => { state = { ...state, [req.id]: req.user }; };",
            "one more key",
        ),
        ("clone", "let state = make();\nexports.h = (req, res) => { state = state.clone(); };", "`state.clone(...)`"),
        (
            "with",
            "let scope = root();\nexports.h = (req, res) => { scope = scope.with({ user: req.user }); };",
            "`scope.with(...)`",
        ),
        (
            "captured by the per-request closure",
            "module.exports = function make() {\n  let seen = [];\n  return (req, res) => { seen = seen.concat(req.url); };\n};",
            "`seen.concat(...)`",
        ),
        (
            "property of a module-level object",
            "const state = { log: pino() };\nexports.h = (req, res) => { state.log = state.log.child({ id: req.id }); };",
            "`state.log.child(...)`",
        ),
    ];
    for (name, source, needle) in cases {
        assert_reports(REGISTRY, name, source, needle);
    }
}

#[test]
fn bounded_or_local_replacements_are_quiet() {
    let cases = [
        (
            "sliced",
            "let list = [];\nexports.h = (req, res) => { list = list.concat(req.url); list = list.slice(-100); };",
        ),
        (
            "filtered elsewhere",
            "let list = [];\nexports.h = (req, res) => { list = [...list, req.url]; };\nexports.prune = () => { list = list.filter((x) => x.fresh); };",
        ),
        (
            "reset elsewhere",
            "let list = [];\nexports.h = (req, res) => { list = list.concat(req.url); };\nexports.flush = () => { list = []; };",
        ),
        (
            "capped in the same expression",
            "let list = [];\nexports.h = (req, res) => { list = list.concat(req.url).slice(-100); };",
        ),
        (
            "size-checked",
            "let list = [];\nexports.h = (req, res) => { list = [...list, req.url]; if (list.length > 100) list.shift(); };",
        ),
        (
            "constant key",
            "let stats = { hits: 0 };\nexports.h = (req, res) => { stats = { ...stats, hits: stats.hits + 1 }; };",
        ),
        (
            "start-up only",
            "let config = base;\nfor (const p of plugins) config = config.extend(p);\nmodule.exports = config;",
        ),
        (
            "set-up API",
            "let parser = Parser;\nexport function extend(...plugins) { parser = parser.extend(...plugins); }",
        ),
        (
            "a parameter",
            "const logger = pino();\nfunction withId(logger, id) { logger = logger.child({ id }); return logger; }\nexports.h = (req, res) => withId(logger, req.id);",
        ),
        (
            "a local",
            "exports.h = (req, res) => { let acc = []; for (const x of req.body) acc = acc.concat(x); res.json(acc); };",
        ),
        (
            "derived from another value",
            "let logger = pino();\nconst base = pino();\nexports.h = (req, res) => { logger = base.child({ id: req.id }); };",
        ),
    ];
    for (name, source) in cases {
        assert_quiet(REGISTRY, name, source);
    }
}

//! The lifetime model: how often each function runs, and which values outlive it.

use std::path::Path;

use leaklint_core::model::{Derivation, EventKind, Lifetime, Longevity, OutcomeKind};
use leaklint_core::{FileId, FileModel, Package, build_model};

fn model(file: &str, source: &str) -> Package {
    build_model(Path::new(file), source).expect("parses")
}

fn view(package: &Package) -> FileModel<'_> {
    package.file_model(FileId(0))
}

/// Lifetime of the innermost function containing `marker`.
fn lifetime_at(source: &str, package: &Package, marker: &str) -> Lifetime {
    let offset = source.find(marker).unwrap_or_else(|| panic!("marker {marker:?} not in source")) as u32;
    view(package)
        .functions()
        .iter()
        .filter(|f| f.span.start <= offset && offset < f.span.end)
        .max_by_key(|f| f.span.start)
        .expect("module covers everything")
        .lifetime
}

fn assert_lifetime(file: &str, source: &str, expected: Lifetime) {
    let m = model(file, source);
    assert_eq!(lifetime_at(source, &m, "MARK"), expected, "{source}");
}

#[test]
fn framework_handlers_run_per_request() {
    let cases = [
        ("express route", "const app = require('express')(); app.get('/x', (a, b) => { MARK(); });"),
        ("express middleware", "app.use(function (a, b, c) { MARK(); });"),
        ("restify pre", "server.pre(function (x, y, z) { MARK(); });"),
        ("koa middleware", "app.use(async (ctx, next) => { MARK(); await next(); });"),
        ("koa-router", "router.post(`/items`, async (c) => { MARK(); });"),
        ("fastify route object", "fastify.route({ method: 'GET', url: '/', handler: async (q, r) => { MARK(); } });"),
        ("fastify hook", "fastify.addHook('onRequest', async (q, r) => { MARK(); });"),
        ("node:http", "require('http').createServer((a, b) => { MARK(); }).listen(1);"),
        ("request event", "server.on('request', (a, b) => { MARK(); });"),
        ("ws message", "wss.on('connection', (ws) => { ws.on('message', (m) => { MARK(); }); });"),
        ("handler shape", "module.exports = function (req, res, next) { MARK(); };"),
        ("next.js route export", "export async function GET(request) { MARK(); }"),
        ("named handler passed later", "function handle(a, b) { MARK(); }\napp.get('/', handle);"),
        ("helper called from a handler", "function helper() { MARK(); }\napp.get('/', (q, s) => helper());"),
    ];
    for (name, source) in cases {
        let m = model("case.mjs", source);
        assert_eq!(lifetime_at(source, &m, "MARK"), Lifetime::PerRequest, "{name}: {source}");
    }
}

#[test]
fn start_up_code_runs_once() {
    let cases = [
        ("top level", "MARK();"),
        ("only called from top level", "function init() { MARK(); }\ninit();"),
        ("iife", "(function () { MARK(); })();"),
        ("forEach at top level", "[1, 2].forEach((x) => { MARK(); });"),
        ("umd factory", "(function (root, factory) { module.exports = factory(); })(this, function () { MARK(); });"),
        ("listen callback", "app.listen(3000, () => { MARK(); });"),
    ];
    for (name, source) in cases {
        let m = model("case.js", source);
        assert_eq!(lifetime_at(source, &m, "MARK"), Lifetime::Startup, "{name}: {source}");
    }
}

#[test]
fn instances_and_exports_repeat() {
    // Classes whose users are outside the checked code: once per instance, by assumption.
    assert_lifetime("a.js", "module.exports = class A { constructor() { MARK(); } }", Lifetime::PerInstance);
    assert_lifetime("a.js", "module.exports = class A { run() { MARK(); } }", Lifetime::PerInstance);
    assert_lifetime(
        "a.js",
        "function A() {}\nA.prototype.run = function () { MARK(); };\nmodule.exports = A;",
        Lifetime::PerInstance,
    );
    assert_lifetime("a.js", "exports.save = function (task) { MARK(); };", Lifetime::Repeatable);
    assert_lifetime("a.ts", "export function save(task: string) { MARK(); }", Lifetime::Repeatable);
    assert_lifetime("a.js", "setInterval(() => { MARK(); }, 10);", Lifetime::Repeatable);
    // A nested function runs at least as often as its parent.
    assert_lifetime("a.js", "export function f() { [1].forEach(() => { MARK(); }); }", Lifetime::Repeatable);
}

#[test]
fn longevity_of_values() {
    let source = "
        const sessions = new Map();
        function make() {
          const local = new Map();
          return (req, res) => { sessions.set(req, 1); local.set(req, 1); global.seen.add(req); res.x.set(req, 1); };
        }
        module.exports = make;
    ";
    let m = model("a.js", source);
    // The longevity of what each write writes to, by the collection as written.
    let longevity = |name: &str| {
        view(&m)
            .events()
            .iter()
            .find_map(|e| match &e.kind {
                EventKind::Write { path, longevity, .. } if path == name => Some(*longevity),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no write to {name}"))
    };
    assert_eq!(longevity("sessions"), Some(Longevity::ModuleScope));
    assert_eq!(longevity("local"), Some(Longevity::Captured));
    assert_eq!(longevity("global.seen"), Some(Longevity::Global));
    assert_eq!(longevity("res.x"), None, "request-scoped values die with the request");
}

#[test]
fn emitters_passed_into_helpers_keep_their_longevity() {
    let source = "
        module.exports = function proxy() {
          function subscribe(server) { server.on('upgrade', onUpgrade); }
          function onUpgrade() {}
          return function (req, res, next) { subscribe(req.connection.server); next(); };
        };
    ";
    let m = model("a.js", source);
    let add = view(&m)
        .events()
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::ListenerAdd { emitter, .. } => Some((emitter.longevity, m.function(e.func).lifetime)),
            _ => None,
        })
        .expect("listener recorded");
    assert_eq!(add, (Some(Longevity::Server), Lifetime::PerRequest));
}

#[test]
fn syntax_errors_are_reported_with_an_offset() {
    let err = build_model(Path::new("bad.js"), "const = 1;").expect_err("does not parse");
    assert!(err.offset.is_some(), "{err:?}");
    assert!(!err.message.is_empty());
}

/// `requestRegistrars` and `longLivedEmitters` from the configuration teach the
/// model an in-house framework; without them the same code is unknown.
#[test]
fn configured_registrars_and_emitters() {
    let source = "
const { registerHandler } = require('./framework');
registerHandler(function onOrder(ctx) {
  ctx.bus.on('price', (p) => ctx.send(p)); // MARK
});
";
    let plain = model("a.js", source);
    assert_ne!(lifetime_at(source, &plain, "MARK"), Lifetime::PerRequest);

    let options = leaklint_core::Options {
        request_registrars: vec!["registerHandler".into()],
        long_lived_emitters: vec!["ctx.bus".into()],
        ..Default::default()
    };
    let configured = leaklint_core::build_model_with(Path::new("a.js"), source, &options).expect("parses");
    let handler = configured.functions.iter().find(|f| f.name.as_deref() == Some("onOrder")).expect("handler");
    assert_eq!(handler.lifetime, Lifetime::PerRequest);
    let reason = view(&configured).lifetime_reason(handler.id);
    assert!(reason.contains("registerHandler"), "{reason}");
    let longevity = configured.events.iter().find_map(|e| match &e.kind {
        EventKind::ListenerAdd { emitter, .. } => emitter.longevity,
        _ => None,
    });
    assert_eq!(longevity, Some(Longevity::Configured));
}

/// `catch`/`finally` clauses and promise rejection/`finally` callbacks, with the
/// function they are written in.
#[test]
fn outcomes_of_try_statements_and_promises() {
    let source = "
async function f() {
  try { await a(); } catch (e) { fail(e); } finally { done(); }
  p.then(ok, onError);
  p.catch((e) => fail(e)).finally(cleanup);
  p.then(ok);
}
";
    let m = model("a.js", source);
    let kinds: Vec<(&str, String)> = view(&m)
        .outcomes()
        .iter()
        .map(|o| {
            let kind = match o.kind {
                OutcomeKind::Catch { try_block } => {
                    assert_eq!(try_block.text(source), "{ await a(); }");
                    "catch"
                }
                OutcomeKind::Rejection { receiver } => {
                    assert_eq!(receiver.text(source), "p");
                    "rejection"
                }
                OutcomeKind::Finally => "finally",
            };
            assert_eq!(m.function(o.func).name.as_deref(), Some("f"));
            (kind, o.span.text(source).to_string())
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("catch", "catch (e) { fail(e); }".to_string()),
            ("finally", "{ done(); }".to_string()),
            ("rejection", "onError".to_string()),
            // A chain in the order its calls run: `.catch` before the `.finally` on its result.
            ("rejection", "(e) => fail(e)".to_string()),
            ("finally", "cleanup".to_string()),
        ]
    );
}

/// A reassignment records how the new value is built from the one it replaces.
#[test]
fn reassignments_record_their_derivation() {
    let source = "
let log = pino(), ctx = {}, list = [], state = {}, other = [];
exports.h = (req, res) => {
  log = log.child({ id: req.id });
  ctx = Object.create(ctx);
  list = [...list, req.url];
  state = { ...state, [req.id]: 1 };
  state = { ...state, hits: 1 };
  other = list.concat(req.url);
  list = [];
};
";
    let m = model("a.js", source);
    // One entry per assignment: the event is repeated for each value the variable held.
    let mut derived: Vec<(String, Option<Derivation>)> = Vec::new();
    let mut last = None;
    for e in view(&m).events() {
        if let EventKind::Reassign { path, derived: d, .. } = &e.kind
            && last != Some(e.span)
        {
            last = Some(e.span);
            derived.push((path.to_string(), d.clone()));
        }
    }
    assert_eq!(
        derived,
        [
            ("log".to_string(), Some(Derivation::Method("child".into()))),
            ("ctx".to_string(), Some(Derivation::Prototype)),
            ("list".to_string(), Some(Derivation::ArraySpread)),
            ("state".to_string(), Some(Derivation::ObjectSpread { dynamic_key: true })),
            ("state".to_string(), Some(Derivation::ObjectSpread { dynamic_key: false })),
            ("other".to_string(), None),
            ("list".to_string(), None),
        ]
    );
    let log = view(&m).events().iter().find_map(|e| match &e.kind {
        EventKind::Reassign { path, longevity, .. } if path == "log" => Some(*longevity),
        _ => None,
    });
    assert_eq!(log, Some(Some(Longevity::ModuleScope)));
}

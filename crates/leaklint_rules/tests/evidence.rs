//! How far a rate counts as evidence. The call graph knows no calling context, so each call
//! between a function and where its rate comes from makes the chain likelier to be a path no
//! run takes: a short chain proves (an error), a longer one is an assumption (a warning that
//! says so), and past that it is no evidence at all. A collection made by a call and kept
//! nowhere that outlives the call is not long-lived, whoever else runs the code that fills it.

mod common;

use leaklint_core::{Diagnostic, Severity};

/// Every finding of `files` checked as one package.
fn check(files: &[(&str, String)]) -> Vec<Diagnostic> {
    let files: Vec<(&str, &str)> = files.iter().map(|(name, source)| (*name, source.as_str())).collect();
    common::check(&files).into_iter().map(|(_, d)| d).collect()
}

/// A route handler that reaches `cache.set` through `calls` helper functions.
fn chain(calls: usize) -> String {
    let mut src =
        String::from("const express = require('express');\nconst app = express();\nconst cache = new Map();\n");
    src.push_str(&format!("function step{calls}(key) {{ cache.set(key, Date.now()); }}\n"));
    for i in (1..calls).rev() {
        src.push_str(&format!("function step{i}(key) {{ step{}(key); }}\n", i + 1));
    }
    src.push_str("app.get('/seen/:id', (req, res) => { step1(req.params.id); res.end(); });\n");
    src
}

fn growth(found: &[Diagnostic]) -> Vec<&Diagnostic> {
    found.iter().filter(|d| d.rule == "no-unbounded-collection").collect()
}

#[test]
fn a_short_chain_from_a_route_proves_the_rate() {
    let found = check(&[("app.js", chain(2))]);
    let growth = growth(&found);
    assert_eq!(growth.len(), 1, "{found:#?}");
    assert_eq!(growth[0].severity, Severity::Error, "{found:#?}");
}

#[test]
fn a_longer_chain_is_an_assumption_and_says_so() {
    let found = check(&[("app.js", chain(5))]);
    let growth = growth(&found);
    assert_eq!(growth.len(), 1, "{found:#?}");
    assert_eq!(growth[0].severity, Severity::Warning, "{found:#?}");
    assert!(growth[0].help.contains("This rests on an assumption"), "{}", growth[0].help);
}

#[test]
fn a_chain_too_long_to_trace_is_no_evidence() {
    let found = check(&[("app.js", chain(9))]);
    assert!(growth(&found).is_empty(), "{found:#?}");
}

#[test]
fn a_collection_a_call_makes_and_keeps_nowhere_dies_with_the_call() {
    // `append` runs per request for the route; the list `defaults` makes is still that call's own.
    let helpers = "exports.append = (list, items) => { for (const item of items) list.push(item); };\n".to_string();
    let app = "const { append } = require('./helpers');
const express = require('express');
const app = express();
function defaults() { const names = []; append(names, ['a', 'b']); return names.length; }
const count = defaults();
app.get('/trail', (req, res) => { append(res.locals.trail, req.query.steps); res.json(count); });
"
    .to_string();
    let found = check(&[("helpers.js", helpers.clone()), ("app.js", app.clone())]);
    assert!(growth(&found).is_empty(), "{found:#?}");

    // Kept in a module variable that the route appends to, the same list outlives the call and
    // grows per request.
    let kept = app
        .replace("return names.length; }", "return names; }")
        .replace("const count = defaults();", "const kept = defaults(); const count = 1;")
        .replace("append(res.locals.trail,", "append(kept,");
    let found = check(&[("helpers.js", helpers), ("app.js", kept)]);
    assert_eq!(growth(&found).len(), 1, "{found:#?}");
}

#[test]
fn a_list_a_kept_listener_captures_outlives_the_call_that_made_it() {
    let src = "const { EventEmitter } = require('events');
const bus = new EventEmitter();
function watch() { const ticks = []; bus.on('tick', (t) => ticks.push(t)); }
watch();
"
    .to_string();
    let found = check(&[("watch.js", src)]);
    assert_eq!(growth(&found).len(), 1, "{found:#?}");
}

#[test]
fn code_that_only_the_maker_runs_meets_each_value_once() {
    // `Watcher` is built only by `create`, so each emitter gets one listener, although the
    // constructor's rate (once per instance) is larger than `create`'s and every emitter is kept
    // in a module-level set.
    let src = "const { EventEmitter } = require('events');
class Watcher { constructor(events) { events.on('log', (m) => console.log(m)); } }
const all = new Set();
exports.create = () => { const events = new EventEmitter(); new Watcher(events); all.add(events); return events; };
"
    .to_string();
    let found = check(&[("watch.js", src.clone())]);
    let listeners: Vec<_> = found.iter().filter(|d| d.rule == "no-listener-leak").collect();
    assert!(listeners.is_empty(), "{found:#?}");

    // Built per request too, on a module emitter: that path adds a listener per request.
    let shared = format!(
        "{src}const bus = new EventEmitter();\nrequire('http').createServer((req, res) => {{ new Watcher(bus); res.end(); }}).listen(8080);\n"
    );
    let found = check(&[("watch.js", shared)]);
    let listeners: Vec<_> = found.iter().filter(|d| d.rule == "no-listener-leak").collect();
    assert_eq!(listeners.len(), 1, "{found:#?}");
}

#[test]
fn a_chain_on_a_binding_that_dies_with_its_run_does_not_grow() {
    let registry = |found: &[Diagnostic]| found.iter().filter(|d| d.rule == "no-unreleased-registry").count();
    // A function's own `let`, replaced by a copy of a module constant plus one more element.
    let local = "const TEMPLATE = [1, 2, 3];
exports.decode = function decode(at) { let template = TEMPLATE; template = template.concat([at]); return template.length; };
"
    .to_string();
    let found = check(&[("decode.js", local)]);
    assert_eq!(registry(&found), 0, "{found:#?}");

    // A constructor deriving its own field from the shared default, once per instance.
    let ctor = "class Generator { constructor(key) { this.ops = { ...this.ops, [key]: true }; } }
Generator.prototype.ops = { eq: '=' };
exports.make = (key) => new Generator(key);
"
    .to_string();
    let found = check(&[("gen.js", ctor)]);
    assert_eq!(registry(&found), 0, "{found:#?}");

    // The same chain on a module variable grows with every call.
    let module = "let template = [1, 2, 3];
exports.decode = function decode(at) { template = template.concat([at]); return template.length; };
"
    .to_string();
    let found = check(&[("decode.js", module)]);
    assert_eq!(registry(&found), 1, "{found:#?}");
}

#[test]
fn every_function_a_full_callee_may_hold_is_still_called() {
    // Ten handlers chosen into one variable: more than a location holds, yet each is called per
    // request at the call through that variable.
    let mut src = String::from("const express = require('express');\nconst app = express();\n");
    for i in 0..10 {
        src.push_str(&format!(
            "const seen{i} = new Map();\nfunction handle{i}(req) {{ seen{i}.set(req.params.id, Date.now()); }}\n"
        ));
    }
    src.push_str("app.get('/do/:kind/:id', (req, res) => {\n  let handle = handle0;\n  switch (req.params.kind) {\n");
    for i in 1..10 {
        src.push_str(&format!("    case '{i}': handle = handle{i}; break;\n"));
    }
    src.push_str("  }\n  handle(req);\n  res.end();\n});\n");
    let found = check(&[("dispatch.js", src)]);
    assert_eq!(growth(&found).len(), 10, "{found:#?}");
}

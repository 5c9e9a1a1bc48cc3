//! Cases the name-level model got wrong, each a shape of real code: aliases,
//! conditional values, receiver-returning calls, ES5 constructors, function-level
//! strict mode, bounds under a size check, a package of several files, and
//! compiled interop. Each is checked with every rule on, as `leaklint check` runs.

mod common;

use common::check;
use leaklint_core::{Diagnostic, Severity};

fn describe(found: &[(String, Diagnostic)]) -> Vec<String> {
    found.iter().map(|(file, d)| format!("{file}: {} {}: {}", d.severity.as_str(), d.rule, d.message)).collect()
}

fn assert_quiet(name: &str, files: &[(&str, &str)]) {
    let found = check(files);
    assert!(found.is_empty(), "{name}: expected no finding, got {:#?}", describe(&found));
}

#[test]
fn a_listener_removed_through_an_alias_is_removed() {
    assert_quiet(
        "alias",
        &[(
            "a.js",
            "const { EventEmitter } = require('events'); const bus = new EventEmitter();
module.exports = async function f() { let r; const p = new Promise(res => { bus.once('x', res); r = res; });
  try { await p; } finally { bus.removeListener('x', r); } };",
        )],
    );
}

#[test]
fn a_listener_chosen_by_a_condition_is_one_of_its_arms() {
    assert_quiet(
        "conditional alias",
        &[(
            "a.js",
            "function pipe(src, c) { function a() {} function b() {} const fn = c ? a : b; src.once('end', fn);
  return function cleanup() { src.removeListener('end', a); src.removeListener('end', b); }; }
module.exports = pipe;",
        )],
    );
}

#[test]
fn a_timer_is_kept_through_unref() {
    assert_quiet(
        "unref",
        &[(
            "a.js",
            "class A { start() { if (this.t) clearInterval(this.t); this.t = setInterval(() => {}, 100).unref(); }
  stop() { clearInterval(this.t); } }
module.exports = A;",
        )],
    );
}

#[test]
fn an_es5_constructor_builds_its_fields_once_per_instance() {
    assert_quiet(
        "ES5 constructor",
        &[(
            "a.js",
            "var FindMyWay = require('find-my-way');
function Reg(o) { this._r = new FindMyWay(o); }
Reg.prototype.add = function (x) { this._r.on(x.m, x.p, function () {}); };
module.exports = Reg;",
        )],
    );
}

#[test]
fn a_function_level_use_strict_covers_the_wrapper_and_restoring_a_builtin_creates_nothing() {
    assert_quiet(
        "use strict in a wrapper",
        &[(
            "a.js",
            "var x = (function () { \"use strict\"; var old;
  function noConflict() { try { if (Promise === b) Promise = old; } catch (e) {} return b; }
  var b = 1; return noConflict; })();",
        )],
    );
}

#[test]
fn a_delete_under_a_size_check_is_a_bound() {
    assert_quiet(
        "FIFO bound",
        &[(
            "a.js",
            "const recent = new Map();
app.get('/seen/:id', (req, res) => { recent.set(req.params.id, 1);
  if (recent.size > 500) recent.delete(recent.keys().next().value); res.end(); });",
        )],
    );
}

const BUS: &str = "module.exports = new (require('events').EventEmitter)();";
const WATCH: &str =
    "const bus = require('./bus'); exports.follow = (res) => { bus.on('tick', t => res.write(String(t))); };";

#[test]
fn a_helper_called_per_request_from_another_file_leaks_with_that_file_as_the_reason() {
    let found = check(&[
        ("bus.js", BUS),
        ("watch.js", WATCH),
        ("app.js", "require('http').createServer((req, res) => { require('./watch').follow(res); }).listen(8080);"),
    ]);
    let [(file, finding)] = found.as_slice() else { panic!("expected one finding, got {:#?}", describe(&found)) };
    assert_eq!(file, "watch.js");
    assert_eq!(finding.rule, "no-listener-leak");
    assert_eq!(finding.severity, Severity::Error, "a proven chain: {}", finding.message);
    assert!(finding.message.contains("app.js"), "the reason names the caller's file: {}", finding.message);
}

#[test]
fn the_same_helper_called_once_at_start_up_is_quiet() {
    assert_quiet(
        "called at start-up",
        &[("bus.js", BUS), ("watch.js", WATCH), ("app.js", "require('./watch').follow(process.stdout);")],
    );
}

#[test]
fn a_memoiser_reached_through_babel_interop_is_a_memoiser() {
    let found = check(&[(
        "a.js",
        "\"use strict\";
var _lodash = _interopRequireDefault(require(\"lodash.memoize\"));
function _interopRequireDefault(e) { return e && e.__esModule ? e : { default: e }; }
const joinPaths = (0, _lodash.default)(function joinPathsImpl(parts) { return parts.join('.'); });
exports.joinPaths = joinPaths;",
    )]);
    let rules: Vec<&str> = found.iter().map(|(_, d)| d.rule).collect();
    assert_eq!(rules, ["no-unbounded-memoize"], "{:#?}", describe(&found));
}

#[test]
fn spread_arguments_to_collection_methods_are_read_without_a_key() {
    // `set(...pair)` and `add(...xs)` have no key expression; this once indexed past the end.
    let found = check(&[(
        "tuples.js",
        "const seen = new Map(); const tags = new Set();
module.exports = function remember(...pair) { seen.set(...pair); tags.add(...pair); seen['set'](...pair); };",
    )]);
    assert!(found.iter().all(|(_, d)| d.rule != "internal-error"), "{:#?}", describe(&found));
}

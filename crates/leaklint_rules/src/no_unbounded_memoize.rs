//! `no-unbounded-memoize`: a module-level memoised function with no size
//! bound, whose cache keys are its callers' arguments.

use leaklint_core::model::{Arg, Call, Callee, Lifetime};
use leaklint_core::{Finding, Precision, Rule, RuleContext, RuleMeta, Severity};

pub struct NoUnboundedMemoize;

static META: RuleMeta = RuleMeta {
    id: "no-unbounded-memoize",
    default_severity: Severity::Warning,
    summary: "A long-lived memoised function caches every distinct argument forever.",
    docs: include_str!("../../../rules/no-unbounded-memoize.md"),
    tags: &["memory", "cache"],
    precision: Precision::Medium,
};

/// Memoisers that keep every result unless told otherwise, by package (or any
/// local/relative `memoize`, the hand-written and lodash-internal ones).
const MEMOIZERS: &[(&str, &str)] = &[
    ("lodash", "memoize"),
    ("lodash-es", "memoize"),
    ("lodash/memoize", "default"),
    ("lodash.memoize", "default"),
    ("memoizee", "default"),
    ("micro-memoize", "default"),
    ("fast-memoize", "default"),
    ("moize", "default"),
    ("ramda", "memoizeWith"),
];

/// Option keys that bound a memoiser's cache (memoizee `max`, micro-memoize `maxSize`, moize `maxSize`/`maxAge`).
const BOUND_KEYS: &[&str] = &["max", "maxSize", "maxAge", "maxArgs", "length"];

fn is_memoizer(call: &Call) -> bool {
    match &call.target {
        Callee::Package(import) => {
            MEMOIZERS.iter().any(|(m, e)| *m == import.module && *e == import.export)
                // A module of the project's own that was not checked with this file.
                || (import.module.starts_with('.') && call.name == "memoize")
        }
        // A memoiser of the package's own, or one we cannot see that is called so.
        Callee::Local(_) | Callee::Unknown => call.name == "memoize",
        Callee::Global(_) => false,
    }
}

impl Rule for NoUnboundedMemoize {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut RuleContext<'_>) {
        let model = ctx.model;
        for call in model.calls() {
            // Only a memo that outlives its callers grows: one built at start-up.
            if model.function(call.func).lifetime != Lifetime::Startup || !is_memoizer(call) {
                continue;
            }
            let bounded = call.args.iter().skip(1).any(|a| match a {
                Arg::Object { keys, spread } => *spread || keys.iter().any(|k| BOUND_KEYS.contains(&k.as_str())),
                _ => false,
            });
            // A function of no arguments has one key. A named function passed to a
            // local `memoize` of unknown semantics (often a lazy thunk) is left alone.
            let known_package = matches!(call.target, Callee::Package(_));
            let takes_arguments = match call.args.first() {
                Some(Arg::Function(f)) => !model.function(*f).params.is_empty(),
                Some(Arg::Path { values, .. }) => {
                    // A function of the package passed by name: its own parameters decide.
                    let local = values.iter().find_map(|v| match model.value(*v).origin {
                        leaklint_core::model::Origin::Function(f) => Some(f),
                        _ => None,
                    });
                    match local {
                        Some(f) => !model.function(f).params.is_empty(),
                        None => known_package,
                    }
                }
                _ => false,
            };
            if bounded || !takes_arguments {
                continue;
            }
            let name = match &call.result {
                leaklint_core::model::ResultUse::Stored(n) => n.to_string(),
                _ => "the memoised function".to_string(),
            };
            // lodash lets a cache be swapped in: `memoize.Cache = LRU` or `fn.cache = new LRU()`.
            if ctx.source.contains("memoize.Cache =") || ctx.source.contains(&format!("{name}.cache =")) {
                continue;
            }
            ctx.report(Finding {
                span: call.head_span(),
                message: format!(
                    "`{name}` memoises with `{}` and no size bound, so it keeps a result for every distinct argument forever",
                    call.callee
                ),
                label: "unbounded cache".into(),
                related: Vec::new(),
                help: "A module-level memo lives as long as the process; when its arguments come from input (paths, ids, user strings) it grows without limit. Bound it (lodash's `memoizeCapped` pattern, memoizee `{ max }`, micro-memoize `{ maxSize }`, an LRU as `memoize.Cache`), or memoise per request.".into(),
                fixes: Vec::new(),
                subject: Some(name),
                assumption: None,
            });
        }
    }
}

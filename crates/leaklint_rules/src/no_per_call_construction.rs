//! `no-per-call-construction`: objects meant to be built once (schema
//! compilers, proxies, clients, pools, routers) constructed inside code that
//! runs per request or on every call.

use leaklint_core::model::{Arg, Call, EventKind, Lifetime, ResultUse};
use leaklint_core::{Finding, Label, Precision, Rule, RuleContext, RuleMeta, Severity};

use crate::factories::{FACTORIES, Factory};
use crate::how_often;

pub struct NoPerCallConstruction;

static META: RuleMeta = RuleMeta {
    id: "no-per-call-construction",
    default_severity: Severity::Warning,
    summary: "An object meant to be created once (Ajv, a proxy, a client, a pool, a router) is built per request or per call.",
    docs: include_str!("../../../rules/no-per-call-construction.md"),
    tags: &["memory", "node", "performance"],
    precision: Precision::High,
};

/// Does `module` name `package` or one of its files (`ajv/dist/2019`)?
fn is_package(module: &str, package: &str) -> bool {
    module == package || module.strip_prefix(package).is_some_and(|rest| rest.starts_with('/'))
}

/// What kind of once-only object this call builds.
fn factory_of(call: &Call, extra: &[leaklint_core::FactorySpec]) -> Option<(String, String)> {
    let import = call.import.as_ref()?;
    let builtin = FACTORIES.iter().find(|f: &&Factory| {
        is_package(&import.module, f.package)
            && f.export == import.export
            && (!f.needs_dynamic_argument || matches!(call.args.first(), Some(Arg::Dynamic)))
    });
    // As written, with the package it comes from: "`new Ajv()` (from `ajv`)".
    let what = format!("`{}{}()` (from `{}`)", if call.is_new { "new " } else { "" }, call.callee, import.module);
    if let Some(f) = builtin {
        return Some((what, f.why.to_string()));
    }
    extra
        .iter()
        .find(|f| is_package(&import.module, &f.package) && f.export == import.export)
        .map(|f| (what, f.why.clone()))
}

/// `someAjv.compile({ ...schema })`: Ajv caches each compiled schema by the schema
/// object, so a fresh object per call compiles and keeps a new validator every time.
fn is_fresh_schema_compile(call: &Call) -> bool {
    call.name == "compile" && matches!(call.args.first(), Some(Arg::Object { .. }))
}

impl Rule for NoPerCallConstruction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut RuleContext<'_>) {
        let model = ctx.model;
        let imports_ajv = model.imported_modules().iter().any(|m| is_package(m, "ajv"));
        for call in model.calls() {
            let func = model.function(call.func);
            if func.lifetime == Lifetime::Startup {
                continue;
            }
            // Compiled on a cache miss (`cache.get(schema)` ... `cache.set(schema, fn)`): once per schema.
            let cached = || {
                model.events().iter().any(|e| {
                    e.func == call.func && matches!(e.kind, EventKind::Lookup { .. } | EventKind::Write { .. })
                })
            };
            if imports_ajv && is_fresh_schema_compile(call) && !cached() {
                ctx.report(Finding {
                    span: call.head_span(),
                    message: format!(
                        "`{}` compiles a freshly built schema object {}",
                        call.callee,
                        how_often(model, func)
                    ),
                    label: "a new schema object on every call".into(),
                    related: Vec::new(),
                    help: "Ajv keeps every schema it compiles, keyed by the schema object, so a new object per call compiles again and is never freed. Compile once per schema and reuse the validator: keep validators in a `WeakMap` keyed by the original schema object.".into(),
                    fixes: Vec::new(),
                    subject: Some(call.callee.to_string()),
                    assumption: model.assumption(func.id),
                });
                continue;
            }
            // Set-up code that may run a few times (an exported `createApp()`) is
            // fine; only code that certainly repeats is reported.
            if func.lifetime != Lifetime::PerRequest {
                continue;
            }
            let Some((what, why)) = factory_of(call, &ctx.options.per_call_factories) else { continue };
            // Returned (a factory of its own) or kept on an object (a cache): built on purpose.
            match &call.result {
                ResultUse::Returned => continue,
                ResultUse::Stored(path) if path.contains('.') || path.contains('[') => continue,
                _ => {}
            }
            let mut related = Vec::new();
            if let Some(entry) = model.local_span(func.entry).filter(|e| !e.contains(call.span)) {
                related
                    .push(Label { span: crate::head(ctx.source, entry), message: "this runs once per request".into() });
            }
            ctx.report(Finding {
                span: call.head_span(),
                message: format!("{what} is built {}", how_often(model, func)),
                label: format!("a new `{}` {}", call.callee, func.lifetime.describe()),
                related,
                help: format!(
                    "{why} Create it once at module scope and reuse it, or cache one per key in a `WeakMap`."
                ),
                fixes: Vec::new(),
                subject: None,
                assumption: model.assumption(func.id),
            });
        }
    }
}

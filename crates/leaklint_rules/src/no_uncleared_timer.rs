//! `no-uncleared-timer`: `setInterval` (or a self-rescheduling `setTimeout`)
//! started from code that runs repeatedly, whose id is never kept or never
//! passed to `clearInterval`/`clearTimeout`.

use leaklint_core::FileModel;
use leaklint_core::model::{Arg, Call, Callee, EventKind, Lifetime, ResultUse};
use leaklint_core::{Finding, Label, Precision, Rule, RuleContext, RuleMeta, Severity};

use crate::{how_often, in_component_lifecycle};

pub struct NoUnclearedTimer;

static META: RuleMeta = RuleMeta {
    id: "no-uncleared-timer",
    default_severity: Severity::Error,
    summary: "A repeating timer is started per call, per request or per instance and never cleared.",
    docs: include_str!("../../../rules/no-uncleared-timer.md"),
    tags: &["memory", "node", "browser", "timers"],
    precision: Precision::High,
};

/// `setInterval`, `window.setInterval`, `require("timers").setInterval`: which timer this call starts, if any.
pub(crate) fn timer_kind(call: &Call) -> Option<&'static str> {
    let name = match &call.target {
        Callee::Global(name) => name.as_str(),
        Callee::Package(import) if matches!(import.module.as_str(), "timers" | "node:timers") => import.export.as_str(),
        _ => return None,
    };
    ["setInterval", "setTimeout"].into_iter().find(|kind| *kind == name)
}

/// Is the timer this call starts ever stopped, through any variable or property
/// it reaches (`clearInterval(t)`, `clearTimeout(this.timer)`, `t.close()`)?
pub(crate) fn is_cleared(model: FileModel<'_>, call: &Call) -> bool {
    call.result_value
        .is_some_and(|timer| model.events_on(timer).any(|e| matches!(e.kind, EventKind::TimerClear { .. })))
}

impl Rule for NoUnclearedTimer {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut RuleContext<'_>) {
        let model = ctx.model;
        for call in model.calls() {
            let Some(kind) = timer_kind(call) else { continue };
            let func = model.function(call.func);
            // Code that certainly repeats; an exported set-up function (`startPolling()`) is often called once.
            if !matches!(func.lifetime, Lifetime::PerRequest | Lifetime::PerInstance)
                || in_component_lifecycle(model, call.func)
            {
                continue;
            }
            // `setTimeout` runs once; it only repeats when the callback schedules itself again.
            if kind == "setTimeout" {
                let reschedules = match call.args.first() {
                    Some(Arg::Path { text, values }) => values.iter().any(
                        |v| matches!(model.value(*v).origin, leaklint_core::model::Origin::Function(f) if f == func.id),
                    ) || (values.is_empty()
                        && func.name.as_deref() == Some(text.as_str())),
                    _ => false,
                };
                // A reschedule inside a branch stops by itself (poll until done).
                if !reschedules || call.conditional {
                    continue;
                }
            }
            if is_cleared(model, call) {
                continue;
            }
            let problem = match &call.result {
                ResultUse::Stored(path) => format!("its id is kept in `{path}` but never cleared"),
                ResultUse::Discarded => "its id is never kept, so nothing can clear it".to_string(),
                // `.unref()` only lets the process exit; the timer still runs and holds its closure.
                ResultUse::Chained(m) if m == "unref" => {
                    "its id is never kept (only unref'd), so nothing can clear it".to_string()
                }
                // Returned to the caller, or handed on: someone else owns the id.
                _ => continue,
            };
            let what = if kind == "setInterval" { "`setInterval`" } else { "a self-rescheduling `setTimeout`" };
            let mut related = Vec::new();
            if let Some(entry) = model.local_span(func.entry).filter(|e| !e.contains(call.span)) {
                related.push(Label { span: crate::head(ctx.source, entry), message: "this runs repeatedly".into() });
            }
            ctx.report(Finding {
                span: call.head_span(),
                message: format!("{what} is started {} and {problem}", how_often(model, func)),
                label: format!("a new timer {}", func.lifetime.describe()),
                related,
                help: format!(
                    "Each call starts one more timer that runs forever and keeps its callback's closure alive. Start it once at start-up, or keep the id and call `{}` when the work ends.",
                    if kind == "setInterval" { "clearInterval(id)" } else { "clearTimeout(id)" }
                ),
                fixes: Vec::new(),
                subject: None,
                assumption: model.assumption(func.id),
            });
        }
    }
}

//! The leak rules. One rule, one file; each documented in `rules/<id>.md`,
//! whose examples run as tests (`tests/rule_docs.rs`).

mod factories;
mod failure;
mod no_accidental_global;
mod no_component_subscription_leak;
mod no_listener_leak;
mod no_mismatched_delete;
mod no_mismatched_listener_removal;
mod no_per_call_construction;
mod no_retained_request_closure;
mod no_unbounded_collection;
mod no_unbounded_memoize;
mod no_uncleared_timer;
mod no_unreleased_registry;

use leaklint_core::FileModel;
use leaklint_core::Rule;
use leaklint_core::model::{Arg, Event, Function, FunctionId, Lifetime, ValueId};

pub use factories::{FACTORIES, Factory};
pub use no_accidental_global::NoAccidentalGlobal;
pub use no_component_subscription_leak::NoComponentSubscriptionLeak;
pub use no_listener_leak::NoListenerLeak;
pub use no_mismatched_delete::NoMismatchedDelete;
pub use no_mismatched_listener_removal::NoMismatchedListenerRemoval;
pub use no_per_call_construction::NoPerCallConstruction;
pub use no_retained_request_closure::NoRetainedRequestClosure;
pub use no_unbounded_collection::NoUnboundedCollection;
pub use no_unbounded_memoize::NoUnboundedMemoize;
pub use no_uncleared_timer::NoUnclearedTimer;
pub use no_unreleased_registry::NoUnreleasedRegistry;

/// In id order.
static RULES: &[&dyn Rule] = &[
    &NoAccidentalGlobal,
    &NoComponentSubscriptionLeak,
    &NoListenerLeak,
    &NoMismatchedDelete,
    &NoMismatchedListenerRemoval,
    &NoPerCallConstruction,
    &NoRetainedRequestClosure,
    &NoUnboundedCollection,
    &NoUnboundedMemoize,
    &NoUnclearedTimer,
    &NoUnreleasedRegistry,
];

/// Every rule, in id order.
pub fn all_rules() -> Vec<&'static dyn Rule> {
    RULES.to_vec()
}

/// The rule with this id.
pub fn find_rule(id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().id == id)
}

/// "once per request (`(req, res)` request handler)": how often `func` runs, for messages.
fn how_often(model: FileModel<'_>, func: &Function) -> String {
    match func.lifetime {
        Lifetime::Startup => "once at start-up".to_string(),
        l => format!("{} ({})", l.describe(), model.lifetime_reason(func.id)),
    }
}

/// The function an event happens in.
fn function_of<'m>(model: FileModel<'m>, event: &Event) -> &'m Function {
    model.function(event.func)
}

/// The first line of `span`: enough to point at a function without quoting its whole body.
fn head(source: &str, span: leaklint_core::Span) -> leaklint_core::Span {
    let text = span.text(source);
    match text.find('\n') {
        Some(newline) => leaklint_core::Span::new(span.start, span.start + text[..newline].trim_end().len() as u32),
        None => span,
    }
}

/// "this runs once per request" at the per-request entry point of `func`, when
/// the entry is in this file and somewhere other than the flagged code at `at`.
fn entry_label(
    model: FileModel<'_>,
    source: &str,
    func: &Function,
    at: leaklint_core::Span,
) -> Option<leaklint_core::Label> {
    let entry = model.local_span(func.entry).filter(|s| !s.contains(at))?;
    Some(leaklint_core::Label { span: head(source, entry), message: format!("this runs {}", func.lifetime.describe()) })
}

/// Is `func` `ancestor` or nested inside it?
pub(crate) fn is_within(model: FileModel<'_>, func: FunctionId, ancestor: FunctionId) -> bool {
    let mut at = Some(func);
    while let Some(f) = at {
        if f == ancestor {
            return true;
        }
        at = model.function(f).parent;
    }
    false
}

/// `this.timer` → `timer`: the name a handle is kept under, wherever it is stored.
pub(crate) fn last_segment(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// Lifecycle methods and hooks whose subscriptions `no-component-subscription-leak` checks.
const LIFECYCLE_NAMES: &[&str] = &[
    "componentDidMount",
    "componentWillMount",
    "UNSAFE_componentWillMount",
    "mounted",
    "ngOnInit",
    "connectedCallback",
];

/// Hooks whose first argument runs when a component mounts: React effects, Vue's `onMounted`.
const MOUNT_HOOKS: &[&str] = &["useEffect", "useLayoutEffect", "onMounted"];

/// Is `func` (or a function it is nested in) a component lifecycle method or an effect callback?
fn in_component_lifecycle(model: FileModel<'_>, func: FunctionId) -> bool {
    let mut at = Some(func);
    while let Some(f) = at {
        let function = model.function(f);
        if function.name.as_deref().is_some_and(|n| LIFECYCLE_NAMES.contains(&n)) {
            return true;
        }
        at = function.parent;
    }
    model.calls().iter().any(|c| {
        MOUNT_HOOKS.contains(&c.name.as_str())
            && matches!(c.args.first(), Some(Arg::Function(effect)) if is_within(model, func, *effect))
    })
}

/// Do two value sets share a value?
pub(crate) fn shares(a: &[ValueId], b: &[ValueId]) -> bool {
    a.iter().any(|v| b.contains(v))
}

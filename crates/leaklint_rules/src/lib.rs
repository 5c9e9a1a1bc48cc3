//! The leak rules. One rule, one file; each documented in `rules/<id>.md`,
//! whose examples run as tests (`tests/rule_docs.rs`).

mod no_listener_leak;
mod no_retained_request_closure;
mod no_unbounded_collection;

use leaklint_core::Rule;
use leaklint_core::model::{Event, EventKind, FileModel, Function, Lifetime};

pub use no_listener_leak::NoListenerLeak;
pub use no_retained_request_closure::NoRetainedRequestClosure;
pub use no_unbounded_collection::NoUnboundedCollection;

static RULES: &[&dyn Rule] = &[&NoListenerLeak, &NoRetainedRequestClosure, &NoUnboundedCollection];

/// Every rule, in id order.
pub fn all_rules() -> Vec<&'static dyn Rule> {
    RULES.to_vec()
}

/// The rule with this id.
pub fn find_rule(id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().id == id)
}

/// "once per request (`(req, res)` request handler)": how often `func` runs, for messages.
fn how_often(func: &Function) -> String {
    match func.lifetime {
        Lifetime::Startup => "once at start-up".to_string(),
        l => format!("{} ({})", l.describe(), func.lifetime_reason),
    }
}

/// The function an event happens in.
fn function_of<'m>(model: &'m FileModel, event: &Event) -> &'m Function {
    model.function(event.func)
}

/// The collection a write event adds to.
fn write_target(event: &Event) -> Option<leaklint_core::model::ValueId> {
    match &event.kind {
        EventKind::Write { target, .. } => Some(*target),
        _ => None,
    }
}

/// The first line of `span`: enough to point at a function without quoting its whole body.
fn head(source: &str, span: leaklint_core::Span) -> leaklint_core::Span {
    let text = span.text(source);
    match text.find('\n') {
        Some(newline) => leaklint_core::Span::new(span.start, span.start + text[..newline].trim_end().len() as u32),
        None => span,
    }
}

//! Flow facts: where code runs only on failure or on every outcome (`catch`,
//! `finally`, a promise's `.catch`/`.then(_, f)`/`.finally`), and replacements
//! built from the value they replace (`x = x.child()`, `x = [...x, y]`).
//! Both are recorded only for the syntax that has them, so most nodes cost one match.

use oxc_ast::ast::*;
use oxc_span::GetSpan;

use super::{Collector, span};
use crate::model::{Derivation, KeyKind, Outcome, OutcomeKind};

impl<'a> Collector<'a, '_> {
    /// `try { ... } catch { ... } finally { ... }`: the clauses that run on failure and always.
    pub(super) fn note_try(&mut self, it: &TryStatement<'a>) {
        let func = self.current();
        if let Some(handler) = &it.handler {
            let kind = OutcomeKind::Catch { try_block: span(it.block.span) };
            self.outcomes.push(Outcome { span: span(handler.span), func, kind });
        }
        if let Some(finalizer) = &it.finalizer {
            self.outcomes.push(Outcome { span: span(finalizer.span), func, kind: OutcomeKind::Finally });
        }
    }

    /// `p.catch(f)`, `p.then(ok, f)`, `p.finally(f)`: the callback that runs on rejection or always.
    pub(super) fn note_promise_callback(&mut self, member: &StaticMemberExpression<'a>, args: &[Argument<'a>]) {
        let receiver = span(member.object.span());
        let (kind, index) = match (member.property.name.as_str(), args.len()) {
            ("catch", 1) => (OutcomeKind::Rejection { receiver }, 0),
            ("then", 2) => (OutcomeKind::Rejection { receiver }, 1),
            ("finally", 1) => (OutcomeKind::Finally, 0),
            _ => return,
        };
        let Some(callback) = args[index].as_expression().map(|e| super::unwrap_bind(e.get_inner_expression())) else {
            return;
        };
        if callback.is_function()
            || matches!(callback, Expression::Identifier(_) | Expression::StaticMemberExpression(_))
        {
            self.outcomes.push(Outcome { span: span(callback.span()), func: self.current(), kind });
        }
    }

    /// `x = <built from x>`: how the new value derives from the one it replaces, if it does.
    pub(super) fn note_derivation(&mut self, it: &AssignmentExpression<'a>) {
        let derived = match it.right.get_inner_expression() {
            Expression::CallExpression(call) => match call.callee.get_inner_expression() {
                Expression::StaticMemberExpression(m)
                    if m.property.name == "create"
                        && matches!(m.object.get_inner_expression(), Expression::Identifier(o) if o.name == "Object") =>
                {
                    let first = call.arguments.first().and_then(|a| a.as_expression());
                    first.filter(|arg| self.same_text(arg, it.left.span())).map(|_| Derivation::Prototype)
                }
                Expression::StaticMemberExpression(m) if self.same_text(&m.object, it.left.span()) => {
                    Some(Derivation::Method(m.property.name.to_string()))
                }
                _ => None,
            },
            Expression::ArrayExpression(array) => array
                .elements
                .iter()
                .any(|el| matches!(el, ArrayExpressionElement::SpreadElement(s) if self.same_text(&s.argument, it.left.span())))
                .then_some(Derivation::ArraySpread),
            Expression::ObjectExpression(object) => {
                let spreads_itself = object.properties.iter().any(|p| {
                    matches!(p, ObjectPropertyKind::SpreadProperty(s) if self.same_text(&s.argument, it.left.span()))
                });
                spreads_itself.then(|| Derivation::ObjectSpread {
                    dynamic_key: object.properties.iter().any(|p| match p {
                        ObjectPropertyKind::ObjectProperty(p) => {
                            p.computed && p.key.as_expression().is_some_and(|k| self.key_kind(k) != KeyKind::Constant)
                        }
                        ObjectPropertyKind::SpreadProperty(_) => false,
                    }),
                })
            }
            _ => None,
        };
        if let Some(derived) = derived {
            self.derivations.push((span(it.span), derived));
        }
    }

    /// Is `expr` written the same as the code at `other` (whitespace aside)?
    fn same_text(&self, expr: &Expression<'a>, other: oxc_span::Span) -> bool {
        let at = expr.get_inner_expression().span();
        let bytes = self.source.as_bytes();
        let byte = |i: u32| bytes.get(i as usize).copied();
        // Both start and end on a token: compare those bytes before hashing the whole text.
        at.size() >= 1
            && other.size() >= 1
            && byte(at.start) == byte(other.start)
            && byte(at.end - 1) == byte(other.end - 1)
            && self.text_hash(at) == self.text_hash(other)
    }
}

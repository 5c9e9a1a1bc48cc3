//! Guards: what the conditions around a piece of code read. A listener added
//! only when a flag is unset, or an entry written only after a lookup missed,
//! is added once per flag or key, not once per call; an entry deleted under a
//! size check is a bound.

use oxc_ast::ast::*;
use oxc_span::GetSpan;

use super::Lowerer;

/// What an enclosing condition reads, as recorded on entering it: flags by
/// span (hashed only for the few listeners that keep them), collections by
/// the hash of their text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GuardRead {
    Flag(oxc_span::Span),
    Membership(u64),
    Size(u64),
}

impl<'a> Lowerer<'a, '_> {
    /// Enter code that runs only under condition `test`.
    pub(super) fn push_guard(&mut self, test: &Expression<'a>) {
        let start = self.guard_reads.len();
        let mut counts = false;
        let mut reads = std::mem::take(&mut self.guard_reads);
        self.guard_reads_of(test, &mut reads, &mut counts);
        self.guard_reads = reads;
        self.guard_frames.push((start, counts));
    }

    pub(super) fn pop_guard(&mut self) {
        if let Some((start, _)) = self.guard_frames.pop() {
            self.guard_reads.truncate(start);
        }
    }

    fn guard_reads_of(&self, test: &Expression<'a>, reads: &mut Vec<GuardRead>, counts: &mut bool) {
        match test.get_inner_expression() {
            Expression::UnaryExpression(u) => self.guard_reads_of(&u.argument, reads, counts),
            Expression::LogicalExpression(l) => {
                self.guard_reads_of(&l.left, reads, counts);
                self.guard_reads_of(&l.right, reads, counts);
            }
            Expression::BinaryExpression(b) => {
                if b.operator == BinaryOperator::In {
                    reads.push(GuardRead::Membership(self.text_hash(b.right.span())));
                }
                if b.operator.is_compare() || b.operator.is_equality() {
                    for side in [&b.left, &b.right] {
                        if let Expression::StaticMemberExpression(m) = side.get_inner_expression()
                            && matches!(m.property.name.as_str(), "size" | "length")
                        {
                            reads.push(GuardRead::Size(self.text_hash(m.object.span())));
                        }
                    }
                }
                self.guard_reads_of(&b.left, reads, counts);
                self.guard_reads_of(&b.right, reads, counts);
            }
            Expression::CallExpression(c) => {
                let name = super::callee_name(&c.callee);
                if matches!(name, Some("listenerCount" | "listeners")) {
                    *counts = true;
                }
                // `c.has(k)`, `c.get(k)`: a lookup in `c`.
                if matches!(name, Some("has" | "get" | "includes" | "indexOf"))
                    && let Expression::StaticMemberExpression(m) = c.callee.get_inner_expression()
                {
                    reads.push(GuardRead::Membership(self.text_hash(m.object.span())));
                }
            }
            e @ (Expression::Identifier(_)
            | Expression::StaticMemberExpression(_)
            | Expression::ComputedMemberExpression(_)
            | Expression::PrivateFieldExpression(_)) => {
                reads.push(GuardRead::Flag(e.span()));
                if let Some(m) = e.as_member_expression() {
                    if let MemberExpression::ComputedMemberExpression(_) = m {
                        reads.push(GuardRead::Membership(self.text_hash(m.object().span())));
                    }
                    self.guard_reads_of(m.object(), reads, counts);
                }
            }
            _ => {}
        }
    }
}

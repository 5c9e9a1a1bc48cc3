//! Events: what a call or assignment does that the leak rules ask about — a
//! collection grows or shrinks, a listener is added or removed, a timer is
//! cleared, a connection goes back to its pool — recorded with the operand it
//! touches, so that the solved model can say which values it touches, through
//! any alias.

use oxc_ast::ast::*;
use oxc_span::GetSpan;

use super::guards::GuardRead;
use super::{CallFact, Constraint, EventFact, EventFactKind, GuardKey, Lowerer, Op, Prop, UseFact, known, sp};
use crate::model::{Derivation, KeyKind, Name};

/// What a method call does to the collection it is called on.
#[derive(Clone, Copy)]
enum CollectionMethod {
    Write,
    Remove,
    Iterate,
    Lookup,
}

impl CollectionMethod {
    fn of(method: &str) -> Option<Self> {
        if known::WRITE_METHODS.contains(&method) {
            Some(Self::Write)
        } else if known::REMOVE_METHODS.contains(&method) {
            Some(Self::Remove)
        } else if known::ITERATE_METHODS.contains(&method) {
            Some(Self::Iterate)
        } else if known::LOOKUP_METHODS.contains(&method) {
            Some(Self::Lookup)
        } else {
            None
        }
    }
}

impl<'a> Lowerer<'a, '_> {
    pub(super) fn event(&mut self, span: oxc_span::Span, target_span: oxc_span::Span, target: Op, kind: EventFactKind) {
        if target.is_none() {
            return;
        }
        let func = self.current();
        self.facts.events.push(EventFact { span: sp(span), func, target, target_span: sp(target_span), kind });
    }

    /// Events of a call `recv.method(args)` or `callee(args)`, and the flow of
    /// entries in and out of collections.
    pub(super) fn call_events(
        &mut self,
        c: &CallExpression<'a>,
        recv: Op,
        name: Option<u32>,
        args: &[Op],
        use_: UseFact,
    ) {
        let Some(name) = name else { return };
        let method = self.facts.names[name as usize].clone();
        let method = method.as_str();
        if let Some((object, _)) = member_callee(&c.callee) {
            let object_span = object.span();
            if known::is_add_listener(method) && c.arguments.len() >= 2 {
                self.listener(c, (object, method), recv, args, use_, false);
            } else if known::is_remove_listener(method) {
                self.listener(c, (object, method), recv, args, use_, true);
            } else if matches!(method, "catch" | "then" | "finally") {
                self.promise_callback(object, method, &c.arguments);
            }
            if let Some(class) = CollectionMethod::of(method) {
                self.collection_call(c, object, recv, args, class, method);
            }
            // `xs.forEach(x => ...)`: the callback sees the entries.
            if matches!(
                method,
                "forEach" | "map" | "filter" | "some" | "every" | "find" | "findIndex" | "flatMap" | "reduce"
            ) {
                self.callback_sees_entries(c, recv, args, method == "reduce");
            }
            if matches!(method, "release" | "releaseConnection") {
                let (target, at) = match args.first() {
                    Some(a) if !a.is_none() => (*a, c.arguments[0].span()),
                    _ => (recv, object_span),
                };
                self.event(c.span, at, target, EventFactKind::Release);
            }
            if known::TIMER_STOP_METHODS.contains(&method) && c.arguments.is_empty() {
                self.event(c.span, object_span, recv, EventFactKind::TimerClear);
            }
            // `Object.keys(x)`, `Array.from(x)`: enumerate their argument.
            if let Expression::Identifier(obj) = object.get_inner_expression()
                && self.symbol_of(obj).is_none()
                && known::ENUMERATING_FUNCTIONS.iter().any(|(o, f)| obj.name == *o && method == *f)
                && let Some(first) = args.first()
            {
                self.event(c.span, c.arguments[0].span(), *first, EventFactKind::Iterate);
            }
        }
        // `clearInterval(t)`, `window.clearTimeout(t)`.
        if known::is_timer_clear(method)
            && let Some(first) = args.first()
        {
            self.event(c.span, c.arguments[0].span(), *first, EventFactKind::TimerClear);
        }
    }

    /// `new X(...)`: nothing the rules track yet beyond the call itself.
    pub(super) fn new_call_events(&mut self, _n: &NewExpression<'a>, _args: &[Op]) {}

    /// Flow of collection entries: `m.set(k, v)` stores `v`; `m.get(k)` reads it back.
    pub(super) fn after_call(&mut self, c: &CallExpression<'a>, result: super::Loc) {
        let Some((_, method)) = member_callee(&c.callee) else { return };
        if matches!(
            method,
            "get"
                | "shift"
                | "pop"
                | "at"
                | "find"
                | "findLast"
                | "values"
                | "entries"
                | "keys"
                | "slice"
                | "filter"
                | "concat"
                | "splice"
                | "reverse"
                | "sort"
                | "flat"
        ) {
            // The receiver was lowered already: its operand is the call's `recv`.
            if let Some(call) = self.facts.calls.last()
                && !call.recv.is_none()
            {
                let recv = call.recv;
                self.push(Constraint::Load { dst: result, base: recv, prop: Prop::Elem });
            }
        }
    }

    /// `xs.forEach(x => ...)`: the callback is called with each entry (a call the solver follows).
    fn callback_sees_entries(&mut self, c: &CallExpression<'a>, recv: Op, args: &[Op], reduce: bool) {
        let Some(&callback) = args.first() else { return };
        if callback.is_none() || recv.is_none() {
            return;
        }
        let entry = self.load(recv, Prop::Elem);
        let result = self.new_loc();
        let func = self.current();
        let args = if reduce { smallvec::smallvec![Op::None, entry] } else { smallvec::smallvec![entry] };
        self.facts.calls.push(CallFact {
            span: sp(c.span),
            callee_span: sp(c.callee.span()),
            func,
            callee: callback,
            recv: Op::None,
            args,
            spread_from: None,
            result,
            is_new: false,
            jsx: false,
            name: None,
            is_method: false,
            first_string: None,
            first_arg_this: false,
            first_is_path: false,
            arg_facts: Default::default(),
            result_use: UseFact::Other,
            conditional: !self.guard_frames.is_empty(),
            kind: super::CallKind::Plain,
        });
    }

    fn collection_call(
        &mut self,
        c: &CallExpression<'a>,
        object: &Expression<'a>,
        recv: Op,
        args: &[Op],
        class: CollectionMethod,
        method: &str,
    ) {
        let exprs: Vec<&Expression<'a>> = c.arguments.iter().filter_map(|a| a.as_expression()).collect();
        // A spread key (`m.set(...pair)`) is no expression: its kind is unknown.
        let key_of = |l: &Self| match c.arguments.first().and_then(|a| a.as_expression()) {
            Some(k) => (l.key_kind(k), Some(sp(k.span()))),
            None => (KeyKind::Unknown, None),
        };
        let kind = match class {
            CollectionMethod::Write => {
                let (key, key_span, stored) = match method {
                    "set" if args.len() >= 2 => {
                        let (key, span) = key_of(self);
                        (key, span, args[1])
                    }
                    "add" if !args.is_empty() => {
                        let (key, span) = key_of(self);
                        (key, span, args[0])
                    }
                    "push" | "unshift" if !args.is_empty() => (KeyKind::Unknown, None, args[0]),
                    _ => return,
                };
                if !stored.is_none() && !recv.is_none() {
                    self.push(Constraint::Store { base: recv, prop: Prop::Elem, src: stored });
                }
                if method == "push" || method == "unshift" {
                    for extra in &args[1..] {
                        if !extra.is_none() && !recv.is_none() {
                            self.push(Constraint::Store { base: recv, prop: Prop::Elem, src: *extra });
                        }
                    }
                }
                let after_lookup = self.after_lookup(object);
                EventFactKind::Write { method: Name::from(method), key, key_span, stored, after_lookup }
            }
            CollectionMethod::Remove => EventFactKind::Remove {
                method: Name::from(method),
                key_span: (method == "delete").then(|| exprs.first().map(|e| sp(e.span()))).flatten(),
                under_size_check: self.under_size_check(object),
            },
            CollectionMethod::Iterate => EventFactKind::Iterate,
            CollectionMethod::Lookup => EventFactKind::Lookup,
        };
        self.event(c.span, object.span(), recv, kind);
    }

    fn listener(
        &mut self,
        c: &CallExpression<'a>,
        (object, method): (&Expression<'a>, &str),
        recv: Op,
        args: &[Op],
        use_: UseFact,
        remove: bool,
    ) {
        let method = Name::from(method);
        let exprs: Vec<&Expression<'a>> = c.arguments.iter().filter_map(|a| a.as_expression()).collect();
        let event = match exprs.first().map(|e| e.get_inner_expression()) {
            Some(Expression::StringLiteral(s)) => Some(Name::from(s.value.as_str())),
            Some(Expression::TemplateLiteral(t)) if t.expressions.is_empty() => {
                t.quasis.first().map(|q| Name::from(q.value.raw.as_str()))
            }
            _ => None,
        };
        // The emitter as written: through `.on(...).on(...)` chains, the object the chain starts on.
        let mut receiver = object.get_inner_expression();
        while let Expression::CallExpression(inner) = receiver
            && let Some((inner_object, inner_method)) = member_callee(&inner.callee)
            && (known::is_listener_method(inner_method) || known::RETURNS_THIS.contains(&inner_method))
        {
            receiver = inner_object.get_inner_expression();
        }
        let target_span = receiver.span();
        let handler = exprs.get(1).map(|h| {
            let inner = h.get_inner_expression();
            let inline = inner.is_function()
                || matches!(inner, Expression::CallExpression(b) if super::callee_name(&b.callee) == Some("bind"));
            (args.get(1).copied().unwrap_or(Op::None), sp(inner.span()), inline)
        });
        if remove {
            let handler = if method == "removeAllListeners" { None } else { handler };
            // `removeListener('x')` with no function removes nothing that can be named.
            let handler = handler.or_else(|| (method != "removeAllListeners").then_some((Op::None, sp(c.span), true)));
            self.event(c.span, target_span, recv, EventFactKind::ListenerRemove { event, handler, method });
            return;
        }
        let Some((handler, handler_span, inline)) = handler else { return };
        let auto_removed = exprs.get(2).is_some_and(|opts| match opts.get_inner_expression() {
            Expression::ObjectExpression(obj) => obj.properties.iter().any(|p| match p {
                ObjectPropertyKind::ObjectProperty(p) => {
                    matches!(p.key.static_name().as_deref(), Some("signal"))
                        || (matches!(p.key.static_name().as_deref(), Some("once"))
                            && matches!(p.value, Expression::BooleanLiteral(ref b) if b.value))
                }
                ObjectPropertyKind::SpreadProperty(_) => true,
            }),
            Expression::BooleanLiteral(_) => false,
            _ => true,
        });
        let guard_keys: Vec<GuardKey> = self
            .guard_reads
            .iter()
            .map(|read| match *read {
                GuardRead::Flag(at) => GuardKey::Flag(self.text_hash(at)),
                GuardRead::Membership(h) => GuardKey::Membership(h),
                GuardRead::Size(h) => GuardKey::Size(h),
            })
            .collect();
        let guarded_by_count = self.guard_frames.iter().any(|(_, counts)| *counts);
        let result_used = match use_ {
            UseFact::Discarded => false,
            UseFact::Chained(next) => {
                let next = self.facts.names[next as usize].as_str();
                !(known::is_listener_method(next) || known::RETURNS_THIS.contains(&next))
            }
            _ => true,
        };
        self.event(
            c.span,
            target_span,
            recv,
            EventFactKind::ListenerAdd {
                event,
                handler,
                handler_span,
                inline,
                method,
                result_used,
                auto_removed,
                guard_keys,
                guarded_by_count,
            },
        );
    }

    /// `p.catch(f)`, `p.then(ok, f)`, `p.finally(f)`: the callback that runs on rejection or always.
    fn promise_callback(&mut self, object: &Expression<'a>, method: &str, args: &[Argument<'a>]) {
        use crate::model::OutcomeKind;
        let receiver = sp(object.span());
        let (kind, index) = match (method, args.len()) {
            ("catch", 1) => (OutcomeKind::Rejection { receiver }, 0),
            ("then", 2) => (OutcomeKind::Rejection { receiver }, 1),
            ("finally", 1) => (OutcomeKind::Finally, 0),
            _ => return,
        };
        let Some(callback) = args[index].as_expression().map(|e| unwrap_bind(e.get_inner_expression())) else {
            return;
        };
        if callback.is_function()
            || matches!(callback, Expression::Identifier(_) | Expression::StaticMemberExpression(_))
        {
            self.outcome(callback.span(), kind);
        }
    }

    /// `global.x = v`, `globalThis.x = v`, `window.x = v`: recorded as the global `global.x`.
    pub(super) fn note_global_property_write(&mut self, object: &Expression<'a>, target: oxc_span::Span) {
        if let Expression::Identifier(obj) = object.get_inner_expression()
            && known::GLOBAL_OBJECTS.contains(&obj.name.as_str())
            && self.symbol_of(obj).is_none()
        {
            let name = self.text(target);
            let func = self.current();
            self.facts.global_writes.push(super::GlobalWrite { span: sp(target), func, name: name.into() });
        }
    }

    pub(super) fn key_kind(&self, expr: &Expression<'a>) -> KeyKind {
        match expr.get_inner_expression() {
            Expression::StringLiteral(_)
            | Expression::NumericLiteral(_)
            | Expression::BooleanLiteral(_)
            | Expression::NullLiteral(_) => KeyKind::Constant,
            Expression::TemplateLiteral(t) if t.expressions.is_empty() => KeyKind::Constant,
            Expression::TemplateLiteral(_) | Expression::BinaryExpression(_) => KeyKind::Primitive,
            Expression::ObjectExpression(_)
            | Expression::ArrayExpression(_)
            | Expression::NewExpression(_)
            | Expression::FunctionExpression(_)
            | Expression::ArrowFunctionExpression(_)
            | Expression::ClassExpression(_)
            | Expression::ThisExpression(_) => KeyKind::Object,
            Expression::Identifier(id) => {
                let name = id.name.as_str();
                let constant = self.symbol_of(id).is_some_and(|s| {
                    self.scoping.symbol_flags(s).contains(oxc_syntax::symbol::SymbolFlags::ConstVariable)
                        && self.constant_symbols.contains(&s)
                });
                if constant {
                    KeyKind::Constant
                } else if known::is_request_like_name(name) {
                    KeyKind::Object
                } else if name.ends_with("Id") || name.ends_with("Key") || name == "id" || name == "key" {
                    KeyKind::Primitive
                } else {
                    KeyKind::Unknown
                }
            }
            Expression::StaticMemberExpression(m) => {
                let name = m.property.name.as_str();
                let lower = name.to_ascii_lowercase();
                if lower.ends_with("id")
                    || lower.ends_with("key")
                    || lower.ends_with("name")
                    || lower.ends_with("url")
                    || lower.ends_with("path")
                    || matches!(lower.as_str(), "ip" | "host" | "type")
                {
                    KeyKind::Primitive
                } else if known::is_request_like_name(name) {
                    KeyKind::Object
                } else {
                    KeyKind::Unknown
                }
            }
            Expression::CallExpression(c) => match super::callee_name(&c.callee) {
                Some("String" | "toString" | "stringify" | "join" | "toLowerCase" | "toUpperCase" | "trim") => {
                    KeyKind::Primitive
                }
                _ => KeyKind::Unknown,
            },
            _ => KeyKind::Unknown,
        }
    }

    /// Is the current code inside a branch that runs only after a lookup in `target` missed?
    pub(super) fn after_lookup(&self, target: &Expression<'a>) -> bool {
        let key = GuardRead::Membership(self.text_hash(target.span()));
        self.guard_reads.contains(&key)
    }

    /// Is the current code inside a branch that checks `target`'s size?
    pub(super) fn under_size_check(&self, target: &Expression<'a>) -> bool {
        let key = GuardRead::Size(self.text_hash(target.span()));
        self.guard_reads.contains(&key)
    }

    /// `x = <built from x>`: how the new value derives from the one it replaces, if it does.
    pub(super) fn derivation(&self, it: &AssignmentExpression<'a>) -> Option<Derivation> {
        if let Some(spread) = super::compiled::compiled_spread(&it.right) {
            if !spread.sources.iter().any(|s| self.same_text(s, it.left.span())) {
                return None;
            }
            return Some(if spread.object {
                Derivation::ObjectSpread {
                    dynamic_key: spread.computed_keys.iter().any(|k| self.key_kind(k) != KeyKind::Constant),
                }
            } else {
                Derivation::ArraySpread
            });
        }
        match it.right.get_inner_expression() {
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
        }
    }

    /// Is `expr` written the same as the code at `other` (whitespace aside)?
    fn same_text(&self, expr: &Expression<'a>, other: oxc_span::Span) -> bool {
        let at = expr.get_inner_expression().span();
        let bytes = self.source.as_bytes();
        let byte = |i: u32| bytes.get(i as usize).copied();
        at.size() >= 1
            && other.size() >= 1
            && byte(at.start) == byte(other.start)
            && byte(at.end - 1) == byte(other.end - 1)
            && self.text_hash(at) == self.text_hash(other)
    }
}

/// The object and method name of a method call's callee: `o.m` and `o["m"]` (compilers write
/// `o["delete"](k)` for reserved words), through parentheses and TypeScript wrappers.
pub(super) fn member_callee<'b, 'a>(callee: &'b Expression<'a>) -> Option<(&'b Expression<'a>, &'b str)> {
    match callee.get_inner_expression() {
        Expression::StaticMemberExpression(m) => Some((&m.object, m.property.name.as_str())),
        Expression::ComputedMemberExpression(m) => match m.expression.get_inner_expression() {
            Expression::StringLiteral(k) => Some((&m.object, k.value.as_str())),
            _ => None,
        },
        _ => None,
    }
}

/// `fn.bind(x)` → `fn`.
pub(super) fn unwrap_bind<'b, 'a>(expr: &'b Expression<'a>) -> &'b Expression<'a> {
    if let Expression::CallExpression(c) = expr
        && let Expression::StaticMemberExpression(m) = c.callee.get_inner_expression()
        && m.property.name == "bind"
        && m.object.get_inner_expression().is_function()
    {
        return m.object.get_inner_expression();
    }
    expr
}

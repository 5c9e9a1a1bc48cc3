//! Compiled code, read like its source. Babel, TypeScript, esbuild, swc and
//! bundlers turn classes, modules and async functions into calls of small
//! helpers; each shape here says what such a call means for value flow, so
//! that `(0, _x.default)(f)`, `Object.defineProperty(exports, "f", { get })`,
//! `_createClass(C, [{ key: "m", value: f }])` and `__extends(C, _super)`
//! give the same facts as `x(f)`, `export { f }`, `class C { m() {} }` and
//! `class C extends Base`. Helpers are recognised by what compilers call them
//! or by their shape, never by the code of any one package.

use oxc_ast::ast::*;
use oxc_span::GetSpan;

use super::{CallFact, Constraint, Lowerer, Op, Prop, UseFact, ValFact, callee_name, known, sp, static_key_str};
use crate::model::ContainerKind;

impl<'a> Lowerer<'a, '_> {
    /// Calls whose arguments must be lowered in a special way; `None` for every other call.
    pub(super) fn compiled_call(&mut self, c: &CallExpression<'a>) -> Option<Op> {
        if !is_define_class_shape(c) {
            return None;
        }
        // `_createClass(C, [{ key: "m", value: function m() {} }], [{ key: "s", value: ... }])`:
        // prototype methods, then static ones.
        let use_ = self.take_use(c.span);
        let callee = self.expr(&c.callee);
        let ctor = c.arguments.first().and_then(|a| a.as_expression()).map(|e| self.expr(e)).unwrap_or(Op::None);
        let prototype = Prop::Name(self.name("prototype"));
        let proto = self.load(ctor, prototype);
        let mut args: smallvec::SmallVec<[Op; 3]> = smallvec::smallvec![ctor];
        for (i, arg) in c.arguments.iter().enumerate().skip(1) {
            let holder = if i == 1 { proto } else { ctor };
            match arg.as_expression().map(|e| e.get_inner_expression()) {
                Some(Expression::ArrayExpression(list)) => {
                    for el in &list.elements {
                        let Some(Expression::ObjectExpression(desc)) =
                            el.as_expression().map(|e| e.get_inner_expression())
                        else {
                            if let Some(e) = el.as_expression() {
                                self.expr(e);
                            }
                            continue;
                        };
                        let key = desc.properties.iter().find_map(|p| match p {
                            ObjectPropertyKind::ObjectProperty(p) if static_key_str(&p.key) == Some("key") => {
                                match p.value.get_inner_expression() {
                                    Expression::StringLiteral(s) => Some(s.value.as_str()),
                                    _ => None,
                                }
                            }
                            _ => None,
                        });
                        let obj = self.object(desc);
                        let prop = match key {
                            Some(k) => Prop::Name(self.name(k)),
                            None => Prop::Elem,
                        };
                        self.descriptor_store(holder, prop, obj);
                    }
                    args.push(Op::None);
                }
                Some(e) => {
                    let op = self.expr(e);
                    args.push(op);
                }
                None => args.push(Op::None),
            }
        }
        if !ctor.is_none() {
            self.push(Constraint::Constructor { func: ctor });
        }
        let result = self.new_loc();
        let func = self.current();
        self.facts.calls.push(CallFact {
            span: sp(c.span),
            callee_span: sp(c.callee.span()),
            func,
            callee,
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
            result_use: use_,
            conditional: !self.guard_frames.is_empty(),
            kind: super::CallKind::Plain,
        });
        Some(Op::Loc(result))
    }

    /// `holder.key` is defined by the property descriptor `desc`: its `value`, or what its `get` returns.
    fn descriptor_store(&mut self, holder: Op, prop: Prop, desc: Op) {
        if holder.is_none() || desc.is_none() {
            return;
        }
        let value_name = Prop::Name(self.name("value"));
        let get_name = Prop::Name(self.name("get"));
        let value = self.load(desc, value_name);
        self.push(Constraint::Store { base: holder, prop, src: value });
        let getter = self.load(desc, get_name);
        self.push(Constraint::GetterStore { base: holder, prop, getter });
    }

    /// What a helper call means beyond an ordinary call, with its operands lowered.
    pub(super) fn compiled_after(&mut self, c: &CallExpression<'a>, args: &[Op], result: super::Loc) {
        let callee = c.callee.get_inner_expression();
        let Some(name) = callee_name(callee) else { return };
        let arg = |i: usize| args.get(i).copied().unwrap_or(Op::None);
        if known::is_interop_helper(name) || known::is_wrapping_helper(name) {
            // The module (or the wrapped function) comes back: `_x.default` reads it.
            self.push(Constraint::Assign { dst: result, src: arg(0) });
            return;
        }
        if known::is_export_star_helper(name) {
            let (to, from) = if name == "__reExport" { (arg(0), arg(1)) } else { (arg(1), arg(0)) };
            if !to.is_none() && !from.is_none() {
                self.push(Constraint::Delegate { obj: to, to: from });
            }
            return;
        }
        if known::is_inherits_helper(name) && args.len() >= 2 {
            let (child, parent) = (arg(0), arg(1));
            if !child.is_none() {
                self.push(Constraint::Constructor { func: child });
            }
            if !parent.is_none() {
                self.push(Constraint::Constructor { func: parent });
            }
            self.push(Constraint::Inherits { child, parent });
            return;
        }
        if known::is_this_body_helper(name) {
            // `__awaiter(this, void 0, void 0, function* () {...})`, `__generator(this, function (_a) {...})`:
            // the body runs now, with the caller's `this`.
            let body = if name == "__generator" { arg(1) } else { arg(args.len().saturating_sub(1)) };
            self.synthetic_call(c, body, arg(0));
            return;
        }
        if name == "__export"
            && let Some(Expression::ObjectExpression(obj)) = c.arguments.get(1).and_then(|a| a.as_expression())
        {
            // esbuild: `__export(exports, { name: () => name })`, each property a getter.
            let (target, getters) = (arg(0), arg(1));
            for p in &obj.properties {
                if let ObjectPropertyKind::ObjectProperty(p) = p
                    && let Some(k) = static_key_str(&p.key)
                {
                    let prop = Prop::Name(self.name(k));
                    let getter = self.load(getters, prop);
                    self.push(Constraint::GetterStore { base: target, prop, getter });
                }
            }
            return;
        }
        let Expression::StaticMemberExpression(m) = callee else { return };
        let on_object = matches!(m.object.get_inner_expression(), Expression::Identifier(o)
            if o.name == "Object" && self.symbol_of(o).is_none());
        if !on_object {
            return;
        }
        match name {
            "defineProperty" => {
                let prop = match c.arguments.get(1).and_then(|a| a.as_expression()).map(|e| e.get_inner_expression()) {
                    Some(Expression::StringLiteral(s)) => Prop::Name(self.name(s.value.as_str())),
                    _ => Prop::Elem,
                };
                self.descriptor_store(arg(0), prop, arg(2));
            }
            "defineProperties" => {
                if let Some(Expression::ObjectExpression(obj)) = c.arguments.get(1).and_then(|a| a.as_expression()) {
                    let descriptors = arg(1);
                    for p in &obj.properties {
                        if let ObjectPropertyKind::ObjectProperty(p) = p
                            && let Some(k) = static_key_str(&p.key)
                        {
                            let prop = Prop::Name(self.name(k));
                            let desc = self.load(descriptors, prop);
                            self.descriptor_store(arg(0), prop, desc);
                        }
                    }
                }
            }
            "assign" => {
                let target = arg(0);
                for &source in args.iter().skip(1) {
                    if !target.is_none() && !source.is_none() {
                        self.push(Constraint::Delegate { obj: target, to: source });
                    }
                }
                self.push(Constraint::Assign { dst: result, src: target });
            }
            "create" => {
                let func = self.current();
                let value = self.new_value(ValFact::Created {
                    func,
                    kind: ContainerKind::Object,
                    span: sp(c.span),
                    name: None,
                });
                let proto = arg(0);
                if !proto.is_none() {
                    self.push(Constraint::Delegate { obj: Op::Val(value), to: proto });
                }
                self.push(Constraint::Assign { dst: result, src: Op::Val(value) });
            }
            "setPrototypeOf" => {
                let (obj, proto) = (arg(0), arg(1));
                if !obj.is_none() && !proto.is_none() {
                    self.push(Constraint::Delegate { obj, to: proto });
                }
                self.push(Constraint::Assign { dst: result, src: obj });
            }
            _ => {}
        }
    }

    /// A call the helper makes on the code's behalf (`body` called with `this` = `recv`).
    fn synthetic_call(&mut self, c: &CallExpression<'a>, body: Op, recv: Op) {
        if body.is_none() {
            return;
        }
        let result = self.new_loc();
        let func = self.current();
        self.facts.calls.push(CallFact {
            span: sp(c.span),
            callee_span: sp(c.callee.span()),
            func,
            callee: body,
            recv,
            args: Default::default(),
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
            conditional: false,
            kind: super::CallKind::Plain,
        });
    }
}

/// `helper(C, [{ key: "m", value: ... }, ...], ...)`: a class's methods defined
/// from property descriptors (Babel's `_createClass`, whatever it is named).
fn is_define_class_shape(c: &CallExpression<'_>) -> bool {
    if c.arguments.len() < 2 {
        return false;
    }
    let first_is_name =
        matches!(c.arguments[0].as_expression().map(|e| e.get_inner_expression()), Some(Expression::Identifier(_)));
    first_is_name
        && c.arguments.iter().skip(1).any(|a| {
            matches!(a.as_expression().map(|e| e.get_inner_expression()), Some(Expression::ArrayExpression(list))
                if !list.elements.is_empty() && list.elements.iter().all(|el| is_descriptor(el.as_expression())))
        })
}

fn is_descriptor(e: Option<&Expression<'_>>) -> bool {
    let Some(Expression::ObjectExpression(obj)) = e.map(|e| e.get_inner_expression()) else { return false };
    let has = |name: &str| {
        obj.properties
            .iter()
            .any(|p| matches!(p, ObjectPropertyKind::ObjectProperty(p) if static_key_str(&p.key) == Some(name)))
    };
    has("key") && (has("value") || has("get") || has("set"))
}

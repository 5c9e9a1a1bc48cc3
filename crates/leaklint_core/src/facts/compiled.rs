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
use crate::model::{ContainerKind, OutcomeKind};

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
        if let Some(method) = regenerator_method(callee) {
            // regenerator: `_regenerator().w(function (_context) {...})` (`wrap`) runs the state
            // machine now, for the caller; `.m(fn)` (`mark`) hands `fn` back.
            match method {
                "w" | "wrap" => self.synthetic_call(c, arg(0), Op::None),
                _ => self.push(Constraint::Assign { dst: result, src: arg(0) }),
            }
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

    /// A compiled spread (see [`CompiledSpread`]) lowered as the literal it was written as: a fresh
    /// array or object holding what the sources hold. The helpers' own code is not entered, so
    /// their `slice`/`length` on the spread value are not read as the code's.
    pub(super) fn compiled_spread_literal(&mut self, c: &CallExpression<'a>, spread: &CompiledSpread<'_, 'a>) -> Op {
        let func = self.current();
        let object = spread.object;
        let kind = if object { ContainerKind::Object } else { ContainerKind::Array };
        let value = self.new_value(ValFact::Created { func, kind, span: sp(c.span), name: None });
        for part in &spread.parts {
            match *part {
                SpreadPart::Literal(literal) => {
                    let part = self.expr(literal);
                    self.copy_into(part, value, object);
                }
                SpreadPart::Source(source) => {
                    let src = self.expr(source);
                    self.event(source.span(), source.span(), src, super::EventFactKind::Iterate);
                    self.copy_into(src, value, object);
                }
                SpreadPart::Defined { key, value: stored } => {
                    self.expr(key);
                    let src = self.expr(stored);
                    if !src.is_none() {
                        self.push(Constraint::Store { base: Op::Val(value), prop: Prop::Any, src });
                    }
                }
            }
        }
        Op::Val(value)
    }

    /// What `{ ...src }` or `[...src]` copies into `value`.
    fn copy_into(&mut self, src: Op, value: u32, object: bool) {
        if src.is_none() {
            return;
        }
        if object {
            self.push(Constraint::Delegate { obj: Op::Val(value), to: src });
        } else {
            let elems = self.load(src, Prop::Elem);
            if !elems.is_none() {
                self.push(Constraint::Store { base: Op::Val(value), prop: Prop::Elem, src: elems });
            }
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

/// What a compiled spread stands for. Babel, tsc and esbuild write `{ ...a, [k]: v }` and
/// `[...a, x]` for older targets as helper calls: `_objectSpread(_objectSpread({}, a), {}, _defineProperty({}, k, v))`,
/// `__assign(__assign({}, a), { k: v })`, `_extends({}, a)`, `__spreadValues({}, a)`,
/// `Object.assign({}, a)`; `__spreadArray(__spreadArray([], __read(a), false), [x], false)`,
/// `[].concat(_toConsumableArray(a), [x])`. Helpers are known by the names compilers give them,
/// and the outermost must start from a fresh literal, so `Object.assign(target, a)` is not one.
pub(super) struct CompiledSpread<'b, 'a> {
    pub object: bool,
    /// What the result is made of, nested helpers flattened, in order.
    pub parts: Vec<SpreadPart<'b, 'a>>,
    /// The values spread in.
    pub sources: Vec<&'b Expression<'a>>,
    /// Keys written as they are (`{ k: v }`).
    pub static_keys: Vec<&'b str>,
    /// Keys computed at run time (`[k]: v`, `_defineProperty({}, k, v)`).
    pub computed_keys: Vec<&'b Expression<'a>>,
}

/// One part of a compiled spread.
#[derive(Clone, Copy)]
pub(super) enum SpreadPart<'b, 'a> {
    /// Written into the result as it is: an object or array literal, or tsc's temporary object
    /// `(_a = {}, _a[k] = v, _a)`.
    Literal(&'b Expression<'a>),
    /// A value spread in.
    Source(&'b Expression<'a>),
    /// `_defineProperty({}, key, value)`: a property under a computed key.
    Defined { key: &'b Expression<'a>, value: &'b Expression<'a> },
}

const OBJECT_SPREAD_HELPERS: &[&str] =
    &["_objectSpread", "_objectSpread2", "__assign", "_extends", "__spreadValues", "__spreadProps", "assign"];
const ARRAY_SPREAD_HELPERS: &[&str] = &["__spreadArray", "__spreadArrays", "__spread"];
/// Helpers that turn an iterable into an array: their argument is what is spread.
const TO_ARRAY_HELPERS: &[&str] = &["__read", "_toConsumableArray", "_toArray", "__spreadArrays"];

/// `expr` as a compiled object or array spread, when it is one.
pub(super) fn compiled_spread<'b, 'a>(expr: &'b Expression<'a>) -> Option<CompiledSpread<'b, 'a>> {
    let Expression::CallExpression(call) = expr.get_inner_expression() else { return None };
    spread_of_call(call)
}

/// The call `call` as a compiled spread, when it is one.
pub(super) fn spread_of_call<'b, 'a>(call: &'b CallExpression<'a>) -> Option<CompiledSpread<'b, 'a>> {
    let name = callee_name(&call.callee)?;
    let first = call.arguments.first()?.as_expression()?.get_inner_expression();
    let object = if OBJECT_SPREAD_HELPERS.contains(&name) {
        // `Object.assign` only with a fresh first argument; the named helpers likewise.
        if name == "assign"
            && !matches!(call.callee.get_inner_expression(), Expression::StaticMemberExpression(m)
                if matches!(m.object.get_inner_expression(), Expression::Identifier(o) if o.name == "Object"))
        {
            return None;
        }
        if !matches!(first, Expression::ObjectExpression(_)) && compiled_spread(first).is_none_or(|s| !s.object) {
            return None;
        }
        true
    } else if ARRAY_SPREAD_HELPERS.contains(&name)
        || (name == "concat"
            && matches!(call.callee.get_inner_expression(), Expression::StaticMemberExpression(m)
                if matches!(m.object.get_inner_expression(), Expression::ArrayExpression(a) if a.elements.is_empty())))
    {
        if name != "concat"
            && !matches!(first, Expression::ArrayExpression(_))
            && compiled_spread(first).is_none_or(|s| s.object)
            && !is_to_array(first)
        {
            return None;
        }
        false
    } else {
        return None;
    };
    let mut parts = Vec::new();
    for arg in call.arguments.iter().filter_map(|a| a.as_expression()) {
        spread_parts(arg, object, &mut parts);
    }
    let mut out =
        CompiledSpread { object, parts, sources: Vec::new(), static_keys: Vec::new(), computed_keys: Vec::new() };
    for part in out.parts.clone() {
        out.add_keys_and_sources(part);
    }
    Some(out)
}

fn is_to_array(e: &Expression<'_>) -> bool {
    matches!(e.get_inner_expression(), Expression::CallExpression(c)
        if callee_name(&c.callee).is_some_and(|n| TO_ARRAY_HELPERS.contains(&n)))
}

/// The parts one argument of a spread helper adds: nested helpers of the same kind and
/// to-array helpers (`__read(a)`) are flattened; `__spreadArray`'s `pack` flag adds nothing.
fn spread_parts<'b, 'a>(arg: &'b Expression<'a>, object: bool, parts: &mut Vec<SpreadPart<'b, 'a>>) {
    let inner = arg.get_inner_expression();
    match inner {
        Expression::BooleanLiteral(_) => {}
        Expression::ObjectExpression(_) | Expression::ArrayExpression(_) => parts.push(SpreadPart::Literal(inner)),
        Expression::SequenceExpression(seq) if is_temp_object(seq) => parts.push(SpreadPart::Literal(inner)),
        Expression::CallExpression(c) => {
            let name = callee_name(&c.callee).unwrap_or_default();
            let nested = spread_of_call(c).is_some_and(|s| s.object == object);
            if nested || TO_ARRAY_HELPERS.contains(&name) || name == "__getOwnPropDescs" {
                for a in c.arguments.iter().filter_map(|a| a.as_expression()) {
                    spread_parts(a, object, parts);
                }
            } else if name == "_defineProperty"
                && let [_, Some(key), Some(value)] =
                    [0, 1, 2].map(|i| c.arguments.get(i).and_then(|a| a.as_expression()))
            {
                parts.push(SpreadPart::Defined { key, value });
            } else {
                parts.push(SpreadPart::Source(arg));
            }
        }
        _ => parts.push(SpreadPart::Source(arg)),
    }
}

impl<'b, 'a> CompiledSpread<'b, 'a> {
    /// The keys a part writes and the values it spreads in.
    fn add_keys_and_sources(&mut self, part: SpreadPart<'b, 'a>) {
        match part {
            SpreadPart::Source(source) => self.sources.push(source),
            SpreadPart::Defined { key, .. } => match key.get_inner_expression() {
                Expression::StringLiteral(s) => self.static_keys.push(s.value.as_str()),
                other => self.computed_keys.push(other),
            },
            SpreadPart::Literal(literal) => match literal {
                Expression::ObjectExpression(obj) => {
                    for prop in &obj.properties {
                        match prop {
                            ObjectPropertyKind::ObjectProperty(p) => match static_key_str(&p.key) {
                                Some(k) if !p.computed || matches!(p.key, PropertyKey::StringLiteral(_)) => {
                                    self.static_keys.push(k)
                                }
                                _ => {
                                    if let Some(k) = p.key.as_expression() {
                                        self.computed_keys.push(k);
                                    }
                                }
                            },
                            ObjectPropertyKind::SpreadProperty(s) => self.sources.push(&s.argument),
                        }
                    }
                }
                Expression::ArrayExpression(list) => {
                    for el in &list.elements {
                        if let ArrayExpressionElement::SpreadElement(s) = el {
                            self.sources.push(&s.argument);
                        }
                    }
                }
                // tsc's computed keys: `(_a = {}, _a[k] = v, _a)`.
                Expression::SequenceExpression(seq) => {
                    for e in &seq.expressions {
                        if let Expression::AssignmentExpression(a) = e.get_inner_expression() {
                            match &a.left {
                                AssignmentTarget::ComputedMemberExpression(m) => {
                                    match m.expression.get_inner_expression() {
                                        Expression::StringLiteral(k) => self.static_keys.push(k.value.as_str()),
                                        k => self.computed_keys.push(k),
                                    }
                                }
                                AssignmentTarget::StaticMemberExpression(m) => {
                                    self.static_keys.push(m.property.name.as_str())
                                }
                                _ => {}
                            }
                        }
                    }
                }
                _ => {}
            },
        }
    }
}

/// `(_a = {}, _a[k] = v, ..., _a)`: an object literal tsc builds in a temporary.
fn is_temp_object(seq: &SequenceExpression<'_>) -> bool {
    let (Some(first), Some(Expression::Identifier(last))) =
        (seq.expressions.first(), seq.expressions.last().map(|e| e.get_inner_expression()))
    else {
        return false;
    };
    matches!(first.get_inner_expression(), Expression::AssignmentExpression(a)
        if matches!(&a.left, AssignmentTarget::AssignmentTargetIdentifier(t) if t.name == last.name)
            && matches!(a.right.get_inner_expression(), Expression::ObjectExpression(_)))
}

/// The try table a regenerator call passes last: `_regenerator().w(fn, _callee, null, [[1, 3]])`,
/// `regeneratorRuntime.wrap(fn, _callee, this, [[0, 7, 11, 14]])`. Locations a row leaves out are `None`.
pub(super) fn try_table(c: &CallExpression<'_>) -> Option<Vec<[Option<u32>; 4]>> {
    if c.arguments.len() < 2 || !c.arguments[0].as_expression().is_some_and(|e| e.get_inner_expression().is_function())
    {
        return None;
    }
    let Some(Expression::ArrayExpression(rows)) = c.arguments.last()?.as_expression().map(|e| e.get_inner_expression())
    else {
        return None;
    };
    rows.elements.iter().map(|row| try_row(row.as_expression()?)).collect::<Option<Vec<_>>>().filter(|t| !t.is_empty())
}

/// `[try, catch, finally, after]`, any of the last three left out (`[1, 3, , 4]`).
fn try_row(row: &Expression<'_>) -> Option<[Option<u32>; 4]> {
    let Expression::ArrayExpression(cells) = row.get_inner_expression() else { return None };
    if cells.elements.is_empty() || cells.elements.len() > 4 {
        return None;
    }
    let mut out = [None; 4];
    for (i, cell) in cells.elements.iter().enumerate() {
        out[i] = match cell {
            ArrayExpressionElement::Elision(_) => None,
            other => match other.as_expression().map(|e| e.get_inner_expression()) {
                Some(Expression::NumericLiteral(n)) if n.value >= 0.0 && n.value.fract() == 0.0 => Some(n.value as u32),
                _ => return None,
            },
        };
    }
    out[0]?;
    Some(out)
}

impl<'a> Lowerer<'a, '_> {
    /// The `catch` and `finally` clauses of a generator state machine (Babel's regenerator, tsc's
    /// `__generator`): `switch (_context.p = _context.n)` or `switch (_a.label)` over numbered
    /// cases. A catch clause is its case's code, guarding the code from the try location to it.
    pub(super) fn generator_clauses(&self, sw: &SwitchStatement<'a>) -> Vec<(OutcomeKind, oxc_span::Span)> {
        let machine = match sw.discriminant.get_inner_expression() {
            Expression::StaticMemberExpression(m) => m.property.name == "label",
            Expression::AssignmentExpression(a) => {
                matches!(&a.left, AssignmentTarget::StaticMemberExpression(m) if matches!(m.property.name.as_str(), "p" | "prev"))
                    && matches!(a.right.get_inner_expression(), Expression::StaticMemberExpression(m)
                        if matches!(m.property.name.as_str(), "n" | "next"))
            }
            _ => false,
        };
        let numbered = |case: &SwitchCase<'_>| match case.test.as_ref().map(|t| t.get_inner_expression()) {
            Some(Expression::NumericLiteral(n)) => Some(n.value as u32),
            _ => None,
        };
        if !machine || sw.cases.iter().any(|c| c.test.is_some() && numbered(c).is_none()) {
            return Vec::new();
        }
        // tsc pushes its rows as it enters each `try`: `_a.trys.push([1, 3, , 4])`.
        let mut table: Vec<[Option<u32>; 4]> = self.try_tables.last().cloned().unwrap_or_default();
        for case in &sw.cases {
            for st in &case.consequent {
                if let Statement::ExpressionStatement(e) = st
                    && let Expression::CallExpression(c) = e.expression.get_inner_expression()
                    && let Expression::StaticMemberExpression(push) = c.callee.get_inner_expression()
                    && push.property.name == "push"
                    && matches!(push.object.get_inner_expression(), Expression::StaticMemberExpression(t) if t.property.name == "trys")
                    && let Some(row) = c.arguments.first().and_then(|a| a.as_expression()).and_then(try_row)
                {
                    table.push(row);
                }
            }
        }
        let case_at = |n: u32| sw.cases.iter().find(|c| numbered(c) == Some(n));
        // Where the `try` starts: Babel marks it inside a case (`_context.p = 1`), else its case.
        let try_start = |n: u32| {
            for case in &sw.cases {
                for st in &case.consequent {
                    if let Statement::ExpressionStatement(e) = st
                        && let Expression::AssignmentExpression(a) = e.expression.get_inner_expression()
                        && matches!(&a.left, AssignmentTarget::StaticMemberExpression(m) if matches!(m.property.name.as_str(), "p" | "prev"))
                        && matches!(a.right.get_inner_expression(), Expression::NumericLiteral(v) if v.value as u32 == n)
                    {
                        return Some(st.span().start);
                    }
                }
            }
            case_at(n).map(|c| c.span.start)
        };
        // A clause is the code of its case, without the `case N:` label and the compiler's own
        // entry into it (`_context.p = 3; _t = _context.v;`, `err_1 = _a.sent();`), so that it
        // points at the first line the source has.
        let body = |case: &SwitchCase<'_>| {
            let own = case.consequent.iter().find(|st| !is_state_bookkeeping(st));
            let start = own.or(case.consequent.first()).map_or(case.span.start, |s| s.span().start);
            oxc_span::Span::new(start, case.span.end)
        };
        let mut out = Vec::new();
        for row in &table {
            if let (Some(start), Some(catch_case)) = (row[0].and_then(try_start), row[1].and_then(case_at))
                && start < catch_case.span.start
            {
                let try_block = crate::span::Span::new(start, catch_case.span.start);
                out.push((OutcomeKind::Catch { try_block }, body(catch_case)));
            }
            if let Some(finally_case) = row[2].and_then(case_at) {
                out.push((OutcomeKind::Finally, body(finally_case)));
            }
        }
        out
    }
}

/// A statement a generator state machine writes for itself: `_context.p = 3`, `_a.label = 1`,
/// `_t = _context.v`, `err_1 = _a.sent()`, `_context.t0 = _context["catch"](1)`.
fn is_state_bookkeeping(st: &Statement<'_>) -> bool {
    let Statement::ExpressionStatement(e) = st else { return false };
    let Expression::AssignmentExpression(a) = e.expression.get_inner_expression() else { return false };
    match a.right.get_inner_expression() {
        Expression::NumericLiteral(_) => {
            matches!(&a.left, AssignmentTarget::StaticMemberExpression(m) if matches!(m.property.name.as_str(), "p" | "prev" | "label"))
        }
        Expression::StaticMemberExpression(m) => matches!(m.property.name.as_str(), "v" | "sent"),
        Expression::CallExpression(c) => matches!(super::events::member_callee(&c.callee), Some((_, "sent" | "catch"))),
        _ => false,
    }
}

/// `wrap`/`mark` (Babel: `w`/`m`) called on the regenerator runtime (`_regenerator()`,
/// `_regeneratorRuntime()`, `regeneratorRuntime`): which one.
fn regenerator_method<'a>(callee: &Expression<'a>) -> Option<&'a str> {
    let Expression::StaticMemberExpression(m) = callee else { return None };
    let method = m.property.name.as_str();
    if !matches!(method, "w" | "wrap" | "m" | "mark") {
        return None;
    }
    let runtime = match m.object.get_inner_expression() {
        Expression::CallExpression(call) => super::callee_name(&call.callee),
        other => super::callee_name(other),
    };
    runtime.filter(|r| known::is_async_runtime_helper(r)).map(|_| method)
}

//! Expressions to operands: what each expression evaluates to as far as value
//! flow goes, with the constraints that say where its values come from.
//! Primitive expressions (numbers, strings, arithmetic, comparisons) evaluate
//! to nothing: no leak shape flows through them.

use oxc_ast::ast::*;
use oxc_span::GetSpan;

use super::{
    ArgFact, CallFact, Constraint, EventFactKind, Loc, Lowerer, Op, Prop, UseFact, ValFact, callee_name, known, sp,
};
use crate::model::{ContainerKind, KeyKind};

impl<'a> Lowerer<'a, '_> {
    pub(super) fn expr(&mut self, e: &Expression<'a>) -> Op {
        match e {
            Expression::BooleanLiteral(_)
            | Expression::NullLiteral(_)
            | Expression::NumericLiteral(_)
            | Expression::BigIntLiteral(_)
            | Expression::RegExpLiteral(_)
            | Expression::StringLiteral(_)
            | Expression::ImportMeta(_)
            | Expression::NewTarget(_) => Op::None,
            Expression::TemplateLiteral(t) => {
                for ex in &t.expressions {
                    self.expr(ex);
                }
                Op::None
            }
            Expression::Identifier(id) => self.ident(id),
            Expression::Super(_) | Expression::ThisExpression(_) => self.frame().this,
            Expression::ArrayExpression(a) => self.array(a),
            Expression::ArrowFunctionExpression(f) => Op::Val(self.arrow_value(f, super::functions::FnInfo::default())),
            Expression::FunctionExpression(f) => Op::Val(self.function_value(f, super::functions::FnInfo::default())),
            Expression::ClassExpression(c) => self.class(c),
            Expression::AssignmentExpression(a) => self.assignment(a),
            Expression::AwaitExpression(a) => self.expr(&a.argument),
            Expression::YieldExpression(y) => {
                if let Some(arg) = &y.argument {
                    self.expr(arg);
                }
                Op::None
            }
            Expression::BinaryExpression(b) => self.binary(b),
            Expression::CallExpression(c) => self.call(c),
            Expression::NewExpression(n) => self.new_expr(n),
            Expression::ChainExpression(c) => match &c.expression {
                ChainElement::CallExpression(call) => self.call(call),
                ChainElement::TSNonNullExpression(t) => self.expr(&t.expression),
                other => match other.as_member_expression() {
                    Some(m) => self.member(m),
                    None => Op::None,
                },
            },
            Expression::ConditionalExpression(c) => {
                self.expr(&c.test);
                self.push_guard(&c.test);
                let a = self.expr(&c.consequent);
                let b = self.expr(&c.alternate);
                self.pop_guard();
                self.join(a, b)
            }
            Expression::LogicalExpression(l) => {
                // `a || b`, `a ?? b`, `a && b`: the value is one side or the other;
                // the right side only runs under a condition.
                let a = self.expr(&l.left);
                self.push_guard(&l.left);
                let b = self.expr(&l.right);
                self.pop_guard();
                self.join(a, b)
            }
            Expression::ImportExpression(i) => {
                let spec = match i.source.get_inner_expression() {
                    Expression::StringLiteral(s) => Some(s.value.as_str()),
                    other => {
                        self.expr(other);
                        None
                    }
                };
                match spec {
                    Some(spec) => Op::Loc(self.require(spec)),
                    None => Op::None,
                }
            }
            Expression::ObjectExpression(o) => self.object(o),
            Expression::ParenthesizedExpression(p) => self.expr(&p.expression),
            Expression::SequenceExpression(s) => {
                let mut last = Op::None;
                for ex in &s.expressions {
                    last = self.expr(ex);
                }
                last
            }
            Expression::TaggedTemplateExpression(t) => {
                let callee = self.expr(&t.tag);
                for ex in &t.quasi.expressions {
                    self.expr(ex);
                }
                let result = self.new_loc();
                let func = self.current();
                self.facts.calls.push(CallFact {
                    span: sp(t.span),
                    callee_span: sp(t.tag.span()),
                    func,
                    callee,
                    recv: Op::None,
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
                    conditional: !self.guard_frames.is_empty(),
                    kind: super::CallKind::Plain,
                });
                Op::Loc(result)
            }
            Expression::UnaryExpression(u) => self.unary(u),
            Expression::UpdateExpression(u) => {
                if let Some(m) = u.argument.as_member_expression() {
                    self.expr(m.object());
                }
                Op::None
            }
            Expression::PrivateInExpression(p) => {
                self.expr(&p.right);
                Op::None
            }
            Expression::JSXElement(j) => self.jsx_element(j),
            Expression::JSXFragment(f) => {
                self.jsx_children(&f.children);
                Op::None
            }
            Expression::TSAsExpression(t) => self.expr(&t.expression),
            Expression::TSSatisfiesExpression(t) => self.expr(&t.expression),
            Expression::TSTypeAssertion(t) => self.expr(&t.expression),
            Expression::TSNonNullExpression(t) => self.expr(&t.expression),
            Expression::TSInstantiationExpression(t) => self.expr(&t.expression),
            Expression::V8IntrinsicExpression(v) => {
                for arg in &v.arguments {
                    self.argument_op(arg);
                }
                Op::None
            }
            Expression::StaticMemberExpression(_)
            | Expression::ComputedMemberExpression(_)
            | Expression::PrivateFieldExpression(_) => match e.as_member_expression() {
                Some(m) => self.member(m),
                None => Op::None,
            },
        }
    }

    pub(super) fn ident(&mut self, id: &IdentifierReference<'a>) -> Op {
        if let Some(sym) = self.symbol_of(id) {
            self.note_capture(sym);
            if self.this_aliases.contains(&sym) {
                self.facts.this_alias_refs.push(sp(id.span));
            }
            return Op::Loc(sym.index() as u32);
        }
        match id.name.as_str() {
            "undefined" | "NaN" | "Infinity" | "require" => Op::None,
            "module" => Op::Val(self.facts.module_value),
            "exports" => Op::Loc(self.exports_loc),
            "arguments" => self.arguments_op(),
            name => Op::Global(self.name(name)),
        }
    }

    /// `object.member` read or called: when `object` is a parameter, how its function uses it.
    pub(super) fn note_member_use(&mut self, object: &Expression<'a>, member: &str) {
        let role = known::param_role_of_member(member);
        if role != 0 {
            self.note_param_role(object, role);
        }
    }

    /// Mark the parameter `expr` refers to (if it is one) with `role`.
    pub(super) fn note_param_role(&mut self, expr: &Expression<'a>, role: u8) {
        let Expression::Identifier(id) = expr.get_inner_expression() else { return };
        let Some(sym) = self.symbol_of(id) else { return };
        let owner = self.param_of.get(sym.index()).copied().unwrap_or(0);
        if owner == 0 {
            return;
        }
        let f = &mut self.facts.functions[(owner - 1) as usize];
        if let Some(i) = f.param_locs.iter().position(|&l| l == sym.index() as u32)
            && let Some(slot) = f.param_roles.get_mut(i)
        {
            *slot |= role;
        }
    }

    /// A reference to a parameter of an enclosing function: every function
    /// between that one and here captures it.
    fn note_capture(&mut self, sym: oxc_syntax::symbol::SymbolId) {
        let owner = self.param_of.get(sym.index()).copied().unwrap_or(0);
        if owner == 0 || owner - 1 == self.current() {
            return;
        }
        let declaring = owner - 1;
        let Some(pos) = self.frames.iter().rposition(|f| f.func == declaring) else { return };
        let loc = sym.index() as u32;
        let name = crate::model::Name::from(self.scoping.symbol_name(sym));
        for i in pos + 1..self.frames.len() {
            let func = self.frames[i].func as usize;
            let captures = &mut self.facts.functions[func].captures;
            if !captures.iter().any(|(l, _, _)| *l == loc) {
                captures.push((loc, declaring, name.clone()));
            }
        }
    }

    /// `arguments` of the nearest non-arrow function: an array of its parameters.
    fn arguments_op(&mut self) -> Op {
        let Some(index) = self.frames.iter().rposition(|f| !f.is_arrow) else {
            return Op::None;
        };
        if let Some(loc) = self.frames[index].arguments {
            return Op::Loc(loc);
        }
        let func = self.frames[index].func;
        let loc = self.new_loc();
        let span = self.facts.functions[func as usize].span;
        let value = self.new_value(ValFact::Created { func, kind: ContainerKind::Array, span, name: None });
        self.push(Constraint::Assign { dst: loc, src: Op::Val(value) });
        let params = self.facts.functions[func as usize].param_locs.clone();
        for p in params {
            self.push(Constraint::Store { base: Op::Val(value), prop: Prop::Elem, src: Op::Loc(p) });
        }
        self.frames[index].arguments = Some(loc);
        Op::Loc(loc)
    }

    fn array(&mut self, a: &ArrayExpression<'a>) -> Op {
        let func = self.current();
        let value = self.new_value(ValFact::Created { func, kind: ContainerKind::Array, span: sp(a.span), name: None });
        for el in &a.elements {
            match el {
                ArrayExpressionElement::SpreadElement(s) => {
                    let src = self.expr(&s.argument);
                    self.event(s.span, s.argument.span(), src, EventFactKind::Iterate);
                    let elems = self.load(src, Prop::Elem);
                    if !elems.is_none() {
                        self.push(Constraint::Store { base: Op::Val(value), prop: Prop::Elem, src: elems });
                    }
                }
                ArrayExpressionElement::Elision(_) => {}
                other => {
                    if let Some(ex) = other.as_expression() {
                        let op = self.expr(ex);
                        if !op.is_none() {
                            self.push(Constraint::Store { base: Op::Val(value), prop: Prop::Elem, src: op });
                        }
                    }
                }
            }
        }
        Op::Val(value)
    }

    pub(super) fn object(&mut self, o: &ObjectExpression<'a>) -> Op {
        let func = self.current();
        let value =
            self.new_value(ValFact::Created { func, kind: ContainerKind::Object, span: sp(o.span), name: None });
        for prop in &o.properties {
            match prop {
                ObjectPropertyKind::ObjectProperty(p) => {
                    let key = self.property_key(&p.key);
                    let op = match (&p.kind, p.value.get_inner_expression()) {
                        (PropertyKind::Init, Expression::FunctionExpression(f)) => {
                            let info = super::functions::FnInfo::method(super::static_key_str(&p.key));
                            Op::Val(self.function_value(f, info))
                        }
                        (PropertyKind::Get, Expression::FunctionExpression(f)) => {
                            let mut info = super::functions::FnInfo::method(super::static_key_str(&p.key));
                            info.kind = Some(crate::model::FunctionKind::Accessor);
                            let v = self.function_value(f, info);
                            // Reading the property runs the getter: it holds what the getter returns.
                            let fid = self.value_function(v);
                            let ret = self.facts.functions[fid as usize].ret;
                            self.push(Constraint::Store { base: Op::Val(value), prop: key, src: Op::Loc(ret) });
                            continue;
                        }
                        (PropertyKind::Set, Expression::FunctionExpression(f)) => {
                            let mut info = super::functions::FnInfo::method(super::static_key_str(&p.key));
                            info.kind = Some(crate::model::FunctionKind::Accessor);
                            self.function_value(f, info);
                            continue;
                        }
                        (_, Expression::ArrowFunctionExpression(f)) => {
                            let info = super::functions::FnInfo::method(super::static_key_str(&p.key));
                            Op::Val(self.arrow_value(f, info))
                        }
                        _ => self.expr(&p.value),
                    };
                    if !op.is_none() {
                        self.push(Constraint::Store { base: Op::Val(value), prop: key, src: op });
                    }
                }
                ObjectPropertyKind::SpreadProperty(s) => {
                    let src = self.expr(&s.argument);
                    self.event(s.span, s.argument.span(), src, EventFactKind::Iterate);
                    if !src.is_none() {
                        self.push(Constraint::Delegate { obj: Op::Val(value), to: src });
                    }
                }
            }
        }
        Op::Val(value)
    }

    /// A property key as a constraint property; computed keys are lowered for their effects.
    pub(super) fn property_key(&mut self, key: &PropertyKey<'a>) -> Prop {
        match key {
            PropertyKey::StaticIdentifier(id) => Prop::Name(self.name(id.name.as_str())),
            PropertyKey::StringLiteral(s) => Prop::Name(self.name(s.value.as_str())),
            PropertyKey::PrivateIdentifier(p) => {
                let text = self.text(p.span);
                Prop::Name(self.name(text))
            }
            PropertyKey::NumericLiteral(_) => Prop::Elem,
            other => {
                if let Some(e) = other.as_expression() {
                    if let Some(prop) = self.constant_key(e) {
                        return prop;
                    }
                    self.expr(e);
                }
                Prop::Elem
            }
        }
    }

    /// A computed key that names one field: a module-level constant or import (`this[kState]`,
    /// `{ [kOnDrain]: f }`, `this[symbols.kQueue]`), as symbol-keyed Node code writes its
    /// fields. Named by its last segment, so `kQueue` and `symbols.kQueue` agree across files.
    fn constant_key(&mut self, key: &Expression<'a>) -> Option<Prop> {
        let (root, last) = match key.get_inner_expression() {
            Expression::Identifier(id) => (id, id.name.as_str()),
            Expression::StaticMemberExpression(m) => match m.object.get_inner_expression() {
                Expression::Identifier(id) => (id, m.property.name.as_str()),
                _ => return None,
            },
            _ => return None,
        };
        let sym = self.symbol_of(root)?;
        let flags = self.scoping.symbol_flags(sym);
        let module_level = self.scoping.symbol_scope_id(sym) == self.scoping.root_scope_id();
        let constant = flags.is_import() || (flags.is_const_variable() && module_level);
        if !constant || self.scoping.get_resolved_references(sym).any(|r| r.is_write()) {
            return None;
        }
        self.note_capture(sym);
        let mut name = String::with_capacity(last.len() + 2);
        name.push('[');
        name.push_str(last);
        name.push(']');
        Some(Prop::Name(self.made_name(&name)))
    }

    /// The local function id of a function value.
    pub(super) fn value_function(&self, value: u32) -> u32 {
        match self.facts.values[value as usize] {
            ValFact::Function(f) => f,
            _ => 0,
        }
    }

    pub(super) fn member(&mut self, m: &MemberExpression<'a>) -> Op {
        match m {
            MemberExpression::StaticMemberExpression(e) => {
                self.note_member_use(&e.object, e.property.name.as_str());
                let base = self.expr(&e.object);
                let prop = self.name(e.property.name.as_str());
                self.load(base, Prop::Name(prop))
            }
            MemberExpression::PrivateFieldExpression(e) => {
                let base = self.expr(&e.object);
                let text = self.text(e.field.span);
                let prop = self.name(text);
                self.load(base, Prop::Name(prop))
            }
            MemberExpression::ComputedMemberExpression(e) => {
                let base = self.expr(&e.object);
                match e.expression.get_inner_expression() {
                    Expression::StringLiteral(s) => {
                        let prop = self.name(s.value.as_str());
                        self.load(base, Prop::Name(prop))
                    }
                    Expression::NumericLiteral(_) => self.load(base, Prop::Elem),
                    key if let Some(prop) = self.constant_key(key) => self.load(base, prop),
                    key => {
                        self.expr(key);
                        // `dict[key]`: a lookup (memoisation reads before it writes).
                        self.event(e.span, e.object.span(), base, EventFactKind::Lookup);
                        self.load(base, Prop::Any)
                    }
                }
            }
        }
    }

    fn unary(&mut self, u: &UnaryExpression<'a>) -> Op {
        if u.operator == UnaryOperator::Delete
            && let Some(m) = u.argument.get_inner_expression().as_member_expression()
        {
            let base = self.expr(m.object());
            let key_span = match m {
                MemberExpression::ComputedMemberExpression(c) => {
                    self.expr(&c.expression);
                    Some(sp(c.expression.span()))
                }
                _ => None,
            };
            let under_size_check = self.under_size_check(m.object());
            self.event(
                u.span,
                m.object().span(),
                base,
                EventFactKind::Remove { method: "delete".into(), key_span, under_size_check },
            );
            return Op::None;
        }
        self.expr(&u.argument);
        Op::None
    }

    fn binary(&mut self, b: &BinaryExpression<'a>) -> Op {
        let compare = b.operator.is_compare() || b.operator.is_equality();
        let left = self.binary_side(&b.left, compare, b.span);
        let right = self.binary_side(&b.right, compare, b.span);
        match b.operator {
            BinaryOperator::In => self.event(b.span, b.right.span(), right, EventFactKind::Lookup),
            // `x instanceof F`: `F` is a constructor.
            BinaryOperator::Instanceof if !right.is_none() => {
                self.push(Constraint::Constructor { func: right });
            }
            _ => {}
        }
        let _ = left;
        Op::None
    }

    /// One side of a binary expression; `c.size`/`c.length` in a comparison is a bound on `c`.
    fn binary_side(&mut self, side: &Expression<'a>, compare: bool, at: oxc_span::Span) -> Op {
        if compare
            && let Expression::StaticMemberExpression(m) = side.get_inner_expression()
            && matches!(m.property.name.as_str(), "size" | "length")
        {
            let object = self.expr(&m.object);
            self.event(at, m.object.span(), object, EventFactKind::SizeCheck);
            return Op::None;
        }
        self.expr(side)
    }

    // ------------------------------------------------------------ assignments

    fn assignment(&mut self, a: &AssignmentExpression<'a>) -> Op {
        self.written_spans.push(a.left.span());
        match a.operator {
            AssignmentOperator::Assign => {
                self.note_use(&a.right, UseFact::Stored(sp(a.left.span())));
                let rhs = self.rhs(&a.right, &a.left);
                self.assign_to(&a.left, rhs, a, false);
                rhs
            }
            AssignmentOperator::LogicalOr | AssignmentOperator::LogicalNullish | AssignmentOperator::LogicalAnd => {
                let rhs = self.rhs(&a.right, &a.left);
                self.assign_to(&a.left, rhs, a, true);
                rhs
            }
            _ => {
                self.expr(&a.right);
                if let Some(m) = a.left.as_member_expression() {
                    self.expr(m.object());
                }
                Op::None
            }
        }
    }

    /// The right side of an assignment; a function or class gets the target's last name.
    fn rhs(&mut self, right: &Expression<'a>, left: &AssignmentTarget<'a>) -> Op {
        let name = match left {
            AssignmentTarget::AssignmentTargetIdentifier(id) => Some(id.name.as_str()),
            AssignmentTarget::StaticMemberExpression(m) => Some(m.property.name.as_str()),
            _ => None,
        };
        let is_proto_method = matches!(left, AssignmentTarget::StaticMemberExpression(m)
            if matches!(m.object.get_inner_expression(), Expression::StaticMemberExpression(o) if o.property.name == "prototype"));
        match right.get_inner_expression() {
            Expression::FunctionExpression(f) => {
                let mut info = super::functions::FnInfo::named(name);
                if is_proto_method {
                    info.kind = Some(crate::model::FunctionKind::Method);
                    info.on_prototype = true;
                }
                Op::Val(self.function_value(f, info))
            }
            Expression::ArrowFunctionExpression(f) => {
                Op::Val(self.arrow_value(f, super::functions::FnInfo::named(name)))
            }
            _ => {
                let op = self.expr(right);
                self.name_created(op, left.span());
                op
            }
        }
    }

    /// A value created right here and stored at once takes the target's text as its name.
    pub(super) fn name_created(&mut self, op: Op, target: oxc_span::Span) {
        if let Op::Val(v) = op
            && let ValFact::Created { name: name @ None, .. } = &mut self.facts.values[v as usize]
        {
            *name = Some(super::compact_text(self.source, sp(target)));
        }
    }

    /// A value created in a declarator (`const cache = new Map()`) is named after its binding and
    /// placed at the whole declarator, which is what "declared at module scope" points at.
    pub(super) fn declare_created(&mut self, op: Op, binding: oxc_span::Span, declarator: oxc_span::Span) {
        if let Op::Val(v) = op
            && let ValFact::Created { name: name @ None, span, .. } = &mut self.facts.values[v as usize]
        {
            *name = Some(super::compact_text(self.source, sp(binding)));
            *span = sp(declarator);
        }
    }

    fn assign_to(&mut self, target: &AssignmentTarget<'a>, src: Op, a: &AssignmentExpression<'a>, logical: bool) {
        let resets = !src.is_none() || is_reset(&a.right);
        match target {
            AssignmentTarget::AssignmentTargetIdentifier(id) => match self.symbol_of(id) {
                Some(sym) => {
                    let loc = sym.index() as u32;
                    if resets && !logical {
                        let derived = self.derivation(a);
                        self.event(
                            a.span,
                            id.span,
                            Op::Loc(loc),
                            EventFactKind::Reassign { new_value: src, derived, slot: super::Slot::Loc(loc) },
                        );
                    }
                    if !src.is_none() {
                        self.push(Constraint::Assign { dst: loc, src });
                    }
                }
                None => match id.name.as_str() {
                    "exports" => {
                        if !src.is_none() {
                            self.push(Constraint::Assign { dst: self.exports_loc, src });
                        }
                    }
                    "module" | "undefined" => {}
                    name => {
                        let func = self.current();
                        self.facts.global_writes.push(super::GlobalWrite {
                            span: sp(id.span),
                            func,
                            name: name.into(),
                        });
                        if !src.is_none() {
                            let global = self.name("globalThis");
                            let prop = self.name(name);
                            self.push(Constraint::Store { base: Op::Global(global), prop: Prop::Name(prop), src });
                        }
                    }
                },
            },
            AssignmentTarget::StaticMemberExpression(m) => {
                let base = self.expr(&m.object);
                let name = m.property.name.as_str();
                self.note_member_use(&m.object, name);
                self.note_global_property_write(&m.object, m.span);
                if let Expression::Identifier(f) = a.right.get_inner_expression()
                    && let Some(sym) = self.symbol_of(f)
                {
                    self.stored_names.push((sym, name.into()));
                }
                if name == "length" {
                    self.event(
                        a.span,
                        m.object.span(),
                        base,
                        EventFactKind::Remove { method: "length =".into(), key_span: None, under_size_check: false },
                    );
                }
                if name == "exports" && base == Op::Val(self.facts.module_value) {
                    self.assigns_module_exports = true;
                }
                let prop = Prop::Name(self.name(name));
                self.field_assign(base, prop, src, a, m.span, resets && !logical);
            }
            AssignmentTarget::PrivateFieldExpression(m) => {
                let base = self.expr(&m.object);
                let text = self.text(m.field.span);
                let prop = Prop::Name(self.name(text));
                self.field_assign(base, prop, src, a, m.span, resets && !logical);
            }
            AssignmentTarget::ComputedMemberExpression(m) => {
                let base = self.expr(&m.object);
                let key_expr = m.expression.get_inner_expression();
                if let Expression::StringLiteral(s) = key_expr {
                    let prop = Prop::Name(self.name(s.value.as_str()));
                    self.field_assign(base, prop, src, a, m.span, resets && !logical);
                    return;
                }
                if let Some(prop) = self.constant_key(key_expr) {
                    self.field_assign(base, prop, src, a, m.span, resets && !logical);
                    return;
                }
                self.expr(key_expr);
                // `dict[key] = value` grows a dictionary unless the key is a literal.
                let key = self.key_kind(key_expr);
                if key != KeyKind::Constant {
                    // `c[k] ||= v` only writes when the lookup missed.
                    let after_lookup = logical || self.after_lookup(&m.object);
                    self.event(
                        a.span,
                        m.object.span(),
                        base,
                        EventFactKind::Write {
                            method: "[]=".into(),
                            key,
                            key_span: Some(sp(key_expr.span())),
                            stored: src,
                            after_lookup,
                        },
                    );
                }
                if !src.is_none() {
                    self.push(Constraint::Store { base, prop: Prop::Elem, src });
                }
            }
            AssignmentTarget::TSAsExpression(t) => self.assign_expr_target(&t.expression, src),
            AssignmentTarget::TSSatisfiesExpression(t) => self.assign_expr_target(&t.expression, src),
            AssignmentTarget::TSNonNullExpression(t) => self.assign_expr_target(&t.expression, src),
            AssignmentTarget::TSTypeAssertion(t) => self.assign_expr_target(&t.expression, src),
            AssignmentTarget::ArrayAssignmentTarget(_) | AssignmentTarget::ObjectAssignmentTarget(_) => {
                if let Some(pattern) = target.as_assignment_target_pattern() {
                    self.destructure_target(pattern, src);
                }
            }
        }
    }

    /// `o.f = v`: the store, and the replacement of what `o.f` held.
    fn field_assign(
        &mut self,
        base: Op,
        prop: Prop,
        src: Op,
        a: &AssignmentExpression<'a>,
        target: oxc_span::Span,
        reassign: bool,
    ) {
        if base.is_none() {
            return;
        }
        if reassign {
            let old = self.load(base, prop);
            let derived = self.derivation(a);
            let slot = super::Slot::Field(base, prop);
            self.event(a.span, target, old, EventFactKind::Reassign { new_value: src, derived, slot });
        }
        if !src.is_none() {
            self.push(Constraint::Store { base, prop, src });
        }
    }

    /// A TypeScript-wrapped target (`(x as any) = v`): its inner expression as a target.
    fn assign_expr_target(&mut self, e: &Expression<'a>, src: Op) {
        match e.get_inner_expression() {
            Expression::Identifier(id) => {
                if let Some(sym) = self.symbol_of(id)
                    && !src.is_none()
                {
                    self.push(Constraint::Assign { dst: sym.index() as u32, src });
                }
            }
            Expression::StaticMemberExpression(m) => {
                let base = self.expr(&m.object);
                let prop = Prop::Name(self.name(m.property.name.as_str()));
                if !base.is_none() && !src.is_none() {
                    self.push(Constraint::Store { base, prop, src });
                }
            }
            other => {
                self.expr(other);
            }
        }
    }

    /// `[a, b] = xs`, `({ a, b: c } = o)`.
    fn destructure_target(&mut self, pattern: &AssignmentTargetPattern<'a>, src: Op) {
        match pattern {
            AssignmentTargetPattern::ArrayAssignmentTarget(arr) => {
                for el in arr.elements.iter().flatten() {
                    let elem = self.load(src, Prop::Elem);
                    self.maybe_default_target(el, elem);
                }
                if let Some(rest) = &arr.rest {
                    self.simple_target(&rest.target, src);
                }
            }
            AssignmentTargetPattern::ObjectAssignmentTarget(obj) => {
                for p in &obj.properties {
                    match p {
                        AssignmentTargetProperty::AssignmentTargetPropertyIdentifier(id) => {
                            let prop = Prop::Name(self.name(id.binding.name.as_str()));
                            let mut value = self.load(src, prop);
                            if let Some(init) = &id.init {
                                let d = self.expr(init);
                                value = self.join(value, d);
                            }
                            if let Some(sym) = self.symbol_of(&id.binding)
                                && !value.is_none()
                            {
                                self.push(Constraint::Assign { dst: sym.index() as u32, src: value });
                            }
                        }
                        AssignmentTargetProperty::AssignmentTargetPropertyProperty(pp) => {
                            let prop = self.property_key(&pp.name);
                            let value = self.load(src, prop);
                            self.maybe_default_target(&pp.binding, value);
                        }
                    }
                }
                if let Some(rest) = &obj.rest {
                    self.simple_target(&rest.target, src);
                }
            }
        }
    }

    fn maybe_default_target(&mut self, t: &AssignmentTargetMaybeDefault<'a>, src: Op) {
        match t {
            AssignmentTargetMaybeDefault::AssignmentTargetWithDefault(d) => {
                let def = self.expr(&d.init);
                let v = self.join(src, def);
                self.simple_target(&d.binding, v);
            }
            other => {
                if let Some(target) = other.as_assignment_target() {
                    self.simple_target(target, src);
                }
            }
        }
    }

    /// An assignment target inside a pattern: no replacement events, only flow.
    fn simple_target(&mut self, t: &AssignmentTarget<'a>, src: Op) {
        match t {
            AssignmentTarget::AssignmentTargetIdentifier(id) => {
                if let Some(sym) = self.symbol_of(id)
                    && !src.is_none()
                {
                    self.push(Constraint::Assign { dst: sym.index() as u32, src });
                }
            }
            AssignmentTarget::StaticMemberExpression(m) => {
                let base = self.expr(&m.object);
                let prop = Prop::Name(self.name(m.property.name.as_str()));
                if !base.is_none() && !src.is_none() {
                    self.push(Constraint::Store { base, prop, src });
                }
            }
            AssignmentTarget::ArrayAssignmentTarget(_) | AssignmentTarget::ObjectAssignmentTarget(_) => {
                if let Some(pattern) = t.as_assignment_target_pattern() {
                    self.destructure_target(pattern, src);
                }
            }
            other => {
                if let Some(m) = other.as_member_expression() {
                    let base = self.expr(m.object());
                    if !base.is_none() && !src.is_none() {
                        self.push(Constraint::Store { base, prop: Prop::Elem, src });
                    }
                }
            }
        }
    }

    /// `const { a, b: [c] } = v`, parameters, `for (const x of xs)`, `catch (e)`.
    pub(super) fn bind_pattern(&mut self, p: &BindingPattern<'a>, src: Op) {
        match p {
            BindingPattern::BindingIdentifier(b) => {
                if let Some(sym) = b.symbol_id.get()
                    && !src.is_none()
                {
                    self.push(Constraint::Assign { dst: sym.index() as u32, src });
                }
            }
            BindingPattern::ObjectPattern(o) => {
                for prop in &o.properties {
                    let key = self.property_key(&prop.key);
                    let key = if prop.computed && key == Prop::Elem { Prop::Any } else { key };
                    let value = self.load(src, key);
                    self.bind_pattern(&prop.value, value);
                }
                if let Some(rest) = &o.rest {
                    self.bind_pattern(&rest.argument, src);
                }
            }
            BindingPattern::ArrayPattern(a) => {
                for el in a.elements.iter().flatten() {
                    let elem = self.load(src, Prop::Elem);
                    self.bind_pattern(el, elem);
                }
                if let Some(rest) = &a.rest {
                    self.bind_pattern(&rest.argument, src);
                }
            }
            BindingPattern::AssignmentPattern(ap) => {
                let def = self.expr(&ap.right);
                let v = self.join(src, def);
                self.bind_pattern(&ap.left, v);
            }
        }
    }

    // ------------------------------------------------------------ calls

    pub(super) fn argument_op(&mut self, arg: &Argument<'a>) -> Op {
        match arg {
            Argument::SpreadElement(s) => {
                let src = self.expr(&s.argument);
                self.load(src, Prop::Elem)
            }
            other => match other.as_expression() {
                Some(e) => self.expr(e),
                None => Op::None,
            },
        }
    }

    pub(super) fn arg_fact(&self, arg: &Argument<'a>, op: Op) -> ArgFact {
        let Some(expr) = arg.as_expression() else { return ArgFact::Other };
        match expr.get_inner_expression() {
            Expression::FunctionExpression(_) | Expression::ArrowFunctionExpression(_) => match op {
                Op::Val(v) => ArgFact::Function(self.value_function(v)),
                _ => ArgFact::Other,
            },
            Expression::ObjectExpression(obj) => {
                let mut keys = Vec::new();
                let mut spread = false;
                for prop in &obj.properties {
                    match prop {
                        ObjectPropertyKind::ObjectProperty(p) => {
                            if let Some(k) = super::static_key_str(&p.key) {
                                keys.push(k.into());
                            }
                        }
                        ObjectPropertyKind::SpreadProperty(_) => spread = true,
                    }
                }
                ArgFact::Object { keys, spread }
            }
            // A compiled `{ ...a, k: v }` is the object literal it was.
            e if let Some(compiled) = super::compiled::compiled_spread(e)
                && compiled.object =>
            {
                ArgFact::Object {
                    keys: compiled.static_keys.iter().map(|k| crate::model::Name::from(*k)).collect(),
                    spread: !compiled.sources.is_empty(),
                }
            }
            Expression::StringLiteral(_)
            | Expression::NumericLiteral(_)
            | Expression::BooleanLiteral(_)
            | Expression::NullLiteral(_) => ArgFact::Literal,
            Expression::TemplateLiteral(t) if t.expressions.is_empty() => ArgFact::Literal,
            Expression::TemplateLiteral(_) => ArgFact::Dynamic,
            Expression::BinaryExpression(b) if b.operator == BinaryOperator::Addition => ArgFact::Dynamic,
            e @ (Expression::Identifier(_) | Expression::ThisExpression(_)) => ArgFact::Path(sp(e.span())),
            e if e.is_member_expression() => ArgFact::Path(sp(e.span())),
            _ => ArgFact::Other,
        }
    }

    fn call(&mut self, c: &CallExpression<'a>) -> Op {
        let use_ = self.take_use(c.span);
        let callee = c.callee.get_inner_expression();
        if let Expression::Identifier(id) = callee
            && id.name == "require"
            && self.symbol_of(id).is_none()
            && let Some(Expression::StringLiteral(s)) = c.arguments.first().and_then(|a| a.as_expression())
        {
            return Op::Loc(self.require(s.value.as_str()));
        }
        if let Some(op) = self.compiled_call(c) {
            return op;
        }
        if let Some(spread) = super::compiled::spread_of_call(c) {
            self.take_use(c.span);
            return self.compiled_spread_literal(c, &spread);
        }
        let mut kind = super::CallKind::Plain;
        let (callee_op, recv, name, is_method) = match callee {
            Expression::Super(_) => (self.frame().super_ctor, self.frame().this, None, false),
            Expression::StaticMemberExpression(m) => {
                let method = m.property.name.as_str();
                self.note_member_use(&m.object, method);
                let method_id = self.name(method);
                self.note_use(&m.object, UseFact::Chained(method_id));
                let object = self.expr(&m.object);
                kind = match method {
                    "call" => super::CallKind::Call,
                    "apply" => super::CallKind::Apply,
                    "bind" => super::CallKind::Bind,
                    _ => super::CallKind::Plain,
                };
                (self.load(object, Prop::Name(method_id)), object, Some(method_id), true)
            }
            Expression::ComputedMemberExpression(m) => {
                let object = self.expr(&m.object);
                let prop = match m.expression.get_inner_expression() {
                    Expression::StringLiteral(s) => Prop::Name(self.name(s.value.as_str())),
                    other if let Some(prop) = self.constant_key(other) => prop,
                    other => {
                        self.expr(other);
                        Prop::Any
                    }
                };
                let name = match prop {
                    Prop::Name(n) => Some(n),
                    _ => None,
                };
                (self.load(object, prop), object, name, true)
            }
            Expression::PrivateFieldExpression(m) => {
                let object = self.expr(&m.object);
                let text = self.text(m.field.span);
                let id = self.name(text);
                (self.load(object, Prop::Name(id)), object, Some(id), true)
            }
            other => {
                self.note_param_role(other, known::PARAM_CALLED);
                let op = self.expr(other);
                let name = callee_name(other).map(|n| self.name(n));
                (op, Op::None, name, false)
            }
        };
        let mut args: smallvec::SmallVec<[Op; 3]> = smallvec::SmallVec::with_capacity(c.arguments.len());
        let mut spread_from = None;
        let try_table = super::compiled::try_table(c);
        let has_try_table = try_table.is_some();
        if let Some(table) = try_table {
            self.try_tables.push(table);
        }
        for (i, arg) in c.arguments.iter().enumerate() {
            if matches!(arg, Argument::SpreadElement(_)) && spread_from.is_none() {
                spread_from = Some(i as u8);
            }
            let op = self.argument_op(arg);
            // `f.apply(t, xs)`: what `f` receives are the elements of `xs`.
            let op = if kind == super::CallKind::Apply && i == 1 { self.load(op, Prop::Elem) } else { op };
            args.push(op);
        }
        if has_try_table {
            self.try_tables.pop();
        }
        let result = self.new_loc();
        if kind == super::CallKind::Bind {
            // A new function each time, which calls the receiver with `this` = the first argument.
            let target = self.loc_of(recv);
            let this = args.first().copied().unwrap_or(Op::None);
            let bound = self.new_value(ValFact::Bound { target, this, span: sp(c.span) });
            self.push(Constraint::Assign { dst: result, src: Op::Val(bound) });
        }
        self.call_events(c, recv, name, &args, use_);
        let first_string = match c.arguments.first().and_then(|a| a.as_expression()).map(|e| e.get_inner_expression()) {
            Some(Expression::StringLiteral(s)) => Some(self.name(s.value.as_str())),
            Some(Expression::TemplateLiteral(t)) if t.expressions.is_empty() => {
                t.quasis.first().map(|q| q.value.raw.as_str()).map(|s| self.name(s))
            }
            _ => None,
        };
        let first = c.arguments.first().and_then(|a| a.as_expression()).map(|e| e.get_inner_expression());
        let first_arg_this = matches!(first, Some(Expression::ThisExpression(_)));
        // A route path: `'/users/:id'`, `'*'`, `` `${base}/x` ``, a regular expression, a list of them.
        // `cache.get('key', compute)` and `config.get('a.b', fallback)` are not routes.
        let first_is_path = match first {
            Some(Expression::StringLiteral(s)) => s.value.starts_with('/') || s.value == "*",
            Some(Expression::TemplateLiteral(t)) => t.quasis.iter().any(|q| q.value.raw.contains('/')),
            Some(Expression::RegExpLiteral(_) | Expression::ArrayExpression(_)) => true,
            _ => false,
        };
        // `check(this, F)` (Babel's `_classCallCheck`): `F` is a constructor.
        if first_arg_this
            && c.arguments.len() == 2
            && let Some(Expression::Identifier(_)) = c.arguments[1].as_expression().map(|e| e.get_inner_expression())
            && !args[1].is_none()
        {
            self.push(Constraint::Constructor { func: args[1] });
        }
        let arg_facts = c.arguments.iter().zip(args.iter()).map(|(a, op)| self.arg_fact(a, *op)).collect();
        self.compiled_after(c, &args, result);
        let func = self.current();
        self.facts.calls.push(CallFact {
            span: sp(c.span),
            callee_span: sp(c.callee.span()),
            func,
            callee: callee_op,
            recv,
            args,
            spread_from,
            result,
            is_new: false,
            jsx: false,
            name,
            is_method,
            first_string,
            first_arg_this,
            first_is_path,
            arg_facts,
            result_use: use_,
            conditional: !self.guard_frames.is_empty(),
            kind,
        });
        self.after_call(c, result);
        Op::Loc(result)
    }

    fn new_expr(&mut self, n: &NewExpression<'a>) -> Op {
        let use_ = self.take_use(n.span);
        let callee = n.callee.get_inner_expression();
        // Containers the language has: `new Map()`, `new Set()`, ... (when not shadowed).
        if let Expression::Identifier(id) = callee
            && self.symbol_of(id).is_none()
            && let Some(kind) = builtin_container(id.name.as_str())
        {
            for arg in &n.arguments {
                self.argument_op(arg);
            }
            let func = self.current();
            let value = self.new_value(ValFact::Created { func, kind, span: sp(n.span), name: None });
            // The result of `new` is still a call for the rules (`new Worker()` and the like are looked up by name).
            return Op::Val(value);
        }
        let callee_op = self.expr(callee);
        let mut args: smallvec::SmallVec<[Op; 3]> = smallvec::SmallVec::with_capacity(n.arguments.len());
        let mut spread_from = None;
        for (i, arg) in n.arguments.iter().enumerate() {
            if matches!(arg, Argument::SpreadElement(_)) && spread_from.is_none() {
                spread_from = Some(i as u8);
            }
            args.push(self.argument_op(arg));
        }
        if !callee_op.is_none() {
            self.push(Constraint::Constructor { func: callee_op });
        }
        let result = self.new_loc();
        let name = callee_name(callee).map(|s| self.name(s));
        let arg_facts = n.arguments.iter().zip(args.iter()).map(|(a, op)| self.arg_fact(a, *op)).collect();
        let func = self.current();
        self.new_call_events(n, &args);
        self.facts.calls.push(CallFact {
            span: sp(n.span),
            callee_span: sp(n.callee.span()),
            func,
            callee: callee_op,
            recv: Op::None,
            args,
            spread_from,
            result,
            is_new: true,
            jsx: false,
            name,
            is_method: false,
            first_string: None,
            first_arg_this: false,
            first_is_path: false,
            arg_facts,
            result_use: use_,
            conditional: !self.guard_frames.is_empty(),
            kind: super::CallKind::Plain,
        });
        Op::Loc(result)
    }

    /// `require("m")`, `import("m")`: a location that receives the module's exports.
    pub(super) fn require(&mut self, specifier: &str) -> Loc {
        let result = self.new_loc();
        self.facts.requires.push(super::RequireFact { specifier: specifier.into(), result });
        result
    }

    // ------------------------------------------------------------ JSX

    fn jsx_element(&mut self, j: &JSXElement<'a>) -> Op {
        let func = self.current();
        let props = self.new_value(ValFact::Created {
            func,
            kind: ContainerKind::Unknown,
            span: sp(j.opening_element.span),
            name: None,
        });
        for attr in &j.opening_element.attributes {
            match attr {
                JSXAttributeItem::Attribute(a) => {
                    let value = match &a.value {
                        Some(JSXAttributeValue::ExpressionContainer(c)) => match c.expression.as_expression() {
                            Some(e) => self.expr(e),
                            None => Op::None,
                        },
                        Some(JSXAttributeValue::Element(e)) => self.jsx_element(e),
                        Some(JSXAttributeValue::Fragment(f)) => {
                            self.jsx_children(&f.children);
                            Op::None
                        }
                        _ => Op::None,
                    };
                    if let JSXAttributeName::Identifier(id) = &a.name
                        && !value.is_none()
                    {
                        let prop = Prop::Name(self.name(id.name.as_str()));
                        self.push(Constraint::Store { base: Op::Val(props), prop, src: value });
                    }
                }
                JSXAttributeItem::SpreadAttribute(s) => {
                    let src = self.expr(&s.argument);
                    if !src.is_none() {
                        self.push(Constraint::Delegate { obj: Op::Val(props), to: src });
                    }
                }
            }
        }
        self.jsx_children(&j.children);
        // A component (`<Panel />`, `<ui.Panel />`) is a function React calls with the props.
        let tag = match &j.opening_element.name {
            JSXElementName::IdentifierReference(id) => self.ident(id),
            JSXElementName::MemberExpression(m) => self.jsx_member(m),
            _ => Op::None,
        };
        if !tag.is_none() {
            let result = self.new_loc();
            self.facts.calls.push(CallFact {
                span: sp(j.span),
                callee_span: sp(j.opening_element.name.span()),
                func,
                callee: tag,
                recv: Op::None,
                args: smallvec::smallvec![Op::Val(props)],
                spread_from: None,
                result,
                is_new: false,
                jsx: true,
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
        Op::None
    }

    fn jsx_member(&mut self, m: &JSXMemberExpression<'a>) -> Op {
        let base = match &m.object {
            JSXMemberExpressionObject::IdentifierReference(id) => self.ident(id),
            JSXMemberExpressionObject::MemberExpression(inner) => self.jsx_member(inner),
            JSXMemberExpressionObject::ThisExpression(_) => self.frame().this,
        };
        let prop = Prop::Name(self.name(m.property.name.as_str()));
        self.load(base, prop)
    }

    pub(super) fn jsx_children(&mut self, children: &[JSXChild<'a>]) {
        for child in children {
            match child {
                JSXChild::Element(e) => {
                    self.jsx_element(e);
                }
                JSXChild::Fragment(f) => self.jsx_children(&f.children),
                JSXChild::ExpressionContainer(c) => {
                    if let Some(e) = c.expression.as_expression() {
                        self.expr(e);
                    }
                }
                JSXChild::Spread(s) => {
                    self.expr(&s.expression);
                }
                JSXChild::Text(_) => {}
            }
        }
    }
}

/// Containers the language defines, by constructor name.
pub(crate) fn builtin_container(name: &str) -> Option<ContainerKind> {
    Some(match name {
        "Map" => ContainerKind::Map,
        "Set" => ContainerKind::Set,
        "WeakMap" => ContainerKind::WeakMap,
        "WeakSet" => ContainerKind::WeakSet,
        "Array" => ContainerKind::Array,
        "Object" => ContainerKind::Object,
        _ => return None,
    })
}

/// `x = null`, `x = undefined`, `x = void 0`: the old value is dropped.
fn is_reset(e: &Expression<'_>) -> bool {
    match e.get_inner_expression() {
        Expression::NullLiteral(_) => true,
        Expression::Identifier(id) => id.name == "undefined",
        Expression::UnaryExpression(u) => u.operator == UnaryOperator::Void,
        _ => false,
    }
}

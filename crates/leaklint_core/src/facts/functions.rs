//! Functions and classes: each becomes a function fact with locations for its
//! parameters, its return and its `this`. A class is its constructor (explicit
//! or implicit, with the instance fields' initialisers in it); its methods live
//! on the instances' abstract object, which is also the prototype, so
//! `C.prototype.m = f` (ES5 and compiled classes) and `class C { m() {} }` say
//! the same thing.

use oxc_ast::ast::*;

use super::{Constraint, FnFact, Frame, Lowerer, Op, Prop, ValFact, sp, static_key_str};
use crate::model::{FunctionKind, Name, Params};

/// What the parent knows about a function it is about to lower.
#[derive(Default, Clone, Copy)]
pub(super) struct FnInfo<'a, 'c> {
    /// The name it is stored under (a method key, a variable), when it has none of its own.
    pub name: Option<&'a str>,
    pub kind: Option<FunctionKind>,
    /// For methods: the constructor (local id) whose instances are `this`.
    pub this_class: Option<u32>,
    pub is_static: bool,
    /// `this` is this value (static members: the class).
    pub this_value: Option<Op>,
    /// This function is the constructor of this class: its instance fields are initialised in it.
    pub constructor_of: Option<&'c Class<'a>>,
    /// Where `super(...)` goes.
    pub super_ctor: Option<Op>,
    /// The code is in a class body (always strict).
    pub in_class: bool,
    /// Assigned to a prototype.
    pub on_prototype: bool,
}

impl<'a> FnInfo<'a, '_> {
    pub(super) fn named(name: Option<&'a str>) -> Self {
        FnInfo { name, ..FnInfo::default() }
    }

    pub(super) fn method(name: Option<&'a str>) -> Self {
        FnInfo { name, kind: Some(FunctionKind::Method), ..FnInfo::default() }
    }
}

impl<'a> Lowerer<'a, '_> {
    /// Lower a function expression or declaration; its value id.
    pub(super) fn function_value(&mut self, f: &Function<'a>, info: FnInfo<'a, '_>) -> u32 {
        let name = f.id.as_ref().map(|b| b.name.as_str()).or(info.name);
        let kind = info.kind.unwrap_or(match f.r#type {
            FunctionType::FunctionDeclaration => FunctionKind::Declaration,
            _ if info.kind.is_none() && f.id.is_some() => FunctionKind::Expression,
            _ => FunctionKind::Expression,
        });
        let use_strict = f.body.as_ref().is_some_and(|b| b.directives.iter().any(|d| d.directive == "use strict"));
        let fid = self.enter(sp(f.span), name, kind, &f.params, false, info, use_strict);
        self.note_function_scope(f.scope_id.get(), fid);
        // A named function expression can call itself by its name.
        if let Some(sym) = f.id.as_ref().and_then(|b| b.symbol_id.get()) {
            let value = self.facts.functions[fid as usize].value;
            self.push(Constraint::Assign { dst: sym.index() as u32, src: Op::Val(value) });
        }
        if let Some(body) = &f.body {
            self.statements(&body.statements);
        }
        self.leave()
    }

    /// Lower an arrow function; its value id.
    pub(super) fn arrow_value(&mut self, f: &ArrowFunctionExpression<'a>, info: FnInfo<'a, '_>) -> u32 {
        let use_strict = match &f.body {
            ArrowFunctionBody::FunctionBody(b) => b.directives.iter().any(|d| d.directive == "use strict"),
            _ => false,
        };
        let kind = info.kind.unwrap_or(FunctionKind::Arrow);
        let fid = self.enter(sp(f.span), info.name, kind, &f.params, true, info, use_strict);
        self.note_function_scope(f.scope_id.get(), fid);
        match &f.body {
            ArrowFunctionBody::FunctionBody(b) => self.statements(&b.statements),
            other => {
                if let Some(e) = other.as_expression() {
                    self.facts.functions[fid as usize].returns_value = true;
                    self.note_use(e, super::UseFact::Returned);
                    let op = self.expr(e);
                    let ret = self.facts.functions[fid as usize].ret;
                    if !op.is_none() {
                        self.push(Constraint::Assign { dst: ret, src: op });
                    }
                }
            }
        }
        self.leave()
    }

    #[allow(clippy::too_many_arguments)]
    fn enter(
        &mut self,
        span: crate::span::Span,
        name: Option<&'a str>,
        kind: FunctionKind,
        params: &FormalParameters<'a>,
        is_arrow: bool,
        info: FnInfo<'a, '_>,
        use_strict: bool,
    ) -> u32 {
        let fid = self.facts.functions.len() as u32;
        let parent = self.frame();
        let strict = use_strict || info.in_class || self.facts.functions[parent.func as usize].strict;
        let ret = self.new_loc();
        let own_this = self.new_loc();
        let value = self.new_value(ValFact::Function(fid));
        let mut names = Params::with_capacity(params.items.len());
        let mut param_locs = smallvec::SmallVec::with_capacity(params.items.len());
        for p in &params.items {
            match &p.pattern {
                BindingPattern::BindingIdentifier(b) => {
                    names.push(Name::from(b.name.as_str()));
                    match b.symbol_id.get() {
                        Some(sym) => {
                            if let Some(slot) = self.param_of.get_mut(sym.index()) {
                                *slot = fid + 1;
                            }
                            param_locs.push(sym.index() as u32);
                        }
                        None => param_locs.push(self.new_loc()),
                    }
                }
                _ => {
                    names.push(Name::default());
                    param_locs.push(self.new_loc());
                }
            }
        }
        let rest_loc = params.rest.as_ref().map(|r| match &r.rest.argument {
            BindingPattern::BindingIdentifier(b) if b.symbol_id.get().is_some() => {
                b.symbol_id.get().map(|s| s.index() as u32).unwrap_or_default()
            }
            _ => self.new_loc(),
        });
        let this_class = if info.constructor_of.is_some() { Some(fid) } else { info.this_class };
        self.facts.functions.push(FnFact {
            name: name.map(Name::from),
            kind,
            span,
            parent: Some(parent.func),
            params: names,
            param_locs: param_locs.clone(),
            param_roles: smallvec::smallvec![0; params.items.len()],
            rest_loc,
            ret,
            this: own_this,
            this_class: if is_arrow { None } else { this_class },
            is_static: info.is_static,
            is_class_constructor: info.constructor_of.is_some(),
            strict,
            returns_value: false,
            captures: smallvec::SmallVec::new(),
            stored_as: smallvec::SmallVec::new(),
            exported_as: None,
            value,
            on_prototype: info.on_prototype,
            is_arrow,
        });
        let this = if is_arrow {
            parent.this
        } else {
            if let Some(v) = info.this_value {
                self.push(Constraint::Assign { dst: own_this, src: v });
            }
            Op::Loc(own_this)
        };
        let super_ctor = match info.super_ctor {
            Some(s) => s,
            None if is_arrow => parent.super_ctor,
            None => Op::None,
        };
        self.frames.push(Frame { func: fid, this, ret, super_ctor, arguments: None, is_arrow });
        // Destructured parameters and defaults, in the function's own scope.
        for (i, p) in params.items.iter().enumerate() {
            let loc = param_locs[i];
            if !matches!(p.pattern, BindingPattern::BindingIdentifier(_)) {
                self.bind_pattern(&p.pattern, Op::Loc(loc));
            }
            if let Some(init) = &p.initializer {
                let d = self.expr(init);
                if !d.is_none() {
                    self.push(Constraint::Assign { dst: loc, src: d });
                }
            }
            // `constructor(private readonly db)`: a TypeScript parameter property.
            if (p.accessibility.is_some() || p.readonly || p.r#override)
                && let BindingPattern::BindingIdentifier(b) = &p.pattern
            {
                let prop = Prop::Name(self.name(b.name.as_str()));
                self.push(Constraint::Store { base: this, prop, src: Op::Loc(loc) });
            }
            for d in &p.decorators {
                self.expr(&d.expression);
            }
        }
        if let (Some(rest), Some(loc)) = (&params.rest, rest_loc)
            && !matches!(rest.rest.argument, BindingPattern::BindingIdentifier(_))
        {
            self.bind_pattern(&rest.rest.argument, Op::Loc(loc));
        }
        if let Some(class) = info.constructor_of {
            self.field_initialisers(class, this);
        }
        fid
    }

    /// Leave the function; its value id.
    fn leave(&mut self) -> u32 {
        let frame = self.frames.pop().expect("entered before");
        self.facts.functions[frame.func as usize].value
    }

    /// Instance fields (`count = 0`, `handlers = new Map()`, `onKey = () => {}`) run in the constructor.
    fn field_initialisers(&mut self, class: &Class<'a>, this: Op) {
        for el in &class.body.body {
            let (key, value, is_static) = match el {
                ClassElement::PropertyDefinition(p) => (&p.key, p.value.as_ref(), p.r#static),
                ClassElement::AccessorProperty(p) => (&p.key, p.value.as_ref(), p.r#static),
                _ => continue,
            };
            if is_static {
                continue;
            }
            let prop = self.property_key(key);
            let Some(value) = value else { continue };
            let op =
                match value.get_inner_expression() {
                    Expression::ArrowFunctionExpression(f) => Op::Val(self.arrow_value(
                        f,
                        FnInfo { kind: Some(FunctionKind::Method), ..FnInfo::named(static_key_str(key)) },
                    )),
                    Expression::FunctionExpression(f) => {
                        Op::Val(self.function_value(f, FnInfo::method(static_key_str(key))))
                    }
                    _ => {
                        let op = self.expr(value);
                        self.name_created_text(op, key);
                        op
                    }
                };
            if !op.is_none() && !this.is_none() {
                self.push(Constraint::Store { base: this, prop, src: op });
            }
        }
    }

    /// A value created in a field initialiser takes `this.<key>` as its name.
    fn name_created_text(&mut self, op: Op, key: &PropertyKey<'a>) {
        if let (Op::Val(v), Some(k)) = (op, static_key_str(key))
            && let ValFact::Created { name: name @ None, .. } = &mut self.facts.values[v as usize]
        {
            let mut n = Name::from("this.");
            n.push_str(k);
            *name = Some(n);
        }
    }

    /// Lower a class; its constructor's value.
    pub(super) fn class(&mut self, c: &Class<'a>) -> Op {
        for d in &c.decorators {
            self.expr(&d.expression);
        }
        let super_ctor = c.heritage.as_ref().map(|h| self.expr(&h.expression)).unwrap_or(Op::None);
        let class_name = c.id.as_ref().map(|b| b.name.as_str());
        let explicit = c.body.body.iter().find_map(|el| match el {
            ClassElement::MethodDefinition(m) if m.kind == MethodDefinitionKind::Constructor => Some(m),
            _ => None,
        });
        let info = FnInfo {
            name: class_name,
            kind: Some(FunctionKind::Constructor),
            constructor_of: Some(c),
            super_ctor: Some(super_ctor),
            in_class: true,
            ..FnInfo::default()
        };
        let ctor_value = match explicit {
            Some(m) => self.function_value(&m.value, info),
            // No `constructor`: the implicit one only runs the field initialisers.
            None => self.implicit_constructor(c, info),
        };
        let ctor = self.value_function(ctor_value);
        if let Some(sym) = c.id.as_ref().and_then(|b| b.symbol_id.get()) {
            self.push(Constraint::Assign { dst: sym.index() as u32, src: Op::Val(ctor_value) });
        }
        self.push(Constraint::Constructor { func: Op::Val(ctor_value) });
        if !super_ctor.is_none() {
            self.push(Constraint::Inherits { child: Op::Val(ctor_value), parent: super_ctor });
        }
        let class_op = Op::Val(ctor_value);
        for el in &c.body.body {
            match el {
                ClassElement::MethodDefinition(m) if m.kind != MethodDefinitionKind::Constructor => {
                    let key_name = static_key_str(&m.key);
                    let prop = self.property_key(&m.key);
                    let kind = match m.kind {
                        MethodDefinitionKind::Get | MethodDefinitionKind::Set => FunctionKind::Accessor,
                        _ => FunctionKind::Method,
                    };
                    for d in &m.decorators {
                        self.expr(&d.expression);
                    }
                    let info = FnInfo {
                        name: key_name,
                        kind: Some(kind),
                        this_class: if m.r#static { None } else { Some(ctor) },
                        is_static: m.r#static,
                        this_value: m.r#static.then_some(class_op),
                        in_class: true,
                        ..FnInfo::default()
                    };
                    let v = self.function_value(&m.value, info);
                    let holder = if m.r#static { class_op } else { Op::Instance(ctor) };
                    let src = if m.kind == MethodDefinitionKind::Get {
                        // Reading the property runs the getter.
                        let fid = self.value_function(v);
                        Op::Loc(self.facts.functions[fid as usize].ret)
                    } else if m.kind == MethodDefinitionKind::Set {
                        continue;
                    } else {
                        Op::Val(v)
                    };
                    self.push(Constraint::Store { base: holder, prop, src });
                }
                ClassElement::PropertyDefinition(p) if p.r#static => {
                    let prop = self.property_key(&p.key);
                    if let Some(value) = &p.value {
                        let op = self.with_this(class_op, |l| l.expr(value));
                        if !op.is_none() {
                            self.push(Constraint::Store { base: class_op, prop, src: op });
                        }
                    }
                }
                ClassElement::StaticBlock(b) => {
                    self.with_this(class_op, |l| {
                        l.statements(&b.body);
                        Op::None
                    });
                }
                _ => {}
            }
        }
        class_op
    }

    /// A class with no `constructor`: a function fact spanning the class, whose body is the field initialisers.
    fn implicit_constructor(&mut self, c: &Class<'a>, info: FnInfo<'a, '_>) -> u32 {
        let fid = self.facts.functions.len() as u32;
        let parent = self.frame();
        let ret = self.new_loc();
        let this = self.new_loc();
        let value = self.new_value(ValFact::Function(fid));
        self.facts.functions.push(FnFact {
            name: info.name.map(Name::from),
            kind: FunctionKind::Constructor,
            span: sp(c.span),
            parent: Some(parent.func),
            params: Params::new(),
            param_locs: smallvec::SmallVec::new(),
            param_roles: smallvec::SmallVec::new(),
            rest_loc: None,
            ret,
            this,
            this_class: Some(fid),
            is_static: false,
            is_class_constructor: true,
            strict: true,
            returns_value: false,
            captures: smallvec::SmallVec::new(),
            stored_as: smallvec::SmallVec::new(),
            exported_as: None,
            value,
            on_prototype: false,
            is_arrow: false,
        });
        let super_ctor = info.super_ctor.unwrap_or(Op::None);
        self.frames.push(Frame { func: fid, this: Op::Loc(this), ret, super_ctor, arguments: None, is_arrow: false });
        // The implicit constructor of a subclass passes its arguments on: `super(...args)`.
        if !super_ctor.is_none() {
            let result = self.new_loc();
            self.facts.calls.push(super::CallFact {
                span: sp(c.span),
                callee_span: sp(c.span),
                func: fid,
                callee: super_ctor,
                recv: Op::Loc(this),
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
                result_use: super::UseFact::Other,
                conditional: false,
                kind: super::CallKind::Plain,
            });
        }
        self.field_initialisers(c, Op::Loc(this));
        self.leave()
    }

    /// Lower code whose `this` is `this` (static members), in the current function.
    fn with_this(&mut self, this: Op, f: impl FnOnce(&mut Self) -> Op) -> Op {
        let mut frame = self.frame();
        frame.this = this;
        self.frames.push(frame);
        let op = f(self);
        // The frame was a copy: keep what it learnt about `arguments`.
        let done = self.frames.pop().expect("pushed above");
        if let Some(top) = self.frames.last_mut()
            && top.arguments.is_none()
        {
            top.arguments = done.arguments;
        }
        op
    }
}

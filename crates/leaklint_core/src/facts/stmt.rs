//! Statements and module declarations. Control flow matters only where it
//! guards code (`if`, `&&`, early returns: see `guards`) or decides what runs
//! on failure (`try`/`catch`/`finally`); everything else is walked for the
//! expressions in it.

use oxc_ast::ast::*;
use oxc_ast_visit::{Visit, walk};
use oxc_span::GetSpan;
use oxc_syntax::scope::ScopeFlags;

use super::functions::FnInfo;
use super::{Constraint, EventFactKind, Lowerer, Op, Prop, UseFact, sp};
use crate::model::OutcomeKind;

impl<'a> Lowerer<'a, '_> {
    pub(super) fn statements(&mut self, body: &[Statement<'a>]) {
        // `if (done) return;` guards every statement after it in the same list.
        let depth = self.guard_frames.len();
        for s in body {
            self.stmt(s);
            if let Statement::IfStatement(i) = s
                && i.alternate.is_none()
                && exits(&i.consequent)
            {
                self.push_guard(&i.test);
            }
        }
        while self.guard_frames.len() > depth {
            self.pop_guard();
        }
    }

    pub(super) fn stmt(&mut self, s: &Statement<'a>) {
        match s {
            Statement::ExpressionStatement(e) => {
                self.note_use(&e.expression, UseFact::Discarded);
                self.expr(&e.expression);
            }
            Statement::VariableDeclaration(v) => self.var_decl(v),
            Statement::FunctionDeclaration(f) => {
                let v = self.function_value(f, FnInfo::default());
                if let Some(sym) = f.id.as_ref().and_then(|b| b.symbol_id.get()) {
                    self.push(Constraint::Assign { dst: sym.index() as u32, src: Op::Val(v) });
                    let fid = self.value_function(v);
                    self.fn_of_symbol.insert(sym, fid);
                }
            }
            Statement::ClassDeclaration(c) => {
                self.class(c);
            }
            Statement::ReturnStatement(r) => {
                if let Some(arg) = &r.argument {
                    self.note_use(arg, UseFact::Returned);
                    let op = self.expr(arg);
                    let frame = self.frame();
                    let returns_something =
                        !matches!(arg.get_inner_expression(), Expression::Identifier(id) if id.name == "undefined");
                    if returns_something {
                        self.facts.functions[frame.func as usize].returns_value = true;
                    }
                    if !op.is_none() {
                        self.push(Constraint::Assign { dst: frame.ret, src: op });
                    }
                }
            }
            Statement::IfStatement(i) => {
                self.expr(&i.test);
                self.push_guard(&i.test);
                self.stmt(&i.consequent);
                if let Some(alt) = &i.alternate {
                    self.stmt(alt);
                }
                self.pop_guard();
            }
            Statement::BlockStatement(b) => self.statements(&b.body),
            Statement::TryStatement(t) => {
                self.statements(&t.block.body);
                if let Some(handler) = &t.handler {
                    self.outcome(handler.span, OutcomeKind::Catch { try_block: sp(t.block.span) });
                    if let Some(param) = &handler.param {
                        self.bind_pattern(&param.pattern, Op::None);
                    }
                    self.statements(&handler.body.body);
                }
                if let Some(finalizer) = &t.finalizer {
                    self.outcome(finalizer.span, OutcomeKind::Finally);
                    self.statements(&finalizer.body);
                }
            }
            Statement::ForOfStatement(f) => {
                let right = self.expr(&f.right);
                self.event(f.right.span(), f.right.span(), right, EventFactKind::Iterate);
                let elem = self.load(right, Prop::Elem);
                self.for_left(&f.left, elem);
                self.stmt(&f.body);
            }
            Statement::ForInStatement(f) => {
                let right = self.expr(&f.right);
                self.event(f.right.span(), f.right.span(), right, EventFactKind::Iterate);
                self.for_left(&f.left, Op::None);
                self.stmt(&f.body);
            }
            Statement::ForStatement(f) => {
                match &f.init {
                    Some(ForStatementInit::VariableDeclaration(v)) => self.var_decl(v),
                    Some(other) => {
                        if let Some(e) = other.as_expression() {
                            self.expr(e);
                        }
                    }
                    None => {}
                }
                if let Some(test) = &f.test {
                    self.expr(test);
                }
                if let Some(update) = &f.update {
                    self.expr(update);
                }
                self.stmt(&f.body);
            }
            Statement::WhileStatement(w) => {
                self.expr(&w.test);
                self.stmt(&w.body);
            }
            Statement::DoWhileStatement(w) => {
                self.stmt(&w.body);
                self.expr(&w.test);
            }
            Statement::ThrowStatement(t) => {
                self.expr(&t.argument);
            }
            Statement::SwitchStatement(sw) => {
                // A down-levelled `async` function's `try`/`catch` lives on as jump tables.
                for (kind, clause) in self.generator_clauses(sw) {
                    self.outcome(clause, kind);
                }
                self.expr(&sw.discriminant);
                for case in &sw.cases {
                    if let Some(test) = &case.test {
                        self.expr(test);
                    }
                    self.statements(&case.consequent);
                }
            }
            Statement::LabeledStatement(l) => self.stmt(&l.body),
            Statement::WithStatement(w) => {
                self.expr(&w.object);
                self.stmt(&w.body);
            }
            Statement::ImportDeclaration(i) => self.import(i),
            Statement::ExportDeclaration(e) => self.export_declaration(e),
            Statement::ExportNamedDeclaration(e) => {
                for spec in &e.specifiers {
                    let src = match &spec.local {
                        ModuleExportName::IdentifierReference(id) => self.ident(id),
                        _ => Op::None,
                    };
                    self.export(spec.exported.name().as_str(), src);
                    if let ModuleExportName::IdentifierReference(id) = &spec.local
                        && let Some(sym) = self.symbol_of(id)
                    {
                        self.exported_symbols.push((sym, spec.exported.name().as_str().into()));
                    }
                }
            }
            Statement::ExportFromDeclaration(e) => {
                let module = self.require(e.source.value.as_str());
                for spec in &e.specifiers {
                    let prop = Prop::Name(self.name(spec.local.name().as_str()));
                    let value = self.load(Op::Loc(module), prop);
                    self.export(spec.exported.name().as_str(), value);
                }
            }
            Statement::ExportDefaultDeclaration(e) => {
                let op = match &e.declaration {
                    ExportDefaultDeclarationKind::FunctionDeclaration(f) => {
                        let v = self.function_value(f, FnInfo::default());
                        if let Some(sym) = f.id.as_ref().and_then(|b| b.symbol_id.get()) {
                            self.push(Constraint::Assign { dst: sym.index() as u32, src: Op::Val(v) });
                        }
                        let fid = self.value_function(v);
                        self.facts.functions[fid as usize].exported_as = Some("default".into());
                        Op::Val(v)
                    }
                    ExportDefaultDeclarationKind::ClassDeclaration(c) => self.class(c),
                    ExportDefaultDeclarationKind::TSInterfaceDeclaration(_) => Op::None,
                    other => match other.as_expression() {
                        Some(e) => self.expr(e),
                        None => Op::None,
                    },
                };
                self.export("default", op);
            }
            Statement::ExportAllDeclaration(e) => {
                let module = self.require(e.source.value.as_str());
                match &e.exported {
                    Some(name) => self.export(name.name().as_str(), Op::Loc(module)),
                    None => {
                        let exports = Op::Val(self.facts.exports_value);
                        self.push(Constraint::Delegate { obj: exports, to: Op::Loc(module) });
                    }
                }
            }
            Statement::TSExportAssignment(e) => {
                self.assigns_module_exports = true;
                let op = self.expr(&e.expression);
                if !op.is_none() {
                    let prop = Prop::Name(self.name("exports"));
                    let module = Op::Val(self.facts.module_value);
                    self.push(Constraint::Store { base: module, prop, src: op });
                }
            }
            Statement::TSImportEqualsDeclaration(d) => {
                if let TSModuleReference::ExternalModuleReference(r) = &d.module_reference {
                    let module = self.require(r.expression.value.as_str());
                    if let Some(sym) = d.id.symbol_id.get() {
                        self.push(Constraint::Assign { dst: sym.index() as u32, src: Op::Loc(module) });
                    }
                }
            }
            Statement::TSTypeAliasDeclaration(_)
            | Statement::TSInterfaceDeclaration(_)
            | Statement::TSNamespaceExportDeclaration(_)
            | Statement::EmptyStatement(_)
            | Statement::DebuggerStatement(_)
            | Statement::BreakStatement(_)
            | Statement::ContinueStatement(_) => {}
            // Enums, namespaces and the rest: walked for the code in them.
            other => walk::walk_statement(self, other),
        }
    }

    fn for_left(&mut self, left: &ForStatementLeft<'a>, elem: Op) {
        match left {
            ForStatementLeft::VariableDeclaration(v) => {
                for d in &v.declarations {
                    self.bind_pattern(&d.id, elem);
                }
            }
            other => {
                if let Some(target) = other.as_assignment_target()
                    && let AssignmentTarget::AssignmentTargetIdentifier(id) = target
                    && let Some(sym) = self.symbol_of(id)
                    && !elem.is_none()
                {
                    self.push(Constraint::Assign { dst: sym.index() as u32, src: elem });
                }
            }
        }
    }

    fn var_decl(&mut self, v: &VariableDeclaration<'a>) {
        for d in &v.declarations {
            let Some(init) = &d.init else { continue };
            let name = match &d.id {
                BindingPattern::BindingIdentifier(b) => Some(b.name.as_str()),
                _ => None,
            };
            let symbol = match &d.id {
                BindingPattern::BindingIdentifier(b) => b.symbol_id.get(),
                _ => None,
            };
            if let (Some(sym), Expression::ThisExpression(_)) = (symbol, init.get_inner_expression())
                && self.scoping.get_resolved_references(sym).all(|r| !r.is_write())
            {
                self.this_aliases.insert(sym);
            }
            let op = match init.get_inner_expression() {
                Expression::FunctionExpression(f) => Op::Val(self.function_value(f, FnInfo::named(name))),
                Expression::ArrowFunctionExpression(f) => Op::Val(self.arrow_value(f, FnInfo::named(name))),
                // A `const` bound to a literal or a new `Symbol()` is a key that never changes.
                Expression::CallExpression(call)
                    if matches!(call.callee.get_inner_expression(), Expression::Identifier(f)
                        if f.name == "Symbol" && self.symbol_of(f).is_none()) =>
                {
                    if let Some(sym) = symbol
                        && v.kind == VariableDeclarationKind::Const
                    {
                        self.constant_symbols.insert(sym);
                    }
                    self.expr(init)
                }
                Expression::StringLiteral(_) | Expression::NumericLiteral(_) | Expression::BooleanLiteral(_) => {
                    if let Some(sym) = symbol
                        && v.kind == VariableDeclarationKind::Const
                    {
                        self.constant_symbols.insert(sym);
                    }
                    Op::None
                }
                _ => {
                    if name.is_some() {
                        self.note_use(init, UseFact::Stored(sp(d.id.span())));
                    }
                    let op = self.expr(init);
                    if name.is_some() {
                        self.declare_created(op, d.id.span(), d.span);
                    }
                    op
                }
            };
            if let (Some(sym), Op::Val(value)) = (symbol, op)
                && let super::ValFact::Function(fid) = self.facts.values[value as usize]
            {
                self.fn_of_symbol.insert(sym, fid);
            }
            self.bind_pattern(&d.id, op);
        }
    }

    fn import(&mut self, i: &ImportDeclaration<'a>) {
        if i.import_kind.is_type() {
            return;
        }
        let module = self.require(i.source.value.as_str());
        for spec in i.specifiers.iter().flatten() {
            match spec {
                ImportDeclarationSpecifier::ImportSpecifier(s) => {
                    if s.import_kind.is_type() {
                        continue;
                    }
                    let prop = Prop::Name(self.name(s.imported.name().as_str()));
                    if let Some(sym) = s.local.symbol_id.get() {
                        self.push(Constraint::Load { dst: sym.index() as u32, base: Op::Loc(module), prop });
                    }
                }
                ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => {
                    if let Some(sym) = s.local.symbol_id.get() {
                        self.push(Constraint::ImportDefault { dst: sym.index() as u32, base: module });
                    }
                }
                ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                    if let Some(sym) = s.local.symbol_id.get() {
                        self.push(Constraint::Assign { dst: sym.index() as u32, src: Op::Loc(module) });
                    }
                }
            }
        }
    }

    fn export_declaration(&mut self, e: &ExportDeclaration<'a>) {
        match &e.declaration {
            Declaration::FunctionDeclaration(f) => {
                let v = self.function_value(f, FnInfo::default());
                let fid = self.value_function(v);
                if let Some(b) = &f.id {
                    if let Some(sym) = b.symbol_id.get() {
                        self.push(Constraint::Assign { dst: sym.index() as u32, src: Op::Val(v) });
                    }
                    self.facts.functions[fid as usize].exported_as = Some(b.name.as_str().into());
                    self.export(b.name.as_str(), Op::Val(v));
                }
            }
            Declaration::ClassDeclaration(c) => {
                let op = self.class(c);
                if let Some(b) = &c.id {
                    self.export(b.name.as_str(), op);
                }
            }
            Declaration::VariableDeclaration(v) => {
                self.var_decl(v);
                for d in &v.declarations {
                    for b in d.id.get_binding_identifiers() {
                        if let Some(sym) = b.symbol_id.get() {
                            let loc = Op::Loc(sym.index() as u32);
                            self.export(b.name.as_str(), loc);
                            self.exported_symbols.push((sym, b.name.as_str().into()));
                        }
                    }
                }
            }
            other => walk::walk_declaration(self, other),
        }
    }

    /// `exports.<name> = value`, for ES exports.
    fn export(&mut self, name: &'a str, value: Op) {
        if value.is_none() {
            return;
        }
        let prop = Prop::Name(self.name(name));
        let exports = Op::Val(self.facts.exports_value);
        self.push(Constraint::Store { base: exports, prop, src: value });
    }
}

/// A statement that always leaves the enclosing function or loop.
fn exits(stmt: &Statement<'_>) -> bool {
    match stmt {
        Statement::ReturnStatement(_) | Statement::ThrowStatement(_) => true,
        Statement::BlockStatement(b) => b.body.last().is_some_and(exits),
        _ => false,
    }
}

/// The fallback walk (enums, namespaces, decorators' insides) comes back here
/// for every statement and expression, so nothing it reaches is lowered differently.
impl<'a> Visit<'a> for Lowerer<'a, '_> {
    fn visit_statement(&mut self, it: &Statement<'a>) {
        self.stmt(it);
    }

    fn visit_expression(&mut self, it: &Expression<'a>) {
        self.expr(it);
    }

    fn visit_function(&mut self, it: &Function<'a>, _flags: ScopeFlags) {
        let v = self.function_value(it, FnInfo::default());
        if let Some(sym) = it.id.as_ref().and_then(|b| b.symbol_id.get()) {
            self.push(Constraint::Assign { dst: sym.index() as u32, src: Op::Val(v) });
        }
    }

    fn visit_class(&mut self, it: &Class<'a>) {
        self.class(it);
    }
}

//! Call facts: the calls rules look at (timers, factories, memoisers,
//! subscriptions, hooks), with where the callee was imported from, what each
//! argument is and where the result goes.

use oxc_ast::ast::*;
use oxc_span::GetSpan;

use super::{Collector, known, span};
use crate::model::{Arg, Import, Name, ResultUse};
use crate::span::Span;

/// How a binding came from a module.
#[derive(Debug, Clone, Copy)]
pub(super) struct RawImport<'a> {
    pub module: &'a str,
    /// `None`: the whole module (`import * as m`, `const m = require("m")`);
    /// a member access names the export, and a call or `new` of it means the default.
    pub export: Option<&'a str>,
}

/// Where a call's result goes, as the parent saw it; turned into a
/// [`ResultUse`] (allocating) only for calls that are recorded.
#[derive(Debug, Clone, Copy)]
pub(super) enum RawResult<'a> {
    Discarded,
    /// Stored in this binding.
    StoredIn(&'a str),
    /// Stored in the assignment target with this span.
    StoredAt(oxc_span::Span),
    Returned,
    Chained(&'a str),
}

#[derive(Debug)]
pub(super) enum RawArg {
    /// Inline function, by start offset (its id is known once it is entered).
    Function(u32),
    Known(Arg),
}

#[derive(Debug)]
pub(super) struct RawCall {
    pub span: Span,
    pub callee_span: Span,
    pub func: crate::model::FunctionId,
    pub callee: Name,
    pub name: Name,
    pub import: Option<Import>,
    pub is_new: bool,
    pub result: ResultUse,
    pub args: Vec<RawArg>,
    pub conditional: bool,
}

/// Node built-ins: calling their plain functions (`path.join`) is never
/// interesting, only constructing (`new Worker`) or `create*` factories.
fn is_builtin(module: &str) -> bool {
    module.starts_with("node:") || known::NODE_BUILTINS.contains(&module)
}

impl<'a> Collector<'a, '_> {
    /// `import x from "m"`, `import { a as b } from "m"`, `import * as ns from "m"`.
    pub(super) fn note_import_declaration(&mut self, decl: &ImportDeclaration<'a>) {
        let module = decl.source.value.as_str();
        for spec in decl.specifiers.iter().flatten() {
            let (local, export) = match spec {
                ImportDeclarationSpecifier::ImportSpecifier(s) => (&s.local, Some(s.imported.name().as_str())),
                ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => (&s.local, Some("default")),
                ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => (&s.local, None),
            };
            if let Some(sym) = local.symbol_id.get() {
                self.imports.insert(sym, RawImport { module, export });
            }
        }
    }

    /// `const x = require("m")`, `const x = require("m").y`, `const { a } = require("m")`,
    /// and the `__importDefault(require("m"))` wrapper TypeScript emits.
    pub(super) fn note_require(&mut self, id: &BindingPattern<'a>, init: &Expression<'a>) {
        let mut expr = init.get_inner_expression();
        let mut member: Option<&'a str> = None;
        if let Expression::StaticMemberExpression(m) = expr {
            member = Some(m.property.name.as_str());
            expr = m.object.get_inner_expression();
        }
        let Expression::CallExpression(call) = expr else { return };
        let call = match (&call.callee, call.arguments.first().and_then(|a| a.as_expression())) {
            (Expression::Identifier(f), Some(Expression::CallExpression(inner)))
                if matches!(f.name.as_str(), "__importDefault" | "__importStar" | "_interopRequireDefault") =>
            {
                inner
            }
            _ => call,
        };
        let Expression::Identifier(callee) = &call.callee else { return };
        if callee.name != "require" || self.symbol_of(callee).is_some() {
            return;
        }
        let Some(Expression::StringLiteral(module)) = call.arguments.first().and_then(|a| a.as_expression()) else {
            return;
        };
        let module = module.value.as_str();
        match id {
            BindingPattern::BindingIdentifier(b) => {
                if let Some(sym) = b.symbol_id.get() {
                    self.imports.insert(sym, RawImport { module, export: member });
                }
            }
            BindingPattern::ObjectPattern(obj) if member.is_none() => {
                for prop in &obj.properties {
                    if let (Some(key), BindingPattern::BindingIdentifier(b)) =
                        (super::static_key_str(&prop.key), &prop.value)
                        && let Some(sym) = b.symbol_id.get()
                    {
                        self.imports.insert(sym, RawImport { module, export: Some(key) });
                    }
                }
            }
            _ => {}
        }
    }

    /// Where the callee's root binding was imported from, with the export it names.
    fn import_of(&self, callee: &Expression<'a>) -> Option<(&'a str, &'a str)> {
        let mut props: smallvec::SmallVec<[&str; 4]> = smallvec::SmallVec::new();
        let mut expr = callee.get_inner_expression();
        while let Expression::StaticMemberExpression(m) = expr {
            props.push(m.property.name.as_str());
            expr = m.object.get_inner_expression();
        }
        let Expression::Identifier(id) = expr else { return None };
        let sym = self.symbol_of(id)?;
        let raw = self.imports.get(&sym)?;
        props.reverse();
        let export = match (raw.export, props.first()) {
            (Some(export), _) => export,
            (None, Some(first)) => first,
            (None, None) => "default",
        };
        Some((raw.module, export))
    }

    /// Record `callee(args)` / `new callee(args)` if a rule may care about it.
    pub(super) fn record_call(
        &mut self,
        call_span: oxc_span::Span,
        callee: &Expression<'a>,
        args: &oxc_allocator::Vec<'a, Argument<'a>>,
        is_new: bool,
    ) {
        // Every call takes the result its parent noted, recorded or not, so the list stays short.
        let key = span_key(call_span);
        let noted = self.call_results.iter().rposition(|(k, _)| *k == key).map(|at| self.call_results.remove(at).1);
        let Some(name) = super::callee_name(callee) else { return };
        let import = self.import_of(callee);
        let interesting_name = known::is_call_name(name)
            || self.options_call_names.iter().any(|n| n == name)
            || name.starts_with("create");
        // Rules match imports by npm package (factories, memoisers); the project's own
        // modules (`./util`) only matter through the names above.
        let package = import.filter(|(module, _)| !module.starts_with('.') && !module.starts_with('/'));
        let interesting_import = match &package {
            Some((module, _)) => is_new || name.starts_with("create") || !is_builtin(module),
            None => false,
        };
        if !interesting_name && !interesting_import && !is_new {
            return;
        }
        // Objects kept in a field (`this.socket = new WebSocket(url)`) are always kept:
        // replacing one without closing it is a leak shape of its own.
        let stored_in_field = matches!(
            noted,
            Some(RawResult::StoredAt(target)) if self.source[target.start as usize..].starts_with("this.")
        );
        if is_new && !interesting_name && package.is_none() && !known::CONSTRUCTED.contains(&name) && !stored_in_field {
            return;
        }
        let result = match noted {
            Some(RawResult::Discarded) => ResultUse::Discarded,
            Some(RawResult::StoredIn(name)) => ResultUse::Stored(name.into()),
            Some(RawResult::StoredAt(target)) => ResultUse::Stored(self.key_text(target)),
            Some(RawResult::Returned) => ResultUse::Returned,
            Some(RawResult::Chained(method)) => ResultUse::Chained(method.into()),
            None => ResultUse::Other,
        };
        let args = args.iter().map(|a| self.raw_arg(a)).collect();
        self.calls.push(RawCall {
            span: span(call_span),
            callee_span: span(callee.span()),
            func: self.current(),
            callee: self.key_text(callee.span()),
            name: name.into(),
            import: import.map(|(module, export)| Import { module: module.into(), export: export.into() }),
            is_new,
            result,
            args,
            conditional: !self.guard_frames.is_empty(),
        });
    }

    fn raw_arg(&self, arg: &Argument<'a>) -> RawArg {
        let Some(expr) = arg.as_expression() else { return RawArg::Known(Arg::Other) };
        let expr = super::unwrap_bind(expr.get_inner_expression());
        RawArg::Known(match expr {
            Expression::FunctionExpression(f) => return RawArg::Function(f.span.start),
            Expression::ArrowFunctionExpression(f) => return RawArg::Function(f.span.start),
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
                Arg::Object { keys, spread }
            }
            Expression::StringLiteral(_)
            | Expression::NumericLiteral(_)
            | Expression::BooleanLiteral(_)
            | Expression::NullLiteral(_) => Arg::Literal,
            Expression::TemplateLiteral(t) if t.expressions.is_empty() => Arg::Literal,
            Expression::TemplateLiteral(_) => Arg::Dynamic,
            Expression::BinaryExpression(b) if b.operator == BinaryOperator::Addition => Arg::Dynamic,
            Expression::Identifier(_) | Expression::ThisExpression(_) => Arg::Path(self.key_text(expr.span())),
            e if e.is_member_expression() => Arg::Path(self.key_text(expr.span())),
            _ => Arg::Other,
        })
    }

    /// Tell the call starting at `start` where its result goes (set by the parent before the call is visited).
    pub(super) fn note_call_result(&mut self, expr: &Expression<'a>, result: RawResult<'a>) {
        let inner = match expr.get_inner_expression() {
            Expression::AwaitExpression(a) => a.argument.get_inner_expression(),
            other => other,
        };
        if matches!(inner, Expression::CallExpression(_) | Expression::NewExpression(_)) {
            self.call_results.push((span_key(inner.span()), result));
        }
    }

    /// `global.x = v`, `globalThis.x = v`, `window.x = v`: recorded as the global `global.x`.
    pub(super) fn note_global_property_write(&mut self, m: &StaticMemberExpression<'a>) {
        if let Expression::Identifier(obj) = m.object.get_inner_expression()
            && known::GLOBAL_OBJECTS.contains(&obj.name.as_str())
            && self.symbol_of(obj).is_none()
        {
            let name = &self.source[m.span.start as usize..m.span.end as usize];
            self.implicit_globals.push((span(m.span), self.current(), name));
        }
    }

    /// `x = foo()`: remember an assignment to an undeclared identifier.
    pub(super) fn note_implicit_global(&mut self, id: &IdentifierReference<'a>) {
        if self.symbol_of(id).is_none() && !known::GLOBAL_OBJECTS.contains(&id.name.as_str()) {
            self.implicit_globals.push((span(id.span), self.current(), id.name.as_str()));
        }
    }
}

/// A call's start and end: a chained call starts where its receiver call does.
fn span_key(s: oxc_span::Span) -> u64 {
    (u64::from(s.start) << 32) | u64::from(s.end)
}

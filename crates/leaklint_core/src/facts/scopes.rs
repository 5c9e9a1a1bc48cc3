//! Which function declares each variable, and which nested functions refer to it.
//!
//! A value made in a call and kept only in that call's variables dies with the call, unless a
//! function that outlives the call refers to one of those variables: the closure keeps the
//! variable, and so the value, alive. The escape check (`crate::escape`) needs both facts.

use oxc_syntax::scope::ScopeId;

use super::Lowerer;

impl Lowerer<'_, '_> {
    /// Function `fid`'s own scope (its parameters and body) is `scope`.
    pub(super) fn note_function_scope(&mut self, scope: Option<ScopeId>, fid: u32) {
        if let Some(scope) = scope {
            self.function_scopes.push((scope, fid));
        }
    }

    /// Fill `symbol_fn` and `captured` from oxc's scopes and resolved references.
    pub(super) fn declarations_and_captures(&mut self) {
        let scoping = self.scoping;
        // Function of each scope: its own, or its parent's. A scope with no function of ours (a
        // class static block) falls back to the function around it, so its variables look longer
        // lived than they are, never shorter.
        let mut scope_fn: Vec<u32> = vec![u32::MAX; scoping.scopes_len()];
        for &(scope, fid) in &self.function_scopes {
            scope_fn[scope.index()] = fid;
        }
        for scope in scoping.scope_descendants_from_root() {
            if scope_fn[scope.index()] != u32::MAX {
                continue;
            }
            scope_fn[scope.index()] = scoping.scope_parent_id(scope).map_or(0, |p| scope_fn[p.index()]);
        }
        let mut captured = rustc_hash::FxHashSet::default();
        let mut symbol_fn = Vec::with_capacity(scoping.symbols_len());
        for sym in scoping.symbol_ids() {
            let declaring = scope_fn[scoping.symbol_scope_id(sym).index()];
            symbol_fn.push(declaring);
            for reference in scoping.get_resolved_references(sym).filter(|r| r.is_value()) {
                // Every function from the one that refers to the variable out to (not including)
                // the one that declares it keeps it.
                let mut at = scope_fn[reference.scope_id().index()];
                while at != declaring && at != u32::MAX {
                    if !captured.insert((sym.index() as u32, at)) {
                        break;
                    }
                    at = self.facts.functions.get(at as usize).and_then(|f| f.parent).unwrap_or(u32::MAX);
                }
            }
        }
        self.facts.symbol_fn = symbol_fn;
        let mut captured: Vec<(u32, u32)> = captured.into_iter().collect();
        captured.sort_unstable();
        self.facts.captured = captured;
    }
}

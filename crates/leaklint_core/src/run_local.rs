//! Escape from the allocation site: which objects, arrays and collections made by a call die
//! with that call.
//!
//! A value made inside a function (not at the module top level) is one object per run. It can
//! outlive the run only if something that outlives the run can reach it: a module variable, a
//! global, a field of an object that itself outlives the run, a variable a surviving closure
//! keeps, a library call it is handed to, or the caller outside the package when the value
//! carries functions that caller can call again. Everything else — locals, parameters, return
//! values, fields of other such values — is gone when the run ends, so writes to it cannot pile
//! up across runs, whatever rate the call graph (which knows no calling context) gives the
//! writing code. `events` asks this before it calls a place long-lived.

use crate::facts::{FileFacts, ValFact, known};
use crate::link::{Graph, VKind};
use crate::solve::{Escape, Solved};

/// Which values die with the run that made them, and which are shown to outlive it.
pub(crate) fn decide(g: &Graph, s: &Solved, files: &[FileFacts]) -> RunLocal {
    let n = g.values.len();
    let mut local: Vec<bool> = (0..n).map(|v| made_in_a_run(g, files, v)).collect();
    // A `...rest` array is made by each run of its function.
    for node in &g.functions {
        if let Some(rest) = node.rest {
            local[rest as usize] = node.local != 0;
        }
    }
    // Locations that outlive every run: module variables, globals, and what libraries are handed.
    let mut lasting = vec![false; s.pts.len()];
    for (fi, f) in files.iter().enumerate() {
        let base = g.loc_base[fi] as usize;
        for (i, &declaring) in f.symbol_fn.iter().enumerate() {
            if declaring == 0 {
                lasting[base + i] = true;
            }
        }
    }
    for l in g.global_locs() {
        lasting[l as usize] = true;
    }
    // What a library call that keeps callbacks is handed (a listener, an interval, a route, an
    // unknown constructor's options object): it runs again later and reads what it captured.
    // What any other library call is handed may stay in the library, but no later run of the
    // package's code can reach it there to add to it, which is all that matters here.
    for (c, call) in g.calls.iter().enumerate() {
        let unresolved = s.unresolved.get(c).copied().unwrap_or(false);
        let keeps_callbacks = call.is_new || call.name.is_some_and(|m| known::keeps_callback(g.name(m)));
        if unresolved && keeps_callbacks {
            for &a in &call.args {
                if let Some(slot) = lasting.get_mut(a as usize) {
                    *slot = true;
                }
            }
        }
    }
    // A field is as lasting as its object (`Solved::fields_of`); a captured variable as its closure.
    let mut captured_by: rustc_hash::FxHashMap<u32, Vec<u32>> = Default::default();
    for (fi, f) in files.iter().enumerate() {
        for &(sym, func) in &f.captured {
            let value = g.functions[(g.fn_base[fi] + func) as usize].value;
            captured_by.entry(value).or_default().push(g.loc_base[fi] + sym);
        }
    }
    // Values that did not fit into a full location are held there too, as far as lasting goes.
    let mut spilled_at: rustc_hash::FxHashMap<u32, Vec<u32>> = Default::default();
    let mut overflowed_everywhere: Vec<u32> = Vec::new();
    for v in 0..n as u32 {
        if !local[v as usize] {
            continue;
        }
        match s.spilled_into(v) {
            Some(Some(locs)) => locs.iter().for_each(|&l| spilled_at.entry(l).or_default().push(v)),
            Some(None) => overflowed_everywhere.push(v),
            // What an overflowed value reaches is decided below, from that value.
            None => {}
        }
    }
    let held = |l: u32| s.values_at(l).iter().chain(spilled_at.get(&l).into_iter().flatten()).copied();
    // Roots: what lasting places hold, values on the global object, what went everywhere; and,
    // apart, what a caller outside the package gets back and can call into again.
    let mut roots: Vec<u32> = overflowed_everywhere;
    for (l, _) in lasting.iter().enumerate().filter(|(_, lasts)| **lasts) {
        roots.extend(held(l as u32));
    }
    let mut outside_roots: Vec<u32> = Vec::new();
    for v in 0..n as u32 {
        match s.escaped.get(v as usize).copied().flatten() {
            Some(Escape::Exported(_)) if carries_functions(g, s, v) => outside_roots.push(v),
            Some(Escape::Global) => roots.push(v),
            // Decided above: where it was headed, and which library calls keep what they get.
            _ => {}
        }
    }
    // What a value keeps alive: its fields, the variables its closure captures, a bound
    // function's target.
    let kept_by = |v: u32| -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        for &(_, l) in s.fields_of(v) {
            out.extend(held(l));
        }
        for &l in captured_by.get(&v).map(Vec::as_slice).unwrap_or(&[]) {
            out.extend(held(l));
        }
        if let VKind::Bound { target, .. } = &g.values[v as usize] {
            out.extend_from_slice(s.values_at(*target));
        }
        out
    };
    let reach = |roots: Vec<u32>| -> Vec<bool> {
        let mut reached = vec![false; n];
        let mut queue: Vec<u32> = Vec::new();
        for r in roots {
            if !reached[r as usize] {
                reached[r as usize] = true;
                queue.push(r);
            }
        }
        while let Some(v) = queue.pop() {
            for r in kept_by(v) {
                if !reached[r as usize] {
                    reached[r as usize] = true;
                    queue.push(r);
                }
            }
        }
        reached
    };
    let held_by_package = reach(roots.clone());
    roots.extend(outside_roots);
    let held_long = reach(roots);
    let mut queue: Vec<u32> = Vec::new();
    // Shown to die with its run: not held long, and only ever kept by values that die with
    // their runs too (an object the analysis cannot follow, such as a class instance or a
    // caller's argument, may live on).
    for v in 0..n {
        if held_long[v] {
            local[v] = false;
        }
    }
    for (object, l) in s.all_fields() {
        if !local[object as usize] {
            queue.extend(held(l).filter(|&v| local[v as usize]));
        }
    }
    for (fv, vars) in &captured_by {
        if !local[*fv as usize] {
            for &l in vars {
                queue.extend(held(l).filter(|&v| local[v as usize]));
            }
        }
    }
    while let Some(v) = queue.pop() {
        if !local[v as usize] {
            continue;
        }
        local[v as usize] = false;
        queue.extend(kept_by(v).into_iter().filter(|&r| local[r as usize]));
    }
    RunLocal { local, held_by_package }
}

/// How far the values made by a run may outlive it.
pub(crate) struct RunLocal {
    /// Made by a function's run, and nothing that outlives the run can reach it: it dies with
    /// the run.
    pub local: Vec<bool>,
    /// Something of the package that outlives every run (a module variable, a global, a kept
    /// callback) can reach it: code of the package may meet it again in a later run.
    pub held_by_package: Vec<bool>,
}

/// Is value `v` made by a run of a function (an object, array or collection made in its body,
/// what a library call in its body returns, or a closure of a nested function)?
fn made_in_a_run(g: &Graph, files: &[FileFacts], v: usize) -> bool {
    match &g.values[v] {
        VKind::Created { file, local } => matches!(
            files[file.0 as usize].values.get(*local as usize),
            Some(ValFact::Created { func, .. }) if *func != 0
        ),
        VKind::Function(f) => {
            let node = &g.functions[f.0 as usize];
            files[node.file.0 as usize].functions[node.local as usize].parent.is_some_and(|p| p != 0)
        }
        VKind::CallResult { call } => g.functions[g.calls[*call as usize].caller.0 as usize].local != 0,
        _ => false,
    }
}

/// Can code outside the package that holds `v` run package code on it again later: is it a
/// function, or does it hold one in a field (`{ add(x) { list.push(x) } }`)?
fn carries_functions(g: &Graph, s: &Solved, v: u32) -> bool {
    let is_fn = |x: u32| matches!(g.values[x as usize], VKind::Function(_) | VKind::Bound { .. });
    is_fn(v) || s.fields_of(v).iter().any(|&(_, l)| s.values_at(l).iter().any(|&x| is_fn(x)))
}

//! Link: the files of a package become one constraint graph. Each file's ids
//! are shifted into the package's id spaces, `require`/`import` of the
//! package's own files are resolved (`oxc_resolver` on disk, the file set for
//! files that are not), everything else becomes a package value
//! (`Package { module: "events" }`), and each global name becomes one
//! location shared by every file: a property of the one global object.

use std::path::{Component, Path, PathBuf};

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::facts::{self, Constraint, FileFacts, Op, Prop, ValFact};
use crate::model::{FileId, FunctionId, Name};

/// A property id in the package: a name, or one of the two pseudo-properties.
pub(crate) type PropId = u32;
pub(crate) const ELEM: PropId = u32::MAX - 1;
pub(crate) const ANY: PropId = u32::MAX;

/// The package's value 0: the global object.
pub(crate) const GLOBAL_OBJECT: u32 = 0;

/// What a value of the package is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum VKind {
    GlobalObject,
    Function(FunctionId),
    Instance(FunctionId),
    Created {
        file: FileId,
        local: u32,
    },
    Module(FileId),
    Exports(FileId),
    Bound {
        target: u32,
        this: Option<u32>,
        file: FileId,
        local: u32,
    },
    Package {
        module: PropId,
        path: smallvec::SmallVec<[PropId; 2]>,
    },
    Parameter {
        func: FunctionId,
        index: u32,
    },
    /// What a call into code we cannot see returns.
    CallResult {
        call: u32,
    },
    Property {
        base: u32,
        name: PropId,
        depth: u8,
    },
}

/// A function of the package, as the solver needs it.
#[derive(Debug, Clone)]
pub(crate) struct FnNode {
    pub file: FileId,
    pub local: u32,
    pub value: u32,
    pub params: smallvec::SmallVec<[u32; 4]>,
    /// `...rest`: an array value whose elements are the extra arguments.
    pub rest: Option<u32>,
    pub ret: u32,
    /// `None` for arrows, which have no `this` of their own.
    pub this: Option<u32>,
}

/// A call site of the package.
#[derive(Debug, Clone)]
pub(crate) struct CallNode {
    pub file: FileId,
    /// Index into the file's `calls`.
    pub local: u32,
    pub caller: FunctionId,
    pub callee: u32,
    pub recv: Option<u32>,
    pub args: smallvec::SmallVec<[u32; 3]>,
    pub spread_from: Option<u8>,
    pub result: u32,
    pub is_new: bool,
    /// The method or callee name, for calls into code we cannot see (`unref`, `on`).
    pub name: Option<PropId>,
    pub is_method: bool,
    pub first_arg_this: bool,
    pub kind: crate::facts::CallKind,
}

/// The package's constraints, all over locations.
#[derive(Debug, Default)]
pub(crate) struct Graph {
    pub n_locs: u32,
    pub values: Vec<VKind>,
    pub names: Vec<Name>,
    pub name_ids: HashMap<Name, PropId>,
    pub base: Vec<(u32, u32)>,
    pub copy: Vec<(u32, u32)>,
    pub load: Vec<(u32, u32, PropId)>,
    pub store: Vec<(u32, PropId, u32)>,
    pub getter_store: Vec<(u32, PropId, u32)>,
    pub delegate: Vec<(u32, u32)>,
    pub inherits: Vec<(u32, u32)>,
    pub ctor: Vec<u32>,
    pub calls: Vec<CallNode>,
    pub functions: Vec<FnNode>,
    /// Per file: where its ids start in the package's spaces.
    pub loc_base: Vec<u32>,
    pub value_base: Vec<u32>,
    pub fn_base: Vec<u32>,
    pub call_base: Vec<u32>,
    /// Files some other file of the package imports.
    pub imported: Vec<bool>,
    /// Files the package's `package.json` names as entry points.
    pub entries: Vec<bool>,
    /// Per file: its `module` object's value.
    pub module_value: Vec<u32>,
    /// A location holding each value, for constants used as operands.
    const_loc: HashMap<u32, u32>,
    global_loc: HashMap<PropId, u32>,
    package_value: HashMap<PropId, u32>,
    pub instance_value: HashMap<FunctionId, u32>,
}

impl Graph {
    pub(crate) fn intern(&mut self, name: &str) -> PropId {
        if let Some(&id) = self.name_ids.get(name) {
            return id;
        }
        let id = self.names.len() as PropId;
        self.names.push(Name::from(name));
        self.name_ids.insert(Name::from(name), id);
        id
    }

    /// The locations of undeclared global names (`leaked = []` writes one).
    pub(crate) fn global_locs(&self) -> impl Iterator<Item = u32> + '_ {
        self.global_loc.values().copied()
    }

    pub(crate) fn name(&self, id: PropId) -> &str {
        match id {
            ELEM => "[]",
            ANY => "[*]",
            _ => &self.names[id as usize],
        }
    }

    pub(crate) fn new_loc(&mut self) -> u32 {
        self.n_locs += 1;
        self.n_locs - 1
    }

    pub(crate) fn new_value(&mut self, kind: VKind) -> u32 {
        self.values.push(kind);
        (self.values.len() - 1) as u32
    }

    fn const_loc(&mut self, value: u32) -> u32 {
        if let Some(&l) = self.const_loc.get(&value) {
            return l;
        }
        let l = self.new_loc();
        self.base.push((l, value));
        self.const_loc.insert(value, l);
        l
    }

    pub(crate) fn instance(&mut self, f: FunctionId) -> u32 {
        if let Some(&v) = self.instance_value.get(&f) {
            return v;
        }
        let v = self.new_value(VKind::Instance(f));
        self.instance_value.insert(f, v);
        v
    }

    fn package(&mut self, specifier: &str) -> u32 {
        let module = self.intern(specifier);
        if let Some(&v) = self.package_value.get(&module) {
            return v;
        }
        let v = self.new_value(VKind::Package { module, path: smallvec::SmallVec::new() });
        self.package_value.insert(module, v);
        v
    }
}

/// Shifts one file's ids into the package's.
struct FileMap<'g> {
    g: &'g mut Graph,
    loc_base: u32,
    value_base: u32,
    fn_base: u32,
    names: Vec<PropId>,
    global_names: HashSet<PropId>,
}

impl FileMap<'_> {
    /// The location an operand is read from, if any.
    fn src(&mut self, op: Op) -> Option<u32> {
        Some(match op {
            Op::None => return None,
            Op::Loc(l) => self.loc_base + l,
            Op::Val(v) => {
                let v = self.value_base + v;
                self.g.const_loc(v)
            }
            Op::Global(n) => {
                let name = self.names[n as usize];
                if self.global_names.contains(&name) {
                    self.g.const_loc(GLOBAL_OBJECT)
                } else if let Some(&l) = self.g.global_loc.get(&name) {
                    l
                } else {
                    let l = self.g.new_loc();
                    let global = self.g.const_loc(GLOBAL_OBJECT);
                    self.g.load.push((l, global, name));
                    self.g.global_loc.insert(name, l);
                    l
                }
            }
            Op::Instance(f) => {
                let v = self.g.instance(FunctionId(self.fn_base + f));
                self.g.const_loc(v)
            }
        })
    }

    fn prop(&self, p: Prop) -> PropId {
        match p {
            Prop::Name(n) => self.names[n as usize],
            Prop::Elem => ELEM,
            Prop::Any => ANY,
        }
    }
}

/// Where the package lives and what its `package.json` says.
#[derive(Debug, Default, Clone)]
pub struct PackageRoot {
    /// The folder of the package's `package.json`, if it has one.
    pub dir: Option<PathBuf>,
    /// Its `name`.
    pub name: Option<String>,
    /// The files its `main`, `exports` and `bin` fields name.
    pub entries: Vec<PathBuf>,
    /// A published library with no `exports` map: any of its top-level files can be
    /// imported directly (`require("mysql2/promise")`), so those are entries too.
    pub deep_imports: bool,
}

impl PackageRoot {
    /// Read `dir/package.json` (missing or unreadable: no name, no entries).
    pub fn read(dir: &Path) -> PackageRoot {
        let mut root = PackageRoot { dir: Some(dir.to_path_buf()), ..PackageRoot::default() };
        let Ok(text) = std::fs::read_to_string(dir.join("package.json")) else { return root };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else { return root };
        root.name = json.get("name").and_then(|n| n.as_str()).map(str::to_string);
        let private = json.get("private").and_then(|p| p.as_bool()).unwrap_or(false);
        root.deep_imports = root.name.is_some() && !private && json.get("exports").is_none();
        let mut targets = Vec::new();
        if let Some(main) = json.get("main").and_then(|m| m.as_str()) {
            targets.push(main.to_string());
        }
        for field in ["exports", "bin", "module", "browser"] {
            if let Some(v) = json.get(field) {
                collect_strings(v, &mut targets);
            }
        }
        if targets.is_empty() {
            targets.push("index.js".into());
        }
        root.entries = targets.iter().map(|t| normalize(&dir.join(t))).collect();
        root
    }
}

fn collect_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) if s.starts_with('.') || !s.contains(':') => out.push(s.clone()),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

/// `a/./b/../c` → `a/c`, made absolute against the working directory.
fn normalize(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_path_buf())
    };
    let mut out = PathBuf::new();
    for c in absolute.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

const EXTENSIONS: &[&str] = &["js", "ts", "mjs", "cjs", "jsx", "tsx", "mts", "cts"];

/// Resolves the specifiers of the package's files to its files.
struct Resolver<'r> {
    by_path: HashMap<PathBuf, FileId>,
    root: &'r PackageRoot,
    disk: Option<oxc_resolver::Resolver>,
}

impl<'r> Resolver<'r> {
    fn new(files: &[FileFacts], root: &'r PackageRoot) -> Self {
        let mut by_path = HashMap::default();
        let mut on_disk = false;
        for (i, f) in files.iter().enumerate() {
            let lexical = normalize(&f.path);
            if let Ok(real) = std::fs::canonicalize(&f.path) {
                on_disk = true;
                by_path.insert(real, FileId(i as u32));
            }
            by_path.insert(lexical, FileId(i as u32));
        }
        let disk = on_disk.then(|| {
            oxc_resolver::Resolver::new(oxc_resolver::ResolveOptions {
                extensions: [".js", ".ts", ".tsx", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".json"]
                    .iter()
                    .map(|e| e.to_string())
                    .collect(),
                extension_alias: vec![
                    (".js".into(), vec![".ts".into(), ".tsx".into(), ".js".into()]),
                    (".mjs".into(), vec![".mts".into(), ".mjs".into()]),
                    (".cjs".into(), vec![".cts".into(), ".cjs".into()]),
                ],
                condition_names: vec!["node".into(), "require".into(), "import".into(), "default".into()],
                main_fields: vec!["main".into(), "module".into()],
                ..oxc_resolver::ResolveOptions::default()
            })
        });
        Resolver { by_path, root, disk }
    }

    fn lookup(&self, path: &Path) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    /// The file of the package `specifier` names from `from`, if it is one.
    fn resolve(&self, from: &Path, specifier: &str) -> Option<FileId> {
        let relative =
            specifier.starts_with("./") || specifier.starts_with("../") || specifier == "." || specifier == "..";
        let own = self.root.name.as_deref().is_some_and(|name| {
            specifier == name || specifier.strip_prefix(name).is_some_and(|rest| rest.starts_with('/'))
        });
        if !relative && !own && !specifier.starts_with('/') {
            return None;
        }
        let from_dir = normalize(from.parent().unwrap_or(Path::new(".")));
        if relative || specifier.starts_with('/') {
            let target = normalize(&from_dir.join(specifier));
            if let Some(f) = self.lexical(&target) {
                return Some(f);
            }
        }
        let disk = self.disk.as_ref()?;
        let resolved = disk.resolve(&from_dir, specifier).ok()?;
        let path = resolved.path().to_path_buf();
        self.lookup(&path).or_else(|| std::fs::canonicalize(&path).ok().and_then(|p| self.lookup(&p)))
    }

    /// `./x` as `x`, `x.js`, `x.ts`, ..., `x/index.js`, and `x.js` written for `x.ts` (TypeScript's ESM style).
    fn lexical(&self, target: &Path) -> Option<FileId> {
        if let Some(f) = self.lookup(target) {
            return Some(f);
        }
        let text = target.to_string_lossy();
        for ext in EXTENSIONS {
            if let Some(f) = self.lookup(Path::new(&format!("{text}.{ext}"))) {
                return Some(f);
            }
        }
        for ext in EXTENSIONS {
            if let Some(f) = self.lookup(&target.join(format!("index.{ext}"))) {
                return Some(f);
            }
        }
        if let Some(stem) = text.strip_suffix(".js").or_else(|| text.strip_suffix(".jsx")) {
            for ext in ["ts", "tsx"] {
                if let Some(f) = self.lookup(Path::new(&format!("{stem}.{ext}"))) {
                    return Some(f);
                }
            }
        }
        None
    }
}

/// Link the files' facts into one graph.
pub(crate) fn link(files: &[FileFacts], root: &PackageRoot) -> Graph {
    let mut g = Graph { values: vec![VKind::GlobalObject], ..Graph::default() };
    // Name 0.. are interned on demand; the global object's own names first.
    let global_names: HashSet<PropId> = facts::known::GLOBAL_OBJECTS.iter().map(|n| g.intern(n)).collect();
    let exports_name = g.intern("exports");
    let default_name = g.intern("default");
    let resolver = Resolver::new(files, root);
    g.imported = vec![false; files.len()];
    let root_dir = root.dir.as_deref().map(normalize);
    g.entries = files
        .iter()
        .map(|f| {
            let p = normalize(&f.path);
            let named = root
                .entries
                .iter()
                .any(|e| *e == p || EXTENSIONS.iter().any(|ext| e.with_extension(ext) == p) || e.join("index.js") == p);
            let top_level = root.deep_imports && root_dir.as_deref().is_some_and(|d| p.parent() == Some(d));
            named || top_level
        })
        .collect();
    // Ids first, so that every file can refer to every other file's module object.
    let mut fn_count = 0u32;
    let mut module_values = Vec::with_capacity(files.len());
    for f in files.iter() {
        g.loc_base.push(g.n_locs);
        g.n_locs += f.n_locs;
        g.value_base.push(g.values.len() as u32);
        g.fn_base.push(fn_count);
        let file = FileId(g.loc_base.len() as u32 - 1);
        let fn_base = fn_count;
        for v in &f.values {
            let kind = match v {
                ValFact::Function(local) => VKind::Function(FunctionId(fn_base + local)),
                ValFact::Created { .. } => {
                    VKind::Created { file, local: g.values.len() as u32 - g.value_base[file.0 as usize] }
                }
                ValFact::Module => VKind::Module(file),
                ValFact::Exports => VKind::Exports(file),
                // Filled in below, once the file's locations are known.
                ValFact::Bound { .. } => VKind::Bound { target: 0, this: None, file, local: 0 },
            };
            g.values.push(kind);
        }
        module_values.push(g.value_base[file.0 as usize] + f.module_value);
        g.module_value.push(g.value_base[file.0 as usize] + f.module_value);
        fn_count += f.functions.len() as u32;
    }
    for (i, f) in files.iter().enumerate() {
        let file = FileId(i as u32);
        let names: Vec<PropId> = f.names.iter().map(|n| g.intern(n)).collect();
        let mut m = FileMap {
            loc_base: g.loc_base[i],
            value_base: g.value_base[i],
            fn_base: g.fn_base[i],
            names,
            global_names: global_names.clone(),
            g: &mut g,
        };
        for (local, v) in f.values.iter().enumerate() {
            if let ValFact::Bound { target, this, .. } = v {
                let this = m.src(*this);
                let id = (m.value_base + local as u32) as usize;
                m.g.values[id] = VKind::Bound { target: m.loc_base + target, this, file, local: local as u32 };
            }
        }
        // Imports first: a default import reads `default` of an ES module, and a CommonJS module itself.
        let mut esm_target: HashMap<u32, bool> = HashMap::default();
        for r in &f.requires {
            let result = m.loc_base + r.result;
            match resolver.resolve(&f.path, &r.specifier) {
                Some(target) => {
                    m.g.imported[target.0 as usize] |= target != file;
                    let module = m.g.const_loc(module_values[target.0 as usize]);
                    m.g.load.push((result, module, exports_name));
                    esm_target.insert(r.result, files[target.0 as usize].is_esm);
                }
                None => {
                    let v = m.g.package(&r.specifier);
                    m.g.base.push((result, v));
                }
            }
        }
        for c in &f.constraints {
            match *c {
                Constraint::Assign { dst, src } => {
                    let dst = m.loc_base + dst;
                    match src {
                        Op::Val(v) => m.g.base.push((dst, m.value_base + v)),
                        other => {
                            if let Some(s) = m.src(other) {
                                m.g.copy.push((dst, s));
                            }
                        }
                    }
                }
                Constraint::Load { dst, base, prop } => {
                    if let Some(b) = m.src(base) {
                        let p = m.prop(prop);
                        m.g.load.push((m.loc_base + dst, b, p));
                    }
                }
                Constraint::Store { base, prop, src } => {
                    if let (Some(b), Some(s)) = (m.src(base), m.src(src)) {
                        let p = m.prop(prop);
                        m.g.store.push((b, p, s));
                    }
                }
                Constraint::GetterStore { base, prop, getter } => {
                    if let (Some(b), Some(s)) = (m.src(base), m.src(getter)) {
                        let p = m.prop(prop);
                        m.g.getter_store.push((b, p, s));
                    }
                }
                Constraint::Delegate { obj, to } => {
                    if let (Some(o), Some(t)) = (m.src(obj), m.src(to)) {
                        m.g.delegate.push((o, t));
                    }
                }
                Constraint::Inherits { child, parent } => {
                    if let (Some(c), Some(p)) = (m.src(child), m.src(parent)) {
                        m.g.inherits.push((c, p));
                    }
                }
                Constraint::Constructor { func } => {
                    if let Some(l) = m.src(func) {
                        m.g.ctor.push(l);
                    }
                }
                Constraint::ImportDefault { dst, base: module } => {
                    let esm = esm_target.get(&module).copied().unwrap_or(false);
                    let (dst, base) = (m.loc_base + dst, m.loc_base + module);
                    m.g.load.push((dst, base, default_name));
                    if !esm {
                        m.g.copy.push((dst, base));
                    }
                }
            }
        }
        m.g.call_base.push(m.g.calls.len() as u32);
        for (local, c) in f.calls.iter().enumerate() {
            let Some(callee) = m.src(c.callee) else {
                // Keep the numbering: a call with no callee operand still has a model entry.
                let result = m.loc_base + c.result;
                m.g.calls.push(CallNode {
                    file,
                    local: local as u32,
                    caller: FunctionId(m.fn_base + c.func),
                    callee: u32::MAX,
                    recv: None,
                    args: Default::default(),
                    spread_from: None,
                    result,
                    is_new: c.is_new,
                    name: None,
                    is_method: false,
                    first_arg_this: false,
                    kind: c.kind,
                });
                continue;
            };
            let recv = m.src(c.recv);
            let args = c.args.iter().map(|a| m.src(*a).unwrap_or(u32::MAX)).collect();
            let result = m.loc_base + c.result;
            m.g.calls.push(CallNode {
                file,
                local: local as u32,
                caller: FunctionId(m.fn_base + c.func),
                callee,
                recv,
                args,
                spread_from: c.spread_from,
                result,
                is_new: c.is_new,
                name: c.name.map(|n| m.names[n as usize]),
                is_method: c.is_method,
                first_arg_this: c.first_arg_this,
                kind: c.kind,
            });
        }
        for (local, fact) in f.functions.iter().enumerate() {
            let id = FunctionId(m.fn_base + local as u32);
            let value = if fact.value == u32::MAX { u32::MAX } else { m.value_base + fact.value };
            let rest = fact.rest_loc.map(|r| {
                let arr = m.g.new_value(VKind::Created { file, local: u32::MAX });
                m.g.base.push((m.loc_base + r, arr));
                arr
            });
            let params: smallvec::SmallVec<[u32; 4]> = fact.param_locs.iter().map(|p| m.loc_base + p).collect();
            if local != 0 {
                // What callers we cannot see pass.
                for (i, &p) in params.iter().enumerate() {
                    let v = m.g.new_value(VKind::Parameter { func: id, index: i as u32 });
                    m.g.base.push((p, v));
                }
            }
            let this = (!fact.is_arrow).then_some(m.loc_base + fact.this);
            if let (Some(this), Some(class)) = (this, fact.this_class) {
                let inst = m.g.instance(FunctionId(m.fn_base + class));
                m.g.base.push((this, inst));
            }
            m.g.functions.push(FnNode {
                file,
                local: local as u32,
                value,
                params,
                rest,
                ret: m.loc_base + fact.ret,
                this,
            });
        }
    }
    g
}

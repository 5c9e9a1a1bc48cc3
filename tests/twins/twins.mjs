#!/usr/bin/env node
// Twins: leaklint's rules must hold on other spellings of every example, not only on the one we wrote.
//
//   node tests/twins/twins.mjs --leaklint PATH [--out DIR] [--only KIND[,KIND...]] [--json FILE]
//
// Examples: every ```<lang> fail / ```<lang> pass block of rules/*.md (lang: js jsx ts tsx mjs cjs;
// read as crates/leaklint_rules/tests/rule_docs.rs reads them), analysed as `example.<lang>` with only
// the page's rule on (a .leaklintrc.json beside it turns the others off); every file of fixtures/leaky
// (fail) and fixtures/clean (pass), analysed under its own name with every rule at its default
// severity. The originals are checked first, by the same binary: a twin is compared with its original.
//
// Twin kinds, each written to DIR/<kind>/<example>/ (DIR: --out, else a new temporary directory; a
// --out directory this script made before is emptied first), then all checked by one
// `leaklint check --format json`:
//   babel         @babel/preset-env (no targets, so ES5) to CommonJS, + preset-typescript for TS,
//                 + preset-react (automatic runtime) when the example has JSX. `.cjs` + source map.
//   tsc-es5       typescript's transpileModule: target ES5, module CommonJS, esModuleInterop,
//                 downlevelIteration, jsx react-jsx, moduleDetection legacy and no alwaysStrict (a
//                 CommonJS script stays sloppy as tsc leaves a .js script; ES modules become strict).
//                 `.cjs` + source map.
//   tsc-es2020    the same with target ES2020, module ES2020 (ESM stays ESM): `.mjs` when the output
//                 has import/export, else `.cjs` for a .cjs/.cts example and `.js` otherwise.
//   esbuild       bundle, format cjs, platform node, packages external, relative imports external too
//                 (the example is bundled alone), jsx automatic. `.cjs` + source map.
//   split-state   the example's long-lived values moved into a sibling module (split rule below).
//   split-helpers the example's self-contained module-level functions moved into a sibling module.
//   renamed       the example's own identifiers and fields renamed (rename rule below).
//
// Split rule. The example's module system is ESM when it has import/export declarations, CommonJS
// when it uses require/module.exports/exports, else ESM for ts/tsx/mts/jsx/mjs and CommonJS otherwise.
// split-state moves every module-level `const`/`let`/`var` declarator (`export const` too) whose
// binding is a plain identifier that is never reassigned, whose initializer (under `as`, `satisfies`,
// `!`, parentheses) is a `new X(...)`, an array or object literal, or a call that is neither
// `require(...)` nor a call on a `require(...)` result, and whose initializer references no
// module-level binding other than itself and bindings made by an import declaration or a
// `require(...)` declarator (the sibling imports those itself: it copies that declaration).
// split-helpers moves every module-level function declaration (`export function` too), never
// reassigned, under the same reference condition. The moved declarations go to `./state.<ext>` or
// `./helpers.<ext>` (the example's extension), exported (`export const` / `module.exports = {...}`),
// and the example imports them at its top with its own module system (`import { a } from
// './state.js'` / `const { a } = require('./state.js')`; .ts/.tsx specifiers have no extension,
// .mts/.cts ones end in .mjs/.cjs); a moved `export` is re-exported (`export { a }`). An example
// with nothing to move gets no twin of that kind ("not made"). Findings in either file count.
//
// Rename rule. Every binding the example declares (variables, functions, classes, parameters, catch
// parameters, in every scope) is renamed with Babel's scope.rename, which keeps outside names:
// shorthand `{ cache }` becomes `{ cache: v3 }`, `export class Logger` becomes `export { V1 as
// Logger }`. In declaration order, to v<n>; to V<n> when the name starts with a capital letter
// (components, classes) and to useV<n> when it starts with `use` + capital (hooks), so React's
// conventions hold.
// These keep their names: bindings made by import declarations and by `require(...)` declarators (the
// names of required modules' exports) and bindings named like a framework lifecycle method
// (LIFECYCLE below). Field names — `x` in `this.x = ...` (also `this.#x`) and class field keys — are
// renamed to f<n> everywhere in the example: non-computed member accesses `.x`, computed `['x']`,
// object literal and pattern keys and class member keys, unless the name has a meaning outside the
// example: an own or inherited property name of any global, of any export of Node's built-in modules
// (and its prototype), of a few Node instances (EventEmitter, Socket, IncomingMessage, ServerResponse,
// Readable, Writable, AbortController), or a name in FIXED_MEANINGFUL below (DOM, React, Vue,
// Angular/RxJS, web components, common option keys such as once/signal/handler/max/timeout,
// request members). Methods keep their names. New names skip every name the example already uses.
// Line numbers are kept (Babel's retainLines).
//
// Verdicts. A `fail` example's twin must report every rule its original reports (on rule pages: the
// page's rule); for compiled twins one of those findings must map back through the source map to
// within one line of one of the original's findings of that rule (the line says where it maps
// otherwise). A `pass` example's twin must report nothing. Every file of every twin must parse (no
// file error). Findings of other rules on a `fail` twin are printed as notes, not counted.
//
// Output: one line per disagreement (`rules/no-listener-leak.md:57 fail [esbuild] no finding of
// no-listener-leak`), notes (twins that could not be made because a tool failed; extra rules), a
// table per kind, then `N passed, N failed` over the twins made (an original that does not meet its
// own fail/pass counts as failed too). --json FILE writes every twin's verdict, reasons, moved or
// renamed counts and mapped lines. Exit status 1 when any twin disagrees, 0 otherwise, 2 on setup
// errors (compilers not installed: run scripts/setup.sh).

import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const require = createRequire(import.meta.url);

const ALL_KINDS = ['babel', 'tsc-es5', 'tsc-es2020', 'esbuild', 'split-state', 'split-helpers', 'renamed'];
const COMPILED = new Set(['babel', 'tsc-es5', 'tsc-es2020', 'esbuild']);
const LANGS = new Set(['js', 'jsx', 'ts', 'tsx', 'mjs', 'cjs']);
// Fixture files may also be .mts/.cts (leaklint checks those too).
const FIXTURE_LANGS = new Set([...LANGS, 'mts', 'cts']);
const TS_LANGS = new Set(['ts', 'tsx', 'mts', 'cts']);
const MARKER = '.leaklint-twins';

function setupError(message) {
  console.error(`twins: ${message}`);
  process.exit(2);
}

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const args = { leaklint: null, out: null, only: null, json: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) setupError(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--leaklint') args.leaklint = value();
    else if (a === '--out') args.out = value();
    else if (a === '--only') args.only = value().split(',').filter(Boolean);
    else if (a === '--json') args.json = value();
    else if (a === '-h' || a === '--help') {
      console.log('usage: node tests/twins/twins.mjs --leaklint PATH [--out DIR] [--only KIND[,KIND]] [--json FILE]');
      console.log(`kinds: ${ALL_KINDS.join(', ')}`);
      process.exit(0);
    } else setupError(`unknown argument ${a} (see --help)`);
  }
  if (!args.leaklint) setupError('--leaklint PATH is required');
  args.leaklint = path.resolve(args.leaklint);
  if (!fs.existsSync(args.leaklint)) setupError(`no leaklint binary at ${args.leaklint}`);
  for (const k of args.only ?? []) if (!ALL_KINDS.includes(k)) setupError(`unknown kind ${k}; kinds: ${ALL_KINDS.join(', ')}`);
  return args;
}

// ---------------------------------------------------------------- compilers

function loadTools() {
  try {
    return {
      babel: require('@babel/core'),
      presetEnv: require.resolve('@babel/preset-env'),
      presetTs: require.resolve('@babel/preset-typescript'),
      presetReact: require.resolve('@babel/preset-react'),
      ts: require('typescript'),
      esbuild: require('esbuild'),
      traceMapping: require('@jridgewell/trace-mapping'),
    };
  } catch (err) {
    setupError(`the compilers are not installed in tests/twins/node_modules (${err.message.split('\n')[0]}): run scripts/setup.sh`);
  }
}

// ---------------------------------------------------------------- examples

/** The blocks of one rules/*.md page, as rule_docs.rs reads them. */
function pageExamples(file) {
  const rule = path.basename(file, '.md');
  const rel = path.relative(root, file).split(path.sep).join('/');
  const out = [];
  let current = null;
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, i) => {
    if (current) {
      if (line.trimStart().startsWith('```')) {
        out.push(current);
        current = null;
      } else current.code += `${line}\n`;
      return;
    }
    if (line.trimStart().startsWith('```')) {
      const [lang, expect] = line.trimStart().slice(3).split(/\s+/);
      if (LANGS.has(lang)) {
        if (expect !== 'fail' && expect !== 'pass') setupError(`${rel}:${i + 1}: code block needs fail or pass`);
        current = { id: `${rel}:${i + 1}`, slug: `${rule}-${i + 1}`, lang, expect, code: '', base: 'example', rule, firstLine: i + 1 };
      }
    }
  });
  if (current) setupError(`${rel}: unterminated code block`);
  return out;
}

function collectExamples() {
  const examples = [];
  const rulesDir = path.join(root, 'rules');
  for (const name of fs.readdirSync(rulesDir).sort()) {
    if (name.endsWith('.md') && name !== 'README.md') examples.push(...pageExamples(path.join(rulesDir, name)));
  }
  for (const [dir, expect] of [['leaky', 'fail'], ['clean', 'pass']]) {
    const full = path.join(root, 'fixtures', dir);
    for (const name of fs.readdirSync(full).sort()) {
      const ext = path.extname(name).slice(1);
      if (!FIXTURE_LANGS.has(ext)) continue;
      examples.push({
        id: `fixtures/${dir}/${name}`,
        slug: `fixtures-${dir}-${name.replace(/\./g, '-')}`,
        lang: ext,
        expect,
        code: fs.readFileSync(path.join(full, name), 'utf8'),
        base: path.basename(name, `.${ext}`),
        rule: null,
        firstLine: 0,
      });
    }
  }
  return examples;
}

/** Where a line of an example is: the markdown line for rule pages, the file line for fixtures. */
function where(example, line) {
  return example.rule ? `${example.id.split(':')[0]}:${example.firstLine + line}` : `${example.id}:${line}`;
}

// ---------------------------------------------------------------- source analysis (Babel's parser)

function parserPlugins(lang) {
  if (lang === 'tsx') return ['typescript', 'jsx'];
  if (TS_LANGS.has(lang)) return ['typescript'];
  return ['jsx'];
}

function sourceType(lang) {
  if (lang === 'mjs' || lang === 'mts') return 'module';
  if (lang === 'cjs' || lang === 'cts') return 'script';
  return 'unambiguous';
}

function babelBase(example) {
  return {
    filename: `${example.base}.${example.lang}`,
    babelrc: false,
    configFile: false,
    browserslistConfigFile: false,
    sourceType: sourceType(example.lang),
    parserOpts: { plugins: parserPlugins(example.lang), allowReturnOutsideFunction: true },
  };
}

/** Facts about an example: JSX, module system. */
function facts(tools, example) {
  const { babel } = tools;
  const ast = babel.parseSync(example.code, babelBase(example));
  let jsx = false;
  let esm = false;
  let cjs = false;
  babel.traverse(ast, {
    JSXElement() { jsx = true; },
    JSXFragment() { jsx = true; },
    'ImportDeclaration|ExportNamedDeclaration|ExportDefaultDeclaration|ExportAllDeclaration'(p) {
      if (p.parentPath.isProgram()) esm = true;
    },
    Identifier(p) {
      const name = p.node.name;
      if ((name === 'require' || name === 'module' || name === 'exports') && p.isReferencedIdentifier() && !p.scope.hasBinding(name)) cjs = true;
    },
  });
  const system = esm ? 'esm' : cjs ? 'cjs' : ['ts', 'tsx', 'mts', 'jsx', 'mjs'].includes(example.lang) ? 'esm' : 'cjs';
  return { jsx, system };
}

// ---------------------------------------------------------------- compiled twins

function withMapComment(code, mapName) {
  return `${code.replace(/\n?\/\/# sourceMappingURL=.*\s*$/, '')}\n//# sourceMappingURL=${mapName}\n`;
}

function compiled(main, code, map) {
  const mapName = `${main}.map`;
  const mapObject = typeof map === 'string' ? JSON.parse(map) : map;
  mapObject.file = main;
  return { main, files: [{ name: main, code: withMapComment(code, mapName) }, { name: mapName, code: JSON.stringify(mapObject) }], map: mapObject };
}

function babelTwin(tools, example, info) {
  const { babel } = tools;
  const presets = [[tools.presetEnv, { modules: 'commonjs' }]];
  if (TS_LANGS.has(example.lang)) {
    presets.push([tools.presetTs, { isTSX: example.lang === 'tsx', allExtensions: true }]);
  }
  if (info.jsx) presets.push([tools.presetReact, { runtime: 'automatic' }]);
  const result = babel.transformSync(example.code, { ...babelBase(example), presets, sourceMaps: true });
  return compiled(`${example.base}.cjs`, result.code, result.map);
}

function tscTwin(tools, example, target) {
  const { ts } = tools;
  const es5 = target === 'es5';
  const result = ts.transpileModule(example.code, {
    fileName: `${example.base}.${example.lang}`,
    compilerOptions: {
      target: es5 ? ts.ScriptTarget.ES5 : ts.ScriptTarget.ES2020,
      module: es5 ? ts.ModuleKind.CommonJS : ts.ModuleKind.ES2020,
      esModuleInterop: true,
      downlevelIteration: true,
      // A CommonJS script stays sloppy (as tsc leaves a .js script): only ES modules become strict.
      moduleDetection: ts.ModuleDetectionKind.Legacy,
      alwaysStrict: false,
      allowJs: true,
      jsx: ts.JsxEmit.ReactJSX,
      sourceMap: true,
    },
    reportDiagnostics: true,
  });
  const errors = (result.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) throw new Error(ts.flattenDiagnosticMessageText(errors[0].messageText, ' '));
  let ext = 'cjs';
  if (!es5) {
    const esmOut = /^\s*(import|export)\b/m.test(result.outputText);
    ext = esmOut ? 'mjs' : example.lang === 'cjs' || example.lang === 'cts' ? 'cjs' : 'js';
  }
  return compiled(`${example.base}.${ext}`, result.outputText, result.sourceMapText);
}

function esbuildTwin(tools, example) {
  const loader = example.lang === 'tsx' ? 'tsx' : TS_LANGS.has(example.lang) ? 'ts' : 'jsx';
  const main = `${example.base}.cjs`;
  const result = tools.esbuild.buildSync({
    stdin: { contents: example.code, loader, sourcefile: `${example.base}.${example.lang}`, resolveDir: root },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    packages: 'external',
    // Relative imports of the example's own siblings (`./store`) do not exist: keep them requires.
    external: ['./*', '../*'],
    jsx: 'automatic',
    sourcemap: 'external',
    outfile: path.join(root, main),
    write: false,
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.cjs'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
  return compiled(main, js.text, map.text);
}

// ---------------------------------------------------------------- split twins

function unwrap(node) {
  while (node && ['TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'ParenthesizedExpression', 'TSTypeAssertion'].includes(node.type)) {
    node = node.expression;
  }
  return node;
}

function isRequireCall(node) {
  node = unwrap(node);
  return node?.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'require';
}

/** `require('x')`, `require('x').y`, `require('x')(...)`, `require('x').y(...)`. */
function isRequireish(node) {
  node = unwrap(node);
  while (node && (node.type === 'MemberExpression' || node.type === 'CallExpression')) {
    if (isRequireCall(node)) return true;
    node = unwrap(node.type === 'MemberExpression' ? node.object : node.callee);
  }
  return false;
}

function isValueInit(node) {
  node = unwrap(node);
  if (!node) return false;
  if (node.type === 'NewExpression' || node.type === 'ArrayExpression' || node.type === 'ObjectExpression') return true;
  return node.type === 'CallExpression' && !isRequireish(node);
}

/**
 * Module-level bindings `subject` (a path) references, other than `self`: returns the import/require
 * statements it needs, or null when it references another module-level binding.
 */
function moduleDeps(programPath, subject, self) {
  const programScope = programPath.scope;
  const needs = new Set();
  let ok = true;
  const check = (p, name) => {
    if (name === self) return;
    const binding = p.scope.getBinding(name);
    if (!binding || binding.scope !== programScope) return;
    if (binding.kind === 'module') {
      needs.add({ kind: 'import', path: binding.path });
      return;
    }
    if (binding.path.isVariableDeclarator() && isRequireish(binding.path.node.init)) {
      needs.add({ kind: 'require', path: binding.path.parentPath });
      return;
    }
    ok = false;
  };
  subject.traverse({
    Identifier(p) {
      if (p.isReferencedIdentifier()) check(p, p.node.name);
    },
    JSXIdentifier(p) {
      if (p.isReferencedIdentifier()) check(p, p.node.name);
    },
  });
  return ok ? [...needs] : null;
}

function siblingNames(example, stem) {
  const ext = example.lang;
  const spec = ext === 'ts' || ext === 'tsx' ? `./${stem}` : `./${stem}.${{ mts: 'mjs', cts: 'cjs' }[ext] ?? ext}`;
  return { file: `${stem}.${ext}`, spec };
}

function splitTwin(tools, example, info, what) {
  const { babel } = tools;
  const t = babel.types;
  const stem = what === 'state' ? 'state' : 'helpers';
  const { file, spec } = siblingNames(example, stem);
  const moved = []; // { name, node (declaration statement for the sibling), exported }
  const needs = new Map(); // statement node -> { kind, node }

  const plugin = () => ({
    visitor: {
      Program(programPath) {
        const candidates = [];
        for (const stmt of programPath.get('body')) {
          const exported = stmt.isExportNamedDeclaration() && stmt.node.declaration;
          const decl = exported ? stmt.get('declaration') : stmt;
          if (what === 'state' && decl.isVariableDeclaration() && !decl.node.declare) {
            for (const d of decl.get('declarations')) {
              if (!d.get('id').isIdentifier() || !isValueInit(d.node.init)) continue;
              candidates.push({ stmt, decl, d, name: d.node.id.name, subject: d.get('init'), exported: !!exported });
            }
          }
          if (what === 'helpers' && decl.isFunctionDeclaration() && decl.node.id && !decl.node.declare && decl.node.body) {
            candidates.push({ stmt, decl, d: decl, name: decl.node.id.name, subject: decl, exported: !!exported });
          }
        }
        for (const c of candidates) {
          const binding = programPath.scope.getBinding(c.name);
          if (!binding || binding.constantViolations.length > 0) continue;
          const deps = moduleDeps(programPath, c.subject, c.name);
          if (!deps) continue;
          for (const dep of deps) {
            const node = dep.kind === 'import' ? dep.path.parentPath.node : dep.path.node;
            if (dep.kind === 'import') {
              const entry = needs.get(node) ?? { kind: 'import', node, specifiers: new Set() };
              entry.specifiers.add(dep.path.node);
              needs.set(node, entry);
            } else needs.set(node, { kind: 'require', node });
          }
          const declaration = what === 'state'
            ? t.variableDeclaration(c.decl.node.kind, [t.cloneNode(c.d.node, true)])
            : t.cloneNode(c.decl.node, true);
          moved.push({ name: c.name, node: declaration, exported: c.exported, imports: deps.length > 0 });
        }
        if (moved.length === 0) return;
        const names = new Set(moved.map((m) => m.name));
        // Per statement: drop the moved declarators (the whole statement when all move); a moved
        // `export` becomes `export { name }`.
        const reexport = (list) => t.exportNamedDeclaration(null, list.map((n) => t.exportSpecifier(t.identifier(n), t.identifier(n))));
        const byStmt = new Map();
        for (const c of candidates) {
          if (!names.has(c.name)) continue;
          const list = byStmt.get(c.stmt) ?? [];
          list.push(c);
          byStmt.set(c.stmt, list);
        }
        for (const [stmt, list] of byStmt) {
          const movedNames = list.map((c) => c.name);
          const all = what === 'helpers' || list.length === list[0].decl.node.declarations.length;
          if (all) {
            if (list[0].exported) stmt.replaceWith(reexport(movedNames));
            else stmt.remove();
          } else {
            for (const c of list) c.d.remove();
            if (list[0].exported) stmt.insertAfter(reexport(movedNames));
          }
        }
        const ids = moved.map((m) => m.name);
        const importNode = info.system === 'esm'
          ? t.importDeclaration(ids.map((n) => t.importSpecifier(t.identifier(n), t.identifier(n))), t.stringLiteral(spec))
          : t.variableDeclaration('const', [t.variableDeclarator(
            t.objectPattern(ids.map((n) => t.objectProperty(t.identifier(n), t.identifier(n), false, true))),
            t.callExpression(t.identifier('require'), [t.stringLiteral(spec)]),
          )]);
        programPath.unshiftContainer('body', importNode);
        programPath.scope.crawl();
      },
    },
  });

  const opts = { ...babelBase(example), plugins: [plugin], retainLines: false, compact: false };
  const mainOut = babel.transformSync(example.code, opts);
  if (moved.length === 0) return null;

  // The sibling: the imports/requires it needs, then the moved declarations, exported.
  const body = [];
  for (const need of needs.values()) {
    if (need.kind === 'import') {
      const node = t.cloneNode(need.node, true);
      node.specifiers = need.node.specifiers.filter((s) => need.specifiers.has(s)).map((s) => t.cloneNode(s, true));
      body.push(node);
    } else body.push(t.cloneNode(need.node, true));
  }
  if (info.system === 'esm') {
    for (const m of moved) body.push(t.exportNamedDeclaration(m.node, []));
  } else {
    for (const m of moved) body.push(m.node);
    body.push(t.expressionStatement(t.assignmentExpression('=',
      t.memberExpression(t.identifier('module'), t.identifier('exports')),
      t.objectExpression(moved.map((m) => t.objectProperty(t.identifier(m.name), t.identifier(m.name), false, true))),
    )));
  }
  const program = t.program(body, [], info.system === 'esm' ? 'module' : 'script');
  const siblingOut = babel.transformFromAstSync(t.file(program), null, { ...babelBase(example), filename: file, plugins: [], code: true });
  return {
    main: `${example.base}.${example.lang}`,
    files: [{ name: `${example.base}.${example.lang}`, code: mainOut.code + '\n' }, { name: file, code: siblingOut.code + '\n' }],
    // `name` or `name (+imports)` when the sibling imports what its initializer uses.
    moved: moved.map((m) => (m.imports ? `${m.name} (+imports)` : m.name)),
  };
}

// ---------------------------------------------------------------- renamed twin

// Framework lifecycle names: kept as field names and also as binding names (a function named
// `componentDidMount` in compiled `_createClass` code).
const LIFECYCLE = [
  'render', 'componentDidMount', 'componentWillMount', 'componentWillUnmount', 'componentDidUpdate',
  'componentWillReceiveProps', 'shouldComponentUpdate', 'getSnapshotBeforeUpdate', 'componentDidCatch',
  'getDerivedStateFromProps', 'UNSAFE_componentWillMount', 'UNSAFE_componentWillReceiveProps',
  'UNSAFE_componentWillUpdate', 'componentWillUpdate',
  'setup', 'beforeCreate', 'created', 'beforeMount', 'mounted', 'beforeUpdate', 'updated', 'beforeUnmount',
  'unmounted', 'beforeDestroy', 'destroyed', 'activated', 'deactivated', 'errorCaptured',
  'ngOnInit', 'ngOnDestroy', 'ngOnChanges', 'ngDoCheck', 'ngAfterContentInit', 'ngAfterContentChecked',
  'ngAfterViewInit', 'ngAfterViewChecked',
  'connectedCallback', 'disconnectedCallback', 'attributeChangedCallback', 'adoptedCallback',
  'firstUpdated', 'willUpdate',
];

const FIXED_MEANINGFUL = [
  ...LIFECYCLE,
  // DOM and browser APIs (not in Node).
  'addEventListener', 'removeEventListener', 'dispatchEvent', 'window', 'document', 'body', 'head', 'style',
  'classList', 'dataset', 'innerWidth', 'innerHeight', 'innerHTML', 'textContent', 'observe', 'unobserve',
  'disconnect', 'takeRecords', 'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback',
  'cancelIdleCallback', 'postMessage', 'onmessage', 'onerror', 'onclose', 'onopen', 'localStorage',
  'sessionStorage', 'getItem', 'setItem', 'removeItem', 'location', 'history', 'navigator', 'matchMedia',
  'addListener', 'removeListener', 'target', 'currentTarget', 'detail', 'readyState', 'send', 'close',
  'element', 'el', 'nativeElement', 'parentNode', 'appendChild', 'removeChild', 'querySelector',
  // React.
  'props', 'state', 'context', 'refs', 'setState', 'forceUpdate', 'render', 'componentDidMount',
  'componentWillMount', 'componentWillUnmount', 'componentDidUpdate', 'componentWillReceiveProps',
  'shouldComponentUpdate', 'getSnapshotBeforeUpdate', 'componentDidCatch', 'getDerivedStateFromProps',
  'UNSAFE_componentWillMount', 'UNSAFE_componentWillReceiveProps', 'UNSAFE_componentWillUpdate',
  'componentWillUpdate', 'defaultProps', 'displayName', 'current', 'children', 'key', 'ref',
  // Vue.
  'data', 'computed', 'methods', 'watch', 'setup', 'beforeCreate', 'created', 'beforeMount', 'mounted',
  'beforeUpdate', 'updated', 'beforeUnmount', 'unmounted', 'beforeDestroy', 'destroyed', 'activated',
  'deactivated', 'errorCaptured', 'template', 'emits', 'components', 'value', '$on', '$off', '$once',
  '$emit', '$el', '$refs', '$nextTick', '$watch', '$destroy',
  // Angular, RxJS.
  'ngOnInit', 'ngOnDestroy', 'ngOnChanges', 'ngDoCheck', 'ngAfterContentInit', 'ngAfterContentChecked',
  'ngAfterViewInit', 'ngAfterViewChecked', 'subscribe', 'unsubscribe', 'pipe', 'next', 'complete', 'error',
  // Web components, Lit, Svelte.
  'connectedCallback', 'disconnectedCallback', 'attributeChangedCallback', 'adoptedCallback',
  'firstUpdated', 'willUpdate', 'onMount', 'onDestroy',
  // Common option keys and web-framework request members.
  'once', 'passive', 'capture', 'signal', 'handler', 'max', 'min', 'maxAge', 'ttl', 'maxSize', 'timeout',
  'interval', 'delay', 'immediate', 'deep', 'body', 'params', 'query', 'locals', 'cookies', 'session',
  'user', 'route', 'log', 'id', 'app', 'request', 'response', 'status', 'type', 'name', 'options',
];

/** Names with a meaning outside the example (see the header). */
function meaningfulNames() {
  const names = new Set(FIXED_MEANINGFUL);
  const seen = new Set();
  const addProps = (value, depth) => {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) return;
    seen.add(value);
    for (let o = value; o && o !== Object.prototype && o !== Function.prototype; o = Object.getPrototypeOf(o)) {
      let keys = [];
      try { keys = Reflect.ownKeys(o); } catch { /* exotic */ }
      for (const k of keys) {
        if (typeof k !== 'string') continue;
        names.add(k);
        if (depth > 0) {
          let v;
          try { v = o[k]; } catch { continue; }
          addProps(v, depth - 1);
        }
      }
    }
    if (typeof value === 'function' && value.prototype) addProps(value.prototype, 0);
  };
  addProps(Object.prototype, 0);
  addProps(Function.prototype, 0);
  const warnings = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', () => {});
  try {
    addProps(globalThis, 1);
    for (const m of require('node:module').builtinModules) {
      if (m === 'test' || m.startsWith('node:')) continue;
      try { addProps(require(`node:${m}`), 1); } catch { /* not loadable here */ }
    }
    const events = require('node:events');
    const http = require('node:http');
    const net = require('node:net');
    const stream = require('node:stream');
    const socket = new net.Socket();
    const req = new http.IncomingMessage(socket);
    for (const o of [new events.EventEmitter(), socket, req, new http.ServerResponse(req), new stream.Readable(),
      new stream.Writable(), new AbortController()]) {
      for (const k of Object.keys(o)) names.add(k);
    }
    socket.destroy();
  } finally {
    process.removeAllListeners('warning');
    for (const w of warnings) process.on('warning', w);
  }
  return names;
}

function renamedTwin(tools, example, meaningful) {
  const { babel } = tools;
  const t = babel.types;
  let renamedBindings = 0;
  let renamedFields = 0;
  const plugin = () => ({
    visitor: {
      Program(programPath) {
        const used = new Set();
        programPath.traverse({
          'Identifier|JSXIdentifier'(p) { used.add(p.node.name); },
          PrivateName(p) { used.add(`#${p.node.id.name}`); },
        });
        used.add('v0');
        let counter = 0;
        const fresh = (prefix) => {
          let name;
          do name = `${prefix}${++counter}`; while (used.has(name) || used.has(`#${name}`));
          used.add(name);
          return name;
        };

        // Fields: `this.x = ...` targets and class field keys.
        const fields = new Set();
        const privates = new Set();
        programPath.traverse({
          AssignmentExpression(p) {
            const left = p.node.left;
            if (left.type === 'MemberExpression' && left.object.type === 'ThisExpression' && !left.computed) {
              if (left.property.type === 'Identifier') fields.add(left.property.name);
              if (left.property.type === 'PrivateName') privates.add(left.property.id.name);
            }
          },
          'ClassProperty|ClassAccessorProperty'(p) {
            if (!p.node.computed && p.node.key.type === 'Identifier') fields.add(p.node.key.name);
          },
          ClassPrivateProperty(p) { privates.add(p.node.key.id.name); },
        });
        const fieldNames = new Map();
        for (const f of fields) if (!meaningful.has(f)) fieldNames.set(f, fresh('f'));
        const privateNames = new Map();
        for (const f of privates) privateNames.set(f, fresh('f'));
        const keyed = (node, computedKey) => {
          const key = node.key ?? node.property;
          if (!computedKey && key.type === 'Identifier' && fieldNames.has(key.name)) {
            renamedFields++;
            return t.identifier(fieldNames.get(key.name));
          }
          if (key.type === 'StringLiteral' && fieldNames.has(key.value)) {
            renamedFields++;
            return t.stringLiteral(fieldNames.get(key.value));
          }
          return null;
        };
        programPath.traverse({
          'MemberExpression|OptionalMemberExpression'(p) {
            const n = keyed(p.node, p.node.computed);
            if (n) p.node.property = n;
          },
          'ObjectProperty|ObjectMethod|ClassProperty|ClassMethod|ClassAccessorProperty|TSPropertySignature|TSMethodSignature'(p) {
            const n = keyed(p.node, p.node.computed);
            if (!n) return;
            if (p.node.shorthand) {
              p.node.shorthand = false;
              if (p.node.value?.type === 'AssignmentPattern' && p.parentPath.isObjectPattern()) { /* `{ x = 1 } = this` keeps the default */ }
            }
            p.node.key = n;
          },
          PrivateName(p) {
            const n = privateNames.get(p.node.id.name);
            if (n) {
              p.node.id = t.identifier(n);
              renamedFields++;
            }
          },
        });

        // Bindings, in declaration order.
        const all = [];
        programPath.traverse({
          Scopable(p) {
            for (const [name, binding] of Object.entries(p.scope.bindings)) {
              if (binding.scope === p.scope) all.push({ scope: p.scope, name, binding });
            }
          },
        });
        for (const [name, binding] of Object.entries(programPath.scope.bindings)) all.push({ scope: programPath.scope, name, binding });
        const unique = new Map();
        for (const b of all) unique.set(b.binding, b);
        const ordered = [...unique.values()].sort((a, b) => (a.binding.identifier.start ?? 0) - (b.binding.identifier.start ?? 0));
        for (const { scope, name, binding } of ordered) {
          if (binding.kind === 'module') continue;
          if (binding.path.isVariableDeclarator() && isRequireish(binding.path.node.init)) continue;
          if (LIFECYCLE.includes(name)) continue;
          const prefix = /^use[A-Z0-9]/.test(name) ? 'useV' : /^[A-Z]/.test(name) ? 'V' : 'v';
          scope.rename(name, fresh(prefix));
          renamedBindings++;
        }
      },
    },
  });
  const result = babel.transformSync(example.code, { ...babelBase(example), plugins: [plugin], retainLines: true });
  if (renamedBindings + renamedFields === 0) return null;
  const main = `${example.base}.${example.lang}`;
  return { main, files: [{ name: main, code: result.code + '\n' }], renamed: { bindings: renamedBindings, fields: renamedFields } };
}

// ---------------------------------------------------------------- leaklint

function leaklintRules(bin) {
  const r = spawnSync(bin, ['rules', '--format', 'json'], { encoding: 'utf8' });
  if (r.status !== 0) setupError(`${bin} rules --format json failed: ${r.stderr}`);
  return JSON.parse(r.stdout).map((rule) => rule.id);
}

function runLeaklint(bin, cwd, files) {
  const byFile = new Map(files.map((f) => [f, { diagnostics: [], errors: [] }]));
  // Batches keep the command line short.
  for (let i = 0; i < files.length; i += 400) {
    const batch = files.slice(i, i + 400);
    const r = spawnSync(bin, ['check', '--format', 'json', '--color', 'never', ...batch], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
    let doc;
    try {
      doc = JSON.parse(r.stdout);
    } catch {
      setupError(`leaklint printed no JSON (exit ${r.status}): ${r.stderr.slice(0, 2000)}`);
    }
    for (const d of doc.diagnostics) byFile.get(d.file)?.diagnostics.push(d);
    for (const e of doc.file_errors) {
      const entry = byFile.get(e.file);
      if (entry) entry.errors.push(e);
      else setupError(`leaklint: ${e.file}: ${e.kind}: ${e.message}`);
    }
  }
  return byFile;
}

// ---------------------------------------------------------------- source maps

function mapBack(tools, map, pos) {
  const { TraceMap, originalPositionFor, GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND } = tools.traceMapping;
  map.__tracer ??= new TraceMap(map);
  const tracer = map.__tracer;
  for (const p of pos) {
    for (const bias of [GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND]) {
      const o = originalPositionFor(tracer, { line: p.line, column: Math.max(0, p.column_utf16 - 1), bias });
      if (o.line != null) return o.line;
    }
  }
  return null;
}

// ---------------------------------------------------------------- main

function prepareOut(args) {
  let out = args.out ? path.resolve(args.out) : fs.mkdtempSync(path.join(os.tmpdir(), 'leaklint-twins-'));
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) {
    if (!fs.existsSync(path.join(out, MARKER))) setupError(`${out} is not empty and was not made by this script; give another --out`);
    for (const entry of fs.readdirSync(out)) fs.rmSync(path.join(out, entry), { recursive: true, force: true });
  }
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, MARKER), 'Made by tests/twins/twins.mjs; emptied on each run.\n');
  // Nearest configuration for everything below: built-in defaults.
  fs.writeFileSync(path.join(out, '.leaklintrc.json'), '{}\n');
  return out;
}

function configFor(example, ruleIds) {
  if (!example.rule) return '{}\n';
  const rules = Object.fromEntries(ruleIds.filter((r) => r !== example.rule).map((r) => [r, 'off']));
  return `${JSON.stringify({ rules }, null, 2)}\n`;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const tools = loadTools();
  const kinds = args.only ? ALL_KINDS.filter((k) => args.only.includes(k)) : ALL_KINDS;
  const ruleIds = leaklintRules(args.leaklint);
  const examples = collectExamples();
  for (const ex of examples) {
    if (ex.rule && !ruleIds.includes(ex.rule)) setupError(`${ex.id}: ${args.leaklint} has no rule ${ex.rule}`);
  }
  const out = prepareOut(args);
  const meaningful = kinds.includes('renamed') ? meaningfulNames() : new Set();

  // Generate.
  const twins = []; // { example, kind, dir, main, files, map, status, reasons, note }
  const analysed = [];
  for (const example of examples) {
    let info;
    try {
      info = facts(tools, example);
    } catch (err) {
      info = null;
      example.parseError = err.message.split('\n')[0];
    }
    const write = (kind, twin) => {
      const dir = path.join(kind, example.slug);
      fs.mkdirSync(path.join(out, dir), { recursive: true });
      fs.writeFileSync(path.join(out, dir, '.leaklintrc.json'), configFor(example, ruleIds));
      // Each example is a program of its own: a package.json keeps leaklint from linking it with
      // the other examples checked in the same run (files with no package.json are one package).
      fs.writeFileSync(path.join(out, dir, 'package.json'), '{ "private": true }\n');
      for (const f of twin.files) fs.writeFileSync(path.join(out, dir, f.name), f.code);
      const rel = twin.files.filter((f) => !f.name.endsWith('.map')).map((f) => `${dir}/${f.name}`.split(path.sep).join('/'));
      analysed.push(...rel);
      return { dir, mainFile: `${dir}/${twin.main}`.split(path.sep).join('/'), relFiles: rel };
    };
    const original = { main: `${example.base}.${example.lang}`, files: [{ name: `${example.base}.${example.lang}`, code: example.code }] };
    twins.push({ example, kind: 'original', ...original, ...write('original', original), reasons: [] });
    for (const kind of kinds) {
      const record = { example, kind, reasons: [], notes: [] };
      twins.push(record);
      if (!info) {
        record.status = 'not made';
        record.why = `Babel cannot parse the example: ${example.parseError}`;
        record.error = true;
        continue;
      }
      let twin;
      try {
        if (kind === 'babel') twin = babelTwin(tools, example, info);
        else if (kind === 'tsc-es5') twin = tscTwin(tools, example, 'es5');
        else if (kind === 'tsc-es2020') twin = tscTwin(tools, example, 'es2020');
        else if (kind === 'esbuild') twin = esbuildTwin(tools, example);
        else if (kind === 'split-state') twin = splitTwin(tools, example, info, 'state');
        else if (kind === 'split-helpers') twin = splitTwin(tools, example, info, 'helpers');
        else if (kind === 'renamed') twin = renamedTwin(tools, example, meaningful);
      } catch (err) {
        record.status = 'not made';
        record.why = `${kind} failed: ${String(err.message ?? err).split('\n')[0]}`;
        record.error = true;
        continue;
      }
      if (!twin) {
        record.status = 'not made';
        record.why = kind === 'renamed' ? 'nothing to rename' : 'nothing to move';
        continue;
      }
      Object.assign(record, twin, write(kind, twin));
    }
  }

  // Analyse everything at once.
  const results = runLeaklint(args.leaklint, out, analysed);
  const findings = (rec) => rec.relFiles.flatMap((f) => results.get(f).diagnostics.map((d) => ({ ...d, main: f === rec.mainFile })));
  const fileErrors = (rec) => rec.relFiles.flatMap((f) => results.get(f).errors);

  // Judge.
  const originals = new Map();
  for (const rec of twins.filter((r) => r.kind === 'original')) {
    const ex = rec.example;
    const found = findings(rec);
    const errors = fileErrors(rec);
    originals.set(ex, rec);
    rec.rules = [...new Set(found.map((d) => d.rule))].sort();
    if (errors.length) rec.reasons.push(`does not parse: ${errors.map((e) => `${e.kind} ${e.message} (line ${e.line})`).join('; ')}`);
    if (ex.expect === 'fail' && found.length === 0) rec.reasons.push(`the original itself reports nothing (expected ${ex.rule ?? expectedRules(ex).join(', ')})`);
    if (ex.expect === 'pass') for (const d of found) rec.reasons.push(`the original itself reports ${d.rule} at line ${where(ex, d.start.line)}: ${d.message}`);
    rec.status = rec.reasons.length ? 'disagree' : 'agree';
    if (ex.expect === 'fail' && rec.rules.length === 0) rec.rules = ex.rule ? [ex.rule] : expectedRules(ex);
  }
  for (const rec of twins.filter((r) => r.kind !== 'original' && r.status !== 'not made')) {
    const ex = rec.example;
    const orig = originals.get(ex);
    const origFound = findings(orig);
    const found = findings(rec);
    for (const e of fileErrors(rec)) rec.reasons.push(`does not parse: ${path.basename(e.file)}:${e.line ?? '?'}: ${e.kind}: ${e.message}`);
    rec.mapped = [];
    const mapped = (d) => (COMPILED.has(rec.kind) && d.main ? mapBack(tools, rec.map, [d.start, d.end]) : null);
    if (ex.expect === 'fail') {
      for (const rule of orig.rules) {
        const mine = found.filter((d) => d.rule === rule);
        if (mine.length === 0) {
          rec.reasons.push(`no finding of ${rule}`);
          continue;
        }
        if (!COMPILED.has(rec.kind)) continue;
        const wanted = origFound.filter((d) => d.rule === rule).map((d) => d.start.line);
        if (wanted.length === 0) continue;
        const lines = mine.map((d) => ({ d, line: mapped(d) }));
        rec.mapped.push(...lines.map((l) => ({ rule, twin_line: l.d.start.line, original_line: l.line, original_findings: wanted })));
        if (lines.some((l) => l.line != null && wanted.some((w) => Math.abs(w - l.line) <= 1))) continue;
        const at = lines.map((l) => `${path.basename(rec.mainFile)}:${l.d.start.line} maps to ${l.line == null ? "no original line" : where(ex, l.line)}`);
        rec.reasons.push(`${rule} reported elsewhere: ${at.join(', ')}; the original reports it at ${wanted.map((w) => where(ex, w)).join(', ')}`);
      }
      const extra = [...new Set(found.filter((d) => !orig.rules.includes(d.rule)).map((d) => d.rule))];
      for (const r of extra) rec.notes.push(`also reports ${r}, which the original does not`);
    } else {
      for (const d of found) {
        const m = mapped(d);
        const loc = `${path.basename(d.file)}:${d.start.line}${m != null ? ` (line ${where(ex, m)})` : ''}`;
        rec.reasons.push(`reports ${d.rule} at ${loc}: ${d.message}`);
      }
    }
    rec.status = rec.reasons.length ? 'disagree' : 'agree';
  }

  // Report.
  const order = ['original', ...kinds];
  for (const kind of order) {
    for (const rec of twins.filter((r) => r.kind === kind)) {
      for (const reason of rec.reasons) console.log(`${rec.example.id} ${rec.example.expect} [${kind}] ${reason}`);
    }
  }
  const errored = twins.filter((r) => r.error);
  if (errored.length) {
    console.log('');
    for (const rec of errored) console.log(`note: ${rec.example.id} ${rec.example.expect} [${rec.kind}] not made: ${rec.why}`);
  }
  const notes = twins.flatMap((rec) => (rec.notes ?? []).map((n) => `note: ${rec.example.id} ${rec.example.expect} [${rec.kind}] ${n}`));
  if (notes.length) console.log(`\n${notes.join('\n')}`);
  console.log('');
  const header = ['kind', 'examples', 'twins made', 'agree', 'disagree', 'not made'];
  const rows = order.map((kind) => {
    const recs = twins.filter((r) => r.kind === kind);
    const made = recs.filter((r) => r.status !== 'not made');
    return [kind, recs.length, made.length, made.filter((r) => r.status === 'agree').length,
      made.filter((r) => r.status === 'disagree').length, recs.length - made.length];
  });
  const total = ['all twins', ...[1, 2, 3, 4, 5].map((i) => rows.slice(1).reduce((s, r) => s + r[i], 0))];
  const table = [header, ...rows, total];
  const widths = header.map((_, i) => Math.max(...table.map((r) => String(r[i]).length)));
  table.forEach((r, n) => {
    console.log(r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  '));
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
  const failExamples = examples.filter((e) => e.expect === 'fail').length;
  console.log(`\n${examples.length} examples (${failExamples} fail, ${examples.length - failExamples} pass); twins in ${out}`);

  const twinRecs = twins.filter((r) => r.kind !== 'original' && r.status !== 'not made');
  const passed = twinRecs.filter((r) => r.status === 'agree').length;
  const failed = twinRecs.length - passed + twins.filter((r) => r.kind === 'original' && r.status === 'disagree').length;

  if (args.json) {
    const doc = {
      leaklint: args.leaklint,
      out,
      summary: Object.fromEntries(rows.map((r) => [r[0], { examples: r[1], made: r[2], agree: r[3], disagree: r[4], not_made: r[5] }])),
      twins: twins.map((r) => ({
        example: r.example.id,
        expect: r.example.expect,
        kind: r.kind,
        status: r.status,
        files: r.relFiles ?? [],
        reasons: r.reasons,
        notes: r.notes ?? [],
        why_not_made: r.why ?? null,
        moved: r.moved ?? null,
        renamed: r.renamed ?? null,
        mapped: r.mapped?.length ? r.mapped : undefined,
      })),
      passed,
      failed,
    };
    fs.writeFileSync(path.resolve(args.json), `${JSON.stringify(doc, null, 2)}\n`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

/** A leaky fixture's `// expect: <rule>` lines. */
function expectedRules(example) {
  return example.code.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('// expect: ')).map((l) => l.slice(11).trim());
}

main();

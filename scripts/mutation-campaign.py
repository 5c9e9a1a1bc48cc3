#!/usr/bin/env python3
"""Mutation campaign: feed the leaklint binary bad and unusual inputs and
report every run that panics, aborts, hangs or breaks code it fixes.

Issue 16 found, with about 7,000 such inputs, failures that lost a user's
whole report or editor session. This keeps looking. Each round picks one
kind of input at random (seeded), runs the binary on it with a time limit,
and classifies the run:

  clean   exited 0, 1 or 2 (findings, file errors, usage errors are all fine)
  panic   exit 101, "panicked at", or a file reported as an internal error
  abort   killed by a signal (stack overflow, out of memory)
  hang    still running after --timeout seconds (for `lsp`: `shutdown`
          left unanswered)
  broke   `--fix-suggestions` turned a file `node --check` accepts into
          one it rejects

Kinds of input:
  source  fixtures truncated, bytes flipped, brackets inserted, lines
          duplicated, spliced; checked from a file or from --stdin
  deep    nested parentheses, closures, arrays, templates, ternaries, long
          sums, else-if chains, at depths from 10 to 300,000
  wide    a leak on a line of up to a million columns (human report)
  fix     sloppy functions with accidental globals, fixed in a temp dir
  config  .leaklintrc.json truncated, flipped, with a BOM, huge
  heap    a V8 heap snapshot (made with node) truncated, flipped, with a
          bad header
  lsp     a session with oversized, malformed and ill-typed frames mixed
          with good ones
  files   trees with named pipes where a source, .gitignore, .ignore or
          .leaklintrc.json is expected, dangling links, names that are not
          UTF-8; checked by walking or by naming them

Usage:
  scripts/mutation-campaign.py [--binary target/release/leaklint]
      [--seconds 60] [--seed 16] [--timeout 30] [--keep DIR]

Prints one table row per kind (inputs tried, clean, panics, aborts, hangs,
broken fixes, peak memory of one run) and exits 1 if any run failed;
--keep saves each failing input there. CI runs a fixed seed for 60 s.
"""

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTCOMES = ["clean", "panic", "abort", "hang", "broke"]


def run(argv, cwd, timeout, stdin=b""):
    """Run argv; return (outcome-ish exit, stdout, stderr, peak RSS in KiB)."""
    proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    timed_out = threading.Event()

    def kill():
        timed_out.set()
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, kill)
    timer.start()
    out = {}

    def feed_and_read():
        try:
            proc.stdin.write(stdin)
            proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        out["stdout"] = proc.stdout.read()
        out["stderr"] = proc.stderr.read()

    reader = threading.Thread(target=feed_and_read)
    reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    code = "timeout" if timed_out.is_set() else proc.returncode
    return code, out.get("stdout", b""), out.get("stderr", b""), usage.ru_maxrss


def classify(code, stdout, stderr):
    text = stdout + stderr
    if code == "timeout":
        return "hang"
    if code < 0:
        return "abort"
    if code == 101 or b"panicked at" in text or b"internal error" in text or b"internal_error" in text:
        return "panic"
    return "clean"


# ---------------------------------------------------------------- inputs

def seeds():
    files = sorted(p for p in (ROOT / "fixtures").rglob("*") if p.suffix in {".js", ".cjs", ".mjs", ".ts", ".jsx"})
    return [(p.suffix, p.read_bytes()) for p in files]


def mutate(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        choice = rng.randrange(5)
        if choice == 0 and data:
            del data[rng.randrange(len(data)):]
        elif choice == 1 and data:
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif choice == 2:
            at = rng.randrange(len(data) + 1)
            data[at:at] = rng.choice([b"(", b"{", b"[", b"`${", b"/*", b"'", b"\\", b"\r", b"\xef\xbb\xbf", b"\x00"]) * rng.randint(1, 50)
        elif choice == 3 and data:
            a = rng.randrange(len(data))
            b = min(len(data), a + rng.randint(1, 400))
            data[b:b] = data[a:b] * rng.randint(1, 20)
        else:
            at = rng.randrange(len(data) + 1)
            data[at:at] = rng.randbytes(rng.randint(1, 64))
    return bytes(data)


DEEP_SHAPES = {
    "parens": lambda n: "x = " + "(" * n + "1" + ")" * n + ";",
    "closures": lambda n: "module.exports = " + "function () { return " * n + "1" + "; }" * n + ";",
    "arrows": lambda n: "module.exports = " + "() => " * n + "1;",
    "arrays": lambda n: "x = " + "[" * n + "]" * n + ";",
    "objects": lambda n: "x = " + "{a: " * n + "1" + "}" * n + ";",
    "templates": lambda n: "x = " + "`${" * n + "1" + "}`" * n + ";",
    "ternary": lambda n: "x = " + "a ? 1 : " * n + "0;",
    "sum": lambda n: "x = " + " + ".join(["1"] * n) + ";",
    "members": lambda n: "x = a" + ".b" * n + ";",
    "calls": lambda n: "x = a" + "()" * n + ";",
    "unary": lambda n: "x = " + "!" * n + "a;",
    "elseif": lambda n: "if (a) {}" + "".join(f" else if (a === {i}) {{}}" for i in range(n)),
    "ifs": lambda n: "if (a) " * n + "x();",
    "classes": lambda n: "x = " + "class { m() { return " * n + "1" + "} }" * n + ";",
}

LEAK_TAIL = " require('http').createServer((req, res) => { cache.set(req.url, 1); res.end(); }).listen(3000);\n"

SLOPPY = [
    "function sum(a) {\n  count = 0;\n  count = count + a;\n  return count;\n}\nmodule.exports = sum;\n",
    "function f(x) {\n  if (x) { total = 1; }\n  return total;\n}\nmodule.exports = f;\n",
    "function g(x) {\n  return last = x;\n}\nmodule.exports = g;\n",
    "function k(x) {\n  if (x) tmp = 1;\n  a = b = x;\n  for (i = 0; i < 3; i++) { seen = i; }\n  return [tmp, a, b, seen];\n}\nmodule.exports = k;\n",
    "const cache = new Map();\nrequire('http').createServer((req) => { cache.set(req.url, 1); }).listen(1);\n",
]

CONFIG = b'{\n  // comment\n  "rules": { "no-listener-leak": "warn" },\n  "ignorePatterns": ["dist/**"]\n}\n'


def frame(obj):
    body = json.dumps(obj).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def lsp_session(rng):
    caps = rng.choice([{}, {"general": {"positionEncodings": ["utf-7", 5]}},
                       {"textDocument": {"diagnostic": "yes"}}, {"general": 3}])
    parts = [frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                    "params": {"processId": None, "rootUri": None, "capabilities": caps}})]
    bad = [b"Content-Length: 1000000000000\r\n\r\n{}", b"Content-Length: 18446744073709551615\r\n\r\n{}",
           b"Content-Length: 3000000000\r\n\r\n{}", b"Content-Length: 5\n\n{oops", b"hello\r\n\r\n",
           b"Content-Length: -1\r\n\r\n", b"Content-Length: 4\r\n\r\n\xff\xfe\xfd\xfc", b"{\"jsonrpc\"",
           b"X" * 5000 + b"\r\n\r\n"]
    for i in range(rng.randint(1, 6)):
        if rng.random() < 0.5:
            parts.append(rng.choice(bad))
        else:
            text = rng.choice(SLOPPY) if rng.random() < 0.7 else DEEP_SHAPES["parens"](rng.choice([10, 2000, 200000]))
            parts.append(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
                "uri": f"file:///campaign/doc{i}.js", "languageId": "javascript", "version": 1, "text": text}}}))
    parts.append(frame({"jsonrpc": "2.0", "id": 99, "method": "shutdown", "params": None}))
    parts.append(frame({"jsonrpc": "2.0", "method": "exit", "params": None}))
    return b"".join(parts)


# ---------------------------------------------------------------- one round

class Campaign:
    def __init__(self, args):
        self.args = args
        self.binary = str(Path(args.binary).resolve())
        self.rng = random.Random(args.seed)
        self.seeds = seeds()
        self.node = shutil.which("node")
        self.work = Path(tempfile.mkdtemp(prefix="leaklint-campaign-"))
        self.snapshot = self.make_snapshot()
        self.table = {}
        self.failures = []

    def make_snapshot(self):
        if not self.node:
            return None
        path = self.work / "seed.heapsnapshot"
        subprocess.run([self.node, "-e", f"require('v8').writeHeapSnapshot({json.dumps(str(path))})"], check=True)
        return path.read_bytes()

    def record(self, kind, outcome, rss, sample):
        row = self.table.setdefault(kind, {o: 0 for o in OUTCOMES} | {"inputs": 0, "rss": 0})
        row["inputs"] += 1
        row[outcome] += 1
        row["rss"] = max(row["rss"], rss)
        if outcome != "clean":
            self.failures.append((kind, outcome, sample))
            if self.args.keep:
                keep = Path(self.args.keep)
                keep.mkdir(parents=True, exist_ok=True)
                (keep / f"{kind}-{outcome}-{len(self.failures)}.bin").write_bytes(sample)

    def fresh_dir(self):
        d = self.work / f"round-{self.rng.randrange(1 << 30)}"
        d.mkdir()
        return d

    def check_file(self, kind, name, data, extra=()):
        d = self.fresh_dir()
        (d / name).write_bytes(data)
        if self.rng.random() < 0.3:
            argv = [self.binary, "check", "--stdin", "--stdin-filename", name, *extra]
            code, out, err, rss = run(argv, d, self.args.timeout, stdin=data)
        else:
            argv = [self.binary, "check", name, "-o", "report.txt", *extra]
            code, out, err, rss = run(argv, d, self.args.timeout)
        self.record(kind, classify(code, out, err), rss, data)
        shutil.rmtree(d, ignore_errors=True)

    def round(self):
        kind = self.rng.choice(["source", "source", "deep", "wide", "fix", "config", "heap", "lsp", "files"])
        rng = self.rng
        if kind == "source":
            suffix, data = rng.choice(self.seeds)
            self.check_file(kind, "input" + suffix, mutate(rng, data),
                            rng.choice([(), ("--format", "json"), ("--format", "sarif"), ("--fix-suggestions",)]))
        elif kind == "deep":
            shape = rng.choice(sorted(DEEP_SHAPES))
            depth = int(10 ** rng.uniform(1, 5.5))
            self.check_file(kind, "deep.js", DEEP_SHAPES[shape](depth).encode())
        elif kind == "wide":
            width = rng.randint(60_000, 1_000_000)
            text = "const cache = new Map();\nvar s = \"" + "a" * width + "\";" + LEAK_TAIL
            self.check_file(kind, "wide.js", text.encode())
        elif kind == "fix":
            self.fix_round()
        elif kind == "config":
            data = rng.choice([mutate(rng, CONFIG), b"\xef\xbb\xbf" + CONFIG, CONFIG[:rng.randrange(len(CONFIG))],
                               b'{"ignorePatterns": ["' + b"*" * rng.randint(1, 3_000_000) + b'"]}'])
            d = self.fresh_dir()
            (d / ".leaklintrc.json").write_bytes(data)
            (d / "a.js").write_text(SLOPPY[4])
            code, out, err, rss = run([self.binary, "check", "."], d, self.args.timeout)
            self.record(kind, classify(code, out, err), rss, data)
            shutil.rmtree(d, ignore_errors=True)
        elif kind == "heap":
            if self.snapshot is None:
                return
            data = self.snapshot
            choice = rng.randrange(3)
            if choice == 0:
                data = data[:rng.randrange(len(data))]
            elif choice == 1:
                data = mutate(rng, data)
            else:
                bad = rng.choice([b"-1", b"3.5", b'"3"', b"18446744073709551616", b"99999999999", b"null"])
                data = data.replace(b'"node_count":', b'"node_count":' + bad + b',"x":', 1)
            d = self.fresh_dir()
            (d / "a.heapsnapshot").write_bytes(data)
            code, out, err, rss = run([self.binary, "heap", "summary", "a.heapsnapshot"], d, self.args.timeout)
            self.record(kind, classify(code, out, err), rss, data[:4096])
            shutil.rmtree(d, ignore_errors=True)
        elif kind == "files":
            self.files_round()
        else:
            session = lsp_session(rng)
            d = self.fresh_dir()
            code, out, err, rss = run([self.binary, "lsp"], d, self.args.timeout, stdin=session)
            outcome = classify(code, out, err)
            if outcome == "clean" and b'"id":99' not in out:
                outcome = "hang"
            self.record(kind, outcome, rss, session)
            shutil.rmtree(d, ignore_errors=True)

    def files_round(self):
        rng = self.rng
        d = self.fresh_dir()
        (d / "src").mkdir()
        (d / "src" / "a.js").write_text(SLOPPY[4])
        odd = []
        for _ in range(rng.randint(1, 3)):
            where = rng.choice(["src/pipe.js", "src/.gitignore", ".ignore", "src/.leaklintrc.json", "dangling.js",
                                ".leaklintrc.json", "odd"])
            target = d / where
            if target.exists() or target.is_symlink():
                continue
            if where == "odd":
                os.makedirs(d / "src", exist_ok=True)
                (d / "src").joinpath(os.fsdecode(b"caf\xe9.js")).write_text(SLOPPY[1])
            elif where in ("dangling.js", ".leaklintrc.json") and rng.random() < 0.5:
                os.symlink(d / "missing", target)
            elif hasattr(os, "mkfifo"):
                os.mkfifo(target)
            odd.append(where)
        named = rng.choice([["."], ["src"], ["src/pipe.js", "src/a.js"] if "src/pipe.js" in odd else ["src/a.js"],
                            ["-c", "src/.leaklintrc.json", "src"] if "src/.leaklintrc.json" in odd else ["."]])
        code, out, err, rss = run([self.binary, "check", *named], d, self.args.timeout)
        self.record("files", classify(code, out, err), rss, repr((odd, named)).encode())
        shutil.rmtree(d, ignore_errors=True)

    def fix_round(self):
        rng = self.rng
        source = "".join(rng.sample(SLOPPY[:4], rng.randint(1, 2))).replace("module.exports", "exports.f" + str(rng.randrange(9)))
        d = self.fresh_dir()
        path = d / "sloppy.js"
        path.write_text(source)
        code, out, err, rss = run([self.binary, "check", "--fix-suggestions", "sloppy.js"], d, self.args.timeout)
        outcome = classify(code, out, err)
        if outcome == "clean" and self.node:
            fixed_ok = subprocess.run([self.node, "--check", str(path)], capture_output=True).returncode == 0
            original = d / "original.js"
            original.write_text(source)
            original_ok = subprocess.run([self.node, "--check", str(original)], capture_output=True).returncode == 0
            if original_ok and not fixed_ok:
                outcome = "broke"
        if any(p.name.startswith(".leaklint-fix-") for p in d.iterdir()):
            outcome = "broke"
        self.record("fix", outcome, rss, source.encode())
        shutil.rmtree(d, ignore_errors=True)

    def report(self):
        header = f"| {'input':8} | {'tried':>5} | {'clean':>5} | {'panics':>6} | {'aborts':>6} | {'hangs':>5} | {'broken fixes':>12} | {'peak RSS':>9} |"
        print(header)
        print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
        total = {o: 0 for o in OUTCOMES} | {"inputs": 0, "rss": 0}
        for kind in sorted(self.table):
            row = self.table[kind]
            for key in total:
                total[key] = max(total[key], row[key]) if key == "rss" else total[key] + row[key]
            print(self.row(kind, row))
        print(self.row("total", total))
        for kind, outcome, sample in self.failures[:20]:
            print(f"{outcome}: {kind}: {sample[:120]!r}", file=sys.stderr)
        return 1 if self.failures else 0

    @staticmethod
    def row(kind, row):
        return (f"| {kind:8} | {row['inputs']:5} | {row['clean']:5} | {row['panic']:6} | {row['abort']:6} | "
                f"{row['hang']:5} | {row['broke']:12} | {row['rss'] / 1024:6.0f} MB |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=str(ROOT / "target" / "release" / "leaklint"))
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=30, help="seconds before a run counts as a hang")
    parser.add_argument("--keep", help="save failing inputs in this directory")
    args = parser.parse_args()
    campaign = Campaign(args)
    deadline = time.monotonic() + args.seconds
    try:
        while time.monotonic() < deadline:
            campaign.round()
    finally:
        shutil.rmtree(campaign.work, ignore_errors=True)
    sys.exit(campaign.report())


if __name__ == "__main__":
    main()

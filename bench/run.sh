#!/usr/bin/env bash
# bench/run.sh - time `leaklint check` against its floor and against peers.
#
# Usage: bench/run.sh [--threads N] [--runs N] [--warmup N] [--corpus DIR]
#                     [--peers LIST] [--no-build]
#
#   --threads N   threads for every tool (default 2): `floor -j N`,
#                 `leaklint check -j N`, `oxlint --threads N`,
#                 `eslint --concurrency N` (`off` for 1)
#   --runs N      timed runs per command (default 5)
#   --warmup N    untimed warm-up runs per command (default 1)
#   --corpus DIR  the corpus (default <repo>/.corpus); fetched with
#                 bench/fetch-corpus.sh when packages are missing
#   --peers LIST  comma-separated peers to time: oxlint, eslint, or none
#                 (default: oxlint,eslint; ESLint takes ~1.5 min per run,
#                 so most of the total, and ~5 GB of memory)
#   --no-build    use the release binaries already in target/release
#
# Every run writes bench/results/<UTC time>-j<N>/ (hyperfine JSON and
# Markdown, file lists, parse errors, summary.md) and prints the summary:
# median wall time per tool, ratio to the floor, files/bytes/lines checked.
# See bench/README.md.

set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$BENCH_DIR")"

THREADS=2
RUNS=5
WARMUP=1
CORPUS="$REPO_DIR/.corpus"
PEERS="oxlint,eslint"
BUILD=1

usage() { sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }
die() { echo "run.sh: $*" >&2; exit 2; }
step() { printf '\n==> %s\n' "$*" >&2; }
positive_int() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 needs a positive integer, got '$2'"; }

while (($#)); do
  case "$1" in
    -j | --threads) THREADS="${2-}"; shift 2 || die "$1 needs a value" ;;
    --threads=*) THREADS="${1#*=}"; shift ;;
    --runs) RUNS="${2-}"; shift 2 || die "$1 needs a value" ;;
    --runs=*) RUNS="${1#*=}"; shift ;;
    --warmup) WARMUP="${2-}"; shift 2 || die "$1 needs a value" ;;
    --warmup=*) WARMUP="${1#*=}"; shift ;;
    --corpus) CORPUS="${2-}"; shift 2 || die "$1 needs a value" ;;
    --corpus=*) CORPUS="${1#*=}"; shift ;;
    --peers) PEERS="${2-}"; shift 2 || die "$1 needs a value" ;;
    --peers=*) PEERS="${1#*=}"; shift ;;
    --no-build) BUILD=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done
positive_int --threads "$THREADS"
positive_int --runs "$RUNS"
[[ "$WARMUP" =~ ^[0-9]+$ ]] || die "--warmup needs a number, got '$WARMUP'"

USE_OXLINT=0
USE_ESLINT=0
IFS=',' read -r -a peer_list <<<"$PEERS"
for peer in "${peer_list[@]}"; do
  case "$peer" in
    oxlint) USE_OXLINT=1 ;;
    eslint) USE_ESLINT=1 ;;
    none | "") ;;
    *) die "unknown peer '$peer' (known: oxlint, eslint, none)" ;;
  esac
done

command -v node >/dev/null && command -v npm >/dev/null || die "needs node and npm (peers and the corpus come from npm)"

# ---------------------------------------------------------------- build
FLOOR="$REPO_DIR/target/release/examples/floor"
LEAKLINT="$REPO_DIR/target/release/leaklint"
if ((BUILD)); then
  step "cargo build --release (leaklint, floor)"
  (cd "$REPO_DIR" && cargo build --release -p leaklint_cli -p leaklint_core --bin leaklint --example floor)
fi
[[ -x "$FLOOR" ]] || die "missing $FLOOR (build it, or drop --no-build)"
[[ -x "$LEAKLINT" ]] || die "missing $LEAKLINT (build it, or drop --no-build)"

# ---------------------------------------------------------------- corpus
step "corpus: $CORPUS"
# Idempotent: downloads only the packages that are missing, then prints sizes.
bash "$BENCH_DIR/fetch-corpus.sh" "$CORPUS" >&2
CORPUS="$(cd "$CORPUS" && pwd)"
# The default corpus lives inside this repository, which gitignores it, and
# oxlint applies the .gitignore files of enclosing repositories to the paths
# it is given: it would find no files at all. A .git folder makes the corpus
# a repository of its own, like any project checkout (no tool reads it:
# hidden folders are skipped by all of them).
if [[ ! -e "$CORPUS/.git" ]]; then
  git init -q "$CORPUS"
fi

# ---------------------------------------------------------------- peers
NODE_BIN="$BENCH_DIR/node_modules/.bin"
LOCK_STAMP="$BENCH_DIR/node_modules/.bench-lock.sha256"
lock_sum="$(sha256sum "$BENCH_DIR/package-lock.json" | cut -d' ' -f1)"
if [[ ! -f "$LOCK_STAMP" || "$(cat "$LOCK_STAMP")" != "$lock_sum" ]]; then
  step "npm ci (bench/package-lock.json)"
  (cd "$BENCH_DIR" && npm ci --no-audit --no-fund)
  echo "$lock_sum" >"$LOCK_STAMP"
fi
OXLINT="$NODE_BIN/oxlint"
ESLINT="$NODE_BIN/eslint"

# ---------------------------------------------------------------- hyperfine
if ! command -v hyperfine >/dev/null; then
  step "apt-get install hyperfine"
  apt-get install -y hyperfine || { apt-get update && apt-get install -y hyperfine; }
fi

# ---------------------------------------------------------------- results
OUT="$BENCH_DIR/results/$(date -u +%Y%m%dT%H%M%SZ)-j$THREADS"
mkdir -p "$OUT"
ln -sfn "$(basename "$OUT")" "$BENCH_DIR/results/latest-j$THREADS"
cd "$REPO_DIR" # ESLint wants to be run from a parent of its config's folder

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(uname -srm), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "leaklint: $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo 'no commit'), $(git -C "$REPO_DIR" status --porcelain 2>/dev/null | wc -l) changed paths"
  echo "rustc: $(rustc --version)"
  echo "node: $(node --version)"
  echo "oxlint: $("$OXLINT" --version | sed 's/^Version: //')"
  echo "eslint: $("$ESLINT" --version)"
  echo "hyperfine: $(hyperfine --version)"
  echo "threads: $THREADS, runs: $RUNS, warmup: $WARMUP"
} >"$OUT/env.txt"

ESLINT_CONCURRENCY="$THREADS"
((THREADS == 1)) && ESLINT_CONCURRENCY=off

# The timed commands. hyperfine runs them without a shell (-N) and sends
# their stdout/stderr to /dev/null.
q() { printf '%q' "$1"; }
names=(floor leaklint)
commands=(
  "$(q "$FLOOR") -j $THREADS $(q "$CORPUS")"
  "$(q "$LEAKLINT") check -j $THREADS --format json $(q "$CORPUS")"
)
if ((USE_OXLINT)); then
  names+=(oxlint)
  commands+=("$(q "$OXLINT") -A all --threads $THREADS $(q "$CORPUS")")
fi
if ((USE_ESLINT)); then
  names+=(eslint)
  # -o: ESLint writes its JSON report (one entry per file) on every run; the
  # last one is where its file and parse-error counts come from.
  commands+=("$(q "$ESLINT") --config $(q "$BENCH_DIR/eslint.config.mjs") --no-inline-config --concurrency $ESLINT_CONCURRENCY -f json -o $(q "$OUT/eslint-output.json") $(q "$CORPUS")")
fi

# ---------------------------------------------------------------- what each tool checks (untimed)
step "counting what each tool checks"
REPORT=(node "$BENCH_DIR/report.mjs")
"$FLOOR" -j "$THREADS" --list-files --list-errors "$CORPUS" >"$OUT/files-floor.txt" 2>"$OUT/floor-stderr.txt" ||
  die "floor failed: $(tail -5 "$OUT/floor-stderr.txt")"
"${REPORT[@]}" tool "$OUT/tool-floor.json" --list "$OUT/files-floor.txt" --floor "$OUT/floor-stderr.txt" \
  --note "leaklint_files::discover: *.{js,mjs,cjs,jsx,ts,mts,cts,tsx} minus *.d.{ts,mts,cts}, honours .gitignore/.ignore, skips hidden folders and node_modules."

leaklint_rc=0
"$LEAKLINT" check -j "$THREADS" --format json "$CORPUS" >"$OUT/leaklint-output.json" 2>"$OUT/leaklint-stderr.txt" || leaklint_rc=$?
((leaklint_rc <= 1)) || die "leaklint check exited with $leaklint_rc: $(tail -5 "$OUT/leaklint-stderr.txt")"
"${REPORT[@]}" tool "$OUT/tool-leaklint.json" --list "$OUT/files-floor.txt" --leaklint "$OUT/leaklint-output.json" \
  --note "same discovery as floor (leaklint_files); exit status $leaklint_rc."

if ((USE_OXLINT)); then
  "$OXLINT" -A all --threads "$THREADS" --debug=files "$CORPUS" >"$OUT/files-oxlint.txt"
  "$OXLINT" -A all --threads "$THREADS" -f json "$CORPUS" >"$OUT/oxlint-output.json" || true
  "${REPORT[@]}" tool "$OUT/tool-oxlint.json" --list "$OUT/files-oxlint.txt" --oxlint "$OUT/oxlint-output.json" \
    --note "oxlint's own walk: *.{js,mjs,cjs,jsx,ts,mts,cts,tsx} and more, including *.d.ts, skipping *.min.* and node_modules."
fi

# ---------------------------------------------------------------- timing
# How busy the machine is without us: CPU time used by anything during one
# second of idling, in percent of all CPUs. Other work on the machine makes
# the timings unreliable; summary.md says so.
cpu_busy_percent() {
  local a b
  read -r -a a < <(grep '^cpu ' /proc/stat)
  sleep 1
  read -r -a b < <(grep '^cpu ' /proc/stat)
  local total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  local idle=$((b[4] - a[4] + b[5] - a[5]))
  echo $(((100 * (total - idle) + total / 2) / (total > 0 ? total : 1)))
}
BUSY_BEFORE="$(cpu_busy_percent)"
LOAD_BEFORE="$(cut -d' ' -f1 /proc/loadavg)"
echo "before timing: CPU busy ${BUSY_BEFORE}% (1 s sample), load average $(cat /proc/loadavg)" >>"$OUT/env.txt"

step "hyperfine: ${names[*]} (threads $THREADS, $RUNS runs, $WARMUP warm-up)"
hf_args=()
for i in "${!names[@]}"; do
  hf_args+=(--command-name "${names[$i]}" "${commands[$i]}")
done
hyperfine -N --ignore-failure --warmup "$WARMUP" --runs "$RUNS" \
  --export-json "$OUT/hyperfine.json" --export-markdown "$OUT/hyperfine.md" \
  "${hf_args[@]}" >&2

if ((USE_ESLINT)); then
  "${REPORT[@]}" tool "$OUT/tool-eslint.json" --eslint "$OUT/eslint-output.json" \
    --note "no rules (parse + eslint-scope only), bench/eslint.config.mjs: *.{js,mjs,cjs,jsx} with espree, *.{ts,mts,cts,tsx} with @typescript-eslint/parser, including *.d.ts and *.min.*, skipping node_modules."
fi

BUSY_AFTER="$(cpu_busy_percent)"
LOAD_AFTER="$(cut -d' ' -f1 /proc/loadavg)"
echo "after timing: CPU busy ${BUSY_AFTER}% (1 s sample), load average $(cat /proc/loadavg)" >>"$OUT/env.txt"
cat >"$OUT/meta.json" <<EOF
{"threads": $THREADS, "runs": $RUNS, "warmup": $WARMUP, "cpus": $(nproc),
 "corpus": "$CORPUS", "busy_before": $BUSY_BEFORE, "busy_after": $BUSY_AFTER,
 "load_before": $LOAD_BEFORE, "load_after": $LOAD_AFTER}
EOF

step "summary ($OUT/summary.md)"
"${REPORT[@]}" table "$OUT"

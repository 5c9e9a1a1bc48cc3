#!/usr/bin/env bash
# bench/run.sh - time `leaklint check` against its floor and against peers.
#
# Usage: bench/run.sh [--threads N] [--runs N] [--warmup N] [--corpus DIR]
#                     [--peers LIST] [--eslint-runs N] [--no-build]
#
#   --threads N   threads for every tool (default 2): `floor -j N`,
#                 `leaklint check -j N`, `oxlint --threads N`,
#                 `eslint --concurrency N` (`off` for 1)
#   --runs N      timed runs per command (default 5)
#   --warmup N    untimed warm-up runs per command (default 1)
#   --corpus DIR  the corpus (default <repo>/.corpus); fetched with
#                 bench/fetch-corpus.sh when packages are missing
#   --peers LIST  comma-separated peers to time: oxlint, eslint, or none
#                 (default: oxlint,eslint)
#   --eslint-runs N  timed runs of ESLint, without warm-up (default 1): it
#                 takes ~1.5 min and ~5 GB per run, 100 times the others
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
ESLINT_RUNS=1
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
    --eslint-runs) ESLINT_RUNS="${2-}"; shift 2 || die "$1 needs a value" ;;
    --eslint-runs=*) ESLINT_RUNS="${1#*=}"; shift ;;
    --no-build) BUILD=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done
positive_int --threads "$THREADS"
positive_int --runs "$RUNS"
positive_int --eslint-runs "$ESLINT_RUNS"
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
cd "$REPO_DIR" # ESLint 10 run from inside the corpus folder finds no files there

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(uname -srm), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "leaklint: $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo 'no commit'), $(git -C "$REPO_DIR" status --porcelain 2>/dev/null | wc -l) changed paths"
  echo "rustc: $(rustc --version)"
  echo "node: $(node --version)"
  echo "oxlint: $("$OXLINT" --version | sed 's/^Version: //')"
  echo "eslint: $("$ESLINT" --version)"
  echo "hyperfine: $(hyperfine --version)"
  echo "threads: $THREADS, runs: $RUNS, warmup: $WARMUP, eslint runs: $ESLINT_RUNS"
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
# -o: ESLint writes its JSON report (one entry per file) on every run; the
# last one is where its file and parse-error counts come from.
ESLINT_COMMAND="$(q "$ESLINT") --config $(q "$BENCH_DIR/eslint.config.mjs") --no-inline-config --concurrency $ESLINT_CONCURRENCY -f json -o $(q "$OUT/eslint-output.json") $(q "$CORPUS")"

# ---------------------------------------------------------------- what each tool checks (untimed)
step "counting what each tool checks"
REPORT=(node "$BENCH_DIR/report.mjs")
"$FLOOR" -j "$THREADS" --list-files --list-errors "$CORPUS" >"$OUT/files-floor.txt" 2>"$OUT/floor-stderr.txt" ||
  die "floor failed: $(tail -5 "$OUT/floor-stderr.txt")"
"${REPORT[@]}" tool "$OUT/tool-floor.json" --list "$OUT/files-floor.txt" --floor "$OUT/floor-stderr.txt" \
  --note "leaklint_files::discover (crates/leaklint_files: source extensions, no declaration or *.min.* files, honours .gitignore, skips hidden folders and node_modules)."

leaklint_rc=0
"$LEAKLINT" check -j "$THREADS" --format json "$CORPUS" >"$OUT/leaklint-output.json" 2>"$OUT/leaklint-stderr.txt" || leaklint_rc=$?
((leaklint_rc <= 1)) || die "leaklint check exited with $leaklint_rc: $(tail -5 "$OUT/leaklint-stderr.txt")"
"${REPORT[@]}" tool "$OUT/tool-leaklint.json" --list "$OUT/files-floor.txt" --leaklint "$OUT/leaklint-output.json" \
  --note "same discovery as floor (leaklint_files); exit status $leaklint_rc."

if ((USE_OXLINT)); then
  "$OXLINT" -A all --threads "$THREADS" --debug=files "$CORPUS" >"$OUT/files-oxlint.txt"
  "$OXLINT" -A all --threads "$THREADS" -f json "$CORPUS" >"$OUT/oxlint-output.json" || true
  "${REPORT[@]}" tool "$OUT/tool-oxlint.json" --list "$OUT/files-oxlint.txt" --oxlint "$OUT/oxlint-output.json" \
    --note "oxlint's own walk: includes *.d.ts and files under node_modules below the given path, skips *.min.*."
fi

# ---------------------------------------------------------------- timing
# Other work on the machine makes timings unreliable; summary.md says so.
# /proc/stat's first line: jiffies of all CPUs in user nice system idle iowait
# irq softirq steal (steal: taken by other virtual machines on the host).
cpu_jiffies() { # prints "busy total"
  local c
  read -r -a c < <(grep '^cpu ' /proc/stat)
  echo "$((c[1] + c[2] + c[3] + c[6] + c[7] + c[8])) $((c[1] + c[2] + c[3] + c[4] + c[5] + c[6] + c[7] + c[8]))"
}
# Percent of all CPUs busy during one second of us doing nothing.
cpu_busy_percent() {
  local a b
  read -r -a a < <(cpu_jiffies)
  sleep 1
  read -r -a b < <(cpu_jiffies)
  local total=$((b[1] - a[1]))
  echo $(((100 * (b[0] - a[0]) + total / 2) / (total > 0 ? total : 1)))
}
BUSY_BEFORE="$(cpu_busy_percent)"
LOAD_BEFORE="$(cut -d' ' -f1 /proc/loadavg)"
echo "before timing: CPU busy ${BUSY_BEFORE}% (1 s sample), load average $(cat /proc/loadavg)" >>"$OUT/env.txt"

step "hyperfine: ${names[*]} (threads $THREADS, $RUNS runs, $WARMUP warm-up)$( ((USE_ESLINT)) && echo ", then eslint ($ESLINT_RUNS runs)")"
hf_args=()
for i in "${!names[@]}"; do
  hf_args+=(--command-name "${names[$i]}" "${commands[$i]}")
done
read -r -a jiffies_before < <(cpu_jiffies)
# `time` gives the CPU time hyperfine and the benchmarked commands used; the
# rest of the machine's busy time during the runs belongs to other processes.
TIMEFORMAT='%3R %3U %3S'
{
  time {
    hyperfine -N --ignore-failure --warmup "$WARMUP" --runs "$RUNS" \
      --export-json "$OUT/hyperfine.json" --export-markdown "$OUT/hyperfine.md" \
      "${hf_args[@]}" >&3 2>&3
    if ((USE_ESLINT)); then
      hyperfine -N --ignore-failure --warmup 0 --runs "$ESLINT_RUNS" \
        --export-json "$OUT/hyperfine-eslint.json" --export-markdown "$OUT/hyperfine-eslint.md" \
        --command-name eslint "$ESLINT_COMMAND" >&3 2>&3
    fi
  }
} 3>&2 2>"$OUT/hyperfine-cpu.txt"
read -r -a jiffies_after < <(cpu_jiffies)
read -r hf_wall hf_user hf_sys <"$OUT/hyperfine-cpu.txt"
# Other processes' share of all CPUs during the timed runs, in percent.
BUSY_DURING="$(awk -v busy="$((jiffies_after[0] - jiffies_before[0]))" \
  -v total="$((jiffies_after[1] - jiffies_before[1]))" -v user="$hf_user" -v sys="$hf_sys" \
  -v hz="$(getconf CLK_TCK)" 'BEGIN {
    other = busy / hz - user - sys
    if (other < 0) other = 0
    printf "%.0f", (total > 0 ? 100 * other / (total / hz) : 0) }')"
[[ "$BUSY_DURING" =~ ^[0-9]+$ ]] || BUSY_DURING=null
echo "during timing: other processes used ${BUSY_DURING}% of the CPUs ($hf_wall s wall; ours: $hf_user s user, $hf_sys s system)" >>"$OUT/env.txt"

if ((USE_ESLINT)); then
  "${REPORT[@]}" tool "$OUT/tool-eslint.json" --eslint "$OUT/eslint-output.json" \
    --note "no rules (parse + eslint-scope only), bench/eslint.config.mjs: espree for JS, @typescript-eslint/parser for TS; includes *.d.ts and *.min.*, skips node_modules."
fi

LOAD_AFTER="$(cut -d' ' -f1 /proc/loadavg)"
echo "after timing: load average $(cat /proc/loadavg)" >>"$OUT/env.txt"
cat >"$OUT/meta.json" <<EOF
{"threads": $THREADS, "runs": $RUNS, "warmup": $WARMUP, "cpus": $(nproc),
 "corpus": "$CORPUS", "busy_before": $BUSY_BEFORE, "busy_during": $BUSY_DURING,
 "load_before": $LOAD_BEFORE, "load_after": $LOAD_AFTER}
EOF

step "summary ($OUT/summary.md)"
"${REPORT[@]}" table "$OUT"

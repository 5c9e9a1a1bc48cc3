#!/usr/bin/env bash
# Times `leaklint heap diff BASE TARGET FINAL` against `memlab find-leaks` on
# the same three snapshots (wall time and peak RSS from /usr/bin/time -v).
#   bench/heap/run.sh [SIZE_MB ...]     default: 100
#   RUNS=N (default 3): runs per tool; min and median wall, highest peak RSS.
# Sizes are in MB (10^6 bytes), peak RSS too, to compare with the files.
# Snapshots go to bench/heap/out/<size>/ (gitignored) and are reused (empty
# files are made again); memlab (pinned in package.json/package-lock.json)
# installs into bench/heap/node_modules (gitignored). Not part of CI.
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
repo=$(cd ../.. && pwd)
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(100)
runs=${RUNS:-3}

if [ ! -x node_modules/.bin/memlab ]; then
  # --ignore-scripts: puppeteer's postinstall would download Chrome, which snapshot analysis does not need.
  npm ci --no-audit --no-fund --ignore-scripts
fi
target_dir=${CARGO_TARGET_DIR:-$repo/target}
(cd "$repo" && cargo build --release -p leaklint_cli)
leaklint="$target_dir/release/leaklint"

seconds() { # h:mm:ss or m:ss.cc -> seconds
  awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }' <<<"$1"
}

median=0
measure() { # name log command...: sets $median (seconds) and $peak (MB)
  local name=$1 log=$2 walls=() wall rss sorted
  shift 2
  peak=0
  for ((run = 1; run <= runs; run++)); do
    /usr/bin/time -v "$@" >"$log.out" 2>"$log.err" || { echo "$name failed, see $log.err" >&2; return 1; }
    wall=$(seconds "$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log.err")")
    walls+=("$wall")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log.err")
    rss=$((rss * 1024 / 1000000))
    [ "$rss" -gt "$peak" ] && peak=$rss
  done
  mapfile -t sorted < <(printf '%s\n' "${walls[@]}" | sort -g)
  median=${sorted[$((runs / 2))]}
  printf '%-8s %-9s wall min %6.2f s, median %6.2f s (runs: %s)  peak RSS %5d MB\n' \
    "$size MB" "$name" "${sorted[0]}" "$median" "${walls[*]}" "$peak"
}

for size in "${sizes[@]}"; do
  dir="$here/out/$size"
  if [ ! -s "$dir/final.heapsnapshot" ]; then
    mkdir -p "$dir"
    # Node needs several times the heap size to write a snapshot.
    node --max-old-space-size=$((size * 12 + 2048)) gen.js "$dir" "$size"
  fi
  ls -l "$dir"/*.heapsnapshot | awk '{ printf "  %s %d MB\n", $NF, $5 / 1e6 }'
  smallest=$(stat -c %s "$dir"/*.heapsnapshot | sort -n | head -1)
  measure leaklint "$dir/leaklint" "$leaklint" heap diff "$dir/base.heapsnapshot" "$dir/target.heapsnapshot" "$dir/final.heapsnapshot"
  ours=$median
  ours_peak=$peak
  # memlab's bin has a `#!/usr/bin/env node --expose-gc ...` line Linux cannot run; call node directly.
  measure memlab "$dir/memlab" node --expose-gc --max-old-space-size=$((size * 40 + 4096)) node_modules/memlab/bin/memlab \
    find-leaks --baseline "$dir/base.heapsnapshot" --target "$dir/target.heapsnapshot" --final "$dir/final.heapsnapshot" \
    --work-dir "$dir/memlab-work"
  awk -v a="$median" -v b="$ours" -v p="$ours_peak" -v f="$smallest" 'BEGIN {
    printf "%-8s leaklint is %.1fx faster (medians); peak RSS %d MB is %.0f%% of the smallest file (%d MB)\n",
      "", a / b, p, 100 * p / (f / 1e6), f / 1e6 }'
done

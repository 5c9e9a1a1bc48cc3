#!/usr/bin/env bash
# Times `leaklint heap diff BASE TARGET FINAL` against `memlab find-leaks` on
# the same three snapshots (wall time and peak RSS from /usr/bin/time -v).
#   bench/heap/run.sh [SIZE_MB ...]     default: 100
# Snapshots go to bench/heap/out/<size>/ (gitignored) and are reused;
# memlab (pinned in package.json/package-lock.json) installs into
# bench/heap/node_modules (gitignored). Not part of CI.
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
repo=$(cd ../.. && pwd)
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(100)

if [ ! -x node_modules/.bin/memlab ]; then
  # --ignore-scripts: puppeteer's postinstall would download Chrome, which snapshot analysis does not need.
  npm ci --no-audit --no-fund --ignore-scripts
fi
target_dir=${CARGO_TARGET_DIR:-$repo/target}
(cd "$repo" && cargo build --release -p leaklint_cli)
leaklint="$target_dir/release/leaklint"

measure() { # name log command...
  local name=$1 log=$2
  shift 2
  /usr/bin/time -v "$@" >"$log.out" 2>"$log.err" || { echo "$name failed, see $log.err" >&2; return 1; }
  local wall rss
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log.err")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log.err")
  printf '%-10s %-10s wall %-10s peak RSS %6d MB\n' "$size MB" "$name" "$wall" $((rss / 1024))
}

for size in "${sizes[@]}"; do
  dir="$here/out/$size"
  if [ ! -f "$dir/final.heapsnapshot" ]; then
    mkdir -p "$dir"
    # Node needs several times the heap size to write a snapshot.
    node --max-old-space-size=$((size * 12 + 2048)) gen.js "$dir" "$size"
  fi
  ls -l "$dir"/*.heapsnapshot | awk '{ printf "  %s %d MB\n", $NF, $5 / 1e6 }'
  measure leaklint "$dir/leaklint" "$leaklint" heap diff "$dir/base.heapsnapshot" "$dir/target.heapsnapshot" "$dir/final.heapsnapshot"
  # memlab's bin has a `#!/usr/bin/env node --expose-gc ...` line Linux cannot run; call node directly.
  measure memlab "$dir/memlab" node --expose-gc --max-old-space-size=$((size * 40 + 4096)) node_modules/memlab/bin/memlab \
    find-leaks --baseline "$dir/base.heapsnapshot" --target "$dir/target.heapsnapshot" --final "$dir/final.heapsnapshot" \
    --work-dir "$dir/memlab-work"
done

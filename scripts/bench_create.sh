#!/usr/bin/env bash
# Benchmark of a whole `create` (flush, segment listing, copy with CRC-32C, data synced,
# metadata) on a collection of many small segments, against `cp -r` + `sync` of the same
# segment files, run side by side in the sandbox (Milvus 2.3.5, local storage). Each side runs
# 3 times into a fresh directory; the median counts. Not part of the test suite.
#
# Usage: scripts/bench_create.sh [SEGMENTS] [PARALLELISM]        (default 80 8)
#   MBT_BENCH_OTHER_BIN=PATH   also time another build (e.g. of an older commit) side by side
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ "${MBT_BENCH_INSIDE:-}" != 1 ]]; then
    scripts/sandbox/prepare.sh
    cargo build --release --quiet
    export MBT_BENCH_INSIDE=1
    exec scripts/sandbox/run.sh --servers "M235_LOCAL" -- "$0" "$@"
fi

# --- inside the sandbox namespace, servers up, env.sh sourced -------------------------------
segments="${1:-80}" par="${2:-8}"
bin="$PWD/target/release/milvus-backup-tui"
other="${MBT_BENCH_OTHER_BIN:-}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# shellcheck source=scripts/sandbox/lib.sh
source scripts/sandbox/lib.sh
{ local_config "$work/backups"; printf '\n[backup]\nparallelism = %s\n' "$par"; } > "$work/config.toml"
tool() { "$1" --config "$work/config.toml" -q "${@:2}"; }

echo "seeding $segments segments of 500 rows (128-dim vectors), one flush each ..." >&2
"$MBT_PYTHON" "$MBT_DATA_SCRIPT" seed --addr "$MBT_M235_LOCAL_ADDR" --collection bench \
    --kind bench --rows $((segments * 500)) --flush-each-batch --replace >/dev/null
tool "$bin" create -n warmup --filter default.bench
read -r coll_id segs files mib < <(tool "$bin" get -n warmup --json | python3 -c '
import json, sys
c = json.load(sys.stdin)["collection_backups"][0]
segs = [s for p in c.get("partition_backups", []) for s in p.get("segment_backups", [])]
logs = [b for s in segs for f in s.get("binlogs", []) + s.get("deltalogs", [])
        for b in f.get("binlogs", [])]
print(c["collection_id"], len(segs), len(logs),
      round(sum(b.get("log_size", 0) for b in logs) / 2**20, 1))')
src="$MBT_M235_LOCAL_ROOT"

now() { date +%s.%N; }
n=0
run() { # command... ; prints the median of 3 runs
    local times=()
    for _ in 1 2 3; do
        n=$((n + 1))
        rm -rf "$work/dst"
        mkdir -p "$work/dst"
        sync
        local t0; t0=$(now)
        "$@" "b$n" >/dev/null
        times+=("$(python3 -c "print($(now) - $t0)")")
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n 2p
}
copy_cp() { # the segment files only, then sync: what a hand-made copy would take
    cp -r "$src/insert_log/$coll_id" "$work/dst/insert_log" &&
        { [[ ! -d "$src/delta_log/$coll_id" ]] || cp -r "$src/delta_log/$coll_id" "$work/dst/delta_log"; } &&
        sync
}
create_with() { tool "$1" create -n "$2" --filter default.bench; }

t_tool=$(run create_with "$bin")
t_cp=$(run copy_cp)
t_other=""
[[ -z "$other" ]] || t_other=$(run create_with "$other")
python3 - "$segs" "$files" "$mib" "$par" "$t_tool" "$t_cp" "$t_other" <<'PY'
import sys
segs, files, mib, par = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
tool, cp = float(sys.argv[5]), float(sys.argv[6])
print(f"{segs} segments, {files} files, {mib} MiB, parallelism {par}, median of 3")
print(f"milvus-backup-tui create:   {tool:.2f} s  (flush, listing, copy with CRC-32C, sync, metadata)")
print(f"cp -r of the files + sync:  {cp:.2f} s")
print(f"ratio vs cp -r + sync: {cp / tool:.2f}  (above 1: the tool is faster)")
if sys.argv[7]:
    other = float(sys.argv[7])
    print(f"other build's create:       {other:.2f} s  (this build is {other / tool:.2f}x as fast)")
PY

#!/usr/bin/env bash
# Benchmark of the copy path that `create` and restore staging use (streaming copy, CRC-32C on
# the way, size check, data synced to disk, bounded parallelism), as a ratio against `cp -r` of
# the same tree (with and without a final `sync`), run side by side on the same machine and data. The tree mimics Milvus binlogs: many files of a
# few hundred KiB to a few MiB of incompressible data. Each side runs 3 times into a fresh
# directory; the median counts. Not part of the test suite.
#
# Usage: scripts/bench.sh [FILES] [MIB_PER_FILE] [PARALLELISM]     (default 400 2 8)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
files="${1:-400}" mib="${2:-2}" par="${3:-8}"
cargo build --release --quiet --example copy_bench
bench="$PWD/target/release/examples/copy_bench"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "making $files files of $mib MiB ..." >&2
for i in $(seq 1 "$files"); do
    d="$work/src/insert_log/1/2/$((i % 20))/$((100 + i % 7))"
    mkdir -p "$d"
    head -c "$((mib * 1048576))" /dev/urandom > "$d/$i"
done
cat "$work"/src/insert_log/*/*/*/*/* > /dev/null   # warm the page cache for both sides

now() { date +%s.%N; }
run() { # label command...
    local times=()
    for n in 1 2 3; do
        rm -rf "$work/dst"
        local t0; t0=$(now)
        "$@" >/dev/null
        times+=("$(python3 -c "print($(now) - $t0)")")
        sync
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n 2p
}
tool=$(run "$bench" "$work/src" "$work/dst" "$par")
cpr=$(run cp -r "$work/src" "$work/dst")
cps=$(run sh -c "cp -r '$work/src' '$work/dst' && sync")
python3 - "$files" "$mib" "$par" "$tool" "$cpr" "$cps" <<'PY'
import sys
files, mib, par = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
tool, cp, cps = float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
total = files * mib
print(f"{files} files, {total} MiB, parallelism {par}, median of 3")
print(f"milvus-backup-tui copy path: {tool:.2f} s  ({total / tool:.0f} MiB/s; CRC-32C, data synced)")
print(f"cp -r then sync:             {cps:.2f} s  ({total / cps:.0f} MiB/s; the same durability)")
print(f"cp -r:                       {cp:.2f} s  ({total / cp:.0f} MiB/s; data still in the page cache)")
print(f"ratio vs cp -r + sync: {cps / tool:.2f}; vs cp -r: {cp / tool:.2f}  (above 1: the tool is faster)")
PY

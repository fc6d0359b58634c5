#!/usr/bin/env bash
# Benchmarks of many things at once, in the sandbox (Milvus 2.3.5, local storage):
#   1. `create` of COLLECTIONS collections (100 rows each, database `many`) in one run: wall
#      time, and Milvus calls per collection (counted from the debug log, one line per RPC);
#   2. `list` over BACKUPS backups (copies of one real backup, each with its own name in its
#      metadata): median of 3.
# Not part of the test suite.
#
# Usage: scripts/bench_many.sh [COLLECTIONS] [BACKUPS]        (default 1000 1000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ "${MBT_BENCH_INSIDE:-}" != 1 ]]; then
    scripts/sandbox/prepare.sh
    cargo build --release --quiet
    export MBT_BENCH_INSIDE=1
    exec scripts/sandbox/run.sh --servers "M235_LOCAL" -- "$0" "$@"
fi

# --- inside the sandbox namespace, servers up, env.sh sourced -------------------------------
colls="${1:-1000}" backups="${2:-1000}"
bin="$PWD/target/release/milvus-backup-tui"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# shellcheck source=scripts/sandbox/lib.sh
source scripts/sandbox/lib.sh
local_config "$work/backups" >"$work/config.toml"
chmod 600 "$work/config.toml"
now() { date +%s.%N; }

echo "making $colls collections of 100 rows in database many ..." >&2
t0=$(now)
"$MBT_PYTHON" - "$MBT_M235_LOCAL_ADDR" "$colls" <<'PY'
import sys
from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections, db
host, port = sys.argv[1].rsplit(":", 1)
connections.connect(host=host, port=port)
if "many" not in db.list_database():
    db.create_database("many")
db.using_database("many")
schema = CollectionSchema([FieldSchema("pk", DataType.INT64, is_primary=True),
                           FieldSchema("vec", DataType.FLOAT_VECTOR, dim=8)])
for i in range(int(sys.argv[2])):
    c = Collection(f"c{i:05d}", schema=schema, shards_num=1)
    c.insert([list(range(100)), [[float(i % 7)] * 8 for _ in range(100)]])
    if i % 100 == 99:
        print(f"{i + 1} collections", file=sys.stderr, flush=True)
PY
t1=$(now)
MBT_LOG=debug "$bin" --config "$work/config.toml" --log-file "$work/create.log" -q \
    create -n many --filter 'many.*' >"$work/create.out"
t2=$(now)
rpcs=$(grep -c 'rpc=' "$work/create.log" || true)

echo "making $backups backups for list ..." >&2
"$bin" --config "$work/config.toml" -q create -n one --filter many.c00000 >/dev/null
python3 - "$work/backups" "$backups" <<'PY'
import json, os, shutil, sys
root, n = sys.argv[1], int(sys.argv[2])
src = os.path.join(root, "one")
for i in range(n):
    name = f"copy_{i:05d}"
    dst = os.path.join(root, name)
    shutil.copytree(src, dst)
    for f in os.listdir(os.path.join(dst, "meta")):
        p = os.path.join(dst, "meta", f)
        text = open(p).read().replace('"name":"one"', f'"name":"{name}"')
        open(p, "w").write(text)
PY
times=()
for _ in 1 2 3; do
    t=$(now)
    "$bin" --config "$work/config.toml" list >/dev/null
    times+=("$(python3 -c "print($(now) - $t)")")
done
list_median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
listed=$("$bin" --config "$work/config.toml" list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')

python3 - "$colls" "$t0" "$t1" "$t2" "$rpcs" "$list_median" "$listed" <<'PY'
import sys
colls, t0, t1, t2, rpcs, lst, listed = sys.argv[1:8]
colls = int(colls)
print(f"setup of {colls} collections: {float(t1) - float(t0):.1f} s (pymilvus)")
print(f"create of {colls} collections: {float(t2) - float(t1):.1f} s, {rpcs} Milvus calls "
      f"({int(rpcs) / colls:.1f} per collection)")
print(f"list over {listed} backups: {float(lst):.2f} s (median of 3)")
PY
cat "$work/create.out"

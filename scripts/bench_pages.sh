#!/usr/bin/env bash
# Measures the portable reader (src/portable/pages.rs): every row of a ROWS x 128-dim
# collection on Milvus 2.3.5 read in pk-ordered pages of 1000, 4000 and 16000 rows, with the
# client's peak RSS. Debug build of examples/read_pages.rs (the server dominates the time).
# Not part of the test suite. See docs/portable.md.
#
# Usage: scripts/bench_pages.sh [ROWS]        (default 100000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ "${MBT_BENCH_INSIDE:-}" != 1 ]]; then
    scripts/sandbox/prepare.sh
    cargo build --quiet --example read_pages
    export MBT_BENCH_INSIDE=1
    exec scripts/sandbox/run.sh --servers "M235_LOCAL" -- "$0" "$@"
fi

# --- inside the sandbox namespace, servers up -------------------------------------------------
rows="${1:-100000}"
# shellcheck source=/dev/null
source .sandbox/run/env.sh
echo "seeding $rows rows (128-dim vectors) ..." >&2
"$MBT_PYTHON" "$MBT_DATA_SCRIPT" seed --addr "$MBT_M235_LOCAL_ADDR" --collection bench \
    --kind bench --rows "$rows" --no-delete --replace >/dev/null
"$MBT_PYTHON" - <<'PY'
import os
from pymilvus import Collection, connections
host, port = os.environ["MBT_M235_LOCAL_ADDR"].split(":")
connections.connect(host=host, port=port)
coll = Collection("bench")
coll.create_index("vec", {"index_type": "FLAT", "metric_type": "L2", "params": {}})
coll.load()
PY
for page in 1000 4000 16000; do
    target/debug/examples/read_pages "$MBT_M235_LOCAL_ADDR" default bench "$page"
done

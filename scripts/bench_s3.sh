#!/usr/bin/env bash
# Benchmarks of `create` on S3 at real size, side by side with rclone on the same objects, in the
# sandbox: Milvus 2.3.5 on Garage (M235_GARAGE, binlogs up to ~128 MiB) and on local storage
# (M235_LOCAL), both seeded with ROWS rows of 128-dim vectors. Median of RUNS runs each; max RSS
# of each tool run from /usr/bin/time. Not part of the test suite.
#
#   1. S3 -> another bucket of the same S3: the tool (server-side CopyObject), the tool with
#      server_side_copy = false (streamed), rclone copy (server-side too)
#   2. S3 -> local directory: the tool vs rclone copy + sync
#      local -> S3: the tool (create from M235_LOCAL into Garage) vs rclone copy
#   3. local -> local: the tool vs cp -r + sync of the same segment files
#
# Usage: scripts/bench_s3.sh [ROWS] [PARALLELISM] [RUNS]        (default 1000000 8 3)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ "${MBT_BENCH_INSIDE:-}" != 1 ]]; then
    for pkg in rclone time; do
        cmd=$pkg; [[ $pkg == time ]] && cmd=/usr/bin/time
        command -v "$cmd" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$pkg" >/dev/null; }
    done
    scripts/sandbox/prepare.sh
    cargo build --release --quiet
    export MBT_BENCH_INSIDE=1
    exec scripts/sandbox/run.sh --servers "M235_GARAGE M235_LOCAL" -- "$0" "$@"
fi

# --- inside the sandbox namespace, servers up, env.sh sourced -------------------------------
rows="${1:-1000000}" par="${2:-8}" runs="${3:-3}"
bin="$PWD/target/release/milvus-backup-tui"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
scale="$(dirname "$MBT_DATA_SCRIPT")/scale_data.py"
# rclone reads its remote from the environment; it refuses to start while AWS_CA_BUNDLE is set.
unset AWS_CA_BUNDLE
export RCLONE_CONFIG_G_TYPE=s3 RCLONE_CONFIG_G_PROVIDER=Other RCLONE_CONFIG_G_REGION=us-east-1 \
    RCLONE_CONFIG_G_ENDPOINT="$MBT_GARAGE_ENDPOINT" \
    RCLONE_CONFIG_G_ACCESS_KEY_ID="$MBT_GARAGE_ACCESS_KEY" \
    RCLONE_CONFIG_G_SECRET_ACCESS_KEY="$MBT_GARAGE_SECRET_KEY"

garage_storage() { # BUCKET ROOT
    printf 'provider = "s3"\nbucket = "%s"\nroot = "%s"\nendpoint = "%s"\nregion = "us-east-1"\naccess_key_id = "%s"\nsecret_access_key = "%s"\n' \
        "$1" "$2" "$MBT_GARAGE_ENDPOINT" "$MBT_GARAGE_ACCESS_KEY" "$MBT_GARAGE_SECRET_KEY"
}
config() { # NAME MILVUS(garage|local) BACKUP(garage|local) SERVER_SIDE
    {
        if [[ $2 == garage ]]; then
            printf '[milvus]\naddress = "%s"\n\n[milvus.storage]\n' "$MBT_M235_GARAGE_ADDR"
            garage_storage "$MBT_GARAGE_MILVUS_BUCKET" "$MBT_M235_GARAGE_ROOTPATH"
        else
            printf '[milvus]\naddress = "%s"\n\n[milvus.storage]\nprovider = "fs"\nroot = "%s"\n' \
                "$MBT_M235_LOCAL_ADDR" "$MBT_M235_LOCAL_ROOT"
        fi
        printf '\n[backup]\nparallelism = %s\nserver_side_copy = %s\n\n[backup.storage]\n' "$par" "$4"
        if [[ $3 == garage ]]; then garage_storage "$MBT_GARAGE_BACKUP_BUCKET" "bench-$1"
        else printf 'provider = "fs"\nroot = "%s/backups-%s"\n' "$work" "$1"; fi
    } >"$work/$1.toml"
    chmod 600 "$work/$1.toml"
}

echo "seeding $rows rows into M235_GARAGE and M235_LOCAL ..." >&2
for addr in "$MBT_M235_GARAGE_ADDR" "$MBT_M235_LOCAL_ADDR"; do
    "$MBT_PYTHON" "$scale" seed --addr "$addr" --collection bench --rows "$rows" >/dev/null
done
config g2g garage garage true
config g2g_streamed garage garage false
config g2l garage local true
config l2g local garage true
config l2l local local true
"$bin" --config "$work/g2g.toml" -q create -n warmup --filter default.bench >/dev/null
read -r coll_id files mib < <("$bin" --config "$work/g2g.toml" get -n warmup --json | python3 -c '
import json, sys
c = json.load(sys.stdin)["collection_backups"][0]
logs = [b for p in c.get("partition_backups", []) for s in p.get("segment_backups", [])
        for f in s.get("binlogs", []) + s.get("deltalogs", []) for b in f.get("binlogs", [])]
print(c["collection_id"], len(logs), round(sum(b["log_size"] for b in logs) / 2**20, 1))')
local_coll=$("$bin" --config "$work/l2g.toml" -q create -n warmup_l --filter default.bench >/dev/null &&
    "$bin" --config "$work/l2g.toml" get -n warmup_l --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["collection_backups"][0]["collection_id"])')
src="g:$MBT_GARAGE_MILVUS_BUCKET/$MBT_M235_GARAGE_ROOTPATH"

now() { date +%s.%N; }
n=0
rss_file="$work/rss"
median() { sort -n | sed -n "$(((runs + 1) / 2))p"; }
run() { # LABEL command... : the median wall time of RUNS runs; max RSS of the tool runs
    local label="$1" times=() rss=()
    shift
    for _ in $(seq "$runs"); do
        n=$((n + 1))
        rm -rf "$work/dst"
        mkdir -p "$work/dst"
        echo 0 >"$rss_file"
        local t0; t0=$(now)
        "$@" "b$n" >/dev/null
        times+=("$(python3 -c "print($(now) - $t0)")")
        rss+=("$(tail -n 1 "$rss_file")")
    done
    printf '%s %s %s\n' "$label" "$(printf '%s\n' "${times[@]}" | median)" \
        "$(printf '%s\n' "${rss[@]}" | sort -n | tail -n 1)" >>"$work/results"
}
# The tool's runs record their max RSS (KiB) in $rss_file; the baselines leave 0 there.
create() {
    /usr/bin/time -f %M -o "$rss_file" \
        "$bin" --config "$work/$1.toml" -q create -n "$2" --filter default.bench
}
rclone_s3() { # the collection's binlogs into another bucket (server-side copy within a remote)
    for d in insert_log delta_log; do
        rclone copy --transfers "$par" "$src/$d/$coll_id" "g:$MBT_GARAGE_BACKUP_BUCKET/rclone-$1/$d" || return 1
    done
}
rclone_down() { for d in insert_log delta_log; do
    rclone copy --transfers "$par" "$src/$d/$coll_id" "$work/dst/$d" || return 1; done; sync; }
copy_cp() { for d in insert_log delta_log; do
    [[ ! -d "$MBT_M235_LOCAL_ROOT/$d/$local_coll" ]] ||
        cp -r "$MBT_M235_LOCAL_ROOT/$d/$local_coll" "$work/dst/$d" || return 1; done; sync; }
rclone_up() { for d in insert_log delta_log; do
    [[ ! -d "$MBT_M235_LOCAL_ROOT/$d/$local_coll" ]] ||
        rclone copy --transfers "$par" "$MBT_M235_LOCAL_ROOT/$d/$local_coll" \
            "g:$MBT_GARAGE_BACKUP_BUCKET/rclone-up-$1/$d" || return 1; done; }

run tool_s3_to_s3_server_side create g2g
run tool_s3_to_s3_streamed create g2g_streamed
run rclone_s3_to_s3 rclone_s3
run tool_s3_to_local create g2l
run rclone_s3_to_local_sync rclone_down
run tool_local_to_s3 create l2g
run rclone_local_to_s3 rclone_up
run tool_local_to_local create l2l
run cp_local_to_local_sync copy_cp

python3 - "$work/results" "$rows" "$files" "$mib" "$par" "$runs" <<'PY'
import sys
r = {}
for line in open(sys.argv[1]):
    label, t, rss = line.split()
    r[label] = (float(t), int(rss) // 1024)
rows, files, mib, par, runs = sys.argv[2:7]
print(f"{rows} rows: {files} binlog files, {mib} MiB; parallelism {par}; median of {runs}")
for label, (t, rss) in r.items():
    mem = f"   max RSS {rss} MiB" if rss else ""
    print(f"  {label:28s} {t:7.2f} s   {float(mib) / t:8.1f} MiB/s{mem}")
def ratio(a, b):
    return r[b][0] / r[a][0]
print(f"S3->S3: tool (server-side) vs rclone: {ratio('tool_s3_to_s3_server_side', 'rclone_s3_to_s3'):.2f}x; "
      f"server-side vs streamed: {ratio('tool_s3_to_s3_server_side', 'tool_s3_to_s3_streamed'):.2f}x")
print(f"S3->local: tool vs rclone + sync: {ratio('tool_s3_to_local', 'rclone_s3_to_local_sync'):.2f}x")
print(f"local->S3: tool vs rclone: {ratio('tool_local_to_s3', 'rclone_local_to_s3'):.2f}x")
print(f"local->local: tool vs cp -r + sync: {ratio('tool_local_to_local', 'cp_local_to_local_sync'):.2f}x")
print("(above 1: the tool is faster; the tool's times are whole creates: flush, listing, copy, metadata)")
PY

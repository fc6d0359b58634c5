#!/usr/bin/env bash
# Try milvus-backup-tui on a sandbox Milvus 2.3.5 with sample data, in a private network
# namespace: seed two collections, check, back up, list, restore under a suffix, and show the
# restored row counts. Everything is removed when it ends.
#
# Usage: scripts/demo.sh            (as root, or where user namespaces are allowed)
#        scripts/demo.sh --shell    ... then leave you in a shell inside the sandbox
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ "${MBT_DEMO_INSIDE:-}" != 1 ]]; then
    scripts/sandbox/prepare.sh
    cargo build --quiet
    export MBT_DEMO_INSIDE=1
    exec scripts/sandbox/run.sh --servers "M235_LOCAL" -- "$0" "$@"
fi

# --- inside the sandbox namespace, servers up, env.sh sourced -------------------------------
bin="$PWD/target/debug/milvus-backup-tui"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# shellcheck source=scripts/sandbox/lib.sh
source scripts/sandbox/lib.sh
local_config "$work/backups" > "$work/config.toml"
show() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
data() { "$MBT_PYTHON" "$MBT_DATA_SCRIPT" "$@"; }

echo "seeding sample data (pymilvus) ..."
data seed --addr "$MBT_M235_LOCAL_ADDR" --db default --collection books --kind rich >/dev/null
data seed --addr "$MBT_M235_LOCAL_ADDR" --db default --collection tags --kind varchar_binary >/dev/null
cd "$work"
show "$bin" --config config.toml check
show "$bin" --config config.toml create -n demo
show "$bin" --config config.toml list
show "$bin" --config config.toml get -n demo
show "$bin" --config config.toml restore -n demo -s _copy --dry-run
show "$bin" --config config.toml restore -n demo -s _copy
show "$bin" compat
for c in books books_copy tags tags_copy; do
    printf '%-12s live rows: %s\n' "$c" "$(data count --addr "$MBT_M235_LOCAL_ADDR" --db default --collection "$c")"
done
if [[ "${1:-}" == --shell ]]; then
    echo "you are inside the sandbox; the config is $work/config.toml; exit to stop it"
    bash -i
fi

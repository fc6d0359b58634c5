#!/usr/bin/env bash
# Stop every sandbox server started by start.sh (pid files in .sandbox/run/pids).
#
# SIGTERM first; whatever still runs after MBT_STOP_GRACE seconds (default 5)
# gets SIGKILL. A graceful Milvus stop would wait for loaded collections to be
# released (2.3.5) or retry a final sync (2.2.16, 30-47 s); the sandbox's data is
# thrown away anyway, so it is not worth waiting for. Safe to run twice.
set -euo pipefail

# shellcheck source=scripts/sandbox/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Finish the job even when Ctrl-C or SIGTERM arrives meanwhile.
trap '' INT TERM HUP

GRACE="${MBT_STOP_GRACE:-5}"

# The pid files hold PIDs of the namespace that started the servers; from any
# other namespace they name unrelated processes (or none): leave them alone.
if [[ ! -f "$RUN_DIR/pids/namespace" ]]; then
    exit 0
fi
if [[ "$(cat "$RUN_DIR/pids/namespace")" != "$(pid_namespace)" ]]; then
    log "the sandbox in $RUN_DIR was started in another PID namespace: not stopping it"
    exit 0
fi
pids=()
for f in "$RUN_DIR"/pids/*.pid; do
    [[ -e "$f" ]] || continue
    pid="$(cat "$f")"
    if alive "$pid"; then
        # Peak memory, for the record (and for sizing CI).
        hwm="$(awk '/^VmHWM:/ {printf "%d MB", $2 / 1024}' "/proc/$pid/status" 2>/dev/null || true)"
        log "stopping $(basename "$f" .pid) (pid $pid, peak RSS ${hwm:-?})"
        kill -TERM "$pid" 2>/dev/null || true
        pids+=("$pid")
    fi
    rm -f "$f"
done
((${#pids[@]})) || exit 0

deadline=$((SECONDS + GRACE))
while ((SECONDS < deadline)); do
    running=()
    for pid in "${pids[@]}"; do
        alive "$pid" && running+=("$pid")
    done
    ((${#running[@]})) || break
    sleep 0.2
done
for pid in "${pids[@]}"; do
    if alive "$pid"; then
        kill -KILL "$pid" 2>/dev/null || true
    fi
done
# Reap our own children (when called from the script that started them) so
# that no zombie outlives the run.
wait 2>/dev/null || true
rm -f "$ENV_FILE" "$RUN_DIR/pids/namespace"
log "sandbox stopped (${#pids[@]} processes)"

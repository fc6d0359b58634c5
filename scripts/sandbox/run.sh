#!/usr/bin/env bash
# Run a command inside a private network namespace with the sandbox servers up.
#
# Usage: scripts/sandbox/run.sh [--servers "M235_LOCAL M2216 ..."] [--] CMD [ARG...]
#
# Outside the namespace it starts itself again under
#   unshare --net --pid --mount-proc --fork --kill-child
# (with --map-root-user when not root). Inside: loopback up, start.sh,
# `source .sandbox/run/env.sh`, CMD, then stop.sh (also on failure, Ctrl-C or
# SIGTERM). Exits with CMD's status. The namespace sees the same filesystem,
# but no network besides its own loopback: download and build (prepare.sh,
# cargo build) before calling this.
#
# No server outlives the run: the namespace has its own PID space, so when its
# first process (this script, inside) ends, the kernel kills whatever is left
# in it; and if unshare itself is killed, --kill-child takes that first
# process with it. SIGTERM/SIGINT/SIGHUP sent to this script are passed on to
# the inside, which stops the command and the servers (unshare ignores them).
set -euo pipefail

# shellcheck source=scripts/sandbox/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

servers=""
if [[ "${1:-}" == --servers ]]; then
    servers="$2"
    shift 2
fi
[[ "${1:-}" != -- ]] || shift
(($#)) || die "usage: run.sh [--servers \"NAME...\"] [--] CMD [ARG...]"

# --- outside: enter the namespace -------------------------------------------
if [[ "${MBT_IN_SANDBOX_NS:-}" != 1 ]]; then
    command -v unshare >/dev/null || die "unshare (util-linux) is needed"
    ns=(unshare --net --pid --mount-proc --fork --kill-child)
    [[ "$(id -u)" == 0 ]] || ns+=(--map-root-user)
    export MBT_IN_SANDBOX_NS=1
    if [[ -t 0 ]]; then
        # A terminal sends Ctrl-C to every process of the job anyway.
        exec "${ns[@]}" "$SANDBOX_LIB_DIR/run.sh" --servers "$servers" -- "$@"
    fi
    "${ns[@]}" "$SANDBOX_LIB_DIR/run.sh" --servers "$servers" -- "$@" &
    ns_pid=$!
    # shellcheck disable=SC2317 # called from the traps
    forward() {
        local inner
        inner="$(pgrep -P "$ns_pid" || true)"
        [[ -z "$inner" ]] || kill -"$1" "$inner" 2>/dev/null || true
    }
    trap 'forward TERM' TERM
    trap 'forward INT' INT
    trap 'forward HUP' HUP
    status=0
    while true; do
        wait "$ns_pid" && status=0 || status=$?
        alive "$ns_pid" || break # else: a trap interrupted the wait
    done
    exit "$status"
fi

# --- inside the namespace ------------------------------------------------------
ip link set lo up
trap '"$SANDBOX_LIB_DIR/stop.sh" || true' EXIT

# shellcheck disable=SC2086 # word splitting of the server list is intended
"$SANDBOX_LIB_DIR/start.sh" $servers
# shellcheck source=/dev/null
source "$ENV_FILE"

status=0
if [[ -t 0 ]]; then
    trap 'exit 130' INT
    trap 'exit 143' TERM
    "$@" || status=$?
else
    # In the background, so that a signal is handled at once rather than when
    # the command ends: stop the command, then (EXIT trap) the servers.
    "$@" &
    cmd_pid=$!
    # shellcheck disable=SC2317 # called from the traps
    on_signal() {
        kill -TERM "$cmd_pid" 2>/dev/null || true
        wait "$cmd_pid" 2>/dev/null || true
        exit "$1"
    }
    trap 'on_signal 130' INT
    trap 'on_signal 143' TERM
    trap 'on_signal 129' HUP
    wait "$cmd_pid" || status=$?
fi
exit "$status"

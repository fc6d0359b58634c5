#!/usr/bin/env bash
# The project's test command: unit tests plus the tests against real Milvus servers.
#
# Usage: scripts/test.sh [CARGO_TEST_ARG...] [-- TEST_BINARY_ARG...]
#   scripts/test.sh                         everything
#   scripts/test.sh backup_roundtrip        tests whose name contains backup_roundtrip
#   scripts/test.sh --test restore -- --nocapture
#
# Steps:
#   1. scripts/sandbox/prepare.sh: Milvus 2.3.5 and 2.2.16 binaries, s3s-fs and
#      a Python venv with pymilvus, cached in .sandbox/ (cold ~5 min, warm ~0 s).
#   2. cargo build --all-targets and cargo test --no-run: these need crates.io,
#      so they run before entering the namespace.
#   3. scripts/sandbox/run.sh: a private network namespace (same filesystem),
#      the servers of scripts/sandbox/start.sh, then
#      cargo test --offline --no-fail-fast ARGS -- --include-ignored --test-threads=N ARGS
#      The tests against real servers are #[ignore]d, so a bare `cargo test`
#      runs only the unit tests; here they all run. They read the MBT_*
#      variables described at the top of scripts/sandbox/start.sh.
#   4. The servers are stopped whatever happens; the exit status is cargo's.
#
# Environment: MBT_TEST_THREADS (default 2), MBT_SERVERS_TO_START (default: all,
# e.g. "M235_LOCAL M2216" to start fewer), MBT_SANDBOX_DIR (default .sandbox).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Split our arguments: before `--` for cargo, after it for the test binaries.
cargo_args=()
test_args=()
while (($#)); do
    if [[ "$1" == -- ]]; then
        shift
        test_args=("$@")
        break
    fi
    cargo_args+=("$1")
    shift
done

t0=$SECONDS
scripts/sandbox/prepare.sh
t1=$SECONDS
cargo build --all-targets
cargo test --no-run
t2=$SECONDS
echo "[test.sh] prepare took $((t1 - t0)) s, build $((t2 - t1)) s; starting the sandbox" >&2

# exec: run.sh passes SIGTERM/SIGINT on to the namespace and stops the servers.
exec scripts/sandbox/run.sh --servers "${MBT_SERVERS_TO_START:-}" -- \
    cargo test --offline --no-fail-fast "${cargo_args[@]}" -- \
    --include-ignored --test-threads="${MBT_TEST_THREADS:-2}" "${test_args[@]}"

# shellcheck shell=bash disable=SC2034  # the variables are for the sourcing scripts
# Common settings for the sandbox scripts. Source it; do not run it.
#
# Everything the sandbox downloads, builds or runs lives under $SANDBOX
# (default: <repo>/.sandbox, git-ignored). Override with MBT_SANDBOX_DIR.

SANDBOX_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SANDBOX_LIB_DIR/../.." && pwd)"
SANDBOX="${MBT_SANDBOX_DIR:-$REPO/.sandbox}"
mkdir -p "$SANDBOX"
SANDBOX="$(cd "$SANDBOX" && pwd)"

# Milvus versions taken from the PyPI `milvus` wheels (Linux x86-64 builds).
MILVUS_VERSIONS=(2.3.5 2.2.16)

# S3 server for the S3-backed Milvus and for the tool's S3 tests.
S3S_FS_VERSION=0.14.1
S3S_FS_BIN="$SANDBOX/tools/bin/s3s-fs"

# Garage: a production S3 store (used here only as a test server binary, never linked).
# s3s-fs cannot hold multipart uploads under real backup keys; Garage can.
GARAGE_VERSION=2.5.0
GARAGE_BIN="$SANDBOX/tools/bin/garage"
# Azurite (Microsoft's Azure Storage emulator, npm), blob service only, with its
# well-known development account (public in Microsoft's documentation).
AZURITE_VERSION=3.37.0
AZURITE_DIR="$SANDBOX/azurite"
AZURITE_BIN="$AZURITE_DIR/node_modules/.bin/azurite-blob"
AZURITE_PORT=10000
AZURITE_ACCOUNT=devstoreaccount1
AZURITE_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
AZURITE_CONTAINER=mbt-backups

VENV="$SANDBOX/venv"
PYTHON_BIN="$VENV/bin/python"

# Milvus Lite (PyPI milvus-lite) and pymilvus 3 in a venv of their own.
LITE_VENV="$SANDBOX/venv-lite"
LITE_PYTHON_BIN="$LITE_VENV/bin/python"

# Runtime state of one `start.sh` run: configs, data, logs, pid files, env.sh.
RUN_DIR="$SANDBOX/run"
ENV_FILE="$RUN_DIR/env.sh"

# Test credentials of the local S3 server (never real secrets).
S3_ACCESS_KEY="mbt-test-access"
S3_SECRET_KEY="mbt-test-secret-key"
S3_HOST=127.0.0.1
S3_PORT=9000

# Garage's S3 API, its RPC and admin ports; test credentials in Garage's own key format
# (GK + 24 hex digits, 64 hex digits), never real secrets.
GARAGE_S3_PORT=3900
GARAGE_RPC_PORT=3901
GARAGE_ADMIN_PORT=3903
GARAGE_ACCESS_KEY="GK6d62742d746573742d6b6579"
GARAGE_SECRET_KEY="6d62742d746573742d7365637265742d6b65792d6f662d7468652d73616e6462"

log() { printf '[sandbox %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# alive PID: the process exists and is not a zombie.
alive() {
    local state
    state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
    [[ -n "$state" && "$state" != Z ]]
}

# The PID namespace we run in, e.g. pid:[4026532345].
pid_namespace() { readlink /proc/self/ns/pid; }

milvus_home() { echo "$SANDBOX/milvus-$1"; }

# A tool configuration for the sandbox's Milvus 2.3.5 on local storage (M235_LOCAL), backups in
# directory $1; for scripts run inside the sandbox (env.sh sourced). Prints it.
local_config() {
    cat <<TOML
[milvus]
address = "$MBT_M235_LOCAL_ADDR"

[milvus.storage]
provider = "fs"
root = "$MBT_M235_LOCAL_ROOT"

[backup.storage]
provider = "fs"
root = "$1"
TOML
}

#!/usr/bin/env bash
# An interactive shell inside a private network namespace with the sandbox
# servers up and .sandbox/run/env.sh sourced. Leaving the shell stops them.
#
# Usage: scripts/sandbox/shell.sh [SERVER...]     (default: all servers)
# e.g.   scripts/sandbox/shell.sh M235_LOCAL
#   then $MBT_PYTHON $MBT_DATA_SCRIPT seed --addr $MBT_M235_LOCAL_ADDR \
#            --db default --collection demo --kind small
#        cargo test --offline -- --include-ignored my_test
# Build first (cargo build --all-targets): there is no network inside.
set -euo pipefail

# shellcheck source=scripts/sandbox/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$SANDBOX_LIB_DIR/prepare.sh"
rcfile="$SANDBOX/shellrc"
cat >"$rcfile" <<EOF
[[ -f ~/.bashrc ]] && source ~/.bashrc
source "$ENV_FILE"
cd "$REPO"
PS1="(milvus-sandbox) \$PS1"
echo "sandbox servers: \$MBT_SERVERS   (variables: env | grep ^MBT_)"
EOF
exec "$SANDBOX_LIB_DIR/run.sh" --servers "$*" -- bash --rcfile "$rcfile" -i

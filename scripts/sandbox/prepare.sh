#!/usr/bin/env bash
# Fetch and build everything the test sandbox needs, into .sandbox/ (git-ignored).
#
# Runs OUTSIDE any network namespace: it needs the package registries (PyPI,
# crates.io). Idempotent: each step leaves a marker and is skipped when done,
# so a warm run takes about a second.
#
#   .sandbox/wheels/                     the downloaded `milvus` wheels
#   .sandbox/milvus-<ver>/bin/           the Milvus binary and its shared libraries
#   .sandbox/milvus-<ver>/config.yaml.template
#   .sandbox/tools/bin/s3s-fs            a small S3 server backed by a directory
#   .sandbox/tools/bin/garage            Garage, a production S3 store (large files, multipart)
#   .sandbox/venv/                       Python with pymilvus (tests/support/milvus_data.py)
#   .sandbox/venv-lite/                  Milvus Lite 3.2.2 and pymilvus 3.0.2 (tests/support/lite_data.py)
#   .sandbox/azurite/                    Azurite (npm), the Azure Blob Storage emulator
set -euo pipefail

# shellcheck source=scripts/sandbox/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# need CMD DEBIAN_PACKAGE: install the package when the command is missing
# (as root, with apt-get). All of them are on a new machine of the rust kind.
apt_updated=0
need() {
    command -v "$1" >/dev/null && return 0
    if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
        die "$1 is missing: install the Debian package $2"
    fi
    if ((!apt_updated)); then
        apt-get update -qq
        apt_updated=1
    fi
    log "installing $2 (for $1)"
    # Packages such as nginx start their service on install: forbid that (policy-rc.d exit
    # 101 = "action not allowed"); the sandbox starts what it needs itself, privately.
    local policy=/usr/sbin/policy-rc.d added=0
    if [[ ! -e "$policy" ]]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && added=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
    ((added)) && rm -f "$policy"
    return 0
}
need xz xz-utils
need curl curl
need ip iproute2
need ss iproute2
need unshare util-linux
need python3 python3
need sha256sum coreutils
need openssl openssl
need nginx nginx  # the HTTPS front of s3s-fs (start.sh)
need npm npm      # Azurite
command -v cargo >/dev/null || die "cargo is needed"

# --- Milvus binaries from the PyPI `milvus` wheels ---------------------------
# The wheel holds milvus/data/bin/*.lzma (xz streams): the `milvus` binary and
# the shared libraries it loads through LD_LIBRARY_PATH.
prepare_milvus() {
    local ver="$1" home wheel_dir wheel tmp f
    home="$(milvus_home "$ver")"
    if [[ -f "$home/.complete" ]]; then
        return 0
    fi
    log "preparing Milvus $ver"
    wheel_dir="$SANDBOX/wheels"
    mkdir -p "$wheel_dir"
    wheel="$(find "$wheel_dir" -maxdepth 1 -name "milvus-$ver-*.whl" | head -n1)"
    if [[ -z "$wheel" ]]; then
        python3 -m pip download --quiet --disable-pip-version-check --no-deps \
            --only-binary=:all: "milvus==$ver" -d "$wheel_dir"
        wheel="$(find "$wheel_dir" -maxdepth 1 -name "milvus-$ver-*.whl" | head -n1)"
        [[ -n "$wheel" ]] || die "no wheel for milvus==$ver"
    fi
    rm -rf "$home" "$SANDBOX"/unpack.*
    tmp="$(mktemp -d "$SANDBOX/unpack.XXXXXX")"
    python3 - "$wheel" "$tmp" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    names = [n for n in z.namelist() if n.startswith("milvus/data/")]
    z.extractall(sys.argv[2], members=names)
PY
    mkdir -p "$home/bin"
    for f in "$tmp"/milvus/data/bin/*.lzma; do
        xz -dc "$f" > "$home/bin/$(basename "$f" .lzma)"
    done
    chmod +x "$home/bin/milvus"
    # The config template (rendered per server by start.sh). 2.3.5 also ships
    # glog.conf; 2.2.16 does not (start.sh writes its own for both).
    cp "$tmp/milvus/data/config.yaml.template" "$home/"
    rm -rf "$tmp"
    touch "$home/.complete"
    log "Milvus $ver ready in $home"
}

# --- test servers built from crates.io ----------------------------------------
# install_tool BIN WHAT SPEC [CARGO_ARG...]: `cargo install SPEC --locked` into
# .sandbox/tools unless BIN exists. --locked keeps the dependency versions as
# published. A test server needs no full optimisation: opt-level 1 without LTO
# or debug info builds ~15% faster.
install_tool() {
    local bin="$1" what="$2" spec="$3"
    shift 3
    if [[ -x "$bin" ]]; then
        return 0
    fi
    log "building $spec ($what)"
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
        CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        CARGO_PROFILE_RELEASE_LTO=off \
        CARGO_PROFILE_RELEASE_DEBUG=0 \
        cargo install "$spec" --locked "$@" --root "$SANDBOX/tools" --quiet
    [[ -x "$bin" ]] || die "cargo install did not produce $bin"
}

# s3s-fs 0.14.1 is the newest release that builds with the machine's rustc.
prepare_s3s_fs() {
    install_tool "$S3S_FS_BIN" "takes 3-5 min on 2 cores" \
        "s3s-fs@$S3S_FS_VERSION" --features binary
}

# Garage: a production S3 store (Rust, AGPL; run here as a separate test server,
# never linked into the project).
prepare_garage() {
    install_tool "$GARAGE_BIN" "takes 12-16 min on 2 cores, once" "garage@$GARAGE_VERSION"
}

# --- Python venvs --------------------------------------------------------------
# make_venv DIR REQUIREMENTS IMPORTS WHAT: a venv rebuilt whenever its requirements
# file changes (the file's checksum is the marker); IMPORTS must import after.
make_venv() {
    local dir="$1" req="$2" imports="$3" what="$4" want have=""
    want="$(sha256sum "$req" | cut -d' ' -f1)"
    [[ -f "$dir/.requirements.sha256" ]] && have="$(cat "$dir/.requirements.sha256")"
    if [[ "$want" == "$have" && -x "$dir/bin/python" ]]; then
        return 0
    fi
    log "creating Python venv $dir ($what)"
    rm -rf "$dir"
    python3 -m venv "$dir"
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
    "$dir/bin/python" -c "import $imports" || die "$imports do not import in $dir"
    echo "$want" > "$dir/.requirements.sha256"
}

# pymilvus 2.3.8 for Milvus 2.2/2.3 (tests/support/milvus_data.py).
prepare_venv() {
    make_venv "$VENV" "$SANDBOX_LIB_DIR/requirements.txt" "pymilvus, yaml" "pymilvus 2.3.8"
}

# Milvus Lite and pymilvus 3: a venv of its own (pymilvus 3 cannot share one with 2.3.8).
prepare_lite_venv() {
    make_venv "$LITE_VENV" "$SANDBOX_LIB_DIR/requirements-lite.txt" "pymilvus, milvus_lite" \
        "Milvus Lite"
}

# --- Azurite ------------------------------------------------------------------
# Pinned; reinstalled when the version changes (the marker holds it).
prepare_azurite() {
    if [[ -x "$AZURITE_BIN" && "$(cat "$AZURITE_DIR/.version" 2>/dev/null)" == "$AZURITE_VERSION" ]]; then
        return 0
    fi
    log "installing azurite $AZURITE_VERSION with npm"
    rm -rf "$AZURITE_DIR"
    mkdir -p "$AZURITE_DIR"
    npm install --prefix "$AZURITE_DIR" --no-audit --no-fund --silent "azurite@$AZURITE_VERSION"
    [[ -x "$AZURITE_BIN" ]] || die "npm did not produce $AZURITE_BIN"
    echo "$AZURITE_VERSION" >"$AZURITE_DIR/.version"
}

for ver in "${MILVUS_VERSIONS[@]}"; do
    prepare_milvus "$ver"
done
prepare_venv
prepare_lite_venv
prepare_s3s_fs
prepare_garage
prepare_azurite
log "prepare done ($SANDBOX)"

#!/usr/bin/env bash
# Start the sandbox servers and wait until they answer; write .sandbox/run/env.sh.
#
# Usage: start.sh [SERVER...]   SERVER: M235_LOCAL M235_S3 M2216 M235_TARGET M235_AUTH
#                                       M235_TLS1 M235_TLS2 M235_GARAGE LITE LITE_TARGET
#                               (default: all of them; s3s-fs, garage and the black
#                               hole always start)
#
# Run it INSIDE a private network namespace (scripts/test.sh and
# scripts/sandbox/shell.sh enter one): every Milvus port binds all interfaces.
# It refuses to run where any interface other than loopback exists, unless
# MBT_SANDBOX_ALLOW_HOST_NET=1. Run scripts/sandbox/prepare.sh first (outside).
# MBT_HEALTH_TIMEOUT: seconds to wait for each server (default 180).
# Each run starts from empty data: .sandbox/run/ is wiped. One run per
# .sandbox at a time (a lock); MBT_SANDBOX_DIR=/other/dir for a parallel one.
#
# Servers (each Milvus gets every default port + its offset, etcd included):
#   s3s-fs        S3 on 127.0.0.1:9000, files under .sandbox/run/s3/<bucket>/<key>
#   nginx         HTTPS in front of s3s-fs on 127.0.0.1:9443 (the test CA's server
#                 certificate; Host header passed through, bodies streamed)
#   M235_LOCAL    Milvus 2.3.5, local storage                     offset   0 (gRPC 19530)
#   M235_S3       Milvus 2.3.5, storage in s3s-fs bucket milvus-a, offset 100 (gRPC 19630)
#                 rootPath files
#   M2216         Milvus 2.2.16, local storage, syncPeriod 5 s     offset 200 (gRPC 19730)
#   M235_TARGET   Milvus 2.3.5, local storage, empty restore target offset 300 (gRPC 19830)
#   M235_AUTH     Milvus 2.3.5, local storage, authorization on    offset 400 (gRPC 19930)
#                 (user root, password Milvus: Milvus's built-in default)
#   M235_TLS1     Milvus 2.3.5, local storage, one-way TLS        offset 500 (gRPC 20030)
#                 (common.security.tlsMode 1: the client checks the server)
#   M235_TLS2     Milvus 2.3.5, local storage, mutual TLS         offset 600 (gRPC 20130)
#                 (tlsMode 2: the server also wants a client certificate
#                 signed by the test CA)
#                 Both serve the same server certificate (SAN DNS:localhost,
#                 IP:127.0.0.1) from a throwaway CA made with openssl at every
#                 start, under .sandbox/run/tls/. /healthz stays plain HTTP.
#   garage        Garage 2.5.0, a production S3 store, on 127.0.0.1:3900 (RPC 3901, admin
#                 3903): one node, buckets milvus-g and mbt-g-backups, key of its own
#   M235_GARAGE   Milvus 2.3.5, storage in Garage bucket milvus-g,  offset 700 (gRPC 20230)
#                 rootPath files, dataNode.segment.insertBufSize 128 MiB (binlog files of
#                 tens to ~128 MiB: production-sized)
#   LITE          Milvus Lite 3.2.2 (PyPI milvus-lite), no binlog storage   gRPC 18530
#   LITE_TARGET   Milvus Lite 3.2.2, an empty restore target               gRPC 18531
#                 (`milvus-lite server --data-dir D --host 127.0.0.1 --port P`,
#                 from .sandbox/venv-lite; GetVersion answers milvus_lite-3.2.2)
#   black hole    127.0.0.1:19999 accepts TCP connections and never answers
#
# Variables written to .sandbox/run/env.sh (`source` it):
#   MBT_SANDBOX=1                     the sandbox is up
#   MBT_SANDBOX_DIR                   absolute path of .sandbox
#   MBT_SERVERS                       names of the Milvus servers started, e.g. "M235_LOCAL M2216"
#   MBT_PYTHON                        venv python with pymilvus (absolute)
#   MBT_DATA_SCRIPT                   tests/support/milvus_data.py (absolute)
#   MBT_S3_ENDPOINT                   http://127.0.0.1:9000
#   MBT_S3_HTTPS_ENDPOINT             https://127.0.0.1:9443: the same s3s-fs over HTTPS, with a
#                                     certificate of the test CA (MBT_TLS_CA); not trusted otherwise
#   MBT_S3_ACCESS_KEY, MBT_S3_SECRET_KEY  test credentials of s3s-fs
#   MBT_S3_REGION                     us-east-1 (any name works)
#   MBT_S3_DATA_DIR                   s3s-fs's directory: object <bucket>/<key> is file <dir>/<bucket>/<key>
#   MBT_S3_BACKUP_BUCKET              an empty bucket made for backups (mbt-backups)
#   MBT_GARAGE_ENDPOINT               http://127.0.0.1:3900 (Garage's S3 API)
#   MBT_GARAGE_ACCESS_KEY, MBT_GARAGE_SECRET_KEY  the test key of Garage
#   MBT_GARAGE_MILVUS_BUCKET          milvus-g (M235_GARAGE's storage)
#   MBT_GARAGE_BACKUP_BUCKET          mbt-g-backups, an empty bucket for backups
#   MBT_GARAGE_DATA_DIR               Garage's data directory (for disk usage)
#   MBT_AZURITE_ENDPOINT              http://127.0.0.1:10000/devstoreaccount1 (Azurite, blob service)
#   MBT_AZURITE_ACCOUNT, MBT_AZURITE_KEY  Azurite's well-known development account and key
#   MBT_AZURITE_CONTAINER             an empty container made for backups (mbt-backups)
#   MBT_AZURITE_DATA_DIR              Azurite's directory (its own layout, not one file per blob)
#   MBT_SCRATCH_DIR                   an empty directory every server can read (import files)
#   MBT_BLACKHOLE_ADDR                127.0.0.1:19999: accepts connections, never answers
#   MBT_REFUSED_ADDR                  127.0.0.1:19998: nothing listens, connections are refused
#   For each started server NAME (M235_LOCAL, M235_S3, M2216, M235_TARGET, M235_AUTH,
#   M235_TLS1, M235_TLS2, M235_GARAGE):
#   MBT_<NAME>_ADDR                   gRPC address, 127.0.0.1:PORT
#   MBT_<NAME>_URI                    http://127.0.0.1:PORT (the same, as a URI)
#   MBT_<NAME>_HTTP                   http://127.0.0.1:PORT of /healthz and /metrics
#   MBT_<NAME>_VERSION                2.3.5 or 2.2.16
#   MBT_<NAME>_STORAGE                local or minio (common.storageType)
#   MBT_<NAME>_S3_ENDPOINT, _S3_ACCESS_KEY, _S3_SECRET_KEY   minio storage: its S3 server
#   MBT_<NAME>_INSERT_BUF_SIZE        M235_GARAGE: dataNode.segment.insertBufSize in bytes
#   MBT_<NAME>_ROOT                   local storage: absolute localStorage.path
#                                     (Lite servers: ADDR, URI, VERSION (3.2.2), LOG, and
#                                     STORAGE=none; MBT_<NAME>_DATA_DIR is their --data-dir)
#   MBT_<NAME>_BUCKET                 minio storage: bucket (milvus-a)
#   MBT_<NAME>_ROOTPATH               minio storage: minio.rootPath (files)
#   MBT_<NAME>_LOG                    the server's log directory
#   MBT_M235_AUTH_USER, MBT_M235_AUTH_PASSWORD   root / Milvus
#   MBT_LITE_PYTHON                   python of .sandbox/venv-lite (pymilvus 3.0.2), always written
#   MBT_LITE_DATA_SCRIPT              tests/support/lite_data.py (run it with MBT_LITE_PYTHON)
#   MBT_M2216_SYNC_PERIOD             dataNode.segment.syncPeriod of M2216 in seconds: wait
#                                     longer than this after a delete before backing it up
#   Always (made at every start, whatever servers run; all PEM, keys unencrypted):
#   MBT_TLS_CA                        the test CA's certificate (signs server and client)
#   MBT_TLS_SERVER_NAME               localhost: a name in the server certificate
#                                     (127.0.0.1 is in it too, as an IP SAN)
#   MBT_TLS_CLIENT_CERT, MBT_TLS_CLIENT_KEY  a client certificate of the test CA (mutual TLS)
#   MBT_TLS_OTHER_CA                  a second CA that signed nothing here (wrong-CA tests)
#   MBT_TLS_DIR                       the directory of these files
set -euo pipefail

# shellcheck source=scripts/sandbox/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ALL_SERVERS=(M235_LOCAL M235_S3 M2216 M235_TARGET M235_AUTH M235_TLS1 M235_TLS2 M235_GARAGE LITE LITE_TARGET)
LITE_VERSION=3.2.2
M2216_SYNC_PERIOD=5
S3_REGION=us-east-1
S3_BUCKET_M235=milvus-a
S3_ROOTPATH_M235=files
S3_BACKUP_BUCKET=mbt-backups
GARAGE_MILVUS_BUCKET=milvus-g
GARAGE_BACKUP_BUCKET=mbt-g-backups
# M235_GARAGE buffers this many bytes per segment before it writes binlogs (Milvus's
# default is 16 MiB): production-sized files, tens to a hundred MiB.
GARAGE_INSERT_BUF_SIZE=$((128 << 20))
S3_HTTPS_PORT=9443
BLACKHOLE_PORT=19999
REFUSED_PORT=19998
HEALTH_TIMEOUT="${MBT_HEALTH_TIMEOUT:-180}"

# server_spec NAME -> "version port_offset storage"
server_spec() {
    case "$1" in
        M235_LOCAL)  echo "2.3.5 0 local" ;;
        M235_S3)     echo "2.3.5 100 minio" ;;
        M2216)       echo "2.2.16 200 local" ;;
        M235_TARGET) echo "2.3.5 300 local" ;;
        M235_AUTH)   echo "2.3.5 400 local" ;;
        M235_TLS1)   echo "2.3.5 500 local" ;;
        M235_TLS2)   echo "2.3.5 600 local" ;;
        M235_GARAGE) echo "2.3.5 700 garage" ;;
        # Lite: the "offset" is its port's distance from 18530 (no other ports).
        LITE)        echo "$LITE_VERSION 0 none" ;;
        LITE_TARGET) echo "$LITE_VERSION 1 none" ;;
        *) die "unknown server $1 (known: ${ALL_SERVERS[*]})" ;;
    esac
}

# --- safety: only inside a namespace of our own ---------------------------
check_private_network() {
    local others
    others="$(ip -o link show | awk -F': ' '{print $2}' | grep -v '^lo$' || true)"
    if [[ -n "$others" && "${MBT_SANDBOX_ALLOW_HOST_NET:-0}" != 1 ]]; then
        die "network interfaces besides lo exist ($(echo "$others" | tr '\n' ' ')):" \
            "run inside 'unshare --net' (scripts/test.sh, scripts/sandbox/shell.sh)"
    fi
    ip link set lo up 2>/dev/null || true
}

# One sandbox run per .sandbox directory at a time (runs in other namespaces
# would wipe each other's data): hold a lock on fd 9. The servers inherit the
# fd, so the lock is held exactly as long as any of them lives. A second,
# parallel run needs its own MBT_SANDBOX_DIR (ports never clash: each run has
# its own network namespace).
take_lock() {
    exec 9>>"$SANDBOX/run.lock"
    flock -n 9 || die "another sandbox run is using $SANDBOX" \
        "(stop it, or set MBT_SANDBOX_DIR to another directory for a parallel run)"
}

# wait_http URL EXPECT PID WHAT LOG: poll until URL's body contains EXPECT.
wait_http() {
    local url="$1" expect="$2" pid="$3" what="$4" logf="$5" start=$SECONDS body
    while true; do
        body="$(curl -s --max-time 2 "$url" 2>/dev/null || true)"
        if [[ "$body" == *"$expect"* ]]; then
            log "$what ready after $((SECONDS - start)) s"
            return 0
        fi
        if ! alive "$pid"; then
            log "$what exited while starting; last lines of $logf:"
            tail -n 40 "$logf" >&2 || true
            return 1
        fi
        if ((SECONDS - start > HEALTH_TIMEOUT)); then
            log "$what not ready after $HEALTH_TIMEOUT s; last lines of $logf:"
            tail -n 40 "$logf" >&2 || true
            return 1
        fi
        sleep 0.5
    done
}

start_s3() {
    local dir="$RUN_DIR/s3"
    mkdir -p "$dir"
    [[ -x "$S3S_FS_BIN" ]] || die "$S3S_FS_BIN missing: run scripts/sandbox/prepare.sh"
    "$S3S_FS_BIN" --host "$S3_HOST" --port "$S3_PORT" \
        --access-key "$S3_ACCESS_KEY" --secret-key "$S3_SECRET_KEY" \
        "$dir" >"$RUN_DIR/logs/s3s-fs.log" 2>&1 &
    echo $! >"$RUN_DIR/pids/s3s-fs.pid"
    # Any HTTP answer (even 403 to an unsigned request) means it listens.
    local start=$SECONDS
    until curl -s -o /dev/null --max-time 2 "http://$S3_HOST:$S3_PORT/"; do
        alive "$(cat "$RUN_DIR/pids/s3s-fs.pid")" ||
            { cat "$RUN_DIR/logs/s3s-fs.log" >&2; die "s3s-fs exited"; }
        ((SECONDS - start < 30)) || die "s3s-fs not listening after 30 s"
        sleep 0.2
    done
    log "s3s-fs ready on $S3_HOST:$S3_PORT"
}

# An empty bucket for the tool's backups (s3s-fs wants a signed CreateBucket).
make_backup_bucket() {
    "$PYTHON_BIN" - "$S3_HOST:$S3_PORT" "$S3_ACCESS_KEY" "$S3_SECRET_KEY" "$S3_BACKUP_BUCKET" <<'PY'
import sys
from minio import Minio
endpoint, access, secret, bucket = sys.argv[1:5]
client = Minio(endpoint, access_key=access, secret_key=secret, secure=False, region="us-east-1")
if not client.bucket_exists(bucket):
    client.make_bucket(bucket)
PY
}

# nginx as an HTTPS front of s3s-fs, with the server certificate of the test CA
# (make_tls_certs first). S3 signatures cover the Host header: it is passed on as
# the client sent it. Bodies are streamed both ways (no buffering, no size limit).
start_s3_https() {
    local dir="$RUN_DIR/nginx" bin
    bin="$(command -v nginx || echo /usr/sbin/nginx)"
    [[ -x "$bin" ]] || die "nginx missing: run scripts/sandbox/prepare.sh"
    mkdir -p "$dir"
    cat >"$dir/nginx.conf" <<NGINX
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $RUN_DIR/logs/nginx.log warn;
events { worker_connections 256; }
http {
    access_log $RUN_DIR/logs/nginx-access.log;
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    server {
        listen $S3_HOST:$S3_HTTPS_PORT ssl;
        ssl_certificate $TLS_DIR/server.pem;
        ssl_certificate_key $TLS_DIR/server.key;
        client_max_body_size 0;
        proxy_request_buffering off;
        proxy_buffering off;
        proxy_http_version 1.1;
        location / {
            proxy_pass http://$S3_HOST:$S3_PORT;
            proxy_set_header Host \$http_host;
            proxy_set_header Connection "";
        }
    }
}
NGINX
    "$bin" -p "$dir" -e "$RUN_DIR/logs/nginx.log" -c "$dir/nginx.conf" \
        >"$RUN_DIR/logs/nginx.out" 2>&1 &
    echo $! >"$RUN_DIR/pids/nginx.pid"
    local start=$SECONDS
    until curl -s -o /dev/null --max-time 2 --cacert "$TLS_DIR/ca.pem" \
        "https://$S3_HOST:$S3_HTTPS_PORT/"; do
        alive "$(cat "$RUN_DIR/pids/nginx.pid")" ||
            { cat "$RUN_DIR"/logs/nginx.{out,log} >&2 2>/dev/null; die "nginx exited"; }
        ((SECONDS - start < 30)) || die "nginx not answering on $S3_HTTPS_PORT after 30 s"
        sleep 0.2
    done
    log "HTTPS front of s3s-fs ready on $S3_HOST:$S3_HTTPS_PORT"
}

# Garage, a production S3 store: one node (replication 1, SQLite metadata), its layout
# applied, the test key imported, and two buckets (Milvus's and the backups') with
# read/write for that key. The `garage` CLI reaches the node over its RPC port.
start_garage() {
    local dir="$RUN_DIR/garage" conf node_id start
    [[ -x "$GARAGE_BIN" ]] || die "$GARAGE_BIN missing: run scripts/sandbox/prepare.sh"
    mkdir -p "$dir/meta" "$dir/data"
    conf="$dir/garage.toml"
    cat >"$conf" <<TOML
metadata_dir = "$dir/meta"
data_dir = "$dir/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:$GARAGE_RPC_PORT"
rpc_public_addr = "127.0.0.1:$GARAGE_RPC_PORT"
rpc_secret = "$(openssl rand -hex 32)"

[s3_api]
s3_region = "$S3_REGION"
api_bind_addr = "127.0.0.1:$GARAGE_S3_PORT"

[admin]
api_bind_addr = "127.0.0.1:$GARAGE_ADMIN_PORT"
TOML
    chmod 600 "$conf"
    RUST_LOG=garage=warn "$GARAGE_BIN" -c "$conf" server >"$RUN_DIR/logs/garage.log" 2>&1 &
    echo $! >"$RUN_DIR/pids/garage.pid"
    start=$SECONDS
    until node_id="$("$GARAGE_BIN" -c "$conf" node id -q 2>/dev/null)"; do
        alive "$(cat "$RUN_DIR/pids/garage.pid")" ||
            { tail -n 40 "$RUN_DIR/logs/garage.log" >&2; die "garage exited"; }
        ((SECONDS - start < 60)) || die "garage not answering after 60 s"
        sleep 0.3
    done
    garage_cli() { "$GARAGE_BIN" -c "$conf" "$@" >>"$RUN_DIR/logs/garage-setup.log" 2>&1; }
    garage_cli layout assign -z dc1 -c 20G "${node_id%%@*}" || die "garage layout assign failed"
    garage_cli layout apply --version 1 || die "garage layout apply failed"
    garage_cli key import --yes -n mbt-test "$GARAGE_ACCESS_KEY" "$GARAGE_SECRET_KEY" ||
        die "garage key import failed (see $RUN_DIR/logs/garage-setup.log)"
    local b
    for b in "$GARAGE_MILVUS_BUCKET" "$GARAGE_BACKUP_BUCKET"; do
        garage_cli bucket create "$b" || die "garage bucket create $b failed"
        garage_cli bucket allow --read --write --owner "$b" --key mbt-test ||
            die "garage bucket allow $b failed"
    done
    # Ready when the S3 API answers (any HTTP status).
    until curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$GARAGE_S3_PORT/"; do
        ((SECONDS - start < 60)) || die "garage S3 API not answering after 60 s"
        sleep 0.2
    done
    log "garage ready on 127.0.0.1:$GARAGE_S3_PORT after $((SECONDS - start)) s"
}

# A TCP listener that accepts connections and never answers: for tests of
# connect and request timeouts.
start_blackhole() {
    "$PYTHON_BIN" - "$BLACKHOLE_PORT" >"$RUN_DIR/logs/blackhole.log" 2>&1 <<'PY' &
import socket, sys, time
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(sys.argv[1])))
srv.listen(64)
held = []
while True:
    conn, _ = srv.accept()
    held.append(conn)  # keep it open, read nothing, write nothing
PY
    echo $! >"$RUN_DIR/pids/blackhole.pid"
}

# A throwaway PKI for the TLS servers and tests, in $TLS_DIR: a CA, a server
# certificate for localhost/127.0.0.1, a client certificate, and a second CA
# that signed nothing (for wrong-CA tests). ECDSA P-256 keys (PKCS#8 PEM), v3
# certificates with the extensions rustls insists on, valid for 30 days.
TLS_DIR="$RUN_DIR/tls"
TLS_SERVER_NAME=localhost
make_tls_certs() {
    command -v openssl >/dev/null || die "openssl missing: run scripts/sandbox/prepare.sh"
    local d="$TLS_DIR" ca name
    mkdir -p "$d"
    for ca in ca other-ca; do
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
            -keyout "$d/$ca.key" -out "$d/$ca.pem" -days 30 \
            -subj "/CN=milvus-backup-tui test $ca" \
            -addext "basicConstraints=critical,CA:TRUE" \
            -addext "keyUsage=critical,keyCertSign,cRLSign" 2>>"$d/openssl.log" ||
            die "openssl could not make the test $ca (see $d/openssl.log)"
    done
    printf '%s\n' "basicConstraints=critical,CA:FALSE" \
        "keyUsage=critical,digitalSignature,keyEncipherment" \
        "extendedKeyUsage=serverAuth" \
        "subjectAltName=DNS:$TLS_SERVER_NAME,IP:127.0.0.1" >"$d/server.ext"
    printf '%s\n' "basicConstraints=critical,CA:FALSE" \
        "keyUsage=critical,digitalSignature,keyEncipherment" \
        "extendedKeyUsage=clientAuth" >"$d/client.ext"
    for name in server client; do
        if ! openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
            -keyout "$d/$name.key" -out "$d/$name.csr" \
            -subj "/CN=milvus-backup-tui test $name" 2>>"$d/openssl.log" ||
            ! openssl x509 -req -in "$d/$name.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
                -CAcreateserial -days 30 -extfile "$d/$name.ext" \
                -out "$d/$name.pem" 2>>"$d/openssl.log"; then
            die "openssl could not make the test $name certificate (see $d/openssl.log)"
        fi
    done
    chmod 600 "$d"/*.key
}

# write_glog_conf DIR: glog settings of the C++ core (segcore, knowhere).
write_glog_conf() {
    cat >"$1/configs/glog.conf" <<EOF
--logtostdout=false
--logtostderr=false
--alsologtostderr=false
--minloglevel=1
--log_dir=$1/logs/
--max_log_size=100
--stop_logging_if_full_disk=true
EOF
}

# start_milvus NAME: render its config and launch it in the background.
start_milvus() {
    local name="$1" ver offset storage base home
    read -r ver offset storage <<<"$(server_spec "$name")"
    home="$(milvus_home "$ver")"
    [[ -x "$home/bin/milvus" ]] || die "$home/bin/milvus missing: run scripts/sandbox/prepare.sh"
    base="$RUN_DIR/${name,,}"
    mkdir -p "$base/logs"

    # 2.2.16 logs at debug level by default.
    local sets=("log.level=info")
    if [[ "$name" == M2216 ]]; then
        # 2.2.16 keeps deletes of flushed segments in memory until the next
        # sync (600 s by default); a Flush does not write them.
        sets+=("dataNode.segment.syncPeriod=$M2216_SYNC_PERIOD")
    fi
    if [[ "$name" == M235_AUTH ]]; then
        sets+=("common.security.authorizationEnabled=true")
    fi
    if [[ "$name" == M235_TLS1 || "$name" == M235_TLS2 ]]; then
        # tlsMode 1 (one-way) or 2 (mutual: caPemPath checks the client).
        sets+=(
            "common.security.tlsMode=${name#M235_TLS}"
            "tls.serverPemPath=$TLS_DIR/server.pem"
            "tls.serverKeyPath=$TLS_DIR/server.key"
            "tls.caPemPath=$TLS_DIR/ca.pem"
        )
    fi
    if [[ "$storage" == minio ]]; then
        sets+=(
            "common.storageType=minio"
            "minio.address=$S3_HOST"
            "minio.port=$S3_PORT"
            "minio.accessKeyID=$S3_ACCESS_KEY"
            "minio.secretAccessKey=$S3_SECRET_KEY"
            "minio.useSSL=false"
            "minio.bucketName=$S3_BUCKET_M235"
            "minio.rootPath=$S3_ROOTPATH_M235"
            "minio.cloudProvider=aws"
            "minio.useIAM=false"
            "minio.region=$S3_REGION"
        )
    elif [[ "$storage" == garage ]]; then
        sets+=(
            "common.storageType=minio"
            "minio.address=127.0.0.1"
            "minio.port=$GARAGE_S3_PORT"
            "minio.accessKeyID=$GARAGE_ACCESS_KEY"
            "minio.secretAccessKey=$GARAGE_SECRET_KEY"
            "minio.useSSL=false"
            "minio.bucketName=$GARAGE_MILVUS_BUCKET"
            "minio.rootPath=$S3_ROOTPATH_M235"
            "minio.cloudProvider=aws"
            "minio.useIAM=false"
            "minio.region=$S3_REGION"
            "dataNode.segment.insertBufSize=$GARAGE_INSERT_BUF_SIZE"
        )
    else
        sets+=("common.storageType=local")
    fi
    local args=() s
    for s in "${sets[@]}"; do args+=(--set "$s"); done
    "$PYTHON_BIN" "$SANDBOX_LIB_DIR/render_config.py" \
        --template "$home/config.yaml.template" --base "$base" \
        --port-offset "$offset" "${args[@]}"
    write_glog_conf "$base"

    # MILVUSCONF names the config dir; the working directory is the base too.
    (
        cd "$base"
        export DEPLOY_MODE=STANDALONE
        export METRICS_PORT=$((9091 + offset))
        export MILVUSCONF="$base/configs/"
        export LD_LIBRARY_PATH="$home/bin${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
        exec "$home/bin/milvus" run standalone >"$base/logs/milvus.out" 2>&1
    ) &
    echo $! >"$RUN_DIR/pids/${name,,}.pid"
    log "started $name (Milvus $ver, $storage storage, gRPC $((19530 + offset)), pid $!)"
}

is_lite() { [[ "$1" == LITE || "$1" == LITE_TARGET ]]; }
lite_port() {
    local ver offset storage
    read -r ver offset storage <<<"$(server_spec "$1")"
    echo $((18530 + offset))
}

# start_lite NAME: a Milvus Lite server on 127.0.0.1, data under .sandbox/run/<name>/data.
start_lite() {
    local name="$1" base="$RUN_DIR/${1,,}" port
    port="$(lite_port "$name")"
    [[ -x "$LITE_VENV/bin/milvus-lite" ]] ||
        die "$LITE_VENV/bin/milvus-lite missing: run scripts/sandbox/prepare.sh"
    mkdir -p "$base/logs" "$base/data"
    "$LITE_VENV/bin/milvus-lite" server --data-dir "$base/data" --host 127.0.0.1 \
        --port "$port" >"$base/logs/lite.out" 2>&1 &
    echo $! >"$RUN_DIR/pids/${name,,}.pid"
    log "started $name (Milvus Lite $LITE_VERSION, gRPC $port, pid $!)"
}

# wait_lite NAME: until GetVersion answers (one Python process polls).
wait_lite() {
    local name="$1" base="$RUN_DIR/${1,,}" start=$SECONDS
    if ! "$LITE_PYTHON_BIN" "$SANDBOX_LIB_DIR/wait_lite.py" "$(lite_port "$name")" \
        "$(cat "$RUN_DIR/pids/${name,,}.pid")" "$HEALTH_TIMEOUT"; then
        log "$name did not answer; last lines of $base/logs/lite.out:"
        tail -n 40 "$base/logs/lite.out" >&2 || true
        return 1
    fi
    log "$name ready after $((SECONDS - start)) s"
}

wait_milvus() {
    local name="$1" ver offset storage base
    read -r ver offset storage <<<"$(server_spec "$name")"
    base="$RUN_DIR/${name,,}"
    wait_http "http://127.0.0.1:$((9091 + offset))/healthz" OK \
        "$(cat "$RUN_DIR/pids/${name,,}.pid")" "$name" "$base/logs/milvus.out"
}

# Azurite's blob service on loopback, data under .sandbox/run/azurite.
start_azurite() {
    local dir="$RUN_DIR/azurite"
    mkdir -p "$dir"
    [[ -x "$AZURITE_BIN" ]] || die "$AZURITE_BIN missing: run scripts/sandbox/prepare.sh"
    "$AZURITE_BIN" --blobHost 127.0.0.1 --blobPort "$AZURITE_PORT" --location "$dir" \
        --skipApiVersionCheck --disableProductStyleUrl --silent \
        >"$RUN_DIR/logs/azurite.log" 2>&1 &
    echo $! >"$RUN_DIR/pids/azurite.pid"
    local start=$SECONDS
    until curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$AZURITE_PORT/"; do
        alive "$(cat "$RUN_DIR/pids/azurite.pid")" ||
            { cat "$RUN_DIR/logs/azurite.log" >&2; die "azurite exited"; }
        ((SECONDS - start < 30)) || die "azurite not listening after 30 s"
        sleep 0.2
    done
    log "azurite ready on 127.0.0.1:$AZURITE_PORT"
}

# An empty container for the tool's backups: Create Container, signed with the account key
# (Shared Key), in the venv's Python standard library.
make_azurite_container() {
    "$PYTHON_BIN" - "http://127.0.0.1:$AZURITE_PORT" "$AZURITE_ACCOUNT" "$AZURITE_KEY" \
        "$AZURITE_CONTAINER" <<'PY'
import base64, hashlib, hmac, sys, urllib.error, urllib.request
from email.utils import formatdate
host, account, key, container = sys.argv[1:5]
date, version = formatdate(usegmt=True), "2021-08-06"
canon = f"x-ms-date:{date}\nx-ms-version:{version}\n"
resource = f"/{account}/{account}/{container}\nrestype:container"
to_sign = "PUT\n" + "\n" * 11 + canon + resource
sig = base64.b64encode(hmac.new(base64.b64decode(key), to_sign.encode(), hashlib.sha256).digest())
req = urllib.request.Request(f"{host}/{account}/{container}?restype=container", method="PUT",
                             headers={"x-ms-date": date, "x-ms-version": version,
                                      "Authorization": f"SharedKey {account}:{sig.decode()}",
                                      "Content-Length": "0"})
try:
    urllib.request.urlopen(req, timeout=10)
except urllib.error.HTTPError as e:
    if e.code != 409:  # 409: it exists
        sys.exit(f"create container {container}: HTTP {e.code} {e.read()[:300]!r}")
PY
}

write_env() {
    local name ver offset storage base port tmp="$ENV_FILE.tmp"
    {
        echo "# Written by scripts/sandbox/start.sh; see the comment at its top."
        echo "export MBT_SANDBOX=1"
        echo "export MBT_SANDBOX_DIR=$SANDBOX"
        echo "export MBT_SERVERS=\"${SERVERS[*]}\""
        echo "export MBT_PYTHON=$PYTHON_BIN"
        echo "export MBT_DATA_SCRIPT=$REPO/tests/support/milvus_data.py"
        echo "export MBT_S3_ENDPOINT=http://$S3_HOST:$S3_PORT"
        echo "export MBT_S3_HTTPS_ENDPOINT=https://$S3_HOST:$S3_HTTPS_PORT"
        echo "export MBT_S3_ACCESS_KEY=$S3_ACCESS_KEY"
        echo "export MBT_S3_SECRET_KEY=$S3_SECRET_KEY"
        echo "export MBT_S3_REGION=$S3_REGION"
        echo "export MBT_S3_DATA_DIR=$RUN_DIR/s3"
        echo "export MBT_S3_BACKUP_BUCKET=$S3_BACKUP_BUCKET"
        echo "export MBT_AZURITE_ENDPOINT=http://127.0.0.1:$AZURITE_PORT/$AZURITE_ACCOUNT"
        echo "export MBT_AZURITE_ACCOUNT=$AZURITE_ACCOUNT"
        echo "export MBT_AZURITE_KEY=$AZURITE_KEY"
        echo "export MBT_AZURITE_CONTAINER=$AZURITE_CONTAINER"
        echo "export MBT_AZURITE_DATA_DIR=$RUN_DIR/azurite"
        echo "export MBT_SCRATCH_DIR=$RUN_DIR/scratch"
        echo "export MBT_BLACKHOLE_ADDR=127.0.0.1:$BLACKHOLE_PORT"
        echo "export MBT_REFUSED_ADDR=127.0.0.1:$REFUSED_PORT"
        echo "export MBT_GARAGE_ENDPOINT=http://127.0.0.1:$GARAGE_S3_PORT"
        echo "export MBT_GARAGE_ACCESS_KEY=$GARAGE_ACCESS_KEY"
        echo "export MBT_GARAGE_SECRET_KEY=$GARAGE_SECRET_KEY"
        echo "export MBT_GARAGE_MILVUS_BUCKET=$GARAGE_MILVUS_BUCKET"
        echo "export MBT_GARAGE_BACKUP_BUCKET=$GARAGE_BACKUP_BUCKET"
        echo "export MBT_GARAGE_DATA_DIR=$RUN_DIR/garage/data"
        echo "export MBT_TLS_DIR=$TLS_DIR"
        echo "export MBT_TLS_CA=$TLS_DIR/ca.pem"
        echo "export MBT_TLS_SERVER_NAME=$TLS_SERVER_NAME"
        echo "export MBT_TLS_CLIENT_CERT=$TLS_DIR/client.pem"
        echo "export MBT_TLS_CLIENT_KEY=$TLS_DIR/client.key"
        echo "export MBT_TLS_OTHER_CA=$TLS_DIR/other-ca.pem"
        echo "export MBT_LITE_PYTHON=$LITE_PYTHON_BIN"
        echo "export MBT_LITE_DATA_SCRIPT=$REPO/tests/support/lite_data.py"
        for name in "${SERVERS[@]}"; do
            if is_lite "$name"; then
                port="$(lite_port "$name")"
                base="$RUN_DIR/${name,,}"
                echo "export MBT_${name}_ADDR=127.0.0.1:$port"
                echo "export MBT_${name}_URI=http://127.0.0.1:$port"
                echo "export MBT_${name}_VERSION=$LITE_VERSION"
                echo "export MBT_${name}_STORAGE=none"
                echo "export MBT_${name}_DATA_DIR=$base/data"
                echo "export MBT_${name}_LOG=$base/logs"
                continue
            fi
            read -r ver offset storage <<<"$(server_spec "$name")"
            base="$RUN_DIR/${name,,}"
            port=$((19530 + offset))
            echo "export MBT_${name}_ADDR=127.0.0.1:$port"
            echo "export MBT_${name}_URI=http://127.0.0.1:$port"
            echo "export MBT_${name}_HTTP=http://127.0.0.1:$((9091 + offset))"
            echo "export MBT_${name}_VERSION=$ver"
            echo "export MBT_${name}_LOG=$base/logs"
            if [[ "$storage" == minio ]]; then
                echo "export MBT_${name}_STORAGE=minio"
                echo "export MBT_${name}_BUCKET=$S3_BUCKET_M235"
                echo "export MBT_${name}_ROOTPATH=$S3_ROOTPATH_M235"
                echo "export MBT_${name}_S3_ENDPOINT=http://$S3_HOST:$S3_PORT"
                echo "export MBT_${name}_S3_ACCESS_KEY=$S3_ACCESS_KEY"
                echo "export MBT_${name}_S3_SECRET_KEY=$S3_SECRET_KEY"
            elif [[ "$storage" == garage ]]; then
                echo "export MBT_${name}_STORAGE=minio"
                echo "export MBT_${name}_BUCKET=$GARAGE_MILVUS_BUCKET"
                echo "export MBT_${name}_ROOTPATH=$S3_ROOTPATH_M235"
                echo "export MBT_${name}_S3_ENDPOINT=http://127.0.0.1:$GARAGE_S3_PORT"
                echo "export MBT_${name}_S3_ACCESS_KEY=$GARAGE_ACCESS_KEY"
                echo "export MBT_${name}_S3_SECRET_KEY=$GARAGE_SECRET_KEY"
                echo "export MBT_${name}_INSERT_BUF_SIZE=$GARAGE_INSERT_BUF_SIZE"
            else
                echo "export MBT_${name}_STORAGE=local"
                echo "export MBT_${name}_ROOT=$base/storage"
            fi
            [[ "$name" != M2216 ]] || echo "export MBT_M2216_SYNC_PERIOD=$M2216_SYNC_PERIOD"
            if [[ "$name" == M235_AUTH ]]; then
                echo "export MBT_M235_AUTH_USER=root"
                echo "export MBT_M235_AUTH_PASSWORD=Milvus"
            fi
        done
    } >"$tmp"
    mv "$tmp" "$ENV_FILE"
}

# --- main -----------------------------------------------------------------
SERVERS=("$@")
((${#SERVERS[@]})) || SERVERS=("${ALL_SERVERS[@]}")
for name in "${SERVERS[@]}"; do server_spec "$name" >/dev/null; done

check_private_network
[[ -x "$PYTHON_BIN" ]] || die "$PYTHON_BIN missing: run scripts/sandbox/prepare.sh"
take_lock
rm -rf "$RUN_DIR"
mkdir -p "$RUN_DIR/pids" "$RUN_DIR/logs" "$RUN_DIR/scratch"
# The pid files are only meaningful in this PID namespace: stop.sh checks it.
pid_namespace >"$RUN_DIR/pids/namespace"

t0=$SECONDS
make_tls_certs
start_s3
make_backup_bucket
start_s3_https
start_garage
start_azurite
make_azurite_container
start_blackhole
# Start all servers at once, then wait for each: on 2 cores that is still
# faster than one after another.
for name in "${SERVERS[@]}"; do
    if is_lite "$name"; then start_lite "$name"; else start_milvus "$name"; fi
done
failed=0
for name in "${SERVERS[@]}"; do
    if is_lite "$name"; then wait_lite "$name" || failed=1; else wait_milvus "$name" || failed=1; fi
done
if ((failed)); then
    "$SANDBOX_LIB_DIR/stop.sh"
    die "a server did not start (logs under $RUN_DIR)"
fi
# A record of who listens where, for port clash hunting.
ss -ltnp >"$RUN_DIR/logs/listening.txt" 2>&1 || true
write_env
log "sandbox up in $((SECONDS - t0)) s: ${SERVERS[*]}; env in $ENV_FILE"

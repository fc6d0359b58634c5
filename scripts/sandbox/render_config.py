#!/usr/bin/env python3
"""Render a Milvus config (configs/milvus.yaml) from the wheel's template.

The `milvus` wheel ships `config.yaml.template`, a milvus.yaml in which some
values are placeholders: `{{ key(type): default }}`, `{{ key: default }}`,
`{{ key(type) }}` or `{{ key }}`. This script

  1. replaces every placeholder: directory keys point into --base, every
     `*_port` key gets its default (or the fallback below) plus --port-offset,
     every other key takes its default;
  2. parses the result as YAML and applies each `--set dotted.key=value`
     (the value is parsed as a YAML scalar, e.g. `true`, `5`, `minio`);
  3. writes <base>/configs/milvus.yaml and, for the embedded etcd,
     <base>/configs/embed-etcd.yaml so that each server gets its own etcd
     client and peer ports (etcd.config.path + etcd.endpoints).

Needs PyYAML (run it with .sandbox/venv/bin/python).
"""

import argparse
import os
import re
import sys

import yaml

# Milvus 2.2.16's template leaves these ports without a default.
PORT_FALLBACKS = {
    "root_coord_port": 53100,
    "data_coord_port": 13333,
    "query_coord_port": 19531,
    "index_coord_port": 31000,
    "data_node_port": 21124,
    "query_node_port": 21123,
    "index_node_port": 21121,
    "proxy_internal_port": 19529,
    "proxy_port": 19530,
}

ETCD_CLIENT_PORT = 2379
ETCD_PEER_PORT = 2380

# {{ key(type): default }} with optional "(type)" and optional ": default";
# 2.2.16 also writes "{{ log_stdout:false }}" without the space.
PLACEHOLDER = re.compile(
    r"\{\{\s*(?P<key>\w+)\s*(?:\((?P<type>\w+)\))?\s*(?::\s*(?P<default>[^}]*?))?\s*\}\}"
)


def placeholder_values(base, port_offset, etcd_client_port):
    """Values for the placeholders that must not take their default."""
    return {
        "etcd_port": str(etcd_client_port),
        "etcd_data_dir": os.path.join(base, "etcd"),
        "etcd_log_path": os.path.join(base, "logs", "etcd.log"),
        "system_log_path": os.path.join(base, "logs"),
        "local_storage_dir": os.path.join(base, "storage"),
        "rocksmq_data_dir": os.path.join(base, "rocksmq"),
        "rocketmq_data_dir": os.path.join(base, "rocksmq"),  # 2.2.16 spelling
    }


def render_template(text, base, port_offset, etcd_client_port):
    fixed = placeholder_values(base, port_offset, etcd_client_port)
    missing = []

    def replace(m):
        key, default = m.group("key"), m.group("default")
        if key in fixed:
            return fixed[key]
        if key.endswith("_port"):
            port = int(default) if default else PORT_FALLBACKS.get(key)
            if port is None:
                missing.append(key)
                return "0"
            return str(port + port_offset)
        if default is None:
            missing.append(key)
            return ""
        return default

    out = PLACEHOLDER.sub(replace, text)
    if missing:
        sys.exit(f"render_config: no value for placeholders {sorted(set(missing))}")
    if "{{" in out:
        sys.exit("render_config: an unrecognised placeholder is left in the template")
    return out


def set_dotted(doc, dotted, raw_value):
    """doc["a"]["b"]["c"] = value for "a.b.c"; creates missing maps."""
    value = yaml.safe_load(raw_value) if raw_value != "" else ""
    node = doc
    parts = dotted.split(".")
    for part in parts[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[parts[-1]] = value


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--template", required=True)
    ap.add_argument("--base", required=True, help="server base directory (absolute)")
    ap.add_argument("--port-offset", type=int, default=0,
                    help="added to every port, including etcd's")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = ap.parse_args()

    base = os.path.abspath(args.base)
    etcd_client = ETCD_CLIENT_PORT + args.port_offset
    etcd_peer = ETCD_PEER_PORT + args.port_offset
    configs = os.path.join(base, "configs")
    os.makedirs(configs, exist_ok=True)

    with open(args.template, encoding="utf-8") as f:
        rendered = render_template(f.read(), base, args.port_offset, etcd_client)
    doc = yaml.safe_load(rendered)

    # The embedded etcd listens on 2379/2380 unless given its own config file.
    etcd_conf = os.path.join(configs, "embed-etcd.yaml")
    client_url = f"http://127.0.0.1:{etcd_client}"
    peer_url = f"http://127.0.0.1:{etcd_peer}"
    with open(etcd_conf, "w", encoding="utf-8") as f:
        yaml.safe_dump({
            "name": "default",
            "listen-client-urls": client_url,
            "advertise-client-urls": client_url,
            "listen-peer-urls": peer_url,
            "initial-advertise-peer-urls": peer_url,
            "initial-cluster": f"default={peer_url}",
            "initial-cluster-state": "new",
        }, f, default_flow_style=False)
    set_dotted(doc, "etcd.config.path", etcd_conf)
    doc["etcd"]["endpoints"] = [f"127.0.0.1:{etcd_client}"]

    # Components register "the first unicast address" in etcd unless given an
    # ip; inside the sandbox's namespace only loopback is up, so say so.
    for section in doc.values():
        if isinstance(section, dict) and "ip" in section and not section["ip"]:
            section["ip"] = "127.0.0.1"

    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            sys.exit(f"render_config: --set wants KEY=VALUE, got {item!r}")
        set_dotted(doc, key, value)

    with open(os.path.join(configs, "milvus.yaml"), "w", encoding="utf-8") as f:
        f.write("# Rendered by scripts/sandbox/render_config.py; do not edit.\n")
        yaml.safe_dump(doc, f, default_flow_style=False, sort_keys=False)


if __name__ == "__main__":
    main()

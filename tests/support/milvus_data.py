#!/usr/bin/env python3
"""Seed and dump Milvus collections for the tests (pymilvus 2.3.8).

Run with the sandbox's venv python ($MBT_PYTHON). Every subcommand prints one
JSON document on stdout; messages go to stderr; exit status 1 on error.

  seed  --addr H:P --db DB --collection NAME --kind KIND [--rows N]
        [--no-delete] [--replace] [--settle SECONDS]
      Creates DB (unless `default`) and the collection, inserts rows whose
      values derive only from the row number, flushes, deletes some rows by
      primary key, flushes again. Prints
      {"collection", "db", "kind", "pk_field", "auto_id", "rows_inserted",
       "rows_expected", "deleted_pks", "deleted_row_numbers", "partitions",
       "alias"}.
      KIND: rich | varchar_binary | partition_key | small (see KINDS below).
      --settle: sleep that long at the end. Milvus 2.2.16 writes deletes of
      flushed segments only at its next sync (dataNode.segment.syncPeriod,
      $MBT_M2216_SYNC_PERIOD in the sandbox): wait past it before a backup.

  dump  --addr H:P --db DB --collection NAME
      Loads the collection (creating a FLAT index first when a vector field has
      none), reads every row, releases it, and prints the rows as a canonical
      JSON list: sorted by primary key; for auto_id collections the primary key
      is dropped and rows are sorted by their other fields (restored auto ids
      differ). Float vectors are lists of floats (float32 values, exact),
      binary vectors hex strings, JSON and dynamic fields objects (dynamic
      keys sit at the top level of a row, as pymilvus returns them).

  count --addr --db --collection     {"count": N}   (live rows, by pk query)
  drop  --addr --db --collection     {"dropped": bool}
  list  --addr [--db DB]             {"databases": [...], "collections": {db: [...]}}
  describe --addr --db --collection  schema, partitions, indexes, aliases, load_state

  rbac --addr --action ACTION --prefix P     (users, roles and grants named P_*)
      setup: database P_db, roles P_reader, P_writer, P_empty with grants in
        `default` and P_db, users P_alice (P_reader), P_bob (P_reader, P_writer),
        P_carol (no role), each with password "Passw0rd!"; prints {"done": true}
      dump: {"roles": [...], "grants": [[role, object, object_name, privilege,
        db], ...], "users": {user: [roles]}}, sorted, only P_* names
      drop: revokes the grants of the P_* roles, removes their users, drops
        the roles and the P_* users; prints {"done": true}
      revoke: revokes one grant (Insert on Collection * in P_db from P_writer)
      login --as-user U --as-password W: {"ok": bool} whether U can list
        collections with that password

Every subcommand also takes --user USER --password PASSWORD (M235_AUTH), and
--tls-ca PEM [--tls-server-name NAME] [--tls-cert PEM --tls-key PEM] for a server
with TLS (M235_TLS1: CA only; M235_TLS2, mutual: also the client certificate).
Works against Milvus 2.2.16 and 2.3.5 (no count(*): counts by pk query).
"""

import argparse
import json
import random
import sys
import time

from pymilvus import (
    Collection,
    CollectionSchema,
    DataType,
    FieldSchema,
    MilvusException,
    connections,
    db,
    utility,
)

ALIAS = "mbt"
# Rows fetched per query while dumping (far below the 16384 result window).
PAGE = 4000


def eprint(*args):
    print(*args, file=sys.stderr, flush=True)


# Set from --user/--password (for a server with authorization enabled) and
# from the --tls-* options (pymilvus's secure/server_pem_path/ca_pem_path/...).
CREDENTIALS = {}


def connect(addr, db_name="default"):
    host, _, port = addr.rpartition(":")
    if not host or not port:
        raise SystemExit(f"--addr wants HOST:PORT, got {addr!r}")
    connections.connect(alias=ALIAS, host=host, port=port, db_name=db_name, timeout=30,
                        **CREDENTIALS)


def use_db(db_name):
    """Reconnect bound to db_name (pymilvus binds the database per connection)."""
    if db_name != "default":
        db.using_database(db_name, using=ALIAS)


# --- deterministic values ----------------------------------------------------
# Everything a row holds is a function of its row number n, so that a restore
# can be checked against a fresh computation as well as against a dump.

def fvec(n, dim):
    # Multiples of 1/64 in [-8, 8): exactly representable as float32.
    return [((n * 31 + k * 17) % 1024) / 64.0 - 8.0 for k in range(dim)]


def bvec_bytes(n, dim):
    return bytes(((n * 37 + k * 11 + 5) % 256) for k in range(dim // 8))


def rich_row(n):
    row = {
        "pk": 10 * n + 3,
        "f_bool": n % 3 == 0,
        "f_int8": (n % 256) - 128,
        "f_int16": (n * 7) % 65536 - 32768,
        "f_int32": (n * 100003) % (2**32) - 2**31,
        "f_int64": n * 1_000_000_007 - 2**62,
        "f_float": n * 0.37 - 100.0,          # rounded to float32 by Milvus
        "f_double": n / 3.0 + 1e-9 * n,
        "f_varchar": f"row-{n:06d}" + ("-äöü-雪" if n % 7 == 0 else ""),
        "f_json": {
            "n": n,
            "even": n % 2 == 0,
            "tags": [f"t{n % 5}", f"u{n % 3}"],
            "nested": {"half": n / 2, "name": f"item {n}"},
        },
        "vec": fvec(n, 8),
        # dynamic fields: on every row, plus one on every 4th row only
        "dyn_int": n * 11,
        "dyn_str": f"dyn-{n}",
    }
    if n % 4 == 0:
        row["dyn_extra"] = {"k": n, "list": [n, n + 1]}
    return row


def varchar_binary_row(n):
    return {"pk": f"key-{n:06d}", "score": (n * 13) % 1000 - 500, "bvec": bvec_bytes(n, 16)}


def partition_key_row(n):
    return {"tenant": f"tenant-{n % 7}", "n": n, "vec": fvec(n, 8)}


def small_row(n):
    return {"pk": n + 1, "vec": fvec(n, 4)}


# --- kinds ---------------------------------------------------------------------

def rich_schema():
    fields = [
        FieldSchema("pk", DataType.INT64, is_primary=True, auto_id=False),
        FieldSchema("f_bool", DataType.BOOL),
        FieldSchema("f_int8", DataType.INT8),
        FieldSchema("f_int16", DataType.INT16),
        FieldSchema("f_int32", DataType.INT32),
        FieldSchema("f_int64", DataType.INT64),
        FieldSchema("f_float", DataType.FLOAT),
        FieldSchema("f_double", DataType.DOUBLE),
        FieldSchema("f_varchar", DataType.VARCHAR, max_length=256),
        FieldSchema("f_json", DataType.JSON),
        FieldSchema("vec", DataType.FLOAT_VECTOR, dim=8),
    ]
    return CollectionSchema(fields, description="mbt rich test collection",
                            enable_dynamic_field=True)


def varchar_binary_schema():
    fields = [
        FieldSchema("pk", DataType.VARCHAR, is_primary=True, auto_id=False, max_length=64),
        FieldSchema("score", DataType.INT32),
        FieldSchema("bvec", DataType.BINARY_VECTOR, dim=16),
    ]
    return CollectionSchema(fields, description="mbt varchar pk, binary vector")


def partition_key_schema():
    fields = [
        FieldSchema("id", DataType.INT64, is_primary=True, auto_id=True),
        FieldSchema("tenant", DataType.VARCHAR, max_length=64, is_partition_key=True),
        FieldSchema("n", DataType.INT64),
        FieldSchema("vec", DataType.FLOAT_VECTOR, dim=8),
    ]
    return CollectionSchema(fields, description="mbt partition key, auto id")


def small_schema():
    fields = [
        FieldSchema("pk", DataType.INT64, is_primary=True, auto_id=False),
        FieldSchema("vec", DataType.FLOAT_VECTOR, dim=4),
    ]
    return CollectionSchema(fields, description="mbt small")


def bench_row(n):
    rng = random.Random(n)
    return {"pk": n, "vec": [rng.random() for _ in range(128)]}


def bench_schema():
    fields = [
        FieldSchema("pk", DataType.INT64, is_primary=True, auto_id=False),
        FieldSchema("vec", DataType.FLOAT_VECTOR, dim=128),
    ]
    return CollectionSchema(fields, description="mbt benchmark: many segments")


# rows: default row count; delete_every/delete_at: row n is deleted when
# n % delete_every == delete_at; batch: rows per insert call.
KINDS = {
    "rich": dict(schema=rich_schema, row=rich_row, rows=3000, delete_every=60, delete_at=7,
                 batch=500, shards=2, partitions=["p1", "p2"],
                 index=("vec", {"index_type": "IVF_FLAT", "metric_type": "L2",
                                "params": {"nlist": 8}}),
                 alias=True),
    "varchar_binary": dict(schema=varchar_binary_schema, row=varchar_binary_row, rows=1000,
                           delete_every=50, delete_at=11, batch=500, shards=1, partitions=[],
                           index=("bvec", {"index_type": "BIN_IVF_FLAT",
                                           "metric_type": "HAMMING", "params": {"nlist": 8}}),
                           alias=False),
    "partition_key": dict(schema=partition_key_schema, row=partition_key_row, rows=1000,
                          delete_every=40, delete_at=5, batch=500, shards=1, partitions=[],
                          num_partitions=4,
                          index=("vec", {"index_type": "FLAT", "metric_type": "L2",
                                         "params": {}}),
                          alias=False),
    # One segment per insert batch when seeded with --flush-each-batch (scripts/bench_create.sh).
    "bench": dict(schema=bench_schema, row=bench_row, rows=40000, delete_every=1000, delete_at=1,
                  batch=500, shards=1, partitions=[], index=None, alias=False),
    "small": dict(schema=small_schema, row=small_row, rows=100, delete_every=20, delete_at=3,
                  batch=100, shards=1, partitions=[], index=None, alias=False),
}


def expr_in(field, values):
    return f"{field} in {json.dumps(list(values), ensure_ascii=False)}"


def cmd_seed(args):
    spec = KINDS[args.kind]
    rows = spec["rows"] if args.rows is None else args.rows
    connect(args.addr)
    if args.db != "default" and args.db not in db.list_database(using=ALIAS):
        db.create_database(args.db, using=ALIAS)
    use_db(args.db)

    if utility.has_collection(args.collection, using=ALIAS):
        if not args.replace:
            raise SystemExit(f"collection {args.db}.{args.collection} exists (use --replace)")
        Collection(args.collection, using=ALIAS).drop()

    schema = spec["schema"]()
    kwargs = {"shards_num": spec["shards"]}
    if "num_partitions" in spec:
        kwargs["num_partitions"] = spec["num_partitions"]
    coll = Collection(args.collection, schema=schema, using=ALIAS,
                      consistency_level="Strong", **kwargs)
    for p in spec["partitions"]:
        coll.create_partition(p)
    # Rows go round-robin over _default and the extra partitions.
    targets = ["_default"] + spec["partitions"]
    pk_field = schema.primary_field.name
    auto_id = schema.primary_field.auto_id

    pk_of_row = {}
    for start in range(0, rows, spec["batch"]):
        ns = range(start, min(rows, start + spec["batch"]))
        for i, part in enumerate(targets):
            batch_ns = [n for n in ns if n % len(targets) == i]
            if not batch_ns:
                continue
            data = [spec["row"](n) for n in batch_ns]
            res = coll.insert(data, partition_name=None if part == "_default" else part)
            if res.insert_count != len(data):
                raise SystemExit(f"inserted {res.insert_count} of {len(data)} rows")
            for n, pk in zip(batch_ns, res.primary_keys):
                pk_of_row[n] = pk
        if args.flush_each_batch:
            coll.flush()
    coll.flush()

    if spec["index"]:
        field, params = spec["index"]
        coll.create_index(field, params)
        utility.wait_for_index_building_complete(args.collection, using=ALIAS)
    alias = None
    if spec["alias"]:
        alias = f"{args.collection}_alias"
        utility.create_alias(args.collection, alias, using=ALIAS)

    deleted_ns = []
    if not args.no_delete:
        deleted_ns = [n for n in range(rows) if n % spec["delete_every"] == spec["delete_at"]]
    deleted_pks = [pk_of_row[n] for n in deleted_ns]
    if deleted_pks:
        for i in range(0, len(deleted_pks), 1000):
            coll.delete(expr_in(pk_field, deleted_pks[i:i + 1000]))
        coll.flush()
    if args.settle:
        time.sleep(args.settle)

    print(json.dumps({
        "collection": args.collection,
        "db": args.db,
        "kind": args.kind,
        "pk_field": pk_field,
        "auto_id": auto_id,
        "rows_inserted": rows,
        "rows_expected": rows - len(deleted_pks),
        "deleted_pks": deleted_pks,
        "deleted_row_numbers": deleted_ns,
        "partitions": targets if "num_partitions" not in spec else
                      [p.name for p in coll.partitions],
        "alias": alias,
    }, ensure_ascii=False))


# --- reading ---------------------------------------------------------------------

VECTOR_TYPES = {DataType.FLOAT_VECTOR: ("FLAT", "L2"), DataType.BINARY_VECTOR: ("BIN_FLAT", "HAMMING")}


def open_collection(args):
    connect(args.addr)
    use_db(args.db)
    if not utility.has_collection(args.collection, using=ALIAS):
        raise SystemExit(f"no collection {args.db}.{args.collection}")
    return Collection(args.collection, using=ALIAS)


def ensure_index_and_load(coll):
    indexed = {idx.field_name for idx in coll.indexes}
    for f in coll.schema.fields:
        if f.dtype in VECTOR_TYPES and f.name not in indexed:
            itype, metric = VECTOR_TYPES[f.dtype]
            eprint(f"creating {itype} index on {f.name}")
            coll.create_index(f.name, {"index_type": itype, "metric_type": metric, "params": {}})
            utility.wait_for_index_building_complete(coll.name, using=ALIAS)
    coll.load()


def all_pks(coll, pk):
    """Every live primary key, with no reliance on the order of query results."""
    if pk.dtype == DataType.VARCHAR:
        rows = coll.query(f'{pk.name} >= ""', output_fields=[pk.name],
                          consistency_level="Strong")
        return sorted(r[pk.name] for r in rows)
    # INT64: split [lo, hi] until a range holds fewer rows than the limit.
    # (Milvus parses -9223372036854775808 as -(2^63) and overflows, so the
    # smallest INT64 is left out; no test uses it.)
    found = []
    limit = 16384
    stack = [(-(2**63 - 1), 2**63 - 1)]
    while stack:
        lo, hi = stack.pop()
        rows = coll.query(f"{pk.name} >= {lo} && {pk.name} <= {hi}", output_fields=[pk.name],
                          limit=limit, consistency_level="Strong")
        if len(rows) < limit:
            found.extend(r[pk.name] for r in rows)
        else:
            mid = lo + (hi - lo) // 2
            stack += [(lo, mid), (mid + 1, hi)]
    return sorted(found)


def canonical(value):
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        # A binary vector comes back as [b"..."]: make it one hex string.
        if len(value) == 1 and isinstance(value[0], (bytes, bytearray)):
            return value[0].hex()
        return [canonical(v) for v in value]
    if hasattr(value, "tolist"):  # numpy scalars / arrays
        return canonical(value.tolist())
    return value


def read_rows(coll):
    pk = coll.schema.primary_field
    pks = all_pks(coll, pk)
    # On 2.2.16 "*" means every scalar field (and the dynamic ones) but no
    # vector: name the vector fields too.
    fields = ["*"] + [f.name for f in coll.schema.fields if f.dtype in VECTOR_TYPES]
    rows = []
    for i in range(0, len(pks), PAGE):
        chunk = pks[i:i + PAGE]
        got = coll.query(expr_in(pk.name, chunk), output_fields=fields,
                         consistency_level="Strong")
        if len(got) != len(chunk):
            raise SystemExit(f"asked for {len(chunk)} rows by pk, got {len(got)}")
        rows.extend(got)
    return pk, rows


def cmd_dump(args):
    coll = open_collection(args)
    ensure_index_and_load(coll)
    try:
        pk, rows = read_rows(coll)
    finally:
        coll.release()
    rows = [canonical(r) for r in rows]
    if pk.auto_id:
        for r in rows:
            r.pop(pk.name, None)
        rows.sort(key=lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False))
    else:
        rows.sort(key=lambda r: r[pk.name])
    json.dump(rows, sys.stdout, ensure_ascii=False, sort_keys=True)
    sys.stdout.write("\n")


def cmd_count(args):
    coll = open_collection(args)
    ensure_index_and_load(coll)
    try:
        n = len(all_pks(coll, coll.schema.primary_field))
    finally:
        coll.release()
    print(json.dumps({"count": n}))


def cmd_drop(args):
    connect(args.addr)
    use_db(args.db)
    dropped = False
    if utility.has_collection(args.collection, using=ALIAS):
        for a in utility.list_aliases(args.collection, using=ALIAS):
            utility.drop_alias(a, using=ALIAS)
        Collection(args.collection, using=ALIAS).drop()
        dropped = True
    print(json.dumps({"dropped": dropped}))


def cmd_list(args):
    connect(args.addr)
    dbs = [args.db] if args.db else db.list_database(using=ALIAS)
    out = {"databases": dbs, "collections": {}}
    for d in dbs:
        db.using_database(d, using=ALIAS)
        out["collections"][d] = sorted(utility.list_collections(using=ALIAS))
    print(json.dumps(out))


def load_state_name(state):
    """`Loaded`, `Loading`, `NotLoad` or `NotExist`, whatever pymilvus's enum prints."""
    return getattr(state, "name", str(state))


def cmd_describe(args):
    coll = open_collection(args)
    s = coll.schema
    out = {
        "collection": coll.name,
        "collection_id": coll.describe().get("collection_id"),
        "schema": s.to_dict(),
        "partitions": [p.name for p in coll.partitions],
        "indexes": [{"field": i.field_name, "params": i.params} for i in coll.indexes],
        "aliases": utility.list_aliases(coll.name, using=ALIAS),
        "num_entities": coll.num_entities,
        "shards": coll.num_shards,
        "load_state": load_state_name(utility.load_state(coll.name, using=ALIAS)),
    }
    print(json.dumps(canonical(out), default=str))


# --- users, roles and grants (RBAC) -------------------------------------------

RBAC_PASSWORD = "Passw0rd!"


def rbac_grants(p):
    """(role, object, object_name, privilege, db) that `setup` grants."""
    db2 = f"{p}_db"
    return [
        (f"{p}_reader", "Collection", f"{p}_books", "Query", "default"),
        (f"{p}_reader", "Collection", f"{p}_books", "Search", "default"),
        (f"{p}_reader", "Global", "*", "DescribeCollection", "default"),
        (f"{p}_reader", "Collection", "*", "Query", db2),
        (f"{p}_writer", "Collection", "*", "Insert", db2),
        (f"{p}_writer", "Collection", f"{p}_films", "Delete", db2),
        (f"{p}_writer", "Global", "*", "CreateCollection", db2),
        (f"{p}_writer", "User", "*", "UpdateUser", "default"),
    ]


RBAC_USERS = {"alice": ["reader"], "bob": ["reader", "writer"], "carol": []}


def rbac_setup(p):
    from pymilvus import Role
    if f"{p}_db" not in db.list_database(using=ALIAS):
        db.create_database(f"{p}_db", using=ALIAS)
    for r in ("reader", "writer", "empty"):
        Role(f"{p}_{r}", using=ALIAS).create()
    for role, obj, name, priv, d in rbac_grants(p):
        Role(role, using=ALIAS).grant(obj, name, priv, db_name=d)
    for u, roles in RBAC_USERS.items():
        utility.create_user(f"{p}_{u}", RBAC_PASSWORD, using=ALIAS)
        for r in roles:
            Role(f"{p}_{r}", using=ALIAS).add_user(f"{p}_{u}")


def rbac_dump(p):
    from pymilvus import Role
    mine = lambda name: name.startswith(f"{p}_")  # noqa: E731
    roles = sorted(r.role_name for r in utility.list_roles(False, using=ALIAS).groups
                   if mine(r.role_name))
    grants = []
    for d in db.list_database(using=ALIAS):
        for r in roles:
            for g in Role(r, using=ALIAS).list_grants(db_name=d).groups:
                grants.append([g.role_name, g.object, g.object_name, g.privilege, g.db_name])
    users = {u.username: sorted(u.roles) for u in utility.list_users(True, using=ALIAS).groups
             if mine(u.username)}
    return {"roles": roles, "grants": sorted(grants), "users": users}


def rbac_drop(p):
    from pymilvus import Role
    state = rbac_dump(p)
    for role, obj, name, priv, d in state["grants"]:
        Role(role, using=ALIAS).revoke(obj, name, priv, db_name=d)
    for u, roles in state["users"].items():
        for r in roles:
            Role(r, using=ALIAS).remove_user(u)
        utility.delete_user(u, using=ALIAS)
    for r in state["roles"]:
        Role(r, using=ALIAS).drop()


def rbac_login(args):
    connections.disconnect(ALIAS)
    CREDENTIALS.update(user=args.as_user, password=args.as_password)
    try:
        connect(args.addr)
        utility.list_collections(using=ALIAS)
        return {"ok": True}
    except Exception as e:  # noqa: BLE001 - any refusal counts as "cannot log in"
        return {"ok": False, "error": str(e)}


def cmd_rbac(args):
    from pymilvus import Role
    connect(args.addr)
    p = args.prefix
    if args.action == "setup":
        rbac_setup(p)
        out = {"done": True}
    elif args.action == "dump":
        out = rbac_dump(p)
    elif args.action == "drop":
        rbac_drop(p)
        out = {"done": True}
    elif args.action == "revoke":
        Role(f"{p}_writer", using=ALIAS).revoke("Collection", "*", "Insert", db_name=f"{p}_db")
        out = {"done": True}
    else:
        out = rbac_login(args)
    print(json.dumps(out))


def main():
    ap = argparse.ArgumentParser(description="Seed and dump Milvus test collections.")
    sub = ap.add_subparsers(dest="cmd", required=True)

    def common(p, collection=True):
        p.add_argument("--addr", required=True, help="HOST:PORT of Milvus gRPC")
        p.add_argument("--user", help="for a server with authorization enabled")
        p.add_argument("--password")
        p.add_argument("--tls-ca", help="CA certificate (PEM): connect with TLS")
        p.add_argument("--tls-server-name", help="name to check in the server certificate")
        p.add_argument("--tls-cert", help="client certificate (PEM), for mutual TLS")
        p.add_argument("--tls-key", help="client key (PEM), for mutual TLS")
        p.add_argument("--db", default="default")
        if collection:
            p.add_argument("--collection", required=True)

    p = sub.add_parser("seed")
    common(p)
    p.add_argument("--kind", required=True, choices=sorted(KINDS))
    p.add_argument("--rows", type=int)
    p.add_argument("--no-delete", action="store_true", help="delete no rows")
    p.add_argument("--replace", action="store_true", help="drop an existing collection first")
    p.add_argument("--flush-each-batch", action="store_true",
                   help="flush after every insert batch: one small segment each")
    p.add_argument("--settle", type=float, default=0.0,
                   help="seconds to sleep at the end (2.2.16: > syncPeriod)")
    p.set_defaults(func=cmd_seed)
    for name, func in (("dump", cmd_dump), ("count", cmd_count), ("drop", cmd_drop),
                       ("describe", cmd_describe)):
        p = sub.add_parser(name)
        common(p)
        p.set_defaults(func=func)
    p = sub.add_parser("list")
    common(p, collection=False)
    p.set_defaults(func=cmd_list, db=None)
    p = sub.add_parser("rbac")
    common(p, collection=False)
    p.add_argument("--action", required=True,
                   choices=["setup", "dump", "drop", "revoke", "login"])
    p.add_argument("--prefix", required=True)
    p.add_argument("--as-user")
    p.add_argument("--as-password")
    p.set_defaults(func=cmd_rbac)

    args = ap.parse_args()
    if args.user:
        CREDENTIALS.update(user=args.user, password=args.password or "")
    if args.tls_ca:
        CREDENTIALS["secure"] = True
        if args.tls_cert or args.tls_key:
            if not (args.tls_cert and args.tls_key):
                raise SystemExit("--tls-cert and --tls-key go together")
            CREDENTIALS.update(ca_pem_path=args.tls_ca, client_pem_path=args.tls_cert,
                               client_key_path=args.tls_key)
        else:
            CREDENTIALS["server_pem_path"] = args.tls_ca
        if args.tls_server_name:
            CREDENTIALS["server_name"] = args.tls_server_name
    try:
        args.func(args)
    except MilvusException as e:
        eprint(f"milvus_data.py {args.cmd}: {e}")
        sys.exit(1)
    finally:
        try:
            connections.disconnect(ALIAS)
        except Exception:  # noqa: BLE001 - best effort on the way out
            pass


if __name__ == "__main__":
    main()

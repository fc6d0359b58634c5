#!/usr/bin/env python3
"""Seed and dump collections of modern Milvus (Lite 3.2.2) for the tests (pymilvus 3.0.2).

Run with the Lite venv's python ($MBT_LITE_PYTHON). Every subcommand prints one
JSON document on stdout; messages go to stderr; exit status 1 on error.

  seed  --uri URI --db DB --collection NAME [--rows N] [--no-bm25]
      Creates DB (unless `default`) and a collection using every type Milvus
      Lite supports: VARCHAR primary key, INT8..INT64, BOOL, FLOAT, DOUBLE
      (nullable), VARCHAR with a default value, JSON, ARRAY of INT64 and of
      VARCHAR, a FLOAT vector, a SPARSE_FLOAT vector, a BM25 function (text ->
      sparse output field) unless --no-bm25, dynamic fields, two extra
      partitions, an alias `<NAME>_alias` and a collection property (TTL).
      Values derive only from the row number. Prints
      {"collection", "db", "rows", "partitions", "alias", "pk_field"}.

  dump  --uri URI --db DB --collection NAME
      Loads the collection (an index on each vector field first when it has
      none), reads every row with the query iterator (pk order), and prints the
      rows as a canonical JSON list sorted by primary key. Float vectors are
      float32 values, sparse vectors {index: value} with string keys, nulls
      null; dynamic keys sit at the top level of a row. BM25 output fields are
      left out (the server computes them; they cannot be queried).

  count    --uri --db --collection   {"count": N}
  describe --uri --db --collection   schema, partitions, indexes, aliases
  drop     --uri --db --collection   {"dropped": bool}
  list     --uri                     {"databases": [...], "collections": {db: [...]}}
  createdb --uri --db [--prop K=V]...  creates the database with properties  {"created": DB}
  describedb --uri --db              {"properties": {K: V}}
"""

import argparse
import json
import sys

import numpy as np
from pymilvus import DataType, Function, FunctionType, MilvusClient

PAGE = 1000
DIM = 8


def eprint(*args):
    print(*args, file=sys.stderr, flush=True)


def client(uri, db_name="default"):
    return MilvusClient(uri=uri, db_name=db_name, timeout=60)


def fvec(n):
    return [float(np.float32((n * 7 + i) % 97 / 10.0)) for i in range(DIM)]


def sparse(n):
    return {(n * 3 + k) % 1000: float(np.float32(0.5 + k + n % 5)) for k in range(1 + n % 3)}


WORDS = ["milvus", "backup", "portable", "parquet", "lite", "vector", "restore", "schema"]


def row(n):
    r = {
        "pk": f"doc-{n:06d}",
        "i8": n % 100 - 50,
        "i16": n % 30000,
        "i32": n * 3,
        "i64": n * 1_000_003,
        "flag": n % 2 == 0,
        "f32": float(np.float32(n / 4.0)),
        "score": None if n % 3 == 0 else n * 0.125,
        "label": None if n % 4 == 0 else f"label-{n % 7}",
        "meta": {"n": n, "tag": WORDS[n % len(WORDS)], "nested": {"even": n % 2 == 0}},
        "tags": [n, n + 1, n * 2][: 1 + n % 3],
        "names": [WORDS[(n + k) % len(WORDS)] for k in range(n % 4)],
        "vec": fvec(n),
        "sparse_vec": sparse(n),
        "text": " ".join(WORDS[(n + k) % len(WORDS)] for k in range(3)),
    }
    if n % 5 == 0:
        r["dyn_color"] = ["red", "green", "blue"][n % 3]
    if n % 7 == 0:
        r["dyn_num"] = n
    return r


def schema(with_bm25=True):
    s = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=True)
    s.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=64)
    s.add_field("i8", DataType.INT8)
    s.add_field("i16", DataType.INT16)
    s.add_field("i32", DataType.INT32)
    s.add_field("i64", DataType.INT64)
    s.add_field("flag", DataType.BOOL)
    s.add_field("f32", DataType.FLOAT)
    s.add_field("score", DataType.DOUBLE, nullable=True)
    s.add_field("label", DataType.VARCHAR, max_length=32, nullable=True, default_value="none")
    s.add_field("meta", DataType.JSON)
    s.add_field("tags", DataType.ARRAY, element_type=DataType.INT64, max_capacity=8)
    s.add_field("names", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=8,
                max_length=32)
    s.add_field("vec", DataType.FLOAT_VECTOR, dim=DIM)
    s.add_field("sparse_vec", DataType.SPARSE_FLOAT_VECTOR)
    s.add_field("text", DataType.VARCHAR, max_length=256, enable_analyzer=True)
    if with_bm25:
        s.add_field("bm25_vec", DataType.SPARSE_FLOAT_VECTOR)
        s.add_function(Function(name="text_bm25", function_type=FunctionType.BM25,
                                input_field_names=["text"], output_field_names=["bm25_vec"]))
    return s


def index_params(c, with_bm25=True):
    p = c.prepare_index_params()
    p.add_index(field_name="vec", index_type="FLAT", metric_type="L2")
    p.add_index(field_name="sparse_vec", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    if with_bm25:
        p.add_index(field_name="bm25_vec", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    return p


def cmd_seed(a):
    if a.db != "default":
        c0 = client(a.uri)
        if a.db not in c0.list_databases():
            c0.create_database(a.db)
    c = client(a.uri, a.db)
    if c.has_collection(a.collection):
        c.drop_collection(a.collection)
    bm25 = not a.no_bm25
    c.create_collection(a.collection, schema=schema(bm25), index_params=index_params(c, bm25),
                        properties={"collection.ttl.seconds": "0"})
    parts = ["_default", "p_even", "p_odd"]
    for p in parts[1:]:
        c.create_partition(a.collection, p)
    by_part = {p: [] for p in parts}
    for n in range(a.rows):
        r = row(n)
        by_part[parts[0] if n % 10 == 0 else parts[1 + n % 2]].append(r)
    for p, rows in by_part.items():
        for i in range(0, len(rows), PAGE):
            c.insert(a.collection, rows[i:i + PAGE], partition_name=p)
    alias = f"{a.collection}_alias"
    c.create_alias(a.collection, alias)
    c.flush(a.collection)
    print(json.dumps({"collection": a.collection, "db": a.db, "rows": a.rows,
                      "partitions": parts, "alias": alias, "pk_field": "pk"}))


def canonical(v):
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (list, tuple, np.ndarray)):
        return [canonical(x) for x in v]
    if isinstance(v, dict):
        return {str(k): canonical(x) for k, x in v.items()}
    if isinstance(v, bytes):
        return v.hex()
    return v


def schema_info(c, name):
    d = c.describe_collection(name)
    return d, [f for f in d["fields"] if not f.get("is_function_output")]


def ensure_loaded(c, name, fields):
    have = {c.describe_index(name, i)["field_name"] for i in c.list_indexes(name)}
    p = c.prepare_index_params()
    todo = False
    for f in fields:
        if f["name"] in have:
            continue
        t = f["type"]
        if t == DataType.FLOAT_VECTOR:
            p.add_index(field_name=f["name"], index_type="FLAT", metric_type="L2")
            todo = True
        elif t == DataType.SPARSE_FLOAT_VECTOR:
            p.add_index(field_name=f["name"], index_type="SPARSE_INVERTED_INDEX",
                        metric_type="IP")
            todo = True
        elif t == DataType.BINARY_VECTOR:
            p.add_index(field_name=f["name"], index_type="BIN_FLAT", metric_type="HAMMING")
            todo = True
    if todo:
        c.create_index(name, p)
    c.load_collection(name)


def read_rows(c, name, fields, pk):
    out = [f["name"] for f in fields]
    d = c.describe_collection(name)
    if d.get("enable_dynamic_field"):
        out.append("$meta")
    it = c.query_iterator(name, batch_size=PAGE, filter="", output_fields=out)
    rows = []
    while True:
        page = it.next()
        if not page:
            break
        rows.extend({k: canonical(v) for k, v in r.items()} for r in page)
    it.close()
    rows.sort(key=lambda r: r[pk])
    return rows


def cmd_dump(a):
    c = client(a.uri, a.db)
    _, fields = schema_info(c, a.collection)
    pk = next(f["name"] for f in fields if f.get("is_primary"))
    ensure_loaded(c, a.collection, fields)
    rows = read_rows(c, a.collection, fields, pk)
    c.release_collection(a.collection)
    print(json.dumps(rows, sort_keys=True))


def cmd_count(a):
    c = client(a.uri, a.db)
    _, fields = schema_info(c, a.collection)
    ensure_loaded(c, a.collection, fields)
    res = c.query(a.collection, filter="", output_fields=["count(*)"])
    print(json.dumps({"count": res[0]["count(*)"]}))


def cmd_describe(a):
    c = client(a.uri, a.db)
    d = c.describe_collection(a.collection)
    indexes = [c.describe_index(a.collection, i) for i in c.list_indexes(a.collection)]
    print(json.dumps({"schema": canonical(d), "partitions": c.list_partitions(a.collection),
                      "indexes": canonical(indexes),
                      "aliases": c.list_aliases(a.collection)["aliases"]}, default=str))


def cmd_drop(a):
    c = client(a.uri, a.db)
    had = c.has_collection(a.collection)
    if had:
        c.drop_collection(a.collection)
    print(json.dumps({"dropped": had}))


def cmd_list(a):
    c = client(a.uri)
    dbs = c.list_databases()
    print(json.dumps({"databases": dbs,
                      "collections": {d: client(a.uri, d).list_collections() for d in dbs}}))


def cmd_createdb(a):
    props = dict(p.split("=", 1) for p in a.prop)
    client(a.uri).create_database(a.db, properties=props)
    print(json.dumps({"created": a.db}))


def cmd_describedb(a):
    d = dict(client(a.uri).describe_database(a.db))
    d.pop("name", None)
    print(json.dumps({"properties": d}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name, fn in [("seed", cmd_seed), ("dump", cmd_dump), ("count", cmd_count),
                     ("describe", cmd_describe), ("drop", cmd_drop), ("list", cmd_list),
                     ("createdb", cmd_createdb), ("describedb", cmd_describedb)]:
        p = sub.add_parser(name)
        p.add_argument("--uri", required=True)
        p.add_argument("--db", default="default")
        p.add_argument("--collection", required=name not in ("list", "createdb", "describedb"))
        if name == "createdb":
            p.add_argument("--prop", action="append", default=[])
        if name == "seed":
            p.add_argument("--rows", type=int, default=500)
            p.add_argument("--no-bm25", action="store_true")
        p.set_defaults(fn=fn)
    a = ap.parse_args()
    try:
        a.fn(a)
    except Exception as e:  # one JSON-free line on stderr, status 1
        eprint(f"{a.cmd} failed: {type(e).__name__}: {e}")
        sys.exit(1)


if __name__ == "__main__":
    main()

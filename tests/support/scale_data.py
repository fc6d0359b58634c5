#!/usr/bin/env python3
"""Production-sized collections for the scale tests and benchmarks (pymilvus 2.3.8).

Run with the sandbox's venv python ($MBT_PYTHON). Each subcommand prints one JSON
document on stdout; messages go to stderr.

  seed  --addr H:P [--db DB] --collection NAME --rows N [--batch B] [--delete-every K]
        [--shards S]
      A collection (pk INT64, vec FLOAT_VECTOR dim 128) of N rows with pk 0..N-1,
      inserted in batches of B, flushed; then every row whose pk % K == K - 1 is
      deleted (K = 0: none) and flushed again. Every vector is a function of its
      pk alone (see `vectors`), so a restored copy is checked against a fresh
      computation, not against a second dump.
      Prints {"rows_inserted", "rows_expected", "deleted", "insert_seconds", "flush_seconds"}.

  check --addr H:P [--db DB] --collection NAME --rows N [--delete-every K]
        [--sample S]
      Loads the collection (a FLAT index first if it has none) and checks:
      - the exact set of live primary keys (all N, less the deleted ones), by pk;
      - the vectors of every row whose pk % S == 7 (S = 1: every row), value by value
        against `vectors`.
      Prints {"rows", "missing", "unexpected", "vectors_checked", "vector_mismatches",
      "first_mismatch"}; a test asserts on it. Releases the collection at the end.
"""

import argparse
import json
import sys
import time

import numpy as np
from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, MilvusException, utility

from milvus_data import ALIAS, connect, db, eprint, use_db

DIM = 128
# Rows per query while checking (under the 16384 result window).
PAGE = 8000


def vectors(pks):
    """The vectors of the given pks: splitmix64 of (pk, k), 24 random bits per value in [0, 1)
    (exact in float32), so that Milvus's compressed binlogs keep their real size."""
    x = (np.asarray(pks, dtype=np.uint64)[:, None] * np.uint64(DIM)
         + np.arange(DIM, dtype=np.uint64)[None, :])
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return ((z >> np.uint64(40)).astype(np.float64) / float(1 << 24)).astype(np.float32)


def deleted(pk, every):
    return every > 0 and pk % every == every - 1


def cmd_seed(args):
    connect(args.addr)
    if args.db != "default" and args.db not in db.list_database(using=ALIAS):
        db.create_database(args.db, using=ALIAS)
    use_db(args.db)
    if utility.has_collection(args.collection, using=ALIAS):
        Collection(args.collection, using=ALIAS).drop()
    schema = CollectionSchema([
        FieldSchema("pk", DataType.INT64, is_primary=True, auto_id=False),
        FieldSchema("vec", DataType.FLOAT_VECTOR, dim=DIM),
    ], description="mbt scale")
    coll = Collection(args.collection, schema=schema, using=ALIAS, shards_num=args.shards,
                      consistency_level="Strong")
    t0 = time.monotonic()
    for start in range(0, args.rows, args.batch):
        pks = np.arange(start, min(args.rows, start + args.batch), dtype=np.int64)
        res = coll.insert([pks.tolist(), vectors(pks)])
        if res.insert_count != len(pks):
            raise SystemExit(f"inserted {res.insert_count} of {len(pks)} rows")
        if start // args.batch % 10 == 0:
            eprint(f"inserted {start + len(pks)} / {args.rows} rows")
    t1 = time.monotonic()
    coll.flush()
    t2 = time.monotonic()
    gone = []
    if args.delete_every > 0:
        gone = [pk for pk in range(args.delete_every - 1, args.rows, args.delete_every)]
        for i in range(0, len(gone), 5000):
            coll.delete(f"pk in {json.dumps(gone[i:i + 5000])}")
        coll.flush()
    print(json.dumps({
        "rows_inserted": args.rows,
        "rows_expected": args.rows - len(gone),
        "deleted": len(gone),
        "insert_seconds": round(t1 - t0, 2),
        "flush_seconds": round(t2 - t1, 2),
    }))


def cmd_check(args):
    connect(args.addr)
    use_db(args.db)
    if not utility.has_collection(args.collection, using=ALIAS):
        raise SystemExit(f"no collection {args.db}.{args.collection}")
    coll = Collection(args.collection, using=ALIAS)
    if not any(i.field_name == "vec" for i in coll.indexes):
        eprint("creating a FLAT index on vec")
        coll.create_index("vec", {"index_type": "FLAT", "metric_type": "L2", "params": {}})
        utility.wait_for_index_building_complete(coll.name, using=ALIAS)
    coll.load()
    seen = 0
    missing = unexpected = checked = mismatches = 0
    first = None
    try:
        for lo in range(0, args.rows, PAGE):
            hi = min(args.rows, lo + PAGE)
            rows = coll.query(f"pk >= {lo} && pk < {hi}", output_fields=["pk"],
                              consistency_level="Strong")
            got = {r["pk"] for r in rows}
            want = {pk for pk in range(lo, hi) if not deleted(pk, args.delete_every)}
            seen += len(got)
            missing += len(want - got)
            unexpected += len(got - want)
            sample = [pk for pk in sorted(got) if pk % args.sample == 7 % args.sample]
            if not sample:
                continue
            vec_rows = coll.query(f"pk in {json.dumps(sample)}", output_fields=["pk", "vec"],
                                  consistency_level="Strong")
            vec_rows.sort(key=lambda r: r["pk"])
            actual = np.asarray([r["vec"] for r in vec_rows], dtype=np.float32)
            expect = vectors([r["pk"] for r in vec_rows])
            bad = np.nonzero(np.any(actual != expect, axis=1))[0]
            checked += len(vec_rows)
            mismatches += len(bad)
            if len(bad) and first is None:
                first = {"pk": vec_rows[bad[0]]["pk"]}
            if lo // PAGE % 25 == 0:
                eprint(f"checked pks below {hi}")
        # Keys outside the seeded range would be unexpected too.
        beyond = coll.query(f"pk < 0 || pk >= {args.rows}", output_fields=["pk"], limit=10,
                            consistency_level="Strong")
        unexpected += len(beyond)
    finally:
        coll.release()
    print(json.dumps({
        "rows": seen,
        "missing": missing,
        "unexpected": unexpected,
        "vectors_checked": checked,
        "vector_mismatches": mismatches,
        "first_mismatch": first,
    }))


def main():
    ap = argparse.ArgumentParser(description="Seed and check production-sized collections.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name, func in (("seed", cmd_seed), ("check", cmd_check)):
        p = sub.add_parser(name)
        p.add_argument("--addr", required=True)
        p.add_argument("--db", default="default")
        p.add_argument("--collection", required=True)
        p.add_argument("--rows", type=int, required=True)
        p.add_argument("--delete-every", type=int, default=1000)
        p.set_defaults(func=func)
        if name == "seed":
            p.add_argument("--batch", type=int, default=20000)
            p.add_argument("--shards", type=int, default=1)
        else:
            p.add_argument("--sample", type=int, default=20)
    args = ap.parse_args()
    try:
        args.func(args)
    except MilvusException as e:
        eprint(f"scale_data.py {args.cmd}: {e}")
        sys.exit(1)


if __name__ == "__main__":
    main()

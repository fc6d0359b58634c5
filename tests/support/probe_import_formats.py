#!/usr/bin/env python3
"""Which files Milvus's bulk import (Import without backup=true) reads: Parquet, row-based
JSON, NumPy. Run with $MBT_PYTHON (pymilvus 2.3.8) inside the sandbox:

  probe_import_formats.py HOST:PORT SCRATCH_DIR TAG

Writes one 10-row file set per format under SCRATCH_DIR/TAG (a directory the server can read;
local storage wants absolute paths), imports each into a fresh collection, prints one line per
format: its final state, the rows imported and the failure reason. See docs/portable.md.
"""
import json, os, sys, time
import numpy as np
import pyarrow as pa, pyarrow.parquet as pq
from pymilvus import connections, utility, Collection, CollectionSchema, FieldSchema, DataType

addr = sys.argv[1]; scratch = sys.argv[2]; tag = sys.argv[3]
host, port = addr.split(":")
connections.connect(host=host, port=port)
fields = [FieldSchema("pk", DataType.INT64, is_primary=True), FieldSchema("s", DataType.VARCHAR, max_length=32),
          FieldSchema("v", DataType.FLOAT_VECTOR, dim=4)]
def fresh(name):
    if utility.has_collection(name): utility.drop_collection(name)
    return Collection(name, CollectionSchema(fields))
N = 10
pk = list(range(N)); s = [f"s{i}" for i in pk]; v = [[float(i)] * 4 for i in pk]
d = os.path.join(scratch, tag); os.makedirs(d, exist_ok=True)
# parquet
pf = os.path.join(d, "rows.parquet")
pq.write_table(pa.table({"pk": pa.array(pk, pa.int64()), "s": pa.array(s), "v": pa.array(v, pa.list_(pa.float32()))}), pf)
# json row-based
jf = os.path.join(d, "rows.json")
json.dump({"rows": [{"pk": a, "s": b, "v": c} for a, b, c in zip(pk, s, v)]}, open(jf, "w"))
# numpy column-based
nd = os.path.join(d, "np"); os.makedirs(nd, exist_ok=True)
np.save(os.path.join(nd, "pk.npy"), np.array(pk, dtype=np.int64))
np.save(os.path.join(nd, "s.npy"), np.array(s))
np.save(os.path.join(nd, "v.npy"), np.array(v, dtype=np.float32))
npf = [os.path.join(nd, f) for f in ("pk.npy", "s.npy", "v.npy")]
for kind, files in [("parquet", [pf]), ("json", [jf]), ("numpy", npf)]:
    name = f"imp_{kind}"
    fresh(name)
    try:
        tid = utility.do_bulk_insert(name, files=files)
    except Exception as e:
        print(kind, "REFUSED:", e); continue
    for _ in range(60):
        st = utility.get_bulk_insert_state(tid)
        if st.state_name in ("Completed", "Failed", "ImportCompleted", "ImportFailed", "ImportPersisted") or st.state in (6, 5, 7, 3):
            break
        time.sleep(1)
    print(kind, st.state_name, "rows", st.row_count, "reason", st.infos.get("failed_reason"))

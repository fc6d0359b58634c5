"""Wait until a Milvus Lite server answers GetVersion (pymilvus 3, venv-lite).

Usage: wait_lite.py PORT PID TIMEOUT_SECONDS. Exits 0 when it answers, non-zero
when the process PID is gone or the timeout passed.
"""
import os
import sys
import time

from pymilvus import MilvusClient

port, pid, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
deadline = time.monotonic() + timeout
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("exited while starting")
    try:
        MilvusClient(uri=f"http://127.0.0.1:{port}", timeout=2).get_server_version()
        sys.exit(0)
    except Exception:  # not listening yet
        time.sleep(0.5)
sys.exit("not ready in time")

"""`prodlens demo`: a small multi-language shop service with a realistic production log, already ingested.

`create_demo(directory)` writes the service (Java, Python, TypeScript, Go sources from `prodlens/demo_data/shop`),
generates three days of logs (`generate.py`), and ingests them into `directory/.prodlens/store.db` with the real
index, matcher and store — the same path a user's own logs take.
"""

from .create import DemoResult, create_demo

__all__ = ["DemoResult", "create_demo"]

"""`prodlens ingest`: read log files, directories or stdin, match each record to a statement, and write counts,
samples and unmatched shapes into the embedded store — exactly once per record, even across crashes.

Modules: `lock` (one writer per store), `shapes` (unmatched messages grouped by shape), `aggregate` (per batch,
in memory), `sources` (checkpoints: which bytes of which file were already counted), `pipeline` (the loop that
ties reading, matching and writing together, including `--follow`), `retention` (pruning policy).
The public entry point is `prodlens.ingest.pipeline.ingest`.
"""

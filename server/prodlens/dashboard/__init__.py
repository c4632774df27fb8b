"""The built-in monitoring page for the embedded store (`prodlens dashboard`).

Built on Datasette, which already reads the SQLite file sqlite-utils writes and gives browsing, SQL, JSON and
CSV for free; prodlens adds an overview and one page per statement through Datasette's plugin hooks.
"""

"""One workspace folder as the server sees it: configuration, statement index, open files, store, counts.

The index is built on a worker thread and swapped in when complete; until then, open files are extracted on
their own (`extract_source`) so their lenses appear at once. After the swap, open files are re-indexed from
their editor text, because the editor's unsaved text, not the disk, is what the user is looking at.
Everything here except `build_index` runs on the event loop thread.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

from ..config import Config, store_path
from ..model import LogStatement
from .counts import CountCache, StoreHandle
from .options import ResolvedConfig, resolve

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


class ProdlensWorkspace:
    def __init__(self, root: Path, options: object = None) -> None:
        self.root = root
        resolved = resolve(root, options)
        self.config: Config = resolved.config
        self.problems: list[str] = resolved.problems
        self.index = None  # StatementIndex once the background build finishes
        self.index_stale = False  # the index settings changed since the index was built: rebuild it
        self.index_generation = 0  # bumped per build started: a build overtaken by a newer one is dropped
        self.index_version = 0  # bumped on every change of the statement set (the matcher is rebuilt lazily)
        self.open_files: dict[str, list[LogStatement]] = {}
        self.open_texts: dict[str, str] = {}
        self.store = StoreHandle(self.config, root)
        self.store_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prodlens-store")
        self.counts = CountCache(self.config.window, self.config.ingest.retention)
        self.store_signature: tuple | None = None
        self._matcher = None
        self._matcher_version = -1

    # ------------------------------------------------------------------------------------------ configuration

    def reconfigure(self, options: object) -> ResolvedConfig:
        """New editor settings: new config; the store is reopened (on its thread) and counts refetched. When
        the `index` section changed (include/exclude, languages, logging methods…), `index_stale` is set: the
        statement set itself must be rebuilt."""
        resolved = resolve(self.root, options)
        if resolved.config.index != self.config.index:
            self.index_stale = True
        self.config = resolved.config
        self.problems = resolved.problems
        old = self.store
        self.store = StoreHandle(self.config, self.root)
        self.store_thread.submit(old.reset)
        self.counts.clear(self.config.window, self.config.ingest.retention)
        self.counts.problem = None
        return resolved

    @property
    def store_is_local(self) -> bool:
        """The embedded store answers from a local file; remote stores answer over the network."""
        return store_path(self.config, self.root) is not None

    def set_window(self, window: str) -> None:
        self.config.window = window
        self.counts.clear(window)

    # ------------------------------------------------------------------------------------------------ paths

    def relative(self, path: Path) -> str | None:
        """Repository-relative POSIX path, or None when the file is outside this workspace."""
        try:
            return PurePosixPath(path.resolve().relative_to(self.root.resolve()).as_posix()).as_posix()
        except (ValueError, OSError):
            return None

    # ------------------------------------------------------------------------------------------------ index

    def build_index(self, progress: Progress | None = None):
        """Worker thread: the whole workspace, with the persisted cache. Returns the new index."""
        from ..source.index import StatementIndex

        index = StatementIndex.build(self.root, self.config, progress=progress)
        index.save()  # the next start (and `prodlens show`) reuses the extraction
        return index

    def install_index(self, index) -> None:
        """Loop thread: swap the built index in, then replay the open files' editor text into it."""
        self.index = index
        for rel, text in list(self.open_texts.items()):
            self._index_file(rel, text)
        self.index_version += 1

    def update_file(self, rel: str, text: str) -> list[LogStatement]:
        self.open_texts[rel] = text
        statements = self._index_file(rel, text)
        self.index_version += 1
        return statements

    def _index_file(self, rel: str, text: str) -> list[LogStatement]:
        try:
            if self.index is not None:
                statements = list(self.index.update_file(rel, text))
            else:
                from ..source.index import extract_source

                statements = list(extract_source(rel, text, self.config))
        except Exception:  # an extractor bug on one text must not blank the file's lenses: keep the last ones
            log.exception("indexing %s failed", rel)
            return self.open_files.get(rel, [])
        statements.sort(key=lambda s: (s.range.start_line, s.range.start_column))
        self.open_files[rel] = statements
        return statements

    def close_file(self, rel: str) -> None:
        self.open_texts.pop(rel, None)
        self.open_files.pop(rel, None)
        if self.index is not None:
            # The editor may have dropped unsaved changes: the disk is the truth again.
            self.index.close_file(rel)
            try:
                text = (self.root / rel).read_text(encoding="utf-8", errors="replace")
            except OSError:
                self.index.remove_file(rel)
            else:
                self.index.update_file(rel, text)
            self.index_version += 1

    def file_changed_on_disk(self, rel: str) -> None:
        """A file changed outside the editor (checkout, generator): re-read it unless the editor has it open."""
        if rel in self.open_texts or self.index is None:
            return
        try:
            text = (self.root / rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            self.index.remove_file(rel)
        else:
            self.index.update_file(rel, text)
        self.index_version += 1

    def statements_for(self, rel: str) -> list[LogStatement]:
        if rel in self.open_files:
            return self.open_files[rel]
        if self.index is not None:
            return list(self.index.for_path(rel))
        return []

    def all_statements(self) -> Iterable[LogStatement]:
        if self.index is None:
            for statements in self.open_files.values():
                yield from statements
            return
        yield from self.index.statements

    def by_key(self, key: str) -> LogStatement | None:
        for statements in self.open_files.values():
            for statement in statements:
                if statement.key == key:
                    return statement
        if self.index is not None:
            return self.index.by_key(key)
        return None

    def same_template(self, statement: LogStatement) -> int:
        text = statement.template.text
        return sum(1 for s in self.all_statements() if s.template.text == text)

    # ---------------------------------------------------------------------------------------------- matcher

    def cached_matcher(self):
        """The Matcher for the current statements, or None when it must be (re)built."""
        return self._matcher if self._matcher_version == self.index_version else None

    def build_matcher(self, statements: list[LogStatement]):
        """Worker thread: compiling thousands of templates can take seconds; never on the loop."""
        from ..matching.matcher import Matcher

        return Matcher(statements, root=self.root, config=self.config)

    def keep_matcher(self, matcher, version: int) -> None:
        self._matcher, self._matcher_version = matcher, version

    def close(self) -> None:
        self.store_thread.submit(self.store.reset)
        self.store_thread.shutdown(wait=False, cancel_futures=True)

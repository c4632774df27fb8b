"""The server's state and background work: workspaces, count fetching, store watching, client notifications.

Handlers in `server.py` stay a few lines each by calling into `ProdlensServer`. Rules kept here:
- the event loop never touches a store or a slow parse; stores run on each workspace's store thread, the
  workspace index build and matcher compilation on the default executor;
- requests never wait for the store longer than a short bound (`*_WAIT`); late answers land in the cache and
  reach the editor through `workspace/codeLens/refresh` (when the client has it) or the next request;
- every server-to-client request is guarded by the client's capabilities.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NoReturn, Sequence
from urllib.parse import unquote

from lsprotocol import types
from pygls import uris
from pygls.lsp.server import LanguageServer

from .. import __version__
from ..config import marked_project_root
from ..model import LogStatement
from . import convert
from .counts import (
    Details,
    FetchResult,
    dashboard_url,
    fetch_counts,
    fetch_details,
    store_error_message,
    store_signature,
)
from .diagnostics import document_diagnostics
from .render import hover_markdown, lens_title, link_tooltip, match_info
from .workspace import ProdlensWorkspace

log = logging.getLogger(__name__)

RESOLVE_WAIT = 2.0  # seconds a codeLens/resolve waits for the embedded store before answering "counting…"
HOVER_WAIT = 2.0  # seconds a hover waits for samples from the embedded store
REMOTE_WAIT = 0.25  # the same waits for a remote store: requests do not wait on the network
SYMBOL_WAIT = 1.0
SYMBOL_INDEX_WAIT = 2.0  # seconds workspace/symbol waits for a workspace index still being built
WATCH_INTERVAL = 0.5  # store file polling (two stat calls per workspace)
RETRY_INTERVAL = 2.0  # retry a failing store this often while files are open
REMOTE_REFRESH = 60.0  # remote stores have no file to watch: refetch open documents this often
SAMPLES = 5

Key = tuple[Path, str]


class ProdlensServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("prodlens", __version__, converter_factory=convert.converter_factory)
        self.workspaces: dict[Path, ProdlensWorkspace] = {}
        self.init_options: Any = None
        self.pending: dict[Key, tuple[asyncio.Future, frozenset[str]]] = {}
        self.details: dict[tuple[Path, str], Details] = {}
        self.published: dict[str, list[types.Diagnostic]] = {}
        self.watch_task: asyncio.Task | None = None
        self.index_tasks: dict[Path, asyncio.Task] = {}
        self.matcher_tasks: dict[Path, asyncio.Future] = {}
        self.lens_cache: dict[str, tuple[tuple, list[types.CodeLens]]] = {}
        self.open_uris: dict[Key, str] = {}
        self._refresh_scheduled = False
        self._background: set[asyncio.Task] = set()
        self._last_retry: dict[Path, float] = {}
        self._last_remote: dict[Path, float] = {}
        self.stopping = False
        # Index builds and matcher compilations: not asyncio's default executor, which `asyncio.run` joins on
        # the way out (see `start_io`).
        self.workers = ThreadPoolExecutor(max_workers=4, thread_name_prefix="prodlens-build")
        self.rootless = False  # the client opened no folder: each opened file's project becomes a workspace
        self.chosen_window: str | None = None  # `prodlens.setWindow`: also for workspaces added later
        self._last_status: dict[str, str] | None = None

    def report_server_error(self, error: Exception, source) -> None:
        """pygls shows every server error to the user; after `shutdown` the client is gone, and showing the
        error of a failed write would itself fail and recurse (seconds of tracebacks at exit)."""
        if self.stopping:
            log.debug("after shutdown: %s", error)
            return
        super().report_server_error(error, source)

    def start_io(self, stdin=None, stdout=None) -> None:
        """Serve stdio until `exit` or until the client closes the pipe; then end the process at once.

        An editor that crashed or was killed closes the pipe without `exit`: the server must not live on
        (burning a core) until an index build of a large workspace finishes."""
        super().start_io(stdin, stdout)
        self.exit_now()

    # ----------------------------------------------------------------------------------------- capabilities

    def supports_refresh(self) -> bool:
        ws = self.client_capabilities.workspace
        return bool(ws and ws.code_lens and ws.code_lens.refresh_support)

    def supports_show_document(self) -> bool:
        window = self.client_capabilities.window
        return bool(window and window.show_document and window.show_document.support)

    def supports_watched_files_registration(self) -> bool:
        """VS Code can watch files for us; Neovim 0.7 cannot register watchers (and must not be asked to)."""
        ws = self.client_capabilities.workspace
        watched = ws.did_change_watched_files if ws else None
        return bool(watched and watched.dynamic_registration)

    def supports_link_tooltips(self) -> bool:
        document = self.client_capabilities.text_document
        return bool(document and document.document_link and document.document_link.tooltip_support)

    def supports_progress(self) -> bool:
        window = self.client_capabilities.window
        return bool(window and window.work_done_progress)

    # ------------------------------------------------------------------------------------------- workspaces

    def open_workspaces(self, params: types.InitializeParams) -> None:
        self.init_options = params.initialization_options
        roots: list[str] = []
        for folder in params.workspace_folders or []:
            roots.append(folder.uri)
        if not roots and params.root_uri:
            roots.append(params.root_uri)
        if not roots and params.root_path:
            roots.append(uris.from_fs_path(params.root_path) or "")
        for uri in roots:
            path = uris.to_fs_path(uri)
            if path:
                self.add_workspace(Path(path))
        self.rootless = not self.workspaces

    def add_workspace(self, root: Path) -> ProdlensWorkspace:
        root = root.resolve()
        ws = self.workspaces.get(root)
        if ws is None:
            ws = self.workspaces[root] = ProdlensWorkspace(root, self.init_options)
            if self.chosen_window:
                ws.set_window(self.chosen_window)
            ws.store_thread.submit(ws.store.warm)
            ws.store_signature = store_signature(ws.config, root)
        return ws

    def locate(self, uri: str, opened: bool = False) -> tuple[ProdlensWorkspace, str] | None:
        """The workspace holding a document and its repository-relative path (the deepest root wins).

        Without workspace folders (e.g. `nvim file.py` with no root), a document the editor `opened` brings
        its project in as a workspace: the nearest folder holding `.prodlens.toml`, `.prodlens` or `.git`
        (where the store is), like `prodlens show`. Only opened documents do: a request naming any other URI
        must not start indexing some unrelated directory."""
        fs = uris.to_fs_path(uri)
        if not fs:
            return None
        path = Path(fs)
        best: tuple[ProdlensWorkspace, str] | None = None
        for root, ws in self.workspaces.items():
            rel = ws.relative(path)
            if rel is not None and (best is None or len(str(root)) > len(str(best[0].root))):
                best = (ws, rel)
        if best is None and opened and self.rootless:
            ws = self.add_workspace(project_root(path))
            self.report_problems(ws)
            self.start_indexing(ws)
            rel = ws.relative(path)
            best = (ws, rel) if rel is not None else None
        return best

    def report_problems(self, ws: ProdlensWorkspace) -> None:
        for problem in ws.problems:
            self.show_message(f"prodlens: {problem}", types.MessageType.Warning)
        ws.problems = []

    def show_message(self, text: str, kind: types.MessageType = types.MessageType.Info) -> None:
        log.info("%s", text)
        self.window_show_message(types.ShowMessageParams(type=kind, message=text))

    def log_message(self, text: str, kind: types.MessageType = types.MessageType.Log) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=text))

    def spawn(self, coro) -> asyncio.Task:
        if self.stopping:
            coro.close()
            future = asyncio.get_running_loop().create_future()
            future.cancel()
            return future  # type: ignore[return-value]
        task = asyncio.get_running_loop().create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task failed", exc_info=task.exception())

    # -------------------------------------------------------------------------------------------- indexing

    def start_indexing(self, ws: ProdlensWorkspace) -> None:
        if ws.root not in self.index_tasks:
            ws.index_generation += 1
            self.index_tasks[ws.root] = self.spawn(self._index(ws))
        if self.watch_task is None:
            self.watch_task = self.spawn(self._watch())

    def reindex_if_stale(self, ws: ProdlensWorkspace) -> None:
        """The index settings changed (a new include/exclude, language or logging method): build the statement
        set again in the background, as at start-up; lenses and symbols keep the old index until it is in."""
        if not ws.index_stale:
            return
        ws.index_stale = False
        self.index_tasks.pop(ws.root, None)  # a build still running finishes, but is overtaken (generation)
        self.start_indexing(ws)

    async def _index(self, ws: ProdlensWorkspace) -> None:
        generation = ws.index_generation
        loop = asyncio.get_running_loop()
        token = None
        if self.supports_progress():
            token = f"prodlens-index-{uuid.uuid4().hex[:8]}"
            try:
                await self.work_done_progress.create_async(token)
                self.work_done_progress.begin(
                    token, types.WorkDoneProgressBegin(title="prodlens: indexing", percentage=0, cancellable=False)
                )
            except Exception:
                log.warning("the client refused a progress token", exc_info=True)
                token = None
        last = [0.0]

        def progress(done: int, total: int) -> None:  # build thread
            now = time.monotonic()
            if token is None or (now - last[0] < 0.2 and done < total):
                return
            last[0] = now
            percentage = int(done * 100 / total) if total else 100
            report = types.WorkDoneProgressReport(message=f"{done}/{total} files", percentage=percentage)
            loop.call_soon_threadsafe(self.work_done_progress.report, token, report)

        started = time.perf_counter()
        try:
            index = await loop.run_in_executor(self.workers, ws.build_index, progress)
        except Exception as exc:
            log.exception("indexing %s failed", ws.root)
            self.show_message(f"prodlens: indexing failed: {exc}", types.MessageType.Error)
            if token:
                self.work_done_progress.end(token, types.WorkDoneProgressEnd(message="failed"))
            return
        if generation != ws.index_generation:  # the settings changed while it was built: a newer build runs
            if token:
                self.work_done_progress.end(token, types.WorkDoneProgressEnd(message="superseded"))
            return
        ws.install_index(index)
        count = len(index.statements)
        seconds = time.perf_counter() - started
        self.log_message(f"prodlens: indexed {count} statements in {ws.root.name} ({seconds:.2f} s)")
        if token:
            self.work_done_progress.end(token, types.WorkDoneProgressEnd(message=f"{count} log statements"))
        for rel in list(ws.open_files):
            self.ensure_counts(ws, rel)
        self.schedule_refresh()

    # ----------------------------------------------------------------------------------------- documents

    def document_changed(self, uri: str) -> None:
        located = self.locate(uri, opened=True)
        if located is None:
            return
        ws, rel = located
        text = self.workspace.get_text_document(uri).source
        ws.update_file(rel, text)
        self.open_uris[(ws.root, rel)] = uri  # diagnostics go back to the URI the client used
        self.ensure_counts(ws, rel)
        self.publish(ws, rel, uri)

    def document_closed(self, uri: str) -> None:
        located = self.locate(uri)
        if located is None:
            return
        ws, rel = located
        ws.close_file(rel)
        self.lens_cache.pop(uri, None)
        self.open_uris.pop((ws.root, rel), None)
        if self.published.pop(uri, None):
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def register_file_watchers(self) -> None:
        """After `initialized`: ask the client to tell us about files changed outside the editor (checkouts,
        generators, another editor), so the index and the configuration follow the disk."""
        if not self.supports_watched_files_registration():
            return
        watchers = [types.FileSystemWatcher(glob_pattern=glob) for glob in convert.WATCHED_GLOBS]
        registration = types.Registration(
            id=f"prodlens-watched-files-{uuid.uuid4().hex[:8]}",
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
        )
        self.spawn(self._register(types.RegistrationParams(registrations=[registration])))

    async def _register(self, params: types.RegistrationParams) -> None:
        try:
            await self.client_register_capability_async(params)
        except Exception as exc:  # the editor then simply does not tell us; didOpen/didChange still work
            log.warning("the client refused to watch files: %s", exc)

    def files_changed(self, changes: Sequence[types.FileEvent]) -> None:
        reconfigure: set[Path] = set()
        for change in changes:
            fs = uris.to_fs_path(change.uri)
            if not fs:
                continue
            for ws in self.workspaces.values():
                rel = ws.relative(Path(fs))
                if rel in convert.CONFIG_FILES:
                    reconfigure.add(ws.root)
                elif rel is not None and not rel.startswith(".prodlens/"):
                    ws.file_changed_on_disk(rel)
        for root in reconfigure:
            self.reload_config(self.workspaces[root])

    def reload_config(self, ws: ProdlensWorkspace) -> None:
        """`.prodlens.toml` / `pyproject.toml` changed on disk: the same path as new editor settings."""
        self._apply_config(ws, self.init_options)
        self.details.clear()
        self.schedule_refresh()

    def _apply_config(self, ws: ProdlensWorkspace, settings: Any) -> None:
        """One workspace takes the file's configuration with `settings` on top: problems shown, the store
        reopened, the index rebuilt when its settings changed, the open documents' counts fetched again."""
        ws.reconfigure(settings)
        self.report_problems(ws)
        ws.store_signature = store_signature(ws.config, ws.root)
        self.reindex_if_stale(ws)
        self.refetch_open(ws)

    def statements(self, uri: str) -> tuple[ProdlensWorkspace, str, list[LogStatement]] | None:
        located = self.locate(uri)
        if located is None:
            return None
        ws, rel = located
        if rel not in ws.open_files and ws.index is None:
            text = self.editor_text(uri)
            if text is not None:
                ws.update_file(rel, text)
        return ws, rel, ws.statements_for(rel)

    def editor_text(self, uri: str) -> str | None:
        """The text of a document the editor has open, else None. Never the disk: `get_text_document` reads
        a closed file from disk, and indexing that as the editor's text made a closed file count as open
        again (its diagnostics were published anew after didClose, its counts refetched for ever)."""
        document = self.workspace.text_documents.get(unquote(uri))
        if document is None:
            return None
        try:
            return document.source
        except Exception:
            return None

    # --------------------------------------------------------------------------------------------- counts

    def ensure_counts(self, ws: ProdlensWorkspace, rel: str, force: bool = False) -> asyncio.Future | None:
        """Start (or join) a fetch of the counts of one document's statements; None when all are cached."""
        statements = ws.statements_for(rel)
        keys = frozenset(s.key for s in statements)
        if not force and all(ws.counts.has(k) for k in keys):
            return None
        pending = self.pending.get((ws.root, rel))
        if pending is not None and not pending[0].done() and keys <= pending[1] and not force:
            return pending[0]
        if not force and ws.counts.problem is not None and pending is not None and keys <= pending[1]:
            return None  # the store is failing for these very keys: the watcher retries on its own schedule
        future = self.spawn(self._fetch(ws, rel, list(statements)))
        self.pending[(ws.root, rel)] = (future, keys)
        return future

    async def _fetch(self, ws: ProdlensWorkspace, rel: str, statements: Sequence[LogStatement]) -> None:
        loop = asyncio.get_running_loop()
        window, retention = ws.counts.window, ws.counts.retention
        result: FetchResult = await loop.run_in_executor(
            ws.store_thread, fetch_counts, ws.store, statements, window, retention
        )
        if (window, retention) != (ws.counts.window, ws.counts.retention):
            return  # the window changed while fetching: a newer fetch is on its way
        problem_before = ws.counts.problem
        if ws.counts.apply(result):
            if result.error and result.error != problem_before:
                self.log_message(f"prodlens: {result.error}", types.MessageType.Warning)
            self.schedule_refresh()

    def refetch_open(self, ws: ProdlensWorkspace) -> None:
        for rel in list(ws.open_files):
            self.ensure_counts(ws, rel, force=True)

    def schedule_refresh(self) -> None:
        """Coalesce bursts of count updates into one lens refresh and one diagnostics pass."""
        if self._refresh_scheduled:
            return
        self._refresh_scheduled = True
        asyncio.get_running_loop().call_later(0.05, self._refresh_now)

    def _refresh_now(self) -> None:
        self._refresh_scheduled = False
        if self.stopping:
            return
        self.send_status()
        if self.supports_refresh():
            self.spawn(self._send_refresh())
        for ws in self.workspaces.values():
            for rel in list(ws.open_files):
                uri = self.open_uris.get((ws.root, rel)) or uris.from_fs_path(str(ws.root / rel)) or ""
                self.publish(ws, rel, uri)

    def send_status(self) -> None:
        """`prodlens/status` for status bars (the VS Code extension shows it): store state, window, problem.

        A custom notification; clients that do not know it ignore it. Sent only when something changed."""
        ws = next(iter(self.workspaces.values()), None)
        if ws is None:
            return
        counts = ws.counts
        if counts.problem is None:
            state = "connected" if counts.fetched_at is not None else "starting"
        else:
            state = "stale" if counts.counts else "unreachable"
        status = {"store": state, "window": counts.window, "url": _without_credentials(ws.config.store.url)}
        if counts.problem:
            status["detail"] = counts.problem
        if status != self._last_status:
            self._last_status = status
            self.protocol.notify("prodlens/status", status)

    async def _send_refresh(self) -> None:
        try:
            await self.workspace_code_lens_refresh_async(None)
        except Exception:
            log.debug("codeLens refresh failed", exc_info=True)

    def publish(self, ws: ProdlensWorkspace, rel: str, uri: str) -> None:
        found = document_diagnostics(ws.statements_for(rel), ws.counts, ws.config.diagnostics)
        if self.published.get(uri) == found:
            return
        self.published[uri] = found
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=found))

    async def _watch(self) -> None:
        """Poll the embedded store's files: an ingest that writes shows up in the editor within a second."""
        while True:
            await asyncio.sleep(WATCH_INTERVAL)
            now = time.monotonic()
            for ws in list(self.workspaces.values()):
                signature = store_signature(ws.config, ws.root)
                if signature is not None and signature != ws.store_signature:
                    replaced = _inode_changed(ws.store_signature, signature)
                    ws.store_signature = signature
                    if replaced:
                        ws.store_thread.submit(ws.store.reset)
                    self.details = {k: v for k, v in self.details.items() if k[0] != ws.root}
                    self.refetch_open(ws)
                elif ws.counts.problem and ws.open_files and now - self._last_retry.get(ws.root, 0) > RETRY_INTERVAL:
                    self._last_retry[ws.root] = now
                    self.refetch_open(ws)
                elif signature is None and now - self._last_remote.setdefault(ws.root, now) > REMOTE_REFRESH:
                    self._last_remote[ws.root] = now
                    self.refetch_open(ws)

    # ----------------------------------------------------------------------------------------- lenses

    def lenses(self, uri: str) -> list[types.CodeLens]:
        found = self.statements(uri)
        if found is None:
            return []
        ws, rel, statements = found
        stamp = (ws.index_version, ws.counts.version, ws.counts.problem, len(statements))
        cached = self.lens_cache.get(uri)
        if cached is not None and cached[0] == stamp:
            return cached[1]  # nothing changed since the last answer: the editor asks again on every scroll
        self.ensure_counts(ws, rel)
        lenses = []
        for n, statement in enumerate(statements):
            state = ws.counts.state(statement.key)
            title = None
            if state.counts is not None or state.problem is not None:
                title = lens_title(state, mention_problem=(n == 0))
            lenses.append(convert.lens(statement, uri, title))
        if all(lens.command is not None for lens in lenses):
            self.lens_cache[uri] = (stamp, lenses)
        return lenses

    async def resolve_lens(self, lens: types.CodeLens) -> types.CodeLens:
        data = lens.data if isinstance(lens.data, dict) else {}
        key, uri = data.get("key"), data.get("uri")
        if not isinstance(key, str) or not isinstance(uri, str):
            return lens
        located = self.locate(uri)
        if located is None:
            return lens
        ws, rel = located
        statement = ws.by_key(key)
        if statement is None:
            return lens
        if not ws.counts.has(key):
            future = self.ensure_counts(ws, rel)
            if future is not None:
                await _bounded(future, RESOLVE_WAIT if ws.store_is_local else REMOTE_WAIT)
        statements = ws.statements_for(rel)
        first = bool(statements) and statements[0].key == key
        lens.command = convert.lens_command(statement, lens_title(ws.counts.state(key), mention_problem=first))
        return lens

    # ---------------------------------------------------------------------------------------- links

    def document_links(self, uri: str) -> list[types.DocumentLink]:
        """One link per statement, from the index and the count cache only (no store call): the target is
        filled by `documentLink/resolve` when the user opens the link (see docs/lsp.md for why)."""
        found = self.statements(uri)
        if found is None:
            return []
        ws, rel, statements = found
        text = ws.open_texts.get(rel)
        lines = text.splitlines() if text is not None else None
        tooltips = self.supports_link_tooltips()
        return [
            convert.document_link(
                statement, uri, lines, link_tooltip(ws.counts.state(statement.key)) if tooltips else None
            )
            for statement in statements
        ]

    async def resolve_link(self, link: types.DocumentLink) -> types.DocumentLink:
        data = link.data if isinstance(link.data, dict) else {}
        key, uri = data.get("key"), data.get("uri")
        if not isinstance(key, str) or not isinstance(uri, str):
            return link
        located = self.locate(uri)
        statement = located[0].by_key(key) if located else None
        if located is None or statement is None:
            return link
        ws = located[0]
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(ws.store_thread, _link_target, ws.store, statement, ws.counts.window)
        answer = await _bounded(future, RESOLVE_WAIT if ws.store_is_local else REMOTE_WAIT)
        tooltip = link_tooltip(ws.counts.state(statement.key))
        url, down, error = answer if answer is not None else (None, None, "the store did not answer: try again")
        link.tooltip = tooltip
        if error:
            link.tooltip = f"{tooltip} (no dashboard link: {error})"
        elif not url:
            link.tooltip = f"{tooltip} (no dashboard configured: set [dashboard] url_template)"
        else:
            link.target = url
        if url and down:
            # Still linked: the URL is right as soon as the dashboard runs, and the user is told how to start it.
            link.tooltip = f"{tooltip} ({down})"
            self.show_message(f"prodlens: {down}; then reload {url}", types.MessageType.Info)
        if not self.supports_link_tooltips():
            link.tooltip = None
        return link

    # ------------------------------------------------------------------------------------------- hover

    async def hover(self, uri: str, position: types.Position) -> types.Hover | None:
        found = self.statements(uri)
        if found is None:
            return None
        ws, rel, statements = found
        statement = _statement_at(statements, position)
        if statement is None:
            return None
        if not ws.counts.has(statement.key):
            future = self.ensure_counts(ws, rel)
            if future is not None:
                await _bounded(future, HOVER_WAIT if ws.store_is_local else REMOTE_WAIT)
        details = await self.statement_details(ws, statement)
        state = ws.counts.state(statement.key)
        from ..stores.base import TimeRange

        time_range = TimeRange.ending_now(ws.counts.window)
        text = hover_markdown(
            statement,
            state,
            start=time_range.start,
            end=time_range.end,
            samples=details.samples if details else (),
            matched=match_info(statement, details.samples if details else (), ws.same_template(statement)),
            dashboard_url=details.dashboard_url if details else None,
            dashboard_note=details.dashboard_down if details else None,
        )
        if details is None:
            text += "\n\n_latest occurrences are still loading_"
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
            range=convert.lsp_range(statement),
        )

    async def statement_details(self, ws: ProdlensWorkspace, statement: LogStatement) -> Details | None:
        cache_key = (ws.root, statement.key + "\x00" + ws.counts.window)
        cached = self.details.get(cache_key)
        if cached is not None:
            return cached
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(ws.store_thread, fetch_details, ws.store, statement, ws.counts.window, SAMPLES)

        def keep(done: asyncio.Future) -> None:
            if not done.cancelled() and done.exception() is None and done.result().error is None:
                self.details[cache_key] = done.result()

        future.add_done_callback(keep)
        result = await _bounded(future, HOVER_WAIT if ws.store_is_local else REMOTE_WAIT)
        return result

    # ---------------------------------------------------------------------------------------- commands

    def find_key(self, key: str) -> tuple[ProdlensWorkspace, LogStatement] | None:
        for ws in self.workspaces.values():
            statement = ws.by_key(key)
            if statement is not None:
                return ws, statement
        return None

    async def open_dashboard(self, key: str) -> str | None:
        found = self.find_key(key)
        if found is None:
            self.show_message(f"prodlens: no statement with key {key!r} (the file changed?)", types.MessageType.Warning)
            return None
        ws, statement = found
        loop = asyncio.get_running_loop()
        try:
            url, down = await loop.run_in_executor(
                ws.store_thread, dashboard_url, ws.store, statement, ws.counts.window
            )
        except Exception as exc:
            self.show_message(f"prodlens: no dashboard link: {exc}", types.MessageType.Warning)
            return None
        if url and down:
            # Opening a dead page helps nobody: say how to start it, and hand back the URL for later.
            self.show_message(f"prodlens: {down}; then open {url}", types.MessageType.Info)
            return url
        if not url:
            self.show_message(
                "prodlens: this store has no dashboard to open (set [dashboard] url_template, or run "
                "`prodlens dashboard` for the embedded store)",
                types.MessageType.Info,
            )
            return None
        if self.supports_show_document():
            self.spawn(self._show(types.ShowDocumentParams(uri=url, external=True)))
        return url

    async def _show(self, params: types.ShowDocumentParams) -> None:
        try:
            await self.window_show_document_async(params)
        except Exception:
            log.debug("showDocument failed", exc_info=True)

    async def indexed(self, ws: ProdlensWorkspace, wait: float | None = None) -> None:
        """Production → source needs the whole workspace: wait for the background index (a worker thread),
        at most `wait` seconds when given (the build goes on either way)."""
        task = self.index_tasks.get(ws.root)
        if task is not None and not task.done():
            if wait is None:
                await asyncio.shield(task)
            else:
                await _bounded(task, wait)

    async def matcher_for(self, ws: ProdlensWorkspace):
        """The workspace's Matcher, compiled on a worker thread (one compilation at a time per workspace)."""
        await self.indexed(ws)
        matcher = ws.cached_matcher()
        if matcher is not None:
            return matcher
        task = self.matcher_tasks.get(ws.root)
        if task is None or task.done():
            task = self.matcher_tasks[ws.root] = asyncio.ensure_future(self._compile_matcher(ws))
        return await asyncio.shield(task)

    async def _compile_matcher(self, ws: ProdlensWorkspace):
        version = ws.index_version
        statements = list(ws.all_statements())
        matcher = await asyncio.get_running_loop().run_in_executor(self.workers, ws.build_matcher, statements)
        ws.keep_matcher(matcher, version)
        return matcher

    async def find_statement(self, text: str) -> dict[str, Any]:
        """A pasted production line → the statements that could have written it, best first."""
        from ..matching.records import parse_line

        record = parse_line(text)
        results: list[dict[str, Any]] = []
        best = None
        method = None
        candidates = 0
        for ws in self.workspaces.values():
            matcher = await self.matcher_for(ws)
            match = matcher.match(record)
            keys = [match.key] if match.key else list(match.candidate_keys)
            if not keys:
                continue
            method = match.method.value if match.method else None
            candidates = max(candidates, match.candidates)
            for key in keys:
                statement = ws.by_key(key)
                if statement is None:
                    continue
                location = convert.location(ws.root, statement)
                results.append(
                    {
                        "uri": location.uri,
                        "range": _range_json(location.range),
                        "key": statement.key,
                        "path": statement.path,
                        "line": statement.line,
                        "template": statement.template.text,
                    }
                )
                if best is None:
                    best = location
        if best is not None and self.supports_show_document():
            self.spawn(self._show(types.ShowDocumentParams(uri=best.uri, take_focus=True, selection=best.range)))
        if not results:
            self.show_message("prodlens: no log statement in this workspace writes that line", types.MessageType.Info)
        return {
            "message": record.message,
            "method": method,
            "candidates": candidates,
            "ambiguous": len(results) > 1,
            "locations": results,
        }

    def set_window(self, window: str) -> None:
        self.chosen_window = window
        for ws in self.workspaces.values():
            ws.set_window(window)
            self.refetch_open(ws)
        self.details.clear()
        self.schedule_refresh()

    def refresh_all(self) -> None:
        for ws in self.workspaces.values():
            ws.store_thread.submit(ws.store.reset)
            ws.counts.problem = None
            self.refetch_open(ws)
        self.details.clear()
        self.schedule_refresh()

    def reconfigure(self, settings: Any) -> None:
        self.init_options = settings
        for ws in self.workspaces.values():
            self._apply_config(ws, settings)
        self.details.clear()
        self.schedule_refresh()

    # ------------------------------------------------------------------------------------ workspace/symbol

    async def symbols(self, query: str, limit: int = 100) -> list[types.WorkspaceSymbol]:
        needle = query.strip().lower()
        chosen: list[tuple[ProdlensWorkspace, LogStatement]] = []
        for ws in self.workspaces.values():
            # A large workspace takes tens of seconds to index: the symbol list must not hang that long, so
            # until the index is in, it is searched in the open files only (the editor asks again as you type).
            await self.indexed(ws, SYMBOL_INDEX_WAIT)
            matched_keys: list[str] = []
            if len(needle) >= 8 and ws.index is not None:  # the matcher needs the whole index anyway
                matched_keys = await self._keys_for_line(ws, query)
            for key in matched_keys:
                statement = ws.by_key(key)
                if statement is not None:
                    chosen.append((ws, statement))
            seen = set(matched_keys)
            for statement in ws.all_statements():
                if statement.key in seen:
                    continue
                if not needle or needle in statement.template.text.lower():
                    chosen.append((ws, statement))
                    if len(chosen) >= limit:
                        break
        await self._counts_for(chosen)
        return [
            convert.symbol(ws.root, statement, lens_title(ws.counts.state(statement.key), mention_problem=True))
            for ws, statement in chosen[:limit]
        ]

    async def _keys_for_line(self, ws: ProdlensWorkspace, text: str) -> list[str]:
        """Statements that could have written `text` — only when the matcher is ready: compiling thousands of
        templates takes seconds, and a symbol search must answer now (it starts the compilation for next time)."""
        matcher = ws.cached_matcher()
        if matcher is None:
            matcher = await _bounded(self.spawn(self.matcher_for(ws)), SYMBOL_WAIT)
            if matcher is None:
                return []
        try:
            from ..matching.records import parse_line

            match = matcher.match(parse_line(text))
        except Exception:
            log.debug("matching a symbol query failed", exc_info=True)
            return []
        return [match.key] if match.key else list(match.candidate_keys)

    async def _counts_for(self, chosen: list[tuple[ProdlensWorkspace, LogStatement]]) -> None:
        loop = asyncio.get_running_loop()
        by_ws: dict[Path, list[LogStatement]] = {}
        for ws, statement in chosen:
            if not ws.counts.has(statement.key):
                by_ws.setdefault(ws.root, []).append(statement)
        for root, statements in by_ws.items():
            ws = self.workspaces[root]
            future = loop.run_in_executor(
                ws.store_thread, fetch_counts, ws.store, statements, ws.counts.window, ws.counts.retention
            )
            future.add_done_callback(lambda done, ws=ws: _apply_quietly(ws, done))
            await _bounded(future, SYMBOL_WAIT if ws.store_is_local else REMOTE_WAIT)

    def close(self) -> None:
        """`shutdown`: stop background work first, so nothing is written to a client that is going away."""
        self.stopping = True
        for task in list(self._background):
            task.cancel()
        for ws in self.workspaces.values():
            ws.close()

    def exit_now(self) -> NoReturn:
        """`exit`: end the process now, 0 after `shutdown` and 1 without it (as the LSP asks).

        pygls would return through `asyncio.run`, which joins the default executor, and the interpreter then
        joins every worker thread: an index build of a large workspace (tens of seconds) or a store call stuck
        on the network kept the process alive long after the editor had quit. Nothing is left to save: the
        index cache is written atomically and the store is only read."""
        code = 0 if self.stopping else 1
        for handler in logging.getLogger().handlers:
            handler.flush()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # the client already closed the pipe
                pass
        os._exit(code)


def project_root(path: Path) -> Path:
    """The project of a file opened without a workspace folder (as `prodlens show` finds it), else the file's
    own folder: never a guess that could index a home directory."""
    return marked_project_root(path) or path.parent


def _link_target(handle, statement: LogStatement, window: str) -> tuple[str | None, str | None, str | None]:
    """Store thread: (URL, why the built-in dashboard cannot show it now, why there is no URL)."""
    try:
        url, down = dashboard_url(handle, statement, window)
    except Exception as exc:  # a missing or broken store: the link says so instead of failing the request
        handle.reset()
        return None, None, store_error_message(exc)
    return url, down, None


def _apply_quietly(ws: ProdlensWorkspace, done: asyncio.Future) -> None:
    if not done.cancelled() and done.exception() is None:
        ws.counts.apply(done.result())


async def _bounded(future: asyncio.Future, seconds: float):
    """Wait for a background result at most `seconds`; the work itself goes on and fills the cache."""
    try:
        return await asyncio.wait_for(asyncio.shield(future), seconds)
    except asyncio.TimeoutError:
        return None
    except Exception:
        log.debug("background work failed", exc_info=True)
        return None


def _statement_at(statements: Sequence[LogStatement], position: types.Position) -> LogStatement | None:
    for statement in statements:
        r = statement.range
        if r.start_line <= position.line <= r.end_line:
            return statement
    return None


def _range_json(r: types.Range) -> dict[str, Any]:
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


def _without_credentials(url: str) -> str:
    """`scheme://user:secret@host/...` → `scheme://host/...`: status and messages never carry credentials."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    return f"{scheme}://{authority.rpartition('@')[2]}{slash}{path}"


def _inode_changed(old: tuple | None, new: tuple | None) -> bool:
    """True when the database file was replaced or removed (an open connection would read the old one)."""
    if not old or not new:
        return True
    return (old[0] is None) != (new[0] is None) or (old[0] and new[0] and old[0][2] != new[0][2])

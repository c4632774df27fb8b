"""One writer per store: a second `prodlens ingest` on the same store is refused with a clear message.

SQLite would serialise two writers, but two ingests of the same files would each count them (their
checkpoints race), so the refusal has to happen before any reading. `flock` on a lock file next to the store
is released by the kernel when the process dies — even by SIGKILL — so a crash never leaves a stale lock.
"""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path

from ..stores.base import StoreError


def lock_path(store: Path) -> Path:
    """Beside the real file: two spellings of one store (a symlink, `..`) must take the same lock."""
    real = Path(store).resolve()
    return real.with_name(real.name + ".lock")


class WriterLock:
    """Held for the whole ingest. Use as a context manager."""

    def __init__(self, store: Path) -> None:
        self.store = Path(store)
        self.path = lock_path(self.store)
        self._fd: int | None = None

    def acquire(self) -> None:
        _check_store_path(self.store)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(
                f"{self.store}: cannot create the writer lock {self.path.name}: {exc.strerror} "
                "(is the store's directory read-only?)"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = _read_pid(fd)
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                who = f" (pid {holder})" if holder else ""
                raise StoreError(
                    f"{self.store}: another `prodlens ingest`{who} is already writing this store; "
                    "wait for it to finish or stop it — two writers would count the same records twice"
                ) from None
            raise StoreError(f"{self.store}: cannot lock the store: {exc.strerror}") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> "WriterLock":
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _check_store_path(store: Path) -> None:
    """Refuse a store path that can never be a file, naming what is in the way — before a lock file is left
    beside it, and instead of the "read-only" or "file exists" SQLite and mkdir would report."""
    if store.is_dir():
        raise StoreError(f"{store}: is a directory, not a store file; pass a file path such as {store / 'store.db'}")
    for parent in store.parents:
        if parent.exists():
            if not parent.is_dir():
                raise StoreError(f"{store}: cannot create the store: {parent} is not a directory")
            return


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        return int(text) if text.isdigit() else None
    except OSError:
        return None


def writer_active(store: Path) -> bool:
    """True while some process holds the writer lock (for status lines: "ingest running")."""
    path = lock_path(Path(store))
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)

"""Which bytes of which file were already counted.

A checkpoint identifies a file by device/inode *and* by a hash of its first bytes (up to 4 KiB), and records the
offset just after the last counted record. Resuming:

1. same device/inode and the head still hashes the same, offset within the file → continue at the offset;
2. otherwise a checkpoint whose head hash matches this file's head (a rotated file renamed across file
   systems, `copytruncate`'s copy, the same file given twice) → continue at that offset;
3. otherwise a new file (or one truncated and rewritten: the head changed) → from the start.

The inode alone is not enough (inodes are reused after deletion) and the path is worthless (rotation renames).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ..stores.sqlite import Checkpoint, SqliteWriter

HEAD_BYTES = 4096
MIN_CONTENT_MATCH = 64  # heads shorter than this are too common ("" / one header line) to identify a file

_SKIPPED_SUFFIXES = (".gz", ".bz2", ".xz", ".zst", ".zip", ".lz4", ".7z")


def head_hash(fd: int, length: int) -> str:
    data = os.pread(fd, length, 0) if length > 0 else b""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(slots=True)
class OpenSource:
    """A file being read: its descriptor, the checkpoint to advance, and the identity it was opened with."""

    path: str
    fd: int
    checkpoint: Checkpoint

    @property
    def offset(self) -> int:
        return self.checkpoint.offset

    def advance(self, offset: int) -> Checkpoint:
        """The checkpoint to commit after the bytes up to `offset` were counted."""
        cp = self.checkpoint
        cp.offset = offset
        if cp.head_len < HEAD_BYTES:
            cp.head_len = min(HEAD_BYTES, offset)
            cp.head_hash = head_hash(self.fd, cp.head_len)
        return cp

    def close(self) -> None:
        try:
            os.close(self.fd)
        except OSError:
            pass


def open_source(writer: SqliteWriter, path: str) -> OpenSource:
    """Open `path` and find where counting resumes. Raises OSError when the file cannot be read."""
    fd = os.open(path, os.O_RDONLY)
    try:
        st = os.fstat(fd)
        source = str(Path(path).resolve())
        for cp in writer.checkpoints_for(st.st_dev, st.st_ino):
            if cp.offset <= st.st_size and head_hash(fd, cp.head_len) == cp.head_hash:
                cp.source = source
                return OpenSource(path, fd, cp)
        for length in sorted(writer.head_lengths(), reverse=True):
            if length < MIN_CONTENT_MATCH or length > st.st_size:
                continue
            digest = head_hash(fd, length)
            found = [cp for cp in writer.checkpoints_by_hash(digest) if cp.head_len == length]
            found = [cp for cp in found if cp.offset <= st.st_size]
            if found:
                best = max(found, key=lambda cp: cp.offset)
                return OpenSource(
                    path, fd, Checkpoint(source, st.st_dev, st.st_ino, best.head_len, best.head_hash, best.offset)
                )
        return OpenSource(path, fd, Checkpoint(source, st.st_dev, st.st_ino, 0, head_hash(fd, 0), 0))
    except BaseException:
        os.close(fd)
        raise


_COMPRESSED_MAGIC = (
    (b"\x1f\x8b", "gzip", "zcat"), (b"BZh", "bzip2", "bzcat"), (b"\xfd7zXZ\x00", "xz", "xzcat"),
    (b"\x28\xb5\x2f\xfd", "zstd", "zstdcat"), (b"PK\x03\x04", "zip", "unzip -p"),
    (b"\x04\x22\x4d\x18", "lz4", "lz4cat"), (b"7z\xbc\xaf\x27\x1c", "7z", "7z x -so"),
)


def compressed_kind(fd: int) -> tuple[str, str] | None:
    """(format, command that decompresses to stdout) when the file starts with an archive's magic bytes: its
    bytes are not log lines, and reading them would only report binary noise as an unknown format."""
    head = os.pread(fd, 8, 0)
    for magic, kind, command in _COMPRESSED_MAGIC:
        if head.startswith(magic):
            return kind, command
    return None


def is_ingestible(path: Path) -> bool:
    """Files a directory walk picks up: regular, not hidden, not compressed archives of rotated logs."""
    name = path.name
    return not name.startswith(".") and not name.endswith(_SKIPPED_SUFFIXES) and path.is_file()


def files_in(directory: Path) -> list[Path]:
    """Log files in a directory (one level, oldest first so rotated files are counted before the live one)."""
    try:
        entries = [p for p in directory.iterdir() if is_ingestible(p)]
    except OSError:
        return []

    def age(p: Path) -> tuple[float, str]:
        try:
            return (p.stat().st_mtime, p.name)
        except OSError:
            return (0.0, p.name)

    return sorted(entries, key=age)

"""Files the store keeps beside the database: secrets created owner-only and atomically, locked rewrites."""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
from collections.abc import Iterator
from pathlib import Path


def write_private_file(path: Path, data: bytes, *, exist_ok: bool = True) -> bool:
    """Create `path` holding `data`, mode 0600 from the first byte, atomically; returns whether it wrote.

    The bytes go to a temporary name opened with O_CREAT|O_EXCL and mode 0600 (no moment with wider
    permissions, no symlink followed), are synced, then linked into place, which fails if the file
    appeared meanwhile: a second process racing to create the same secret keeps the first one's.
    With `exist_ok` False an existing file is an error (FileExistsError).
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            if not exist_ok:
                raise
            return False
        return True
    finally:
        tmp.unlink(missing_ok=True)


def replace_file(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and `os.replace`: readers see the old or the new
    file, never a half-written one. The file keeps its mode (new files get the umask's)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    try:
        with tmp.open("x", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            tmp.chmod(path.stat().st_mode & 0o7777)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive `flock` on `path` (created if missing) for the block; waits for other holders."""
    lock = FileLock(path).acquire()
    try:
        yield
    finally:
        lock.release()


class FileLock:
    """An exclusive `flock` on a lock file, taken by `acquire` and given back by `release` (idempotent).

    Locks from separate `FileLock` objects exclude each other, across processes and threads alike.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> FileLock:
        """Wait for the lock and take it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return self

    def release(self) -> None:
        """Give the lock back (closing the descriptor releases it)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

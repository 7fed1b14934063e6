"""Live reload's eyes: poll the modification times of the article, the template folders and the
config every ~250 ms and call back when anything changed (a file saved, added, removed or renamed).

Polling instead of inotify keeps it dependency-free and works the same on every OS, editor
(atomic rename-on-save included) and network drive.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

Signature = dict[str, tuple[int, int, int]]

# Editor droppings that are not templates: saving a file must not trigger twice because of them.
_IGNORED_SUFFIXES = (".swp", ".swx", ".tmp", "~", ".pyc")
_IGNORED_DIRS = {"__pycache__", ".git", "node_modules"}


def _stat(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def signature(paths: Iterable[str | Path]) -> Signature:
    """mtime, size and inode of each path; a directory contributes every file under it."""
    sig: Signature = {}
    for raw in paths:
        path = str(raw)
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(
                    d for d in dirs if d not in _IGNORED_DIRS and not d.startswith(".")
                )
                for name in sorted(files):
                    if name.endswith(_IGNORED_SUFFIXES) or name.startswith(".#"):
                        continue
                    full = os.path.join(root, name)
                    st = _stat(full)
                    if st is not None:
                        sig[full] = st
        else:
            st = _stat(path)
            # A missing file is part of the picture too: creating it is a change.
            sig[path] = st if st is not None else (-1, -1, -1)
    return sig


class Watcher:
    """Calls `on_change()` (in the watcher thread) after the watched files changed.

    `paths` is called on every poll, so the set of watched paths can follow the config (a new
    templates folder named in repurpose.toml is watched from the next poll on).
    """

    def __init__(
        self,
        paths: Callable[[], Iterable[str | Path]],
        on_change: Callable[[], None],
        *,
        interval: float = 0.25,
    ):
        self.paths = paths
        self.on_change = on_change
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last: Signature = {}

    def snapshot(self) -> None:
        """Take the current state as the baseline (call right after the first build)."""
        self._last = signature(self.paths())

    def poll(self) -> bool:
        """One check; True (and the callback run) when something changed since the last one."""
        current = signature(self.paths())
        if current == self._last:
            return False
        self._last = current
        self.on_change()
        # The build may have taken a while; whatever changed during it is picked up next poll,
        # because the baseline is the state from before the build.
        return True

    def start(self) -> None:
        if not self._last:
            self.snapshot()
        self._thread = threading.Thread(target=self._run, name="preview-watcher", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.poll()
            except Exception:  # a failing build must never kill live reload
                from repurpose.ui import debug

                debug("preview: watcher callback failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

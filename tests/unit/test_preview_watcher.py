"""Live reload's watcher: which changes it sees, and that it calls back from its own thread."""

from __future__ import annotations

import threading
import time

from repurpose.preview.watcher import Watcher, signature
from tests.conftest import save_as_editor

# Generous: the waits end on the event; only a broken watcher ever waits this long.
WAIT = 30.0


def test_signature_sees_edits_new_and_removed_files(tmp_path):
    article = tmp_path / "a.md"
    article.write_text("# A\n")
    tdir = tmp_path / "templates" / "email"
    tdir.mkdir(parents=True)
    (tdir / "digest.mjml.j2").write_text("x")
    paths = [article, tmp_path / "templates", tmp_path / "repurpose.toml"]
    base = signature(paths)
    assert str(tdir / "digest.mjml.j2") in base
    assert base[str(tmp_path / "repurpose.toml")] == (-1, -1, -1)  # missing, still watched

    save_as_editor(article, "# B\n")
    s1 = signature(paths)
    assert s1 != base
    (tdir / "_new.mjml.j2").write_text("y")
    s2 = signature(paths)
    assert s2 != s1
    (tmp_path / "repurpose.toml").write_text("[brand]\n")
    s3 = signature(paths)
    assert s3 != s2
    (tdir / "_new.mjml.j2").unlink()
    assert signature(paths) != s3


def test_editor_swap_files_do_not_count(tmp_path):
    (tmp_path / "t.j2").write_text("x")
    base = signature([tmp_path])
    (tmp_path / ".t.j2.swp").write_text("swap")
    (tmp_path / "t.j2~").write_text("backup")
    assert signature([tmp_path]) == base


def test_poll_calls_back_once_per_change(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("1")
    calls = []
    w = Watcher(lambda: [f], lambda: calls.append(1))
    w.snapshot()
    assert w.poll() is False and calls == []
    save_as_editor(f, "2")
    assert w.poll() is True and calls == [1]
    assert w.poll() is False and calls == [1]


def test_watched_paths_can_change_between_polls(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_text("1")
    b.write_text("1")
    current = [a]
    calls = []
    w = Watcher(lambda: list(current), lambda: calls.append(1))
    w.snapshot()
    current.append(b)  # e.g. repurpose.toml now names a templates folder
    assert w.poll() is True
    save_as_editor(b, "2")
    assert w.poll() is True and len(calls) == 2


def test_thread_reports_a_save_within_a_second(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("1")
    seen = threading.Event()
    w = Watcher(lambda: [f], seen.set)  # the interval the preview uses
    w.start()  # the baseline is taken before start() returns
    try:
        t0 = time.monotonic()
        save_as_editor(f, "22")
        assert seen.wait(WAIT), "the save was never reported"
        assert time.monotonic() - t0 < 1.0
    finally:
        w.stop()


def test_a_failing_callback_does_not_stop_the_watcher(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("1")
    calls = []
    cond = threading.Condition()

    def boom():
        with cond:
            calls.append(1)
            cond.notify_all()
        if len(calls) == 1:
            raise RuntimeError("template exploded")

    w = Watcher(lambda: [f], boom, interval=0.05)
    w.start()
    try:
        save_as_editor(f, "2")
        with cond:
            assert cond.wait_for(lambda: len(calls) >= 1, WAIT)
        save_as_editor(f, "33")
        with cond:
            assert cond.wait_for(lambda: len(calls) >= 2, WAIT)
        assert len(calls) == 2  # one call per save
    finally:
        w.stop()

"""P4: 10,000 emails to a loopback SMTP sink with one worker (throughput, lateness, RSS).
P5: two workers on PostgreSQL against one, with a sender that takes 50 ms per send."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import BIN, ROOT, Row

SINK = ROOT / "bench" / "smtp_sink.py"
EMAIL = {
    "subject": "Spring catalogue: what is new",
    "preheader": "Three changes worth a look",
    "html": "<html><body><p>Hello %%name%%,</p>"
    + "<p>News of the week.</p>" * 200
    + '<p><a href="%%unsubscribe_url%%">Unsubscribe</a></p></body></html>',
    "text": "Hello %%name%%,\n\n"
    + "News of the week.\n" * 200
    + "\nUnsubscribe: %%unsubscribe_url%%\n",
}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_sink(port: int, delay_ms: int = 0) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, str(SINK), str(port), str(delay_ms)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    return out.strip()


def _config(tmp: Path, port: int, rate: int = 1_000_000) -> Path:
    cfg = tmp / "repurpose.toml"
    cfg.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\nrate_per_minute = {rate}\n'
        '[email]\nunsubscribe_url = "https://example.com/u?e={email}&t={token}"\n'
        'postal_address = "1 Example Street, Springfield"\n'
        f'[outbox]\ndirectory = "{tmp}/outbox"\n'
    )
    return cfg


def _add_emails(url: str, n: int, due: datetime, *, spread: timedelta = timedelta(0)) -> None:
    from repurpose.schedule.store import NewItem, Outbox

    store = Outbox.open(url)
    items = [
        NewItem(
            article_slug="bench",
            channel="email",
            kind="email",
            body=EMAIL,
            due_at=due + spread * i,
            tz="UTC",
            idempotency_key=f"bench-{i}",
            recipient=f"reader{i}@example.com",
            recipient_name=f"Reader {i}",
            late_window_seconds=86_400,
        )
        for i in range(n)
    ]
    for k in range(0, n, 2000):
        store.add_items(items[k : k + 2000])
    store.close()


def _sent_times(url: str) -> list[tuple[datetime, datetime]]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as c:
        rows = c.execute(sa.text("SELECT due_at, sent_at FROM items WHERE state = 'sent'")).all()
    engine.dispose()

    def aware(v):
        if isinstance(v, str):
            v = datetime.fromisoformat(v)
        return v if v.tzinfo else v.replace(tzinfo=UTC)

    return [(aware(d), aware(s)) for d, s in rows]


def _worker(url: str, cfg: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "repurpose"), "-q", "worker", "--db", url, "--config", str(cfg), *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )


def _wait_peak_rss(proc: subprocess.Popen, timeout: float) -> float:
    import psutil

    p = psutil.Process(proc.pid)
    peak = 0
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            peak = max(peak, p.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.1)
    if proc.poll() is None:
        proc.kill()
        raise RuntimeError("worker did not finish in time")
    if proc.returncode != 0:
        raise RuntimeError(f"worker failed: {proc.stderr.read()[-400:]}")
    return peak / 1048576


def p4_smtp_throughput(n: int = 10_000) -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        port = _free_port()
        sink = _start_sink(port)
        try:
            cfg = _config(tmp, port)
            url = f"sqlite:///{tmp}/p4.db"
            _add_emails(url, n, datetime.now(UTC) - timedelta(seconds=1))
            t0 = time.perf_counter()
            proc = _worker(url, cfg, "--until-idle")
            rss = _wait_peak_rss(proc, 600)
            seconds = time.perf_counter() - t0
            times = _sent_times(url)
            received = int(_stop(sink) or 0)
        finally:
            if sink.poll() is None:
                sink.kill()
        first, last = min(s for _, s in times), max(s for _, s in times)
        rate = len(times) / max((last - first).total_seconds(), 1e-9)
        rows.append(
            Row.once(
                "P4a",
                f"{n:,} emails → loopback SMTP, one worker",
                "/s",
                300,
                rate,
                op=">=",
                note=f"{len(times):,} sent, {received:,} received, {seconds:.1f} s incl. start",
            )
        )
        rows.append(Row.once("P4c", "worker peak RSS during P4a", "MB", 150, rss, op="<="))
        rows.append(p4_lateness())
    return rows


def p4_lateness(n: int = 40, gap: float = 0.5) -> Row:
    """Items due one by one while the worker waits: how late does each go out?"""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        port = _free_port()
        sink = _start_sink(port)
        proc = None
        try:
            cfg = _config(tmp, port)
            url = f"sqlite:///{tmp}/late.db"
            start = datetime.now(UTC) + timedelta(seconds=4)
            _add_emails(url, n, start, spread=timedelta(seconds=gap))
            proc = _worker(url, cfg)
            deadline = time.monotonic() + 4 + n * gap + 30
            while time.monotonic() < deadline and len(_sent_times(url)) < n:
                time.sleep(0.5)
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
            late = sorted((s - d).total_seconds() for d, s in _sent_times(url))
        finally:
            if proc is not None and proc.poll() is None:
                proc.kill()
            _stop(sink)
    p50 = statistics.median(late)
    p99 = late[min(len(late) - 1, round(0.99 * (len(late) - 1)))]
    return Row(
        "P4b",
        f"dispatch lateness, {n} items due {gap} s apart",
        "s",
        1,
        "<=",
        len(late),
        late[0],
        p50,
        late[-1],
        p99,
        note=f"p50 {p50:.3f} s, p99 {p99:.3f} s",
    )


def _pg_url() -> str | None:
    return os.environ.get("REPURPOSE_TEST_PG")


def _fresh_pg(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as c:
        for t in ("attempts", "items", "payloads", "channel_pauses", "workers", "schema_version"):
            c.execute(sa.text(f"DROP TABLE IF EXISTS {t} CASCADE"))
    engine.dispose()


def _run_workers(url: str, cfg: Path, count: int, n: int) -> float:
    _fresh_pg(url)
    _add_emails(url, n, datetime.now(UTC) - timedelta(seconds=1))
    t0 = time.perf_counter()
    procs = [_worker(url, cfg, "--until-idle") for _ in range(count)]
    for p in procs:
        p.wait(timeout=600)
        if p.returncode != 0:
            raise RuntimeError(f"worker failed: {p.stderr.read()[-400:]}")
    seconds = time.perf_counter() - t0
    sent = len(_sent_times(url))
    if sent != n:
        raise RuntimeError(f"{sent} of {n} sent")
    return seconds


def p5_two_workers(n: int = 200) -> list[Row]:
    url = _pg_url()
    if not url:
        return [Row("P5", "two workers vs one (PostgreSQL)", "×", 1.7, ">=", note="no PostgreSQL")]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        port = _free_port()
        sink = _start_sink(port, delay_ms=50)
        try:
            cfg = _config(tmp, port)
            one = _run_workers(url, cfg, 1, n)
            two = _run_workers(url, cfg, 2, n)
        finally:
            _stop(sink)
            _fresh_pg(url)
    speedup = one / two
    return [
        Row.once(
            "P5",
            f"two workers vs one, {n} sends × 50 ms (PostgreSQL)",
            "×",
            1.7,
            speedup,
            op=">=",
            note=f"one {one:.1f} s, two {two:.1f} s",
        )
    ]

"""Shared fixtures: the CLI as a user runs it, and the real services (PostgreSQL, Chromium)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
SEED_ARTICLE = SHARED / "reference" / "seed-article.txt"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite golden files instead of comparing"
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "golden: compares rendered output with tests/golden/")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def save_as_editor(path: Path, text: str) -> None:
    """Save as editors do: write a temporary file, then rename it over the old one (one change
    for a watcher, never a half-written file), with an mtime newer by 2 s so that file systems
    with coarse timestamps see the change too."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    st = path.stat() if path.exists() else tmp.stat()
    os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    os.replace(tmp, path)


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(
    *args: str,
    cwd: Path | None = None,
    input: str | bytes | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> Result:
    """Run `repurpose` as a separate process, exactly as a user does."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    data = input.encode() if isinstance(input, str) else input
    proc = subprocess.run(
        [sys.executable, "-m", "repurpose", *args],
        cwd=cwd,
        input=data,
        capture_output=True,
        env=full_env,
        timeout=timeout,
    )
    return Result(proc.returncode, proc.stdout.decode(), proc.stderr.decode())


# Processes a test starts in the background (workers, servers): any still running when the
# test ends is killed, so a failed assertion never leaves one behind.
started_processes: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _no_orphan_processes():
    yield
    while started_processes:
        proc = started_processes.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def pg_url() -> str:
    """A real PostgreSQL (started by scripts/test-services.sh); required under CI."""
    url = os.environ.get("REPURPOSE_TEST_PG")
    if not url:
        if IN_CI:
            pytest.fail("REPURPOSE_TEST_PG is not set: PostgreSQL is required in CI")
        pytest.skip("no PostgreSQL here (run via `make test` to start one)")
    return url


# Headless Chromium as root on a closed network: no sandbox, no GPU, no background traffic.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("REPURPOSE_CHROMIUM")
    if not path or not Path(path).exists():
        if IN_CI:
            pytest.fail("REPURPOSE_CHROMIUM is not set: Chromium is required in CI")
        pytest.skip("no Chromium here (run via `make test` to install it)")
    return path


@pytest.fixture
def seed_article() -> Path:
    if not SEED_ARTICLE.exists():
        pytest.skip(f"reference article not present at {SEED_ARTICLE}")
    return SEED_ARTICLE

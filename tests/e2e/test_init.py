"""`repurpose init`: a starter workspace that renders as-is and is safe to run twice."""

from __future__ import annotations

from pathlib import Path

from repurpose.config import load_settings
from repurpose.resources import data_dir
from tests.conftest import FIXTURES

STATION = FIXTURES / "render" / "tiny-station.md"


def test_init_writes_workspace(tmp_path: Path, cli):
    r = cli("init", "ws", cwd=tmp_path)
    assert r.code == 0, r.err
    ws = tmp_path / "ws"
    assert (ws / "repurpose.toml").is_file()
    packaged = sorted(
        p.relative_to(data_dir("templates")) for p in data_dir("templates").rglob("*.j2")
    )
    copied = sorted(p.relative_to(ws / "templates") for p in (ws / "templates").rglob("*.j2"))
    assert copied == packaged and Path("email/digest.mjml.j2") in copied
    for p in data_dir("schedules").rglob("*"):
        if p.is_file():
            assert (ws / "schedules" / p.relative_to(data_dir("schedules"))).is_file()
    settings = load_settings(cwd=ws)  # the starter config is valid
    assert settings.brand.name == "Your Brand"
    assert "# postal_address" in (ws / "repurpose.toml").read_text()


def test_workspace_templates_are_used(tmp_path: Path, cli):
    assert cli("init", cwd=tmp_path).code == 0
    x = tmp_path / "templates" / "social" / "x.txt.j2"
    x.write_text("{% for p in thread.posts %}[{{ loop.index }}] {{ p.text }}\n{% endfor %}")
    r = cli("render", str(STATION), "--only", "thread", "-o", "out", cwd=tmp_path)
    assert r.code == 0, r.err
    assert (tmp_path / "out" / "tiny-station" / "thread.x.txt").read_text().startswith("[1] ")
    email = cli("render", str(STATION), "--only", "email", "-o", "out", cwd=tmp_path)
    assert email.code == 0, email.err
    assert "Your Brand" in (tmp_path / "out" / "tiny-station" / "email.html").read_text()


def test_init_refuses_to_overwrite(tmp_path: Path, cli):
    assert cli("init", cwd=tmp_path).code == 0
    (tmp_path / "repurpose.toml").write_text('[brand]\nname = "Mine"\n')
    r = cli("init", cwd=tmp_path)
    assert r.code == 1
    assert "already exists" in r.err and "--force" in r.err and "Traceback" not in r.err
    assert len(r.err.strip().splitlines()) == 1
    assert (tmp_path / "repurpose.toml").read_text() == '[brand]\nname = "Mine"\n'
    r = cli("init", "--force", cwd=tmp_path)
    assert r.code == 0
    assert "Your Brand" in (tmp_path / "repurpose.toml").read_text()


def test_init_into_a_file_is_one_line(tmp_path: Path, cli):
    (tmp_path / "taken").write_text("x")
    r = cli("init", "taken", cwd=tmp_path)
    assert r.code != 0 and "Traceback" not in r.err

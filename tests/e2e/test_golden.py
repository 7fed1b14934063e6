"""Golden files: every example article (and a hand-built Composition) rendered on the default
config and packaged templates, compared byte for byte with tests/golden/<slug>/.

Regenerate after an intended change with `make golden`, then review `git diff tests/golden`.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from repurpose.config import Settings
from repurpose.ingest import EXTENSIONS
from repurpose.pipeline import build, slug_for
from repurpose.render import dumps_manifest, render_composition
from tests.conftest import EXAMPLES
from tests.unit._compositions import composition

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
ARTICLES = sorted(p for p in EXAMPLES.iterdir() if p.suffix.lower() in EXTENSIONS)

pytestmark = pytest.mark.golden


def compare(name: str, files: dict[str, str], update: bool) -> None:
    folder = GOLDEN / name
    if update:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for fname, text in files.items():
            (folder / fname).write_text(text, encoding="utf-8", newline="\n")
        return
    if not folder.is_dir():
        pytest.fail(f"no golden files for {name}: run `make golden` and review them")
    expected = sorted(p.name for p in folder.iterdir())
    assert sorted(files) == expected, f"{name}: different set of files"
    for fname in expected:
        want = (folder / fname).read_text(encoding="utf-8")
        got = files[fname]
        if got != want:
            diff = "".join(
                list(
                    difflib.unified_diff(
                        want.splitlines(True),
                        got.splitlines(True),
                        f"golden/{name}/{fname}",
                        "rendered",
                    )
                )[:60]
            )
            pytest.fail(f"{name}/{fname} differs from golden (make golden to accept):\n{diff}")


def test_examples_exist():
    assert ARTICLES, "examples/ holds the articles the golden tests render"


@pytest.mark.parametrize("path", ARTICLES, ids=[p.name for p in ARTICLES])
def test_example(path: Path, update_golden: bool, tmp_path: Path):
    bundle = build(str(path), Settings(), cwd=tmp_path)  # tmp cwd: packaged templates only
    files = {**bundle.files, "manifest.json": bundle.manifest_text}
    compare(slug_for(str(path)), files, update_golden)


def test_hand_built_composition(update_golden: bool, tmp_path: Path):
    settings = Settings(
        brand={"name": "Field Notes", "logo_url": "https://blog.example.org/logo.png"},
        email={
            "from_name": "Field Notes",
            "postal_address": "12 Harbour Road, Port Example",
            "unsubscribe_url": "https://blog.example.org/unsub?e={email}&t={token}",
        },
    )
    r = render_composition(composition(), settings, cwd=tmp_path)
    compare("_composition", {**r.files, "manifest.json": dumps_manifest(r.manifest)}, update_golden)

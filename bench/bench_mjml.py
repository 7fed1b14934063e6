"""P6: the email compile — mjml-python against the official Node `mjml` package, same MJML."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.common import Row, reference_article, timed

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "repurpose-bench" / "node"
RUNS = 50

NODE_SCRIPT = r"""
const mjml2html = require(process.argv[2]);
const fs = require('fs');
const src = fs.readFileSync(process.argv[3], 'utf8');
const runs = parseInt(process.argv[4], 10);
for (let i = 0; i < 30; i++) mjml2html(src, {validationLevel: 'skip', minify: false});
const t = [];
for (let i = 0; i < runs; i++) {
  const t0 = process.hrtime.bigint();
  mjml2html(src, {validationLevel: 'skip', minify: false});
  t.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
t.sort((a, b) => a - b);
console.log(JSON.stringify({min: t[0], median: t[Math.floor(t.length / 2)], max: t[t.length - 1]}));
"""


def _node_mjml() -> Path | None:
    if not (shutil.which("node") and shutil.which("npm")):
        return None
    module = CACHE / "node_modules" / "mjml"
    if not module.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(CACHE), "--no-audit", "--no-fund", "mjml@4"],
            capture_output=True,
            check=True,
            timeout=300,
        )
    return module


def _rendered_mjml() -> str:
    """The MJML the email template renders for the reference article, captured on its way to
    the compiler, so both compilers get exactly what a real render compiles."""
    import repurpose.render.core as core
    from repurpose.config import Settings
    from repurpose.pipeline import build

    seen: list[str] = []
    original = core.compile_mjml

    def capture(source: str, **kwargs):
        seen.append(source)
        return original(source, **kwargs)

    core.compile_mjml = capture
    try:
        build(str(reference_article()), Settings(), only=("email",))
    finally:
        core.compile_mjml = original
    return seen[0]


def p6_mjml_vs_node() -> list[Row]:
    from mjml import mjml2html

    source = _rendered_mjml()
    py = timed(lambda: mjml2html(source, disable_comments=True), RUNS)
    rows = [Row("P6a", "MJML compile, mjml-python", "ms", None, "<=", RUNS, *py, py[1])]
    module = _node_mjml()
    if module is None:
        rows.append(
            Row("P6b", "MJML compile, Node mjml", "ms", None, "<=", note="node/npm not available")
        )
        return rows
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "email.mjml"
        src.write_text(source, encoding="utf-8")
        script = Path(tmp) / "bench.js"
        script.write_text(NODE_SCRIPT)
        out = subprocess.run(
            ["node", str(script), str(module), str(src), str(RUNS)],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
    node = json.loads(out.stdout)
    version = json.loads((module / "package.json").read_text())["version"]
    rows.append(
        Row(
            "P6b",
            f"MJML compile, Node mjml {version}",
            "ms",
            None,
            "<=",
            RUNS,
            node["min"],
            node["median"],
            node["max"],
            node["median"],
        )
    )
    ratio = node["median"] / py[1]
    rows.append(
        Row.once(
            "P6",
            "Node mjml ÷ mjml-python (median)",
            "×",
            None,
            ratio,
            op=">=",
            note=f"mjml-python is {ratio:.1f}× faster"
            if ratio >= 1
            else f"Node is {1 / ratio:.1f}× faster",
        )
    )
    return rows

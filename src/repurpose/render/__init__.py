"""Render: Jinja templates (user folder → ./templates → packaged defaults), MJML compile,
the manifest. Turns a Composition into files; never reads articles and never sends."""

from repurpose.render.core import (
    EMAIL_MAX_BYTES,
    EMAIL_WARN_BYTES,
    PARTS,
    Rendered,
    render_composition,
    thread_file,
)
from repurpose.render.manifest import MANIFEST
from repurpose.render.manifest import dumps as dumps_manifest

__all__ = [
    "EMAIL_MAX_BYTES",
    "EMAIL_WARN_BYTES",
    "MANIFEST",
    "PARTS",
    "Rendered",
    "dumps_manifest",
    "render_composition",
    "thread_file",
]

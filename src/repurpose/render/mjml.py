"""MJML → HTML with mjml-python (Rust; every error it raises is a bare ValueError)."""

from __future__ import annotations

from mjml import mjml2html

from repurpose.errors import TemplateError


def compile_mjml(source: str, *, template: str) -> str:
    try:
        html = mjml2html(source, disable_comments=True, fonts={})
    except ValueError as exc:
        raise TemplateError(f"MJML compile error: {exc}", path=template) from None
    return html if html.endswith("\n") else html + "\n"

"""Article readers: one per format, chosen by extension, by sniffing, or forced with --format.

A reader is a function `read(text: str, *, path: str | None) -> Article` in its own module
(text.py, markdown.py, html.py); it is imported only when its format is needed.
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from typing import Literal

from repurpose.errors import InputError
from repurpose.ingest.decode import decode
from repurpose.model import Article

Format = Literal["text", "markdown", "html"]

READERS: dict[str, str] = {
    "text": "repurpose.ingest.text",
    "markdown": "repurpose.ingest.markdown",
    "html": "repurpose.ingest.html",
}

EXTENSIONS: dict[str, Format] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}

_HTML_SNIFF = re.compile(r"^\s*(<!doctype html|<html\b|<head\b|<body\b|<meta\b)", re.I)
_MD_SNIFF = re.compile(r"^(---\n.*?\n---\n|#{1,6} \S|.*\n(=+|-+)\n)", re.S)
# bullets and numbered lines are as common in plain text, so they do not count as Markdown
_MD_MARKS = re.compile(
    r"^(#{1,6} \S|```|~~~)|\[[^\]\n]+\]\([^)\s]+\)|\*\*[^*\n]+\*\*|^ {0,3}(=+|-+)$", re.M
)


def sniff(text: str) -> Format:
    """Guess the format of text whose name says nothing (stdin, unknown extensions)."""
    head = text[:4096]
    if _HTML_SNIFF.match(head) or (
        head.lstrip().lower().startswith("<!--") and "<html" in head.lower()
    ):
        return "html"
    if _MD_SNIFF.match(head.lstrip("\ufeff")):
        return "markdown"
    if len(_MD_MARKS.findall(head)) >= 3:
        return "markdown"
    return "text"


def format_for(path: str, text: str, forced: str | None = None) -> Format:
    if forced:
        if forced not in READERS:
            raise InputError(f"unknown format {forced!r} (use text, markdown or html)", path=path)
        return forced  # type: ignore[return-value]
    return EXTENSIONS.get(Path(path).suffix.lower()) or sniff(text)


def load_text(path: str) -> str:
    """Read and decode an article file, or stdin when path is '-'."""
    if path == "-":
        return decode(sys.stdin.buffer.read(), path="<stdin>")
    p = Path(path)
    if not p.exists():
        raise InputError("no such file", path=path)
    if p.is_dir():
        raise InputError("is a directory, not an article file", path=path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None
    return decode(data, path=path)


def parse(text: str, fmt: Format, *, path: str | None = None) -> Article:
    """Run one reader over already-decoded text."""
    module = importlib.import_module(READERS[fmt])
    return module.read(text, path=path)


def read_article(path: str, *, fmt: str | None = None) -> Article:
    """The ingest entry point: file (or '-') → Article."""
    text = load_text(path)
    name = "<stdin>" if path == "-" else path
    return parse(text, format_for(name, text, fmt), path=name)

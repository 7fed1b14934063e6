"""Filters and helpers the templates use: wrapping, numbered link references, escaping.

Pure string functions (no Jinja import) so they can be tested on their own; `install` registers
them on an environment.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# A URL in running text: a scheme, then anything up to whitespace; trailing punctuation that
# usually ends the sentence is not part of it.
URL_RE = re.compile(r"\b(?:https?|mailto):[^\s<>\"']+|%%[a-z_]+%%")
_TRAILING = ".,;:!?)]}'\""


def _split_url(m: re.Match[str]) -> tuple[str, str]:
    url = m.group(0)
    tail = ""
    while url and url[-1] in _TRAILING and not url.startswith("%%"):
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        tail = url[-1] + tail
        url = url[:-1]
    return url, tail


class LinkRefs:
    """Numbers links for a plain-text part: `ref(url)` → "[n]"; `items` lists them in order."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def ref(self, url: str) -> str:
        n = self._numbers.setdefault(url, len(self._numbers) + 1)
        return f"[{n}]"

    @property
    def items(self) -> list[tuple[int, str]]:
        return [(n, url) for url, n in self._numbers.items()]

    def __len__(self) -> int:
        return len(self._numbers)

    def replace(self, text: str) -> str:
        """Every bare URL in text becomes a numbered reference."""

        def sub(m: re.Match[str]) -> str:
            url, tail = _split_url(m)
            return self.ref(url) + tail

        return URL_RE.sub(sub, text)


def refs(text: str, links: LinkRefs) -> str:
    return links.replace(text)


_PARAGRAPHS = re.compile(r"\n\s*\n")


def fill(words: list[str], width: int, indent: str = "") -> str:
    """Greedy fill of words into lines of at most `width` (a longer word gets a line of its own,
    unbroken): what textwrap.fill does with break_long_words and break_on_hyphens off, on text
    already split into words, at a fraction of its cost."""
    if not words:
        return ""
    lines = []
    line = indent + words[0]
    size = len(line)
    for w in words[1:]:
        if size + 1 + len(w) <= width:
            line = f"{line} {w}"
            size += 1 + len(w)
        else:
            lines.append(line)
            line = indent + w
            size = len(line)
    lines.append(line)
    return "\n".join(lines)


def wrap(text: str, width: int = 78, indent: str = "") -> str:
    """Wrap each paragraph (blank-line separated) at `width`; URLs and words are never broken."""
    out = []
    for para in _PARAGRAPHS.split(text.strip()):
        out.append(
            "\n".join(fill(line.split(), width, indent) for line in para.splitlines() or [""])
        )
    return "\n\n".join(out)


def autolink(text: str) -> Markup:
    """Escape text for HTML and turn bare http(s) URLs into links (href and text escaped)."""
    parts: list[str] = []
    pos = 0
    for m in URL_RE.finditer(text):
        url, _tail = _split_url(m)
        if url.startswith("%%"):
            continue
        parts.append(str(escape(text[pos : m.start()])))
        parts.append(f'<a href="{escape(url)}">{escape(url)}</a>')
        pos = m.start() + len(url)
    parts.append(str(escape(text[pos:])))
    return Markup("".join(parts))


def paragraphs(text: str) -> list[str]:
    """Split an answer or block into its paragraphs (blank-line separated)."""
    return [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


_MD_INLINE = re.compile(r"([\\`*_\[\]<>|])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_MD_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+[.)])(?=\s|$)", re.M)


def md(text: str) -> str:
    """Escape text for Markdown so it renders as the same text (no HTML, no emphasis, no lists)."""
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(r"\\&", text)

    def line_start(m: re.Match[str]) -> str:
        mark = m.group(2)
        if mark[0].isdigit():  # "1." → "1\." (a backslash only escapes punctuation)
            return f"{m.group(1)}{mark[:-1]}\\{mark[-1]}"
        return f"{m.group(1)}\\{mark}"

    return _MD_LINE_START.sub(line_start, text)


def preheader_padding(preheader: str, target: int = 140) -> Markup:
    """Invisible padding after the preheader so clients don't pull body text into the preview."""
    n = max(0, target - len(preheader))
    return Markup("&#847;&zwnj;&nbsp;" * n)


def install(env) -> None:
    env.filters.update(
        {
            "wrap": wrap,
            "refs": refs,
            "autolink": autolink,
            "paragraphs": paragraphs,
            "md": md,
            "preheader_padding": preheader_padding,
        }
    )

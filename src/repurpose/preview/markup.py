"""A tiny HTML builder for the preview pages: every text and attribute value is escaped unless it
is wrapped in `Raw` (markup this package built itself). Jinja stays in render/; the preview pages
are small enough to build in Python, and building them this way makes escaping the default."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from typing import Any

VOID = frozenset(
    {"area", "base", "br", "col", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


class Raw(str):
    """Markup that is already safe (built by `h` or by this package's own constants)."""

    __slots__ = ()


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _children(children: Iterable[Any]) -> str:
    out: list[str] = []
    for child in children:
        if child is None or child is False:
            continue
        if isinstance(child, Raw):
            out.append(child)
        elif isinstance(child, list | tuple):
            out.append(_children(child))
        else:
            out.append(esc(child))
    return "".join(out)


def attrs_html(attrs: dict[str, Any] | None) -> str:
    parts: list[str] = []
    for key, value in (attrs or {}).items():
        name = key.rstrip("_").replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            parts.append(f" {name}")
        else:
            parts.append(f' {name}="{esc(value)}"')
    return "".join(parts)


def h(tag: str, attrs: dict[str, Any] | None = None, *children: Any) -> Raw:
    """`h("a", {"href": url, "class_": "x"}, "text")` → escaped markup."""
    open_ = f"<{tag}{attrs_html(attrs)}>"
    if tag in VOID:
        return Raw(open_)
    return Raw(f"{open_}{_children(children)}</{tag}>")


def join(*children: Any) -> Raw:
    return Raw(_children(children))


def json_data(value: Any) -> Raw:
    """JSON safe to place inside <script type="application/json">: no `<`, `>` or `&` survives
    literally, so the text can never close the element or open a comment."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Raw(text)

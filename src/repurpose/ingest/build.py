"""Assemble an Article from what a reader found: stable ids, unique slugs, word counts.

Readers describe sections and blocks with plain values; this module alone numbers blocks
("b1", "b2", … in reading order) and gives sections unique slug ids, so every format gets the
same ids for the same structure.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from repurpose.model import (
    Article,
    Code,
    Dropped,
    FaqItem,
    Image,
    ListBlock,
    Paragraph,
    Quote,
    Section,
    Source,
    reading_stats,
)

# Block values a reader may add for FAQ answers only (not model fields; build() leaves them out):
# the paragraph's text, or the list's items, with link addresses after the link texts.
FAQ_TEXT = "_faq_text"
FAQ_ITEMS = "_faq_items"

_BLOCK_TYPES = {
    "paragraph": Paragraph,
    "list": ListBlock,
    "quote": Quote,
    "code": Code,
    "image": Image,
}


def slugify(text: str, *, max_len: int = 60) -> str:
    """ASCII, lower-case, hyphen-separated; 'section' when nothing is left."""
    norm = unicodedata.normalize("NFKD", text)
    ascii_ = norm.encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rsplit("-", 1)[0] or slug[:max_len]
    return slug or "section"


@dataclass
class SectionDraft:
    heading: str | None
    level: int = 2
    blocks: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    source: Source = field(default_factory=Source)

    def add(self, kind: str, *, source: Source | None = None, **values: Any) -> None:
        """kind is paragraph | list | quote | code | image; values are that block's fields."""
        self.blocks.append((kind, {**values, "source": source or Source()}))


@dataclass
class ArticleDraft:
    """What a reader fills in; `build()` turns it into an immutable Article."""

    title: str = ""
    format: str = "text"
    source_path: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)  # description, author, published, url, …
    sections: list[SectionDraft] = field(default_factory=list)
    faq: list[tuple[str, str, Source]] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)

    def section(
        self, heading: str | None, level: int = 2, source: Source | None = None
    ) -> SectionDraft:
        s = SectionDraft(heading=heading, level=level, source=source or Source())
        self.sections.append(s)
        return s

    def drop(self, text: str, reason: str, source: Source | None = None) -> None:
        self.dropped.append(Dropped(text=text, reason=reason, source=source or Source()))

    def build(self) -> Article:
        counter = 0
        used: set[str] = set()
        sections: list[Section] = []
        for draft in self.sections:
            if not draft.blocks and draft.heading is None:
                continue
            base = "intro" if draft.heading is None else slugify(draft.heading)
            sid, n = base, 2
            while sid in used:
                sid, n = f"{base}-{n}", n + 1
            used.add(sid)
            blocks = []
            for kind, values in draft.blocks:
                counter += 1
                fields = {k: v for k, v in values.items() if k[:1] != "_"}
                blocks.append(_BLOCK_TYPES[kind](id=f"b{counter}", **fields))
            sections.append(
                Section(
                    id=sid,
                    heading=draft.heading,
                    level=draft.level,
                    blocks=tuple(blocks),
                    source=draft.source,
                )
            )
        faq = tuple(
            FaqItem(id=f"faq{i}", question=q, answer=a, source=src)
            for i, (q, a, src) in enumerate(self.faq, 1)
        )
        words, minutes = reading_stats(tuple(sections), faq)
        meta = {k: v for k, v in self.meta.items() if v not in (None, "", ())}
        if "tags" in meta:
            meta["tags"] = tuple(meta["tags"])
        return Article(
            title=self.title,
            sections=tuple(sections),
            faq=faq,
            dropped=tuple(self.dropped),
            word_count=words,
            reading_minutes=minutes,
            format=self.format,  # type: ignore[arg-type]
            source_path=self.source_path,
            **meta,
        )

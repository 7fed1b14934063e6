"""The data that flows one way through repurpose: ingest → Article → compose → pieces → render.

Every model is immutable. Blocks carry stable ids ("b1", "b2", … in reading order) and where they
came from, so every composed post, digest block and FAQ answer can cite its source.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(Frozen):
    """Where a block came from: a 1-based inclusive line range, an element path (HTML), or both."""

    lines: tuple[int, int] | None = None
    path: str | None = None


class Paragraph(Frozen):
    kind: Literal["paragraph"] = "paragraph"
    id: str
    text: str
    source: Source = Source()


class ListBlock(Frozen):
    kind: Literal["list"] = "list"
    id: str
    items: tuple[str, ...]
    ordered: bool = False
    source: Source = Source()


class Quote(Frozen):
    kind: Literal["quote"] = "quote"
    id: str
    text: str
    source: Source = Source()


class Code(Frozen):
    """Kept in the article, never summarised as prose."""

    kind: Literal["code"] = "code"
    id: str
    text: str
    lang: str | None = None
    source: Source = Source()


class Image(Frozen):
    kind: Literal["image"] = "image"
    id: str
    src: str | None = None
    alt: str = ""
    caption: str | None = None
    source: Source = Source()


Block = Annotated[Paragraph | ListBlock | Quote | Code | Image, Field(discriminator="kind")]


class Section(Frozen):
    """A heading and the blocks under it, up to the next heading of any level.

    Sections are a flat list in reading order; `level` is 2 for a section, 3 for a sub-heading
    (deeper levels are 4–6). Text before the first heading is a section with `heading=None`,
    level 2, id "intro".
    """

    id: str
    heading: str | None
    level: int = 2
    blocks: tuple[Block, ...] = ()
    source: Source = Source()

    @property
    def word_count(self) -> int:
        return sum(block_words(b) for b in self.blocks)


class FaqItem(Frozen):
    """One question with its whole answer; paragraphs of the answer are separated by a blank line."""

    id: str
    question: str
    answer: str
    source: Source = Source()


class Dropped(Frozen):
    """Something the reader saw and left out of the article, and why (shown by `inspect`)."""

    text: str
    reason: str
    source: Source = Source()


class Article(Frozen):
    title: str
    description: str | None = None
    author: str | None = None
    published: date | datetime | None = None
    url: str | None = None
    lang: str | None = None
    image: str | None = None
    tags: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    faq: tuple[FaqItem, ...] = ()
    dropped: tuple[Dropped, ...] = ()
    word_count: int = 0
    reading_minutes: int = 0
    format: Literal["text", "markdown", "html"] = "text"
    source_path: str | None = None

    def blocks(self):
        """All blocks in reading order."""
        for section in self.sections:
            yield from section.blocks


# Scripts written without spaces (Han, kana, Thai, Lao, Khmer, Myanmar): a word is about two
# characters, so a paragraph in Chinese is not counted as one "word".
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]"
)


def count_words(text: str) -> int:
    """Words in prose: whitespace-separated, and about one per two characters of unspaced
    scripts."""
    if text.isascii():
        return len(text.split())
    unspaced = len(_UNSPACED.findall(text))
    if not unspaced:
        return len(text.split())
    return len(_UNSPACED.sub(" ", text).split()) + (unspaced + 1) // 2


def block_words(block: Paragraph | ListBlock | Quote | Code | Image) -> int:
    """Prose words in a block; code and images count for nothing."""
    if isinstance(block, Paragraph | Quote):
        return count_words(block.text)
    if isinstance(block, ListBlock):
        return sum(count_words(item) for item in block.items)
    return 0


WORDS_PER_MINUTE = 230


def reading_stats(sections: tuple[Section, ...], faq: tuple[FaqItem, ...]) -> tuple[int, int]:
    """(word_count, reading_minutes) over the prose and the FAQ; at least one minute if any words."""
    words = sum(s.word_count for s in sections)
    words += sum(count_words(f.question) + count_words(f.answer) for f in faq)
    minutes = max(1, round(words / WORDS_PER_MINUTE)) if words else 0
    return words, minutes


# ---- composed pieces (compose → render) -------------------------------------------------


class Post(Frozen):
    """One post of a thread, numbering included; `length` is the platform's own count."""

    text: str
    length: int
    source: tuple[str, ...] = ()


class Thread(Frozen):
    platform: str
    limit: int
    posts: tuple[Post, ...]


class DigestBlock(Frozen):
    heading: str
    text: str
    source: tuple[str, ...] = ()
    section_id: str | None = None


class Digest(Frozen):
    subject: str
    preheader: str
    intro: str
    intro_source: tuple[str, ...] = ()
    blocks: tuple[DigestBlock, ...] = ()
    faq_teaser: tuple[str, ...] = ()  # questions shown as a teaser when the article has an FAQ
    cta_url: str | None = None  # None when the article's URL is unknown: no call to action then
    cta_label: str = "Read the full article"


class FaqEntry(Frozen):
    question: str
    answer: str
    source: tuple[str, ...] = ()


class FaqSnippet(Frozen):
    origin: Literal["article", "headings"]
    items: tuple[FaqEntry, ...]


class Warning_(Frozen):
    code: str
    message: str


class Composition(Frozen):
    """Everything compose makes from one Article; render turns it into files."""

    article: Article
    digest: Digest
    threads: tuple[Thread, ...]
    faq: FaqSnippet | None
    hashtags: tuple[str, ...] = ()
    warnings: tuple[Warning_, ...] = ()

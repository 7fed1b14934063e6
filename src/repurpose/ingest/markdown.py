"""Markdown reader: CommonMark (markdown-it-py) with YAML front matter → Article.

The reader turns markdown-it tokens into a flat run of *items* (headings, blocks, <details>
groups, definition lists, dropped lines) and hands them to `assemble()`, which the HTML reader
shares: it decides the title, builds sections, and moves the FAQ out of the ordinary sections.

What is not prose is never a Paragraph: code stays Code, images become Image blocks, badge rows
and link-only lines are dropped with a reason (visible in `repurpose inspect`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

from repurpose.errors import InputError
from repurpose.ingest import furniture as fu
from repurpose.ingest.build import FAQ_ITEMS, FAQ_TEXT, ArticleDraft, SectionDraft
from repurpose.model import Article, Source

# ---- items: what a reader found, in reading order ----------------------------------------


@dataclass
class Heading:
    level: int
    text: str
    source: Source = field(default_factory=Source)


@dataclass
class Block:
    """kind is paragraph | list | quote | code | image; values are the model block's fields.

    `parts` keeps the paragraphs of each list item (or of a quote) for FAQ detection.
    """

    kind: str
    values: dict[str, Any]
    source: Source = field(default_factory=Source)
    parts: list[list[str]] | None = None
    links: bool = False  # a paragraph that holds links

    @property
    def has_links(self) -> bool:
        return self.links


@dataclass
class Details:
    """A <details><summary> group: the summary and what it folds away."""

    summary: str
    items: list[Any]
    source: Source = field(default_factory=Source)


@dataclass
class Definitions:
    """A definition list: (term, definition paragraphs, source) triples."""

    pairs: list[tuple[str, list[str], Source]]
    source: Source = field(default_factory=Source)
    answers: list[list[str]] | None = None  # each definition's paragraphs with link addresses


@dataclass
class Drop:
    text: str
    reason: str
    source: Source = field(default_factory=Source)


Item = Heading | Block | Details | Definitions | Drop

# ---- small text helpers shared with the HTML reader --------------------------------------

_WS = re.compile(r"\s+")
# Permalink marks and anchor glyphs that documentation generators put beside headings.
_ANCHOR_GLYPHS = {"¶", "#", "§", "🔗", "⚓", "link", "permalink", "anchor", "¤", "†", ""}
_HEADING_TRAIL = re.compile(r"(\s*(\{#[^}]*\}|[¶§🔗⚓]|#+))+\s*$")


def clean(text: str) -> str:
    """Collapse whitespace (non-breaking and zero-width spaces too) and trim."""
    text = text.replace("\u200b", "").replace("\ufeff", "").replace("\xad", "")
    return _WS.sub(" ", text).strip()


def clean_heading(text: str) -> str:
    """A heading without permalink marks, `{#id}` attributes or closing hashes."""
    text = clean(text)
    text = _HEADING_TRAIL.sub("", text)
    text = re.sub(r"^[¶§🔗⚓#]+\s*", "", text)
    return text.strip()


def is_anchor_text(text: str) -> bool:
    return clean(text).lower() in _ANCHOR_GLYPHS


_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%d %H:%M %z",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%d/%m/%Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%A, %B %d, %Y",
    "%a, %d %b %Y %H:%M:%S %z",
)


def parse_date(value: Any) -> date | datetime | None:
    """A published date from front matter or a meta tag; None when it is not a date."""
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str | int):
        return None
    text = clean(str(value))
    if not text:
        return None
    iso = text.replace("Z", "+00:00") if text.endswith("Z") else text
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        parsed = None
    if parsed is not None:
        if len(text) <= 10 and parsed.hour == parsed.minute == parsed.second == 0:
            return parsed.date()
        return parsed
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if "%H" not in fmt:
            return parsed.date()
        return parsed
    return None


# ---- assembling items into an Article -----------------------------------------------------


def _answer_text(items: list[Any]) -> str:
    """Answer paragraphs separated by a blank line; lists as '- item' lines; code verbatim."""
    parts: list[str] = []
    for item in items:
        if isinstance(item, Block):
            v = item.values
            if item.kind in ("paragraph", "quote"):
                parts.append(v.get(FAQ_TEXT) or v["text"])
            elif item.kind == "list":
                entries = v.get(FAQ_ITEMS) or v["items"]
                if v.get("ordered"):
                    parts.append("\n".join(f"{n}. {t}" for n, t in enumerate(entries, 1)))
                else:
                    parts.append("\n".join(f"- {t}" for t in entries))
            elif item.kind == "code":
                parts.append(v["text"])
        elif isinstance(item, Details):
            parts += [item.summary, _answer_text(item.items)]
        elif isinstance(item, Definitions):
            answers = item.answers or [p for _, p, _ in item.pairs]
            parts += [
                f"{term}: {' '.join(linked or paras)}"
                for (term, paras, _), linked in zip(item.pairs, answers, strict=True)
            ]
        elif isinstance(item, Heading):
            parts.append(item.text)
    return "\n\n".join(p for p in parts if p.strip())


def _join(a: Source, b: Source) -> Source:
    if a.lines and b.lines:
        return Source(lines=(min(a.lines[0], b.lines[0]), max(a.lines[1], b.lines[1])), path=a.path)
    return a if (a.lines or a.path) else b


@dataclass
class _Assembler:
    """Items → ArticleDraft sections. <details> and definition lists that are FAQ items (under an
    FAQ heading, or asking a question themselves) go straight to draft.faq; every other FAQ shape
    is left to the shared detector (`repurpose.ingest.faq.extract_faq`)."""

    draft: ArticleDraft
    current: SectionDraft
    faq_level: int | None = None
    faq_homes: set[int] = field(default_factory=set)  # ids of sections that gave FAQ items

    def add(self, item: Any) -> None:
        from repurpose.ingest import faq

        if isinstance(item, Drop):
            self.draft.drop(item.text, item.reason, item.source)
        elif isinstance(item, Heading):
            if self.faq_level is not None and item.level <= self.faq_level:
                self.faq_level = None
            if faq.is_faq_heading(item.text):
                self.faq_level = item.level
            self.current = self.draft.section(item.text, item.level, item.source)
        elif isinstance(item, Details) and (
            self.faq_level is not None
            or faq.looks_like_question(item.summary)
            or faq.is_faq_heading(item.summary)
        ):
            if self._details_faq(item):
                self.faq_homes.add(id(self.current))
            else:
                _add_plain(self.current, item, self)
        elif isinstance(item, Definitions) and (
            self.faq_level is not None or all(faq.looks_like_question(t) for t, _, _ in item.pairs)
        ):
            self.faq_homes.add(id(self.current))
            answers = item.answers or [p for _, p, _ in item.pairs]
            for (term, paras, src), linked in zip(item.pairs, answers, strict=True):
                if paras:
                    self.draft.faq.append(
                        (faq.clean_question(term), "\n\n".join(linked or paras), src)
                    )
        else:
            _add_plain(self.current, item, self)

    def _details_faq(self, d: Details) -> bool:
        from repurpose.ingest import faq

        inner = [i for i in d.items if isinstance(i, Details)]
        if faq.is_faq_heading(d.summary) and inner:  # a folded FAQ holding folded questions
            for sub in inner:
                self._details_faq(sub)
            return True
        answer = _answer_text(d.items)
        if not answer or not d.summary:
            return False
        self.draft.faq.append((faq.clean_question(d.summary), answer, d.source))
        return True


def _add_plain(section: SectionDraft, item: Any, asm: _Assembler) -> None:
    """An item outside any FAQ: blocks as they are, <details> unfolded, definitions as a list."""
    if isinstance(item, Block):
        section.add(item.kind, source=item.source, **item.values)
    elif isinstance(item, Details):
        if item.summary:
            section.add("paragraph", source=item.source, text=item.summary)
        for sub in item.items:
            asm.add(sub)
    elif isinstance(item, Definitions):
        entries = tuple(f"{t}: {' '.join(p)}" if p else t for t, p, _ in item.pairs)
        section.add("list", source=item.source, items=entries, ordered=False)
    elif isinstance(item, Drop):
        asm.draft.drop(item.text, item.reason, item.source)


def assemble(
    items: list[Any],
    *,
    title: str | None,
    meta: dict[str, Any],
    fmt: str,
    path: str | None,
) -> Article:
    """Items in reading order → Article. The first H1 is the title unless `title` is given."""
    from repurpose.ingest import faq

    title_heading = next(
        (i for i in items if isinstance(i, Heading) and i.level == 1 and i.text), None
    )
    if title_heading is not None:
        if not title:
            title = title_heading.text
        items = [i for i in items if i is not title_heading]
    # Remaining H1s are sections of the same rank as H2s.
    for i in items:
        if isinstance(i, Heading) and i.level == 1:
            i.level = 2
    if not title and items and isinstance(items[0], Heading):
        title = items[0].text  # a document that opens with a heading: that is its title
        items = items[1:]
    has_content = any(isinstance(i, Block | Details | Definitions) for i in items)
    if not has_content:
        raise InputError("no article found (no paragraphs, lists or code)", path=path)
    if not title:
        title = _title_from_path(path) or _first_words(items)
    draft = ArticleDraft(title=title, format=fmt, source_path=path, meta=meta)
    asm = _Assembler(draft=draft, current=draft.section(None, 2))
    for item in items:
        asm.add(item)
    faq.extract_faq(draft)
    # A heading whose items all went to the FAQ (folded <details>, a definition list) is left
    # empty: it is not a section (unless sub-sections follow it).
    kept: list[SectionDraft] = []
    for k, s in enumerate(draft.sections):
        nxt = draft.sections[k + 1] if k + 1 < len(draft.sections) else None
        emptied = (
            not s.blocks
            and s.heading
            and draft.faq
            and (
                faq.is_faq_heading(s.heading)
                or (id(s) in asm.faq_homes and not (nxt is not None and nxt.level > s.level))
            )
        )
        if emptied:
            draft.drop(s.heading or "", "FAQ heading (its items are in the FAQ)", s.source)
        else:
            kept.append(s)
    draft.sections = kept
    # folded <details> went to the FAQ while reading, other items after: restore reading order
    if all(src.lines for _, _, src in draft.faq):
        draft.faq.sort(key=lambda f: f[2].lines or (0, 0))
    if all(d.source.lines for d in draft.dropped):
        draft.dropped.sort(key=lambda d: d.source.lines or (0, 0))
    article = draft.build()
    if not article.sections and not article.faq:
        raise InputError("no article found (no paragraphs, lists or FAQ)", path=path)
    return article


def _title_from_path(path: str | None) -> str:
    if not path or path.startswith("<"):
        return ""
    from pathlib import Path

    stem = Path(path).stem
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else ""


def _first_words(items: list[Any]) -> str:
    for i in items:
        if isinstance(i, Block) and i.kind == "paragraph":
            words = i.values["text"].split()
            return " ".join(words[:8]) + ("…" if len(words) > 8 else "")
    return "Untitled"


# ---- Markdown tokens → items --------------------------------------------------------------

_BADGE_SRC = re.compile(
    r"shields\.io|badgen\.net|badge\.fury\.io|/badges?/|badge\.svg|/workflows/|travis-ci\.|"
    r"codecov\.io|coveralls\.io|circleci\.com|readthedocs\.org/projects|pepy\.tech|snyk\.io/test",
    re.I,
)


def _md():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.deflist import deflist_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark", {"html": True}).use(front_matter_plugin).use(deflist_plugin)
    md.enable(["table", "strikethrough"])
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]  # URLs are kept as written
    return md


_PARSER = None


def _parser():
    global _PARSER
    if _PARSER is None:
        _PARSER = _md()
    return _PARSER


@dataclass
class _Inline:
    text: str  # plain text of everything
    prose: str  # text outside links and images
    link_texts: list[str]
    images: list[dict[str, str]]
    linked: str = ""  # text with " (URL)" after each link whose text is not its URL

    @property
    def with_urls(self) -> str:
        return self.linked or self.text


# The article's own address (front matter url/canonical, the HTML canonical link or og:url)
# while a reader walks it: site-relative links are resolved against it (`link_base`).
_LINK_BASE: ContextVar[str | None] = ContextVar("link_base", default=None)
_WEB = re.compile(r"^https?://[^\s/]+\.[^\s]", re.I)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.I)


@contextmanager
def link_base(url: str | None) -> Iterator[None]:
    """Within the block, `link_target` resolves site-relative links against `url` (when it is
    an absolute web address; otherwise they keep only their text, as without a base)."""
    token = _LINK_BASE.set(url if url and _WEB.match(url) else None)
    try:
        yield
    finally:
        _LINK_BASE.reset(token)


def link_target(href: str, label: str) -> str | None:
    """The address to show after a link's text, or None: only web and mail addresses, and only
    when the text does not already say it ("example.com" for https://example.com/). A
    site-relative link ("/docs/start", "../faq") counts when the article's address is known
    (`link_base`), resolved against it; links within the page ("#top") never do."""
    href = href.strip()
    if href.lower().startswith("mailto:"):
        href = href[7:].split("?", 1)[0]
        if "@" not in href:
            return None
    elif not _WEB.match(href):
        base = _LINK_BASE.get()
        if base is None or not href or href.startswith("#") or _SCHEME.match(href):
            return None
        href = urljoin(base, href)
        if not _WEB.match(href):
            return None

    def bare(u: str) -> str:
        return re.sub(r"^(?:https?://|mailto:)?(?:www\.)?", "", u.strip().lower()).rstrip("/")

    if not label.strip() or bare(label) == bare(href) or "(" in href or ")" in href:
        return None
    return href


def _inline(token) -> _Inline:
    parts: list[str] = []
    prose: list[str] = []
    link_texts: list[str] = []
    images: list[dict[str, str]] = []
    in_link = 0
    link_buf: list[str] = []
    hrefs: list[str] = []
    linked: list[str] = []  # parts with link targets; only built when a link has one
    with_target = False
    for child in token.children or []:
        t = child.type
        if t == "link_open":
            in_link += 1
            link_buf = []
            hrefs.append(str(child.attrs.get("href") or ""))
        elif t == "link_close":
            in_link = max(0, in_link - 1)
            label = "".join(link_buf)
            link_texts.append(label)
            target = link_target(hrefs.pop(), label) if hrefs else None
            if target:
                with_target = True
                linked.append(f" ({target})")
        elif t in ("text", "code_inline"):
            parts.append(child.content)
            linked.append(child.content)
            (link_buf if in_link else prose).append(child.content)
        elif t in ("softbreak", "hardbreak"):
            parts.append(" ")
            linked.append(" ")
            prose.append(" ")
        elif t == "image":
            images.append(
                {
                    "src": child.attrs.get("src", "") or "",
                    "alt": clean(child.content),
                    "title": str(child.attrs.get("title") or ""),
                }
            )
        elif t == "html_inline":
            if re.match(r"<br\b", child.content, re.I):
                parts.append(" ")
                linked.append(" ")
                prose.append(" ")
            elif m := re.match(r"<img\b", child.content, re.I):
                del m
                images.append(_img_attrs(child.content))
    return _Inline(
        clean(_unsafe_links("".join(parts))),
        clean(_unsafe_links("".join(prose))),
        link_texts,
        images,
        clean(_unsafe_links("".join(linked))) if with_target else "",
    )


# A link the parser refused for its scheme (javascript:, vbscript:, data:, file:) stays literal
# Markdown in the text; keep only its words so the script never reaches an output.
_UNSAFE_LINK = re.compile(
    r"!?\[([^\]\n]*)\]\(\s*<?\s*(?:javascript|vbscript|data|file)\s*:(?:[^()\n]|\([^()\n]*\))*\)",
    re.I,
)
_UNSAFE_HINT = re.compile(r"(?:javascript|vbscript|data|file)\s*:", re.I)


def _unsafe_links(text: str) -> str:
    if "](" not in text or not _UNSAFE_HINT.search(text):
        return text
    return _UNSAFE_LINK.sub(lambda m: m.group(1), text)


def _img_attrs(tag: str) -> dict[str, str]:
    attrs = dict(
        re.findall(r'(\w+)\s*=\s*"([^"]*)"', tag) + re.findall(r"(\w+)\s*=\s*'([^']*)'", tag)
    )
    return {
        "src": attrs.get("src", ""),
        "alt": clean(attrs.get("alt", "")),
        "title": attrs.get("title", ""),
    }


_NOT_SEPARATOR = re.compile(r"[^|·•\-–—/,:;()\[\]\s]")


def _only_separators(text: str) -> bool:
    return _NOT_SEPARATOR.search(text) is None


def _paragraph_items(inl: _Inline, src: Source, raw: str) -> list[Any]:
    """A paragraph: prose, an image, a badge row, or a link-only line."""
    if _only_separators(inl.prose):
        if inl.images and (
            len(inl.images) >= 2 or any(_BADGE_SRC.search(i["src"]) for i in inl.images)
        ):
            return [Drop(raw.strip(), "badge row (images and links, no prose)", src)]
        if inl.images:
            return [_image(i, src) for i in inl.images]
        if inl.link_texts:
            return [Drop(raw.strip(), "link-only line (no prose)", src)]
        if not inl.text:
            return []
    if _BARE_URL.match(inl.text):
        return [Drop(inl.text, "link-only line (no prose)", src)]
    values: dict[str, Any] = {"text": inl.text}
    if inl.linked and inl.linked != inl.text:
        values[FAQ_TEXT] = inl.linked  # the same words with link addresses, for FAQ answers
    items: list[Any] = [Block("paragraph", values, src, links=bool(inl.link_texts))]
    items += [_image(i, src) for i in inl.images if not _BADGE_SRC.search(i["src"])]
    return items


_BARE_URL = re.compile(r"^(?:<?(?:https?://|www\.)\S+>?\s*)+$", re.I)


def drop_list_labels(items: list[Any]) -> list[Any]:
    """'Contents:' / 'Related:' — a short label right before a dropped link list goes with it."""
    out: list[Any] = []
    for n, item in enumerate(items):
        nxt = items[n + 1] if n + 1 < len(items) else None
        if (
            isinstance(item, Block)
            and item.kind == "paragraph"
            and isinstance(nxt, Drop)
            and nxt.reason.startswith("link-only")
            and not item.values["text"].endswith((".", "!", "?"))
            and len(item.values["text"].split()) <= 4
        ):
            out.append(Drop(item.values["text"], "label of a link-only list", item.source))
        else:
            out.append(item)
    return out


def _image(i: dict[str, str], src: Source) -> Block:
    return Block(
        "image", {"src": i["src"] or None, "alt": i["alt"], "caption": i["title"] or None}, src
    )


# a paragraph whose first line is one bold question: "**Does it retry?**\nYes, …"
_BOLD_QUESTION = re.compile(r"^\s*(\*\*|__)([^\n]+?\?)\1[ \t]*\n(.*\S.*)$", re.S)


def _src(token) -> Source:
    if token.map:
        return Source(lines=(token.map[0] + 1, max(token.map[0] + 1, token.map[1])))
    return Source()


class _HtmlText(HTMLParser):
    """Just enough of an HTML fragment: text, images, links, <summary> text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.prose: list[str] = []
        self.images: list[dict[str, str]] = []
        self.links: list[str] = []
        self.summary: list[str] | None = None
        self.skip = 0
        self.in_link = 0
        self.in_summary = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag in ("script", "style", "template"):
            self.skip += 1
        elif tag == "img":
            self.images.append(
                {
                    "src": a.get("src", ""),
                    "alt": clean(a.get("alt", "")),
                    "title": a.get("title", ""),
                }
            )
        elif tag == "a":
            self.in_link += 1
            self.links.append("")
        elif tag == "summary":
            self.in_summary = True
            self.summary = self.summary if self.summary is not None else []
        elif tag in ("br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"):
            self.text.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.skip = max(0, self.skip - 1)
        elif tag == "a":
            self.in_link = max(0, self.in_link - 1)
        elif tag == "summary":
            self.in_summary = False

    def handle_data(self, data):
        if self.skip:
            return
        if self.in_summary and self.summary is not None:
            self.summary.append(data)
            return
        self.text.append(data)
        if self.in_link and self.links:
            self.links[-1] += data
        else:
            self.prose.append(data)


def _html_items(html: str, src: Source) -> list[Any]:
    """An HTML block inside Markdown → items (comments and scripts vanish)."""
    stripped = re.sub(r"<!--.*?(-->|$)", "", html, flags=re.S)
    if not stripped.strip():
        return []
    p = _HtmlText()
    try:
        p.feed(stripped)
        p.close()
    except Exception:  # HTMLParser is lenient; never let a fragment break the reader
        return [Drop(clean(stripped)[:200], "unreadable HTML block", src)]
    text = "\n".join(clean(x) for x in "".join(p.text).split("\n"))
    paras = [x for x in re.split(r"\n{1,}", text) if x.strip()]
    prose = clean("".join(p.prose))
    inl = _Inline(clean(text), prose, p.links, p.images)
    if _only_separators(prose) or not paras:
        return _paragraph_items(inl, src, clean(stripped)[:200])
    items: list[Any] = [Block("paragraph", {"text": clean(para)}, src) for para in paras]
    items += [_image(i, src) for i in p.images if not _BADGE_SRC.search(i["src"])]
    return items


_DETAILS_OPEN = re.compile(r"<details\b", re.I)
_DETAILS_CLOSE = re.compile(r"</details\s*>", re.I)
_SUMMARY = re.compile(r"<summary\b[^>]*>(.*?)</summary\s*>", re.I | re.S)
_TASK = re.compile(r"^\[[ xX]\]\s+")


def _heading_text(inline_token) -> str:
    # Links whose text is only an anchor glyph ("#", "¶", "🔗") are permalinks: leave them out.
    kept = []
    skip = 0
    children = inline_token.children or []
    for idx, child in enumerate(children):
        if child.type == "link_open":
            j, buf = idx + 1, []
            while j < len(children) and children[j].type != "link_close":
                buf.append(children[j].content if children[j].type != "image" else "")
                j += 1
            if is_anchor_text("".join(buf)):
                skip = j - idx
                continue
        if skip:
            skip -= 1
            continue
        kept.append(child)
    fake = type("T", (), {"children": kept})()
    return clean_heading(_inline(fake).text)


class _Walker:
    def __init__(self) -> None:
        self.front: str | None = None
        self.front_source = Source()

    def walk(self, tokens, start: int = 0, stop: int | None = None) -> list[Any]:
        """Top-level tokens in [start, stop) → items. <details> groups nest via a stack."""
        stop = len(tokens) if stop is None else stop
        root: list[Any] = []
        stack: list[Details] = []

        def out() -> list[Any]:
            return stack[-1].items if stack else root

        i = start
        base = tokens[start].level if start < stop else 0
        while i < stop:
            tok = tokens[i]
            if tok.level != base:
                i += 1
                continue
            end = self._close(tokens, i)
            t = tok.type
            src = _src(tok)
            if t == "front_matter":
                self.front, self.front_source = tok.content, src
            elif t == "heading_open":
                text = _heading_text(tokens[i + 1])
                if text:
                    out().append(Heading(int(tok.tag[1]), text, src))
            elif t == "paragraph_open":
                raw = tokens[i + 1].content
                lead = _BOLD_QUESTION.match(raw)
                if lead and src.lines:  # "**Is it fast?**" with its answer on the next line
                    a, b = src.lines
                    for part, lines in ((lead.group(2), (a, a)), (lead.group(3), (a + 1, b))):
                        inline = _parser().parseInline(part)[0]
                        out().extend(_paragraph_items(_inline(inline), Source(lines=lines), part))
                else:
                    out().extend(_paragraph_items(_inline(tokens[i + 1]), src, raw))
            elif t in ("bullet_list_open", "ordered_list_open"):
                out().extend(self._list(tokens, i, end, src))
            elif t == "blockquote_open":
                paras = self._texts(tokens, i + 1, end)
                if paras:
                    paras[0] = re.sub(
                        r"^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*", "", paras[0]
                    )
                    text = "\n\n".join(p for p in paras if p)
                    if text:
                        values: dict[str, Any] = {"text": text}
                        linked = self._texts(tokens, i + 1, end, urls=True)
                        if linked != paras:
                            linked[0] = re.sub(
                                r"^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*", "", linked[0]
                            )
                            values[FAQ_TEXT] = "\n\n".join(p for p in linked if p)
                        out().append(Block("quote", values, src, parts=[paras]))
            elif t in ("fence", "code_block"):
                code = tok.content.strip("\n")
                if code.strip():
                    lang = (tok.info or "").strip().split(" ")[0] or None
                    out().append(Block("code", {"text": code, "lang": lang}, src))
            elif t == "html_block":
                self._html(tok.content, src, stack, out, root)
            elif t == "hr" and not stack:
                out().append(_Rule(src))
            elif t == "dl_open":
                out().append(self._dl(tokens, i, end, src))
            elif t == "table_open":
                rows = self._table(tokens, i, end)
                if rows:
                    out().append(Block("list", {"items": tuple(rows), "ordered": False}, src))
            i = end + 1
        while stack:  # unclosed <details>: fold what we have
            d = stack.pop()
            out().append(d)
        return root

    def _html(self, html: str, src: Source, stack: list[Details], out, root) -> None:
        pos = 0
        while True:
            o = _DETAILS_OPEN.search(html, pos)
            c = _DETAILS_CLOSE.search(html, pos)
            if o and (not c or o.start() < c.start()):
                out().extend(_html_items(html[pos : o.start()], src))
                m = _SUMMARY.search(html, o.end())
                nxt = _DETAILS_OPEN.search(html, o.end())
                summary = ""
                body_start = (
                    html.index(">", o.start()) + 1 if ">" in html[o.start() :] else len(html)
                )
                if m and (not nxt or m.start() < nxt.start()):
                    p = _HtmlText()
                    p.feed(m.group(1))
                    summary = clean_heading("".join(p.text))
                    body_start = m.end()
                stack.append(Details(summary, [], src))
                pos = body_start
            elif c:
                out().extend(_html_items(html[pos : c.start()], src))
                if stack:
                    d = stack.pop()
                    d.source = _join(d.source, src)
                    out().append(d)
                pos = c.end()
            else:
                out().extend(_html_items(html[pos:], src))
                return

    @staticmethod
    def _close(tokens, i: int) -> int:
        tok = tokens[i]
        if tok.nesting != 1:
            return i + 1 if tok.type in ("heading_open", "paragraph_open") else i
        depth, j = 0, i
        while j < len(tokens):
            depth += tokens[j].nesting
            if depth == 0:
                return j
            j += 1
        return len(tokens) - 1

    def _texts(self, tokens, start: int, stop: int, *, urls: bool = False) -> list[str]:
        """Paragraph-like texts inside a container, lists as '- item' lines (`urls`: with link
        addresses after link texts, for FAQ answers)."""
        out: list[str] = []
        for tok in tokens[start:stop]:
            if tok.type == "inline":
                inl = _inline(tok)
                text = inl.with_urls if urls else inl.text
                if text:
                    out.append(text)
            elif tok.type in ("fence", "code_block") and tok.content.strip():
                out.append(tok.content.rstrip("\n"))
        return out

    def _list(self, tokens, start: int, stop: int, src: Source) -> list[Any]:
        ordered = tokens[start].type == "ordered_list_open"
        entries, extra, linked = self._entries(tokens, start, stop)
        items = tuple(" ".join(e) for e in entries)
        if not items:
            return extra
        if _only_link_entry(tokens, start, stop):
            reason = "link-only list (navigation or table of contents)"
            return [Drop(" | ".join(items)[:200], reason, src), *extra]
        values: dict[str, Any] = {"items": items, "ordered": ordered}
        with_urls = tuple(" ".join(e) for e in linked)
        if with_urls != items:
            values[FAQ_ITEMS] = with_urls
        return [Block("list", values, src, parts=entries), *extra]

    def _entries(
        self, tokens, start: int, stop: int
    ) -> tuple[list[list[str]], list[Block], list[list[str]]]:
        """List items (each a list of its paragraphs; nested items follow their parent), the
        blocks found inside them (code), and the items again with link addresses."""
        entries: list[list[str]] = []
        extra: list[Block] = []
        linked: list[list[str]] = []
        j = start + 1
        while j < stop:
            if tokens[j].type != "list_item_open":
                j += 1
                continue
            end = self._close(tokens, j)
            entry: list[str] = []
            entry_linked: list[str] = []
            nested: list[list[str]] = []
            nested_linked: list[list[str]] = []
            k = j + 1
            while k < end:
                sub = tokens[k]
                if sub.type in ("bullet_list_open", "ordered_list_open"):
                    s_end = self._close(tokens, k)
                    sub_entries, sub_extra, sub_linked = self._entries(tokens, k, s_end)
                    nested += sub_entries
                    nested_linked += sub_linked
                    extra += sub_extra
                    k = s_end + 1
                    continue
                if sub.type == "inline":
                    inl = _inline(sub)
                    text = _TASK.sub("", inl.text)
                    if text:
                        entry.append(text)
                        entry_linked.append(_TASK.sub("", inl.with_urls))
                elif sub.type in ("fence", "code_block") and sub.content.strip():
                    lang = (sub.info or "").strip().split(" ")[0] or None
                    code = {"text": sub.content.rstrip("\n"), "lang": lang}
                    extra.append(Block("code", code, _src(sub)))
                k += 1
            entries += [e for e in (entry, *nested) if e]
            linked += [e for e in (entry_linked, *nested_linked) if e]
            j = end + 1
        return entries, extra, linked

    def _dl(self, tokens, start: int, stop: int, src: Source) -> Definitions:
        pairs: list[tuple[str, list[str], Source]] = []
        linked: dict[int, list[str]] = {}
        j = start + 1
        while j < stop:
            tok = tokens[j]
            if tok.type == "dt_open":
                end = self._close(tokens, j)
                pairs.append((clean(" ".join(self._texts(tokens, j + 1, end))), [], _src(tok)))
                j = end + 1
                continue
            if tok.type == "dd_open":
                end = self._close(tokens, j)
                if pairs:
                    term, paras, s = pairs[-1]
                    paras.extend(self._texts(tokens, j + 1, end))
                    pairs[-1] = (term, paras, _join(s, _src(tok)))
                    linked.setdefault(len(pairs) - 1, []).extend(
                        self._texts(tokens, j + 1, end, urls=True)
                    )
                j = end + 1
                continue
            j += 1
        kept = [k for k, p in enumerate(pairs) if p[0]]
        return Definitions(
            [pairs[k] for k in kept], src, answers=[linked.get(k, pairs[k][1]) for k in kept]
        )

    def _table(self, tokens, start: int, stop: int) -> list[str]:
        rows: list[str] = []
        cells: list[str] = []
        for tok in tokens[start:stop]:
            if tok.type == "tr_open":
                cells = []
            elif tok.type == "inline":
                cells.append(_inline(tok).text)
            elif tok.type == "tr_close" and any(cells):
                rows.append(" | ".join(cells))
        return rows


def _only_link_entry(tokens, start: int, stop: int) -> bool:
    """Every item of the list is nothing but links (a table of contents or a link list)."""
    seen_item = False
    for tok in tokens[start:stop]:
        if tok.type == "inline":
            inl = _inline(tok)
            if not inl.link_texts or not _only_separators(inl.prose):
                return False
            seen_item = True
    return seen_item


def _front_matter(raw: str | None, src: Source, items: list[Any]) -> tuple[str | None, dict]:
    if not raw:
        return None, {}
    import yaml

    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError:
        items.insert(0, Drop(clean(raw)[:200], "front matter is not valid YAML", src))
        return None, {}
    if not isinstance(data, dict):
        return None, {}
    data = {str(k).lower(): v for k, v in data.items()}

    def first(*keys: str) -> Any:
        for k in keys:
            v = data.get(k)
            if v not in (None, "", [], {}):
                return v
        return None

    def text(v: Any) -> str | None:
        if v is None:
            return None
        if isinstance(v, dict):
            v = v.get("name") or v.get("title") or next(iter(v.values()), None)
        if isinstance(v, list | tuple):
            names = [text(x) for x in v]
            return ", ".join(n for n in names if n) or None
        return clean(str(v)) or None

    tags = first("tags", "keywords", "categories")
    if isinstance(tags, str):
        tags = [t for t in re.split(r"\s*,\s*", tags) if t]
    tag_list = tuple(clean(str(t)) for t in (tags or []) if clean(str(t)))
    meta = {
        "description": text(first("description", "summary", "excerpt", "subtitle")),
        "author": text(first("author", "authors", "byline")),
        "published": parse_date(first("date", "published", "pubdate", "publishdate", "created")),
        "url": text(
            first("canonical_url", "canonical", "canonicalurl", "url", "permalink", "link")
        ),
        "image": text(first("image", "cover", "cover_image", "og_image", "thumbnail", "banner")),
        "lang": text(first("lang", "language", "locale")),
        "tags": tag_list,
    }
    if meta["url"] and not re.match(r"^https?://", meta["url"]):
        meta["url"] = None  # a site-relative permalink is not a URL a reader can open
    return text(first("title")), meta


@dataclass
class _Rule:
    """A thematic break (---) at the top level; only used to find a closing footer."""

    source: Source


def _closing_footer(items: list[Any]) -> list[Any]:
    """After the document's last rule, a line or two with links and nothing else ("Made with ♥
    by … · Twitter · Discord") is a footer, not the end of the article (or of an FAQ answer)."""
    last = max((k for k, i in enumerate(items) if isinstance(i, _Rule)), default=-1)
    tail = items[last + 1 :]
    blocks = [i for i in tail if isinstance(i, Block)]
    footer = (
        last >= 0
        and blocks
        and all(isinstance(i, Block | Drop) for i in tail)
        and all(b.kind in ("paragraph", "list") for b in blocks)
        and len(blocks) <= 2
        and sum(
            len(" ".join(b.values.get("items") or [b.values.get("text", "")]).split())
            for b in blocks
        )
        <= 40
        and any(b.has_links for b in blocks)
    )
    out = [i for i in items[: last + 1] if not isinstance(i, _Rule)]
    if not footer:
        return out + tail
    for item in tail:
        if isinstance(item, Block):
            text = item.values.get("text") or " | ".join(item.values.get("items", ()))
            out.append(Drop(text, "footer after the closing rule", item.source))
        else:
            out.append(item)
    return out


def drop_calls_to_action(items: list[Any]) -> list[Any]:
    """A short paragraph of calls to action ("Click here to subscribe to our newsletter.",
    "Questions? Email us at … Follow us on …") that closes a section or the document, after
    other content, is furniture: it is dropped, so it never becomes part of the last paragraph's
    section or of the last FAQ answer. The call phrases and their weighing are shared with the
    text reader (`furniture.call_to_action`). A paragraph right under a heading or a question is
    that section's content or that question's answer, and stays; one after a closed <details>
    group or a definition list (FAQ items that are complete in themselves) does not. Shared by
    the Markdown and HTML readers."""
    out: list[Any] = []
    for n, item in enumerate(items):
        prev = out[-1] if out else None
        nxt = items[n + 1] if n + 1 < len(items) else None
        if (
            isinstance(item, Block)
            and item.kind == "paragraph"
            and (
                isinstance(prev, _Rule | Details | Definitions)
                or (
                    isinstance(prev, Block)
                    and not (prev.kind == "paragraph" and prev.values["text"].endswith("?"))
                )
            )
            and (nxt is None or isinstance(nxt, Heading | _Rule | Drop))
            and fu.call_to_action(item.values["text"], linked=item.links) >= 2
        ):
            where = "at the end of the article" if nxt is None else "at the end of a section"
            out.append(Drop(item.values["text"], f"{fu.REASONS['cta']} {where}", item.source))
        else:
            out.append(item)
    return out


def read(text: str, *, path: str | None = None) -> Article:
    """Markdown text → Article (front matter metadata, H1 title, sections, FAQ)."""
    tokens = _parser().parse(text)
    front = next((t for t in tokens if t.type == "front_matter"), None)
    bad_front: list[Any] = []
    title, meta = _front_matter(
        front.content if front else None, _src(front) if front else Source(), bad_front
    )
    with link_base(meta.get("url")):
        items = _closing_footer(drop_calls_to_action(drop_list_labels(_Walker().walk(tokens))))
    items[0:0] = bad_front
    return assemble(items, title=title, meta=meta, fmt="markdown", path=path)

"""HTML reader: a saved web page → Article.

trafilatura finds the main content (navigation, sidebars, tables of contents, footers, share
bars, related-post lists and comment threads are left behind); this module prepares the page for
it and walks its result into the same items the Markdown reader makes, then `assemble()` builds
the Article. Around trafilatura it adds:

* metadata from <title>, og:* tags, the canonical link, author / article:published_time meta and
  JSON-LD Article (headline, datePublished, author), and `lang` from <html lang>;
* permalink marks ("¶", "#", headerlink anchors) removed from headings before extraction;
* <details><summary> groups kept as groups (an FAQ item each when they are FAQ items);
* link-only lines dropped; each block mapped back to the element it came from
  (Source.path is the element's XPath in the page);
* as in the Markdown reader (shared helpers `markdown.drop_calls_to_action`,
  `markdown.link_target`): a short call to action closing a section or the page is dropped with a
  reason, and FAQ answers keep link addresses after link texts while sections keep the visible
  text only.

trafilatura and lxml are imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urljoin

from repurpose.errors import InputError
from repurpose.ingest.build import FAQ_ITEMS, FAQ_TEXT
from repurpose.ingest.markdown import (
    _BADGE_SRC,
    Block,
    Definitions,
    Details,
    Drop,
    Heading,
    assemble,
    clean,
    clean_heading,
    drop_calls_to_action,
    is_anchor_text,
    link_base,
    link_target,
    parse_date,
)
from repurpose.model import Article, Source

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARK = "rpdetails{}x"
_MARK_RE = re.compile(r"rpdetails(\d+)x")
_ANCHOR_CLASS = re.compile(
    r"headerlink|anchor|permalink|hash-?link|heading-link|deep-?link|anchorjs|self-link", re.I
)
_TOC_SELECTOR = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' toc ')"
    " or @id='toc' or @id='TOC' or contains(@class, 'table-of-contents')"
    " or contains(@class, 'tableofcontents') or contains(@class, 'toc-container')"
    " or @id='table-of-contents' or contains(@class, 'ez-toc') or @role='doc-toc']"
)
# Furniture shown in `inspect` as dropped, with the reason (outermost element only).
# By element and ARIA role:
_FURNITURE = (
    ("nav", "navigation"),
    ("*[@role='navigation']", "navigation"),
    ("header", "page header"),
    ("aside", "sidebar"),
    ("*[@role='complementary']", "sidebar"),
    ("footer", "footer"),
    ("*[@role='contentinfo']", "footer"),
    ("form", "form"),
)
# By class and id names, as themes and CMSs write them ("comments-area", "jp-relatedposts",
# "ad-slot", "widget_search", "about-author-box"): first matching reason wins. A word from the
# first list may appear anywhere in a name; one from the second must be a whole part of it
# (split at "-", "_" and spaces), so "ad" finds "ad-slot" but not "header" or "loading".
_CLASS_FURNITURE: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("comments", ("comment", "disqus"), ("discussion", "replies", "respond")),
    ("cookie notice", ("cookie", "consent", "gdpr"), ()),
    ("subscribe prompt", ("newsletter", "subscribe", "signup", "optin", "mailchimp"), ()),
    ("share buttons", ("share", "sharing", "social", "addtoany", "addthis"), ()),
    (
        "related links",
        ("related", "readmore", "read-more", "morestories", "more-stories"),
        ("popular", "trending", "recommended", "recommendations", "read", "also"),
    ),
    (
        "advertisement",
        ("advert", "sponsor", "adsbygoogle", "adslot", "ad-slot", "ad-container"),
        ("ad", "ads", "dfp", "gpt", "promo"),
    ),
    (
        "author box",
        (
            "author-bio",
            "authorbio",
            "author-box",
            "authorbox",
            "about-author",
            "author-info",
            "author-card",
            "author-profile",
        ),
        (),
    ),
    ("tags/categories", ("tag-cloud", "tagcloud"), ("tags", "categories")),
    ("disclosure notice", ("disclosure", "disclaimer"), ()),
    ("table of contents", ("table-of-contents", "tableofcontents"), ("toc",)),
    ("sidebar", ("sidebar", "widget"), ()),
    (
        "navigation",
        ("breadcrumb", "navbar", "navigation", "pagination", "pager"),
        ("nav", "menu", "skip"),
    ),
    ("page header", ("masthead", "topbar", "top-bar"), ("header",)),
    ("footer", ("footer", "colophon"), ()),
)
_NAME_PARTS = re.compile(r"[-_\s]+")
# Inside the article's own text container only these are furniture (a "header" or "widget"
# class in the middle of the text is more likely a styled part of the article).
_INLINE_FURNITURE = frozenset(
    {
        "comments",
        "cookie notice",
        "subscribe prompt",
        "share buttons",
        "related links",
        "advertisement",
        "author box",
        "tags/categories",
        "disclosure notice",
        "table of contents",
    }
)


_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "summary", "dt"})
_BLOCK_TAGS = (
    "p",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "blockquote",
    "dt",
    "dd",
    "td",
    "th",
    "figcaption",
    "summary",
    "a",  # last: a lone link ("Edit this page") cites its own element
)


def read(text: str, *, path: str | None = None) -> Article:
    """HTML text → Article; InputError('no article found …') when the page holds no article."""
    import lxml.html
    from lxml import etree

    name = path or "<html>"
    # Control characters are not allowed in an XML/HTML tree (and mean nothing in an article).
    text = _CONTROL.sub("", text).encode("utf-8", "replace").decode("utf-8")
    try:
        # The text is already decoded: tell lxml so, whatever <meta charset> says.
        parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
        doc = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError):
        raise InputError("no article found (the page has no HTML body)", path=name) from None
    meta, meta_title = _metadata(doc)
    _strip_permalinks(doc)
    labels = _fold_admonition_titles(doc)
    dropped = _furniture(doc)
    details = _mark_details(doc)
    tree = doc.getroottree()
    aside = {el for d in dropped if d.source.path for el in tree.xpath(d.source.path)}
    index = _PathIndex(doc, aside)
    body = _extract(doc, [d.source.path for d in dropped if d.source.path])
    if body is None:
        raise InputError(
            "no article found (the page has only navigation or boilerplate)", path=name
        )
    walker = _Walker(index, details, base=meta.get("url"))
    with link_base(meta.get("url")):  # FAQ answers: site-relative links get absolute addresses
        items = drop_calls_to_action(walker.walk(body))
    if not _has_prose(items):
        raise InputError(
            "no article found (the page has only navigation or boilerplate)", path=name
        )
    # The title: an H1 of the article, else the page's headline (JSON-LD, og:title), else a
    # heading the article opens with, else <title> without the site name.
    has_h1 = any(isinstance(i, Heading) and i.level == 1 for i in items)
    title = None if has_h1 else meta_title
    if not title and not has_h1 and not (items and isinstance(items[0], Heading)):
        title = _trim_site(clean(doc.findtext(".//title") or "")) or None
    article = assemble([*dropped, *labels, *items], title=title, meta=meta, fmt="html", path=path)
    return article


# ---- metadata ---------------------------------------------------------------------------


def _metadata(doc) -> tuple[dict[str, Any], str | None]:
    def meta(*names: str) -> str | None:
        for n in names:
            for el in doc.xpath(
                "//meta[translate(@property,'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz')"
                "=$n or translate(@name,'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz')"
                "=$n or @itemprop=$n]",
                n=n,
            ):
                value = clean(el.get("content") or "")
                if value:
                    return value
        return None

    ld = _json_ld_article(doc)
    canonical = next(
        (
            clean(el.get("href") or "")
            for el in doc.xpath("//link[@href]")
            if "canonical" in (el.get("rel") or "").lower().split()
        ),
        None,
    )
    url = canonical or meta("og:url") or _ld_url(ld)
    if url and not re.match(r"^https?://", url):
        url = None
    author = (
        _ld_author(ld)
        or meta("author", "article:author", "dc.creator", "parsely-author", "sailthru.author")
        or _byline(doc)
    )
    if author and re.match(r"^https?://", author):
        author = _byline(doc)
    published = (
        parse_date(ld.get("datePublished"))
        or parse_date(meta("article:published_time", "og:published_time", "datepublished"))
        or parse_date(
            meta("date", "pubdate", "publish-date", "publish_date", "dc.date", "dcterms.created")
        )
        or _time_element(doc)
    )
    tags = [m.get("content", "") for m in doc.xpath("//meta[@property='article:tag']")]
    keywords = ld.get("keywords")
    if not tags and keywords:
        tags = keywords if isinstance(keywords, list) else str(keywords).split(",")
    if not tags:
        tags = [
            _spaced_text(a) for a in doc.xpath("//a[contains(concat(' ', @rel, ' '), ' tag ')]")
        ]
    if not tags and (kw := meta("keywords")):
        tags = kw.split(",")
    lang = clean(doc.get("lang") or doc.get("xml:lang") or "") or None
    if not lang and (loc := meta("og:locale")):
        lang = loc.replace("_", "-")
    image = meta("og:image", "twitter:image") or _ld_image(ld)
    if image and url:
        image = urljoin(url, image)
    description = meta("description", "og:description", "twitter:description") or (
        clean(str(ld.get("description"))) if isinstance(ld.get("description"), str) else None
    )
    headline = ld.get("headline") if isinstance(ld.get("headline"), str) else None
    title = clean(headline or "") or meta("og:title", "twitter:title")
    data = {
        "description": description,
        "author": author,
        "published": published,
        "url": url,
        "lang": lang,
        "image": image,
        "tags": tuple(dict.fromkeys(t for t in (clean(str(x)) for x in tags) if t)),
    }
    return data, title


def _trim_site(title: str) -> str:
    """'Article title | Site name' → 'Article title' (the site name comes last by convention)."""
    seps = list(re.finditer(r"\s+[|–—·»:-]\s+", title))
    if not seps:
        return title
    head = title[: seps[-1].start()].strip()
    return head if len(head) >= 3 else title


_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "blogposting",
    "techarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "scholarlyarticle",
    "report",
    "webpage",
    "faqpage",
}


def _json_ld_article(doc) -> dict[str, Any]:
    """The JSON-LD Article (or NewsArticle, BlogPosting …) object of the page, or {}."""
    found: list[dict[str, Any]] = []

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for n in node:
                visit(n)
        elif isinstance(node, dict):
            types = node.get("@type")
            types = types if isinstance(types, list) else [types]
            if any(isinstance(t, str) and t.lower() in _ARTICLE_TYPES for t in types):
                found.append(node)
            for key in ("@graph", "mainEntity"):
                if key in node:
                    visit(node[key])

    for script in doc.xpath("//script[@type='application/ld+json']"):
        try:
            visit(json.loads(script.text or ""))
        except (ValueError, RecursionError):
            continue
    # Prefer a real article type over a generic WebPage.
    found.sort(key=lambda n: str(n.get("@type")).lower() in ("webpage", "faqpage"))
    return found[0] if found else {}


def _ld_author(ld: dict[str, Any]) -> str | None:
    author = ld.get("author")
    authors = author if isinstance(author, list) else [author]
    names = []
    for a in authors:
        if isinstance(a, dict) and isinstance(a.get("name"), str):
            names.append(clean(a["name"]))
        elif isinstance(a, str) and not a.startswith("http"):
            names.append(clean(a))
    return ", ".join(n for n in names if n) or None


def _ld_url(ld: dict[str, Any]) -> str | None:
    for key in ("url", "mainEntityOfPage"):
        v = ld.get(key)
        if isinstance(v, dict):
            v = v.get("@id") or v.get("url")
        if isinstance(v, str) and v.startswith("http"):
            return v
    return None


def _ld_image(ld: dict[str, Any]) -> str | None:
    v = ld.get("image")
    if isinstance(v, list):
        v = v[0] if v else None
    if isinstance(v, dict):
        v = v.get("url")
    return v if isinstance(v, str) else None


def _byline(doc) -> str | None:
    for el in doc.xpath(
        "//*[@rel='author' or @itemprop='author' or contains(@class, 'author')][not(self::meta)]"
    ):
        text = clean(el.text_content())
        text = re.sub(r"^(by|written by|posted by|von|par)\s+", "", text, flags=re.I)
        if text and len(text.split()) <= 5 and not re.search(r"[@:/]|\d{4}", text):
            return text
    return None


def _time_element(doc):
    for el in doc.xpath("//article//time[@datetime] | //main//time[@datetime]"):
        parsed = parse_date(el.get("datetime"))
        if parsed:
            return parsed
    return None


# ---- preparing the page --------------------------------------------------------------------


def _strip_permalinks(doc) -> None:
    """Remove '¶' / '#' / headerlink anchors from headings (keeping any text after them)."""
    for h in doc.xpath("//h1|//h2|//h3|//h4|//h5|//h6|//summary|//dt"):
        for el in h.xpath(".//a|.//span|.//button"):
            cls = (el.get("class") or "") + " " + (el.get("aria-label") or "")
            text = el.text_content()
            if (
                is_anchor_text(text)
                or (_ANCHOR_CLASS.search(cls) and len(clean(text)) <= 2)
                or (el.get("aria-hidden") == "true" and len(clean(text)) <= 2)
            ):
                el.drop_tree()  # keeps the tail text


def _class_reason(el) -> str | None:
    """The kind of furniture an element's class and id names say it is, or None."""
    names = f"{el.get('class') or ''} {el.get('id') or ''}".lower().strip()
    if not names:
        return None
    if el.get("id") in ("secondary", "sidebar"):
        return "sidebar"
    parts = set(_NAME_PARTS.split(names))
    for reason, anywhere, whole in _CLASS_FURNITURE:
        if any(w in names for w in anywhere) or not parts.isdisjoint(whole):
            return reason
    return None


def _text_home(doc):
    """The element whose own <p> children hold the most words: where the article's text lives."""
    words: dict[Any, int] = {}
    for p in doc.iter("p"):
        parent = p.getparent()
        if parent is not None:
            words[parent] = words.get(parent, 0) + len(p.text_content().split())
    return max(words, key=words.__getitem__) if words else None


def _fold_admonition_titles(doc) -> list[Drop]:
    """'<p class="admonition-title">Note</p><p>Text</p>' (Sphinx, MkDocs): a one- or two-word
    label ("Note", "Warning") is left out (and reported); a longer title leads the paragraph."""
    dropped: list[Drop] = []
    tree = doc.getroottree()
    for el in doc.xpath(
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' admonition-title ')]"
    ):
        label = clean(el.text_content()).rstrip(":")
        nxt = el.getnext()
        if not label or nxt is None or nxt.tag != "p" or len(label.split()) > 8:
            continue
        if len(label.split()) <= 2:
            dropped.append(Drop(label, "admonition label", Source(path=tree.getpath(el))))
        else:
            nxt.text = f"{label}: {nxt.text or ''}"
        el.drop_tree()
    return dropped


def _furniture(doc) -> list[Drop]:
    """Navigation, sidebars, footers, comments, forms and tables of contents (outermost only).

    Found by element (<nav>, <aside> …), ARIA role, and class/id names. They are reported by
    `inspect` and removed before extraction; an element that holds the article itself (an
    <article>, <main>, an <h1> or the element holding most of the page's paragraphs) is never
    one of them, and inside that element only inline widgets (share bars, ads, related boxes,
    sign-up boxes …) are.
    """
    home = _text_home(doc)
    inside = set(home.iterdescendants()) if home is not None else set()
    around = {home, *home.iterancestors()} if home is not None else set()
    found: list[tuple[Any, str]] = []
    candidates: list[tuple[Any, str]] = []
    for sel, reason in (*_FURNITURE, (None, "table of contents")):
        els = doc.xpath(_TOC_SELECTOR) if sel is None else doc.xpath("//body//" + sel)
        candidates.extend((el, reason) for el in els)
    body = doc.find("body")
    for el in body.iterdescendants() if body is not None else ():
        if isinstance(el.tag, str) and el.tag not in ("a", "span", "li", "img", "input"):
            reason = _class_reason(el)
            if reason and (el not in inside or reason in _INLINE_FURNITURE):
                candidates.append((el, reason))
    for el, reason in candidates:
        if el in around:
            continue
        holds = ".//main|.//*[@role='main']|.//h1" + ("" if reason == "comments" else "|.//article")
        if not el.xpath(holds):
            found.append((el, reason))
    chosen = {el for el, _ in found}
    out: list[Drop] = []
    seen: set[Any] = set()
    tree = doc.getroottree()
    for el, reason in sorted(found, key=lambda f: _doc_order(f[0])):
        if el in seen or any(a in chosen for a in el.iterancestors()):
            continue
        seen.add(el)
        text = _spaced_text(el)
        if text:
            out.append(Drop(text[:160], reason, Source(path=tree.getpath(el))))
    return out


def _doc_order(el) -> int:
    return el.sourceline or 0


def _spaced_text(el) -> str:
    return clean(" ".join(t for t in el.itertext() if t.strip()))


def _mark_details(doc) -> dict[int, Any]:
    """Replace each outermost <details> by a marked paragraph trafilatura keeps in place."""
    from copy import deepcopy

    from lxml import etree

    found: dict[int, Any] = {}
    tree = doc.getroottree()
    outer = [(el, tree.getpath(el)) for el in doc.xpath("//details[not(ancestor::details)]")]
    for n, (el, path) in enumerate(outer, 1):
        summary = el.find("summary")
        label = clean(summary.text_content()) if summary is not None else ""
        if not label and not clean(el.text_content()):
            continue
        copy = deepcopy(el)  # detached copy, walked later
        found[n] = (copy, path)
        p = etree.Element("p")
        p.text = f"{_MARK.format(n)} {label or 'Details'}"
        p.tail = el.tail
        el.getparent().replace(el, p)
    return found


def _extract(doc, furniture: list[str]):
    """trafilatura's main content (its own element tree) or None."""
    import copy

    import trafilatura

    work = copy.deepcopy(doc)
    tree = work.getroottree()
    doomed = [el for path in furniture for el in tree.xpath(path)]
    doomed += work.xpath(_TOC_SELECTOR)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
    result = trafilatura.bare_extraction(
        work,
        include_comments=False,
        include_tables=True,
        include_images=True,
        include_formatting=True,
        include_links=True,
        with_metadata=False,
        deduplicate=False,
    )
    if result is None:
        return None
    body = result.body if hasattr(result, "body") else None
    if body is None or not len(body):
        return None
    return body


class _PathIndex:
    """Text of block elements in the page → their XPath, so blocks can cite their element."""

    def __init__(self, doc, furniture: set[Any] = frozenset()) -> None:  # type: ignore[assignment]
        self.by_text: dict[str, str] = {}
        self.headings: dict[str, str] = {}
        self.pre_lang: dict[str, str] = {}
        self.captions: dict[str, str] = {}
        aside: dict[str, str] = {}  # the same text in a sidebar or table of contents: a fallback
        tree = doc.getroottree()
        for el in doc.iter(*_BLOCK_TAGS):
            key = _key(el.text_content())
            if not key:
                continue
            inside = el in furniture or any(a in furniture for a in el.iterancestors())
            target = aside if inside else self.by_text
            if key not in target:
                target[key] = tree.getpath(el)
            if not inside and el.tag in _HEADING_TAGS and key not in self.headings:
                self.headings[key] = target[key]
            if el.tag == "pre":
                lang = _code_lang(el)
                if lang:
                    self.pre_lang[key] = lang
        for key, path in aside.items():
            self.by_text.setdefault(key, path)
        for fig in doc.iter("figure"):
            cap = fig.find(".//figcaption")
            img = fig.find(".//img")
            if cap is not None and img is not None and img.get("src"):
                self.captions[img.get("src")] = clean(cap.text_content())
        for img in doc.iter("img"):
            src = img.get("src")
            if src and src not in self.by_text:
                self.by_text["img:" + src] = tree.getpath(img)

    def path(self, text: str, *, heading: bool = False) -> str | None:
        key = _key(text)
        return (self.headings.get(key) if heading else None) or self.by_text.get(key)


def _key(text: str) -> str:
    return clean(text)[:200].lower()


_LANG_CLASS = re.compile(r"(?:language|lang|highlight|brush)[-:]\s*([A-Za-z0-9_+#.-]+)")


def _code_lang(pre) -> str | None:
    for el in [pre, *pre.iterchildren("code"), *pre.iterancestors()][:6]:
        m = _LANG_CLASS.search(el.get("class") or "")
        if m and m.group(1).lower() not in ("source", "default", "notranslate"):
            return m.group(1).lower()
        if el.get("data-lang"):
            return el.get("data-lang").lower()
    return None


# ---- walking trafilatura's tree ---------------------------------------------------------------


def _text(el, *, urls: bool = False) -> str:
    """Plain text of an output element; <lb/> is a space, nested lists are left out (`urls`:
    with each link's address after its text, for FAQ answers)."""
    parts: list[str] = []

    def visit(node, top: bool) -> None:
        if not top:
            if node.tag == "list":
                parts.append(" " + (node.tail or ""))
                return
            if node.tag == "lb":
                parts.append(" ")
        if node.text and node.tag != "graphic":
            parts.append(node.text)
        for child in node:
            visit(child, False)
        if urls and node.tag == "ref":
            target = link_target(node.get("target") or "", clean(node.xpath("string()")))
            if target:
                parts.append(f" ({target})")
        if not top and node.tail:
            parts.append(node.tail)

    visit(el, True)
    return clean("".join(parts))


def _page_text(el, *, urls: bool = False) -> str:
    """text_content() of a page element (`urls`: with each <a href>'s address after its text)."""
    if not urls:
        return el.text_content()
    parts: list[str] = []

    def visit(node) -> None:
        parts.append(node.text or "")
        for child in node:
            if isinstance(child.tag, str):
                visit(child)
            parts.append(child.tail or "")
        if node.tag == "a":
            target = link_target(node.get("href") or "", clean(node.text_content()))
            if target:
                parts.append(f" ({target})")

    visit(el)
    return "".join(parts)


def _with_faq_text(values: dict[str, Any], linked: str) -> dict[str, Any]:
    """Block values plus the text with link addresses (FAQ_TEXT) when it differs."""
    if linked and linked != values["text"]:
        values[FAQ_TEXT] = linked
    return values


def _unmark(text: str) -> str:
    """A <details> marker that trafilatura merged into a bigger block: keep only the summary."""
    return clean(_MARK_RE.sub("", text))


def _link_text(el) -> str:
    return clean(" ".join(r.xpath("string()") for r in el.iter("ref")))


def _has_prose(items: list[Any]) -> bool:
    words = 0
    sentence = False
    for item in items:
        if isinstance(item, Block) and item.kind in ("paragraph", "quote", "list"):
            texts = item.values.get("items") or (item.values.get("text"),)
            for t in texts:
                n = len(str(t).split())
                words += n
                sentence = sentence or n >= 8
        elif isinstance(item, Details | Definitions):
            sentence, words = True, words + 10
    return sentence and words >= 15


class _Walker:
    def __init__(self, index: _PathIndex, details: dict[int, Any], base: str | None) -> None:
        self.index = index
        self.details = details
        self.base = base
        self.level = 1

    def src(self, text: str) -> Source:
        return Source(path=self.index.path(text))

    def walk(self, body) -> list[Any]:
        items: list[Any] = []
        for el in body:
            items.extend(self.element(el))
        return items

    def element(self, el) -> list[Any]:
        tag = el.tag
        if tag == "head":
            text = clean_heading(_text(el))
            if not text:
                return []
            rend = el.get("rend") or ""
            level = (
                int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else min(6, max(2, self.level + 1))
            )
            self.level = level
            return [Heading(level, text, Source(path=self.index.path(text, heading=True)))]
        if tag == "p":
            return self.paragraph(el)
        if tag == "list":
            return self.list_(el)
        if tag == "quote":
            ps = list(el.iter("p")) or [el]
            paras = [_unmark(_text(p)) for p in ps]
            text = "\n\n".join(p for p in paras if p)
            if not text:
                return []
            linked = "\n\n".join(p for p in (_unmark(_text(p, urls=True)) for p in ps) if p)
            values = _with_faq_text({"text": text}, linked)
            return [Block("quote", values, self.src(paras[0]), parts=[paras])]
        if tag == "code":
            code = "".join(el.itertext()).strip("\n")
            if not code.strip():
                return []
            key = _key(code)
            lang = self.index.pre_lang.get(key)
            return [Block("code", {"text": code, "lang": lang}, self.src(code))]
        if tag == "graphic":
            return self.image(el)
        if tag == "table":
            rows = []
            for row in el.iter("row"):
                cells = [_text(c) for c in row.iter("cell")]
                if any(cells):
                    rows.append(" | ".join(cells))
            if rows:
                first = next((_text(c) for c in el.iter("cell") if _text(c)), "")
                path = self.index.path(first) or ""
                path = (
                    path[: path.rfind("/table") + 1]
                    + path[path.rfind("/table") + 1 :].split("/")[0]
                )
                src = Source(path=path if "/table" in path else None)
                return [Block("list", {"items": tuple(rows), "ordered": False}, src)]
            return []
        if tag in ("div", "main", "doc", "hi", "ref"):
            out: list[Any] = []
            for child in el:
                out.extend(self.element(child))
            return out
        return []

    def image(self, el) -> list[Any]:
        src = el.get("src") or ""
        if not src or _BADGE_SRC.search(src):
            return []
        alt = clean(el.get("alt") or "")
        caption = self.index.captions.get(src) or clean(el.get("title") or "") or None
        path = self.index.by_text.get("img:" + src)
        full = urljoin(self.base, src) if self.base else src
        return [Block("image", {"src": full, "alt": alt, "caption": caption}, Source(path=path))]

    def paragraph(self, el) -> list[Any]:
        text = _text(el)
        m = _MARK_RE.match(text)
        if m and int(m.group(1)) in self.details:
            return [self.details_item(*self.details.pop(int(m.group(1))))]
        text = _unmark(text)
        images = [i for g in el.iter("graphic") for i in self.image(g)]
        if not text:
            return images
        links = _link_text(el)
        if links and len(links) >= len(text) - 3 and _only_separators(text, links):
            return [Drop(text[:200], "link-only line (no prose)", self.src(text))]
        if links and _labelled_links(text, links):
            return [Drop(text[:200], "read-more or related link", self.src(text))]
        if text in self.index.captions.values():
            return images  # a figure caption already carried by its Image block
        values = _with_faq_text({"text": text}, _unmark(_text(el, urls=True)))
        return [Block("paragraph", values, self.src(text), links=bool(links)), *images]

    def list_(self, el) -> list[Any]:
        rend = el.get("rend") or "ul"
        if rend == "dl":
            pairs: list[tuple[str, list[str], Source]] = []
            answers: list[list[str]] = []  # the definitions again, with link addresses
            for item in el.iterchildren("item"):
                r = item.get("rend") or ""
                text = _unmark(_text(item))
                if r.startswith("dt"):
                    pairs.append((clean_heading(text), [], self.src(text)))
                    answers.append([])
                elif r.startswith("dd") and pairs:
                    ps = list(item.iterchildren("p")) or [item]
                    pairs[-1][1].extend(p for p in (_unmark(_text(p)) for p in ps) if p)
                    answers[-1].extend(p for p in (_unmark(_text(p, urls=True)) for p in ps) if p)
            kept = [k for k, p in enumerate(pairs) if p[0]]
            return [
                Definitions(
                    [pairs[k] for k in kept],
                    pairs[0][2] if pairs else Source(),
                    answers=[answers[k] for k in kept],
                )
            ]
        entries: list[list[str]] = []
        linked: list[str] = []  # each entry again, with link addresses
        link_only = True
        for item in el.iter("item"):
            text = _unmark(_text(item))
            if not text:
                continue
            ps = list(item.iterchildren("p")) or [item]
            paras = [p for p in (_unmark(_text(p)) for p in ps) if p]
            if paras:
                entries.append(paras)
                linked.append(" ".join(p for p in (_unmark(_text(p, urls=True)) for p in ps) if p))
            links = _link_text(item)
            if not (links and _only_separators(text, links)):
                link_only = False
        if not entries:
            return []
        items = tuple(" ".join(e) for e in entries)
        src = self.src(items[0])
        if src.path:
            src = Source(path=src.path.rsplit("/", 1)[0])  # the list, not its first item
        if link_only:
            reason = "link-only list (navigation or related links)"
            return [Drop(" | ".join(items)[:200], reason, src)]
        values: dict[str, Any] = {"items": items, "ordered": rend.startswith("ol")}
        if tuple(linked) != items:
            values[FAQ_ITEMS] = tuple(linked)
        return [Block("list", values, src, parts=entries)]

    def details_item(self, el, path: str) -> Details:
        summary_el = el.find("summary")
        summary = clean_heading(summary_el.text_content()) if summary_el is not None else ""
        if summary_el is not None:
            tail = summary_el.tail
            summary_el.getparent().remove(summary_el)
            if tail and tail.strip():
                el.text = (el.text or "") + tail
        items = _plain_walk(el, path)
        return Details(summary, items, Source(path=path))


def _labelled_links(text: str, links: str) -> bool:
    """'Read more: <a>Another story</a>', 'See also: <a>…</a>': a short label naming furniture (or
    ending in a colon) and links that make up most of the line."""
    from repurpose.ingest import furniture as fu

    rest = text
    for word in links.split():
        rest = rest.replace(word, "", 1)
    label = clean(rest).strip(" |·•-–—/,;()[]»›>")
    if not label or len(label.split()) > 4 or len(links) < 0.5 * len(text):
        return False
    cue = fu.cue(label.rstrip(":"))
    return (label.endswith(":") and len(label.split()) <= 3) or (
        cue is not None and cue.strength >= 0.6
    )


def _only_separators(text: str, links: str) -> bool:
    rest = text
    for word in links.split():
        rest = rest.replace(word, "", 1)
    return all(ch in "|·•-–—/,:;()[]»›> \t\n" for ch in rest)


def _plain_walk(el, path: str) -> list[Any]:
    """Blocks inside a <details> body (our own small walk of the original elements); paragraphs
    and lists also carry their text with link addresses, for FAQ answers."""
    items: list[Any] = []
    loose: list[tuple[str, str]] = [(el.text or "", el.text or "")]  # (text, with addresses)

    def paragraph(node, sub: str) -> None:
        text = clean(node.text_content())
        if text:
            values = _with_faq_text({"text": text}, clean(_page_text(node, urls=True)))
            items.append(Block("paragraph", values, Source(path=sub)))

    def flush() -> None:
        text = clean("".join(t for t, _ in loose))
        if text:
            values = _with_faq_text({"text": text}, clean("".join(u for _, u in loose)))
            items.append(Block("paragraph", values, Source(path=path)))
        loose.clear()

    for child in el:
        tail = child.tail or ""
        if not isinstance(child.tag, str):
            loose.append((tail, tail))
            continue
        tag = child.tag.lower()
        sub = f"{path}/{tag}"
        if tag in ("p", "div", "section", "span", "strong", "em", "b", "i", "a", "code", "br"):
            if tag in ("p", "div", "section"):
                flush()
                inner = [
                    c
                    for c in child
                    if isinstance(c.tag, str) and c.tag in ("ul", "ol", "pre", "p", "details")
                ]
                if inner and tag != "p":
                    items.extend(_plain_walk(child, sub))
                else:
                    paragraph(child, sub)
            else:
                loose.append((child.text_content(), _page_text(child, urls=True)))
        elif tag in ("ul", "ol"):
            flush()
            lis = [(clean(li.text_content()), li) for li in child.iter("li")]
            lis = [(e, li) for e, li in lis if e]
            if lis:
                entries = tuple(e for e, _ in lis)
                values: dict[str, Any] = {"items": entries, "ordered": tag == "ol"}
                linked = tuple(clean(_page_text(li, urls=True)) for _, li in lis)
                if linked != entries:
                    values[FAQ_ITEMS] = linked
                items.append(Block("list", values, Source(path=sub), parts=[[e] for e in entries]))
        elif tag == "pre":
            flush()
            code = child.text_content().strip("\n")
            if code.strip():
                items.append(
                    Block("code", {"text": code, "lang": _code_lang(child)}, Source(path=sub))
                )
        elif tag == "blockquote":
            flush()
            text = clean(child.text_content())
            if text:
                values = _with_faq_text({"text": text}, clean(_page_text(child, urls=True)))
                items.append(Block("quote", values, Source(path=sub)))
        elif tag == "details":
            flush()
            s = child.find("summary")
            label = clean_heading(s.text_content()) if s is not None else ""
            if s is not None:
                child.remove(s)
            items.append(Details(label, _plain_walk(child, sub), Source(path=sub)))
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            flush()
            text = clean_heading(child.text_content())
            if text:
                items.append(Heading(int(tag[1]), text, Source(path=sub)))
        elif tag == "img":
            if child.get("src"):
                alt = clean(child.get("alt") or "")
                items.append(
                    Block("image", {"src": child.get("src"), "alt": alt}, Source(path=sub))
                )
        elif tag not in ("script", "style", "button", "form"):
            loose.append((child.text_content(), _page_text(child, urls=True)))
        loose.append((tail, tail))
    flush()
    return items

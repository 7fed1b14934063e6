"""Plain-text reader: structure from layout alone, furniture dropped by general signals.

Text copied or scraped from a web page has no markup, so the reader works from what a person sees:

1. Lines become *units*: a line, or several lines of a hard-wrapped paragraph joined together.
   Each unit remembers its 1-based line range and how many blank lines came before it.
2. Each unit gets a shape: prose (a sentence: enough words, stopwords, terminal punctuation),
   heading-like (short, no terminal punctuation, starts with a capital), list item (bullet or
   number), date line, byline, furniture (a line dominated by generic cue words such as "share",
   "related", "reply", "cookie"), template placeholder (`spot_img`, `{{…}}`, `%%…%%`,
   `[shortcode]`), or a menu (a run of very short lines, or a line of `|`/`›` separators).
3. The article body is the densest run of prose: a maximum-sum window over the units, where prose
   scores its word count and everything else scores below zero. It ends early at the first line
   that opens a comment thread, a related/popular list, an author box or a form.
4. The title is the first heading-like line right before that run whose words the body uses;
   heading-like lines before it are a headline list, and a short line echoing the title or a
   heading right before prose is an image's alt text.
5. Headings inside the body are heading-like lines followed by content. Their level comes from the
   blank-line rhythm (more blank lines before a section than before a sub-heading), else from
   capitalisation (ALL CAPS above Title Case), else a heading directly followed by another one
   is a section with a sub-heading.
6. The FAQ is found by repurpose.ingest.faq and kept apart from the sections.

Everything left out goes to ArticleDraft.drop with the reason, so `repurpose inspect` can show it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from repurpose.errors import InputError
from repurpose.ingest import furniture as fu
from repurpose.ingest.build import ArticleDraft, SectionDraft
from repurpose.ingest.faq import extract_faq, is_a_line, is_faq_heading, is_q_line
from repurpose.model import Article, Source

_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_BULLET = re.compile(r"^\s*([-*+•·▪◦‣●○■□►▸➤✓✔–—])\s+(?=\S)")
_NUMBERED = re.compile(r"^\s*(\(?\d{1,3}[.)]|\(?[a-z][.)]|[ivx]{1,4}[.)])\s+(?=\S)", re.I)
_TERMINAL = re.compile(r"[.!?…;:,。．！？；：，、؟،؛۔।][\"'”’»)\]」』）]*$")
_SENTENCE_END = re.compile(r"[.!?…。．！？؟۔।][\"'”’»)\]」』）]*$")
_CAPTION = re.compile(
    r"^\s*[(\[]?\s*(image|photo|photograph|picture|illustration|figure|fig\.|credit|"
    r"source|caption|pictured|via)\b\s*[:.\-–—]?",
    re.I,
)
_QUOTE = re.compile(r"^\s*>\s?")
_BUTTONS = re.compile(r"[^\s.!?] {3,}\S")  # "Jump to Recipe   Print Recipe": a row of buttons

PROSE, HEADING, LIST, SHORT, FURNITURE, MENU, DATE, BYLINE, PLACEHOLDER, QUOTE, CAPTION = [
    "prose",
    "heading",
    "list",
    "short",
    "furniture",
    "menu",
    "date",
    "byline",
    "placeholder",
    "quote",
    "caption",
]


@dataclass(slots=True)
class Unit:
    text: str
    start: int
    end: int
    gap: int
    chunk: int
    lines: int = 1
    kind: str = SHORT
    tokens: list[str] = field(default_factory=list)
    low: list[str] = field(default_factory=list)  # tokens lower-cased, once
    content: set[str] | None = None  # lower-cased content words, computed on first use
    marker: str | None = None  # "bullet" | "number"
    body: str = ""  # text without its list marker
    cue: fu.Cue | None = None
    date: date | None = None
    byline: tuple[str, date | None] | None = None
    group: int = -1  # list group index
    score: float = 0.0
    note: str = ""  # the reason it is dropped, when a rule decided it in its own words

    @property
    def n(self) -> int:
        return len(self.tokens)

    @property
    def source(self) -> Source:
        return Source(lines=(self.start, self.end))


# ---- 1. lines → units ------------------------------------------------------------------------


def _clean_lines(text: str) -> list[str]:
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    return [ln.rstrip() for ln in text.split("\n")]


def _marker(line: str, qa: bool = False) -> tuple[str | None, str]:
    """("bullet" | "number" | None, the line without its marker). With `qa` (the text writes
    "Q." / "A." pairs), "Q." and "A." open a question and an answer, not a lettered list."""
    if qa and (is_q_line(line) or is_a_line(line)):
        return None, line.strip()
    m = _BULLET.match(line)
    if m:
        return "bullet", line[m.end() :].strip()
    m = _NUMBERED.match(line)
    if m:
        return "number", line[m.end() :].strip()
    return None, line.strip()


def _wrap_width(lines: list[str], qa: bool = False) -> int | None:
    """The column a hard-wrapped text breaks at, or None when lines are not hard-wrapped."""
    lengths = sorted(len(ln) for ln in lines if ln.strip())
    if len(lengths) < 6:
        return None
    width = lengths[int(len(lengths) * 0.9)]
    if width > 100 or width < 30:
        return None
    full = 0
    for a, b in itertools.pairwise(lines):
        if b.strip() and len(a) >= width * 0.75 and not _marker(b, qa)[0]:
            full += 1
    return width if full >= 3 and full * 4 >= len(lengths) * 0.5 else None


def _units(lines: list[str], qa: bool = False) -> list[Unit]:
    width = _wrap_width(lines, qa)
    units: list[Unit] = []
    gap, chunk, prev_blank = 0, 0, True
    for idx, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            gap += 1
            prev_blank = True
            continue
        if prev_blank:
            chunk += 1
        last = units[-1] if units and not prev_blank else None
        joinable = (
            last is not None
            and last.kind != QUOTE
            and not _marker(line, qa)[0]
            and not _QUOTE.match(line)
            and (
                (width and len(lines[idx - 2].rstrip()) >= max(width - 25, width * 0.55))
                or (
                    len(lines[idx - 2].strip()) >= 40
                    and not _TERMINAL.search(lines[idx - 2])
                    and line[:1].islower()
                )
            )
        )
        if joinable and last is not None:
            glue = "" if re.search(r"[^\W\d_]-$", last.text[-2:]) and line[:1].islower() else " "
            last.text = f"{last.text}{glue}{line}"
            last.end = idx
            last.lines += 1
        else:
            u = Unit(text=line, start=idx, end=idx, gap=gap if prev_blank else 0, chunk=chunk)
            if _QUOTE.match(line):
                u.kind = QUOTE
                u.text = _QUOTE.sub("", line)
            units.append(u)
        gap, prev_blank = 0, False
    return units


# ---- 2. shapes -------------------------------------------------------------------------------


_HEAD_STOP = re.compile(r"[.,;!…。．，；！、،؛۔।]$")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z]|[。！？؟](?=\s*\S)")


def _headingish(u: Unit, body: str) -> bool:
    if not (1 <= u.n <= 18) or len(body) > 140:
        return False
    if _HEAD_STOP.search(body) and not body.endswith(("..", "?")):
        return False
    if _SENTENCE_BREAK.search(body) or (body.endswith(":") and u.n > 8):
        return False  # holds a sentence break, or introduces a list: prose, not a heading
    first = body.lstrip("\"'“‘(«[#*_ ")[:1]
    # a capital, a digit, or a letter of a script without case (Han, Arabic, Hebrew …)
    return bool(first) and (
        first.isupper() or first.isdigit() or (first.isalpha() and not first.islower())
    )


def _is_prose(u: Unit, stop: float) -> bool:
    if fu.unlisted_script(u.tokens):
        # no stopword list for this script: a sentence is a line that ends like one
        return (u.n >= 8 and bool(_SENTENCE_END.search(u.body))) or u.n >= 30
    if u.n >= 8 and stop >= 0.15 and (_SENTENCE_END.search(u.body) or u.body.endswith(":")):
        return True
    return u.n >= 16 and stop >= 0.25


def _classify(units: list[Unit], qa: bool = False) -> None:
    for u in units:
        u.marker, u.body = _marker(u.text, qa) if u.kind != QUOTE else (None, u.text)
        u.tokens = fu.words(u.body)
        u.low = [t.lower() for t in u.tokens]
        if u.kind == QUOTE:
            continue
        if fu.is_placeholder(u.text) or not u.tokens:
            u.kind = PLACEHOLDER if u.tokens or fu.is_placeholder(u.text) else SHORT
            if not u.tokens and not fu.is_placeholder(u.text):
                u.kind = FURNITURE  # a line of symbols: dividers, arrows, bullets
            continue
        if qa and is_q_line(u.text):
            u.kind = PROSE  # "Q. …?" / "Question 3: …?": paired with its "A." line by the FAQ
            continue
        u.date = fu.dateline(u.text)
        if u.date:
            u.kind = DATE
            continue
        u.byline = fu.byline(u.text)
        if u.byline:
            u.kind = BYLINE
            continue
        stop = fu.stopword_ratio(u.tokens, u.low)
        u.cue = fu.cue(u.body, u.tokens, u.low)
        if u.cue and (u.cue.strength >= 0.6 or (u.n > 12 and u.cue.strength >= 0.15)):
            u.kind = FURNITURE
        elif _CAPTION.match(u.text) and u.n <= 25 and not u.marker:
            u.kind = SHORT  # "Photo: …", "Image credit …": an image caption, never a heading
        elif (
            fu.separator_count(u.text) >= (1 if u.n <= 6 else 2)
            or fu.link_density(u.text) > 0.5
            or (u.n <= 8 and _BUTTONS.search(u.text))
        ):
            u.kind = MENU
        elif u.body.endswith("?") and not u.marker and _title_case(u) and _headingish(u, u.body):
            u.kind = HEADING  # "Is Remote Work Here to Stay?": a question written as a headline
        elif _is_prose(u, stop):
            u.kind = PROSE
        elif u.marker:
            u.kind = LIST
        elif _headingish(u, u.body):
            u.kind = HEADING
        else:
            u.kind = SHORT
    _captions(units)
    _contents(units)
    # runs of very short unpunctuated lines with no blank line between them: menus and widgets;
    # runs of headline-like lines with no blank line between them: lists of other articles
    i = 0
    while i < len(units):
        j = i
        while (
            j < len(units)
            and units[j].chunk == units[i].chunk
            and units[j].kind in (HEADING, SHORT, FURNITURE)
            and units[j].n <= 4
            and not units[j].marker
        ):
            j += 1
        k = i
        while (
            k < len(units)
            and units[k].chunk == units[i].chunk
            and units[k].kind == HEADING
            and not units[k].marker
        ):
            k += 1
        followed = k < len(units) and units[k].chunk == units[i].chunk
        if j - i >= 3 or (k - i >= 2 and not followed):
            for u in units[i : max(j, k) if j - i >= 3 else k]:
                if u.kind != FURNITURE:
                    u.kind = MENU
        i = max(j, k, i + 1)
    _boxes(units)
    # list groups: consecutive marked lines; a lone marked line heading prose is a heading
    group = 0
    i = 0
    while i < len(units):
        u = units[i]
        if not u.marker or u.kind not in (LIST, PROSE, HEADING):
            i += 1
            continue
        j = i + 1
        while (
            j < len(units)
            and units[j].marker == u.marker
            and units[j].gap <= 1
            and units[j].kind in (LIST, PROSE, HEADING)
        ):
            j += 1
        nxt = units[j] if j < len(units) else None
        lone = (
            j - i == 1
            and nxt is not None
            and nxt.kind == PROSE
            # "1. Do this" on its own line and then its paragraph: a listicle's heading
            and (nxt.gap == 0 or (u.marker == "number" and u.gap >= 1 and nxt.chunk != u.chunk))
        )
        if lone and (
            (u.kind in (HEADING, LIST) and _headingish(u, u.body))
            or (u.body.endswith("?") and u.n <= 18)
        ):
            u.kind = HEADING
            i = j
            continue
        group += 1
        for v in units[i:j]:
            v.kind, v.group = LIST, group
        i = j


def _title_case(u: Unit) -> bool:
    """Most words capitalised, as in a headline ("Is Remote Work Here to Stay?")."""
    stop = fu.STOPWORDS
    big = [t for t, lo in zip(u.tokens, u.low, strict=True) if lo not in stop or t[:1].isupper()]
    caps = sum(1 for t in big if t[:1].isupper() or t[:1].isdigit())
    return len(big) >= 3 and caps >= 0.75 * len(big)


def _sentence_case(u: Unit) -> bool:
    """First word capitalised, the rest mostly not ("A gentle guide to trail running")."""
    tokens = u.tokens
    rest = [t for t, lo in zip(tokens[1:], u.low[1:], strict=True) if lo not in fu.STOPWORDS]
    return len(tokens) >= 4 and sum(1 for t in rest if t[:1].isupper()) * 3 <= len(rest)


def _norm(u: Unit) -> str:
    """The unit's words, lower-cased, one space apart."""
    return " ".join(u.low)


def _contents(units: list[Unit]) -> None:
    """A table of contents: a run of short lines that come back later, in order, as headings.

    The run (and a short line naming it just above, "Contents", "In this article") is furniture.
    """
    later: dict[str, int] = {}
    for i, u in enumerate(units):
        if u.n <= 18 and u.kind in (HEADING, LIST, SHORT):
            later[_norm(u)] = i
    if len(later) < 3:
        return
    i = 0
    while i < len(units):
        j = i
        while j < len(units) and units[j].chunk == units[i].chunk:
            j += 1
        chunk = units[i:j]
        hits = [k for k, u in enumerate(chunk) if later.get(_norm(u), -1) >= j]
        if len(hits) >= 2 and len(hits) >= 0.6 * len(chunk):
            first = hits[0]
            if first > 1:
                i = j
                continue
            if first == 0 and i > 0 and units[i - 1].chunk == units[i].chunk - 1:
                head = units[i - 1]  # the name of the list, on its own line above it
                if head.kind in (HEADING, SHORT, MENU) and head.n <= 4:
                    head.kind, head.cue = FURNITURE, fu.Cue("contents", 1.0)
            for u in chunk:
                u.kind, u.cue = FURNITURE, fu.Cue("contents", 1.0)
        i = j


def _boxes(units: list[Unit]) -> None:
    """Widget boxes: a block of lines with no blank line between them, in a page whose paragraphs
    are separated by blank lines, that is opened or closed by a cue line ("Sponsored by …",
    "Related", "Reply", "Subscribe") or made of cue lines. Sponsor blocks, sign-up forms,
    related boxes, comments (name, date, text, "Reply")."""
    prose = [u for u in units if u.kind == PROSE]
    if len(prose) < 3 or sum(1 for u in prose if u.gap or u is units[0]) < 0.6 * len(prose):
        return  # no blank-line rhythm: every line is its own paragraph, no boxes to see
    i = 0
    while i < len(units):
        j = i
        while j < len(units) and units[j].chunk == units[i].chunk:
            j += 1
        box = units[i:j]
        i = j
        if len(box) < 2 or sum(1 for u in box if u.marker) * 2 >= len(box):
            continue
        if any(u.kind in (QUOTE, PLACEHOLDER) for u in box):
            continue
        first, last = box[0], box[-1]
        cue: fu.Cue | None = None
        if (
            first.cue
            and first.n <= 10
            and first.kind in (HEADING, SHORT, FURNITURE, MENU)
            and not first.body.endswith("?")
        ):
            cue = first.cue
        elif last.cue and last.n <= 6 and last.kind in (HEADING, SHORT, FURNITURE, MENU):
            cue = last.cue
        else:
            cued = [u for u in box if u.kind in (FURNITURE, MENU) and not u.marker]
            if len(cued) >= 2 and len(cued) * 5 >= len(box) * 2:
                cue = next((u.cue for u in cued if u.cue), fu.Cue("box", 1.0))
        if cue is None:
            continue
        dated = any(u.kind in (DATE, BYLINE) for u in box)
        for u in box:
            if u.kind in (DATE, BYLINE):
                continue  # a dateline stays one: the article's date may sit in a menu block
            if u.kind == PROSE and u.n >= 25 and not dated:
                continue  # a long paragraph glued to a widget line stays the article's
            u.kind, u.cue = FURNITURE, fu.Cue(cue.kind, 1.0)


def _captions(units: list[Unit]) -> None:
    """A short line right above a "Photo: …" credit line, with no blank line between: a caption."""
    for k in range(1, len(units)):
        a, b = units[k - 1], units[k]
        if (
            b.kind == SHORT
            and _CAPTION.match(b.text)
            and a.chunk == b.chunk
            and (k == 1 or units[k - 2].chunk != a.chunk)
            and (k + 1 == len(units) or units[k + 1].chunk != b.chunk)
            and a.kind in (PROSE, HEADING, SHORT)
            and not a.marker
            and a.n <= 30
        ):
            a.kind, b.kind = CAPTION, CAPTION


def _list_is_article(items: list[Unit]) -> bool:
    n = sum(u.n for u in items)
    if n / len(items) >= 4:
        return True
    return any(_TERMINAL.search(u.body) for u in items) and n / len(items) >= 2


def _end_marker(u: Unit) -> bool:
    """A short line that opens what follows an article: comments, related lists, author box."""
    return u.kind == FURNITURE and u.cue is not None and u.cue.kind in fu.END_KINDS and u.n <= 10


# ---- 3. the main run of prose ---------------------------------------------------------------


def _score(units: list[Unit]) -> None:
    damp = 1.0
    groups: dict[int, list[Unit]] = {}
    for u in units:
        if u.group >= 0:
            groups.setdefault(u.group, []).append(u)
    article_lists = {g for g, items in groups.items() if _list_is_article(items)}
    for u in units:
        if _end_marker(u) and u.cue and u.cue.kind in ("comments", "form"):
            damp = 0.3  # prose after a comment heading is the comment thread
        if u.kind == PROSE:
            u.score = u.n * damp
        elif u.kind == LIST:
            u.score = 0.5 * u.n * damp if u.group in article_lists else -1.5
        elif u.kind == QUOTE:
            u.score = 0.8 * u.n * damp
        elif u.kind in (HEADING, DATE, BYLINE, CAPTION):
            u.score = -1.0
        elif u.kind == SHORT:
            u.score = -2.0
        else:
            u.score = -8.0


def _main_run(units: list[Unit]) -> tuple[int, int] | None:
    best, best_span = 0.0, None
    cur, cur_start = 0.0, 0
    for i, u in enumerate(units):
        if cur <= 0:
            cur, cur_start = 0.0, i
        cur += u.score
        if cur > best:
            best, best_span = cur, (cur_start, i)
    if best_span is None:
        return None
    s, e = best_span
    while s < e and units[s].score <= 0:
        s += 1
    for k in range(s + 1, e + 1):  # the article stops where comments or related lists begin
        if _end_marker(units[k]) and _resumes(units, k, e):
            _related_list(units, k)
        elif _end_marker(units[k]):
            e = k - 1
            while e > s and units[e].score <= 0:
                e -= 1
            break
    return s, e


def _resumes(units: list[Unit], k: int, e: int) -> bool:
    """A related box or "Read more" line in the middle of the article: paragraphs follow it
    (at least two, 40 words) before the next end marker, so the article goes on after it."""
    cue = units[k].cue
    if cue is None or cue.kind != "related":
        return False
    count = words = 0
    for u in units[k + 1 : e + 1]:
        if _end_marker(u) and u.cue is not None and u.cue.kind != "related":
            break
        if u.kind == PROSE:
            count += 1
            words += u.n
            if count >= 2 and words >= 40:
                return True
    return False


def _related_list(units: list[Unit], k: int) -> None:
    """The headlines under a mid-article "Related" line, up to the next paragraph, are its list;
    the last one stays a heading when the paragraph under it uses its words."""
    if fu.opens_with_call(units[k].text) or fu.call_to_action(units[k].text) >= 2:
        return  # "Subscribe for more stories like this.": a call (see _section_calls), no list
    j = k + 1
    while j < len(units) and units[j].kind in (HEADING, SHORT, MENU, LIST, FURNITURE):
        j += 1
    if j >= len(units) or units[j].kind != PROSE:
        return
    last = j - 1
    if last > k and units[last].kind == HEADING and _content(units[last]) & _content(units[j]):
        last -= 1
    assert units[k].cue is not None
    for u in units[k + 1 : last + 1]:
        if u.kind != FURNITURE:
            u.kind, u.cue, u.score = FURNITURE, units[k].cue, -8.0


# ---- 4. title, alt lines, meta ----------------------------------------------------------------


def _content(u: Unit) -> set[str]:
    """The unit's content words (lower-cased, no stopwords or numbers); computed once."""
    if u.content is None:
        u.content = {t for t in u.low if t not in fu.STOPWORDS and not t.isdigit()}
    return u.content


def _echoes(u: Unit, other: Unit | None) -> bool:
    """u repeats (most of) other's words and is no longer: an image alt text or caption."""
    if other is None or u.n > other.n:
        return False
    mine = u.low
    theirs = set(other.low)
    return bool(mine) and sum(t in theirs for t in mine) >= 0.8 * len(mine)


def _alone(units: list[Unit], j: int) -> bool:
    """units[j] is the only unit of its block (blank lines around it)."""
    c = units[j].chunk
    return (j == 0 or units[j - 1].chunk != c) and (j + 1 == len(units) or units[j + 1].chunk != c)


def _lead_in(units: list[Unit], s: int) -> list[int]:
    """Indices of the heading/date/byline lines right before the main run (nearest last)."""
    found: list[int] = []
    j = s - 1
    headings = skipped = 0
    while j >= 0 and headings < 6:
        u = units[j]
        if u.kind in (HEADING, DATE, BYLINE) or (u.kind == LIST and units[j].group < 0):
            found.append(j)
            headings += u.kind == HEADING
        elif u.kind == PLACEHOLDER or (u.kind == FURNITURE and not _end_marker(u)):
            pass  # share buttons, ad slots between the headline and the text
        elif (u.kind == SHORT and _CAPTION.match(u.text)) or u.kind == CAPTION:
            found.append(j)
        elif u.kind == SHORT and u.n <= 6 and skipped < 2:
            skipped += 1  # "5 min read", "Updated": small print between headline and text
        elif u.kind == MENU and skipped < 2 and _alone(units, j):
            skipped += 1  # a row of buttons ("Jump to recipe   Print") under the headline
        else:
            break
        j -= 1
    return found[::-1]


def _body_vocab(units: list[Unit], s: int, e: int) -> set[str]:
    """Content words of the first ~600 words of prose in the main run."""
    vocab: set[str] = set()
    words = 0
    for u in units[s : e + 1]:
        if u.kind == PROSE:
            vocab |= _content(u)
            words += u.n
            if words > 600:
                break
    return vocab


def _overlap(u: Unit, vocab: set[str]) -> float:
    mine = _content(u)
    return len(mine & vocab) / len(mine) if mine else 0.0


def _stem(word: str) -> str:
    """A word without a plural or verb ending, enough to match "weeks" with "week"."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _rescue_headline(units: list[Unit], s: int, vocab: set[str]) -> None:
    """A headline right above the text that layout alone took for a widget: a masthead line and
    the headline with no blank line between ("The Weekly — Issue 12" / "Why X Fails") read as a
    menu or widget box. The last line of that block wins back its heading shape when it looks
    like a headline, names no furniture itself, and the body uses most of its words."""
    j = s - 1
    while j >= 0 and (
        units[j].kind in (DATE, BYLINE, PLACEHOLDER, CAPTION)
        or (units[j].kind == SHORT and units[j].n <= 6)
    ):
        j -= 1  # datelines, "Hi friends,", "5 min read" between the headline and the text
    if j < 0 or units[j].kind not in (MENU, FURNITURE):
        return
    block = [k for k in range(max(0, j - 3), j + 1) if units[k].chunk == units[j].chunk]
    if len(block) > 3 or (j - 3 >= 0 and units[j - 3].chunk == units[j].chunk):
        return  # a longer run of lines: a list of other headlines, not a masthead
    u = units[j]
    if u.n < 3 or u.marker or not _headingish(u, u.body):
        return
    mine = {_stem(w) for w in _content(u)}
    if not mine or len(mine & {_stem(w) for w in vocab}) < 0.4 * len(mine):
        return
    own = fu.cue(u.body, u.tokens, u.low)
    if own is not None and own.strength >= 0.6:
        return
    u.kind, u.cue, u.score = HEADING, None, -1.0


def _sign_off(units: list[Unit], s: int, e: int) -> int:
    """A newsletter's closing after its last substantive paragraph: short paragraphs that thank
    the reader and call them to reply, forward, share or subscribe, then a valediction ("Talk
    soon,") and a name line. They become furniture; returns the new end of the main run.

    A concluding paragraph stays: it needs call phrases (two, or one with a link or a
    valediction right after it) to go, and the run keeps at least two paragraphs."""
    after = [k for k in range(e + 1, min(len(units), e + 4))]
    closing = False
    for k in after:
        u = units[k]
        if fu.valediction(u.text) or (closing and fu.signature(u.text) and u.kind != PROSE):
            closing = True
            u.kind, u.cue, u.score = FURNITURE, fu.Cue("signoff", 1.0), -8.0
        else:
            break
    prose = sum(1 for u in units[s : e + 1] if u.kind == PROSE)
    while e > s and prose > 2:
        u = units[e]
        if u.kind != PROSE:
            break
        score = fu.call_to_action(u.text)
        if score < 2 and not (score and closing):
            break
        u.kind, u.cue, u.score = FURNITURE, fu.Cue("signoff", 1.0), -8.0
        prose -= 1
        e -= 1
        while e > s and units[e].score <= 0 and units[e].kind != PROSE:
            e -= 1
    return e


_CALL_KINDS = (PROSE, SHORT, HEADING)
_CONTENT_KINDS = (PROSE, LIST, QUOTE, SHORT)


def _section_calls(units: list[Unit], s: int, e: int) -> None:
    """Short calls to action closing a section inside the article ("Subscribe to our newsletter
    …", "Download our free guide to …", "Follow us on …" between two sections), as the Markdown
    and HTML readers drop them: a run of short paragraphs, each a call (two call phrases, or one
    with a way to act, or one opening a single short sentence that is no step of instructions),
    after other content of its section and right before the next heading or the end of the
    text. A paragraph right under its heading is that section's content and stays, and so does
    anything in an FAQ (under a question or an FAQ heading)."""

    calls: dict[int, bool] = {}

    def is_call(k: int) -> bool:
        if k not in calls:
            calls[k] = _is_call(k)
        return calls[k]

    def _is_call(k: int) -> bool:
        u = units[k]
        if u.marker or u.n > 45 or u.kind == QUOTE or fu.CTA_TRIGGERS.isdisjoint(u.low):
            return False
        if u.kind == FURNITURE and not (  # a lone prompt line; a widget box keeps its reason
            u.cue and u.cue.kind in ("subscribe", "share", "related") and _alone(units, k)
        ):
            return False
        if u.kind not in (*_CALL_KINDS, FURNITURE):
            return False
        if fu.opens_with_call(u.text):
            return True
        # two call phrases, or one and a way to act: two trigger words, or an address
        few = sum(t in fu.CTA_TRIGGERS for t in u.low) < 2
        if few and "@" not in u.text and not fu.link_density(u.text):
            return False
        return fu.call_to_action(u.text) >= 2

    heading: Unit | None = None
    i = s
    while i <= e:
        u = units[i]
        if u.kind == HEADING and (not is_call(i) or _heads_section(units, i, e)):
            heading = u  # "Get in Touch" spaced like the other section headings: its section
            i += 1
            continue
        if not is_call(i):
            i += 1
            continue
        j = i
        while j + 1 <= e and (is_call(j + 1) or units[j + 1].kind in (PLACEHOLDER, MENU)):
            if units[j + 1].kind == HEADING and _heads_section(units, j + 1, e):
                break  # the next section starts
            j += 1
        prev = next(
            (
                units[k]
                for k in range(i - 1, s - 1, -1)
                if units[k].kind in (*_CONTENT_KINDS, HEADING, DATE, BYLINE)
            ),
            None,
        )
        nxt = next(
            (
                units[k]
                for k in range(j + 1, e + 1)
                if units[k].kind not in (FURNITURE, PLACEHOLDER, MENU)
            ),
            None,
        )
        in_faq = heading is not None and (
            heading.body.endswith("?") or is_faq_heading(heading.body)
        )
        closes = nxt is None or nxt.kind == HEADING
        if (
            closes
            and not in_faq
            and prev is not None
            and prev.kind in _CONTENT_KINDS
            and not prev.body.endswith("?")
            and not is_q_line(prev.text)
        ):
            where = "at the end of the article" if nxt is None else "at the end of a section"
            for k in range(i, j + 1):
                if is_call(k):
                    v = units[k]
                    v.kind, v.cue, v.score = FURNITURE, fu.Cue("cta", 1.0), -8.0
                    v.note = f"{fu.REASONS['cta']} {where}"
        i = j + 1


def _heads_section(units: list[Unit], i: int, e: int) -> bool:
    """The heading-like line units[i] has at least the blank lines before it that the next
    heading of the main run has (the page's section rhythm): a heading, not a lone call line."""
    nxt = next((u for u in units[i + 1 : e + 1] if u.kind == HEADING), None)
    return nxt is None or units[i].gap >= nxt.gap


def _pick_title(
    units: list[Unit], lead: list[int], s: int, e: int, vocab: set[str] | None = None
) -> int | None:
    cands = [i for i in lead if units[i].kind == HEADING]
    if not cands:
        return None
    if vocab is None:
        vocab = _body_vocab(units, s, e)
    for i in cands:  # "Frequently Asked Questions About X": the page is an FAQ, that is its title
        if units[i].n >= 3 and is_faq_heading(units[i].body):
            return i
    best, best_overlap = cands[0], -1.0
    for i in cands:
        overlap = _overlap(units[i], vocab)
        if overlap >= 0.34:
            return i
        # nothing overlaps: prefer the line with most overlap, then the longest (titles are long)
        if (overlap, units[i].n) > (best_overlap, units[best].n):
            best, best_overlap = i, overlap
    return best


def _subtitle(units: list[Unit], t: int | None, s: int, e: int) -> int | None:
    """A sentence-case line right under a Title Case headline, before the text starts, in a page
    whose headings are Title Case too: the standfirst ("A gentle guide to …"), not a section."""
    if t is None or t + 1 >= s:
        return None
    d = units[t + 1]
    if d.kind != HEADING or not _title_case(units[t]) or not _sentence_case(d):
        return None
    if _echoes(d, units[t]):
        return None  # repeats the headline: an image's alt text
    if any(units[k].kind in (HEADING, PROSE, LIST, QUOTE) for k in range(t + 2, s)):
        return None
    heads = [u for u in units[s : e + 1] if u.kind == HEADING]
    if heads and sum(1 for u in heads if _title_case(u)) * 2 < len(heads):
        return None
    return t + 1


def _title_fallback(units: list[Unit], s: int, path: str | None) -> str:
    if path and path not in ("-", "<stdin>"):
        stem = re.sub(r"[-_]+", " ", Path(path).stem).strip()
        if stem:
            return stem[:1].upper() + stem[1:]
    first = re.split(r"(?<=[.!?])\s", units[s].body, maxsplit=1)[0]
    return " ".join(first.split()[:12]).rstrip(".,;:")


# ---- 5. levels -------------------------------------------------------------------------------


def _levels(units: list[Unit], heads: list[int], others: list[int]) -> dict[int, int]:
    level = dict.fromkeys(heads, 2)
    if len(heads) < 2:
        return level
    gaps = [min(units[i].gap, 6) for i in heads]
    top = max(gaps)
    high = [i for i, g in zip(heads, gaps, strict=True) if g >= top]
    low = [i for i, g in zip(heads, gaps, strict=True) if g < top]
    noisy = sum(1 for i in others if min(units[i].gap, 6) >= top)
    if len(high) >= 2 and low and noisy * 10 <= max(len(others), 1):
        for i in low:
            level[i] = 3
    else:
        caps = [i for i in heads if units[i].body.isupper()]
        if caps and len(caps) < len(heads) and len(caps) >= 2:
            for i in heads:
                level[i] = 2 if i in caps else 3
        else:
            pos = {i: k for k, i in enumerate(heads)}
            for i in heads:
                k = pos[i]
                if k and heads[k - 1] == i - 1 and units[i].gap <= units[heads[k - 1]].gap:
                    level[i] = 3
    seen_top = False
    for i in heads:  # a sub-heading needs a section above it
        if level[i] == 2:
            seen_top = True
        elif not seen_top:
            level[i] = 2
            seen_top = True
    return level


# ---- 6. assemble -----------------------------------------------------------------------------


def _reason(u: Unit, where: str) -> str:
    if u.note:
        return u.note
    if u.kind == PLACEHOLDER:
        return "template placeholder"
    if u.kind == MENU:
        return f"navigation or widget line {where}"
    if u.cue:
        return f"{fu.REASONS.get(u.cue.kind, u.cue.kind)} {where}"
    return "widget or heading before the article starts" if "before" in where else where


def read(text: str, *, path: str | None = None) -> Article:
    """Plain text → Article. Raises InputError when no article prose is found."""
    name = path or "<text>"
    lines = _clean_lines(text)
    qa = any(ln[:1] in "Qq" and is_q_line(ln) for ln in lines) and any(
        ln[:1] in "Aa" and is_a_line(ln) for ln in lines
    )
    units = _units(lines, qa)
    _classify(units, qa)
    _score(units)
    run = _main_run(units)
    if run is None:
        raise InputError("no article found: no paragraph of prose in the text", path=name)
    s, e = run
    e = _sign_off(units, s, e)
    _section_calls(units, s, e)
    draft = ArticleDraft(format="text", source_path=path)

    vocab = _body_vocab(units, s, e)
    _rescue_headline(units, s, vocab)
    lead = _lead_in(units, s)
    t = _pick_title(units, lead, s, e, vocab)
    if t is not None:
        draft.title = units[t].body
        title_unit: Unit | None = units[t]
    else:
        draft.title = _title_fallback(units, s, path)
        title_unit = None
    body_start = t + 1 if t is not None else (lead[0] if lead else s)
    dek = _subtitle(units, t, s, e)
    if dek is not None:
        draft.meta["description"] = units[dek].body
        body_start = dek + 1

    # meta: dates and bylines near the start (the lead-in first, then the page top, then the body)
    published: date | None = None
    author: str | None = None
    meta_units: set[int] = set()
    for i in [*lead, *range(s, min(e + 1, s + 6))]:
        u = units[i]
        if u.kind == DATE and published is None:
            published, _ = u.date, meta_units.add(i)
        if u.kind == BYLINE and u.byline and author is None:
            author = u.byline[0]
            meta_units.add(i)
            published = published or u.byline[1]
    if published is None:
        for i in range(s - 1, -1, -1):
            if units[i].kind == DATE:
                published = units[i].date
                meta_units.add(i)
                break
    draft.meta.update(published=published, author=author)

    # everything before the article starts
    for i in range(0, body_start):
        u = units[i]
        if i == t:
            continue
        if i == dek:
            draft.drop(u.text, fu.REASONS["subtitle"], u.source)
        elif i in meta_units:
            what = "dateline" if u.kind == DATE else "byline"
            draft.drop(u.text, f"{what} (used as article metadata)", u.source)
        elif u.kind == HEADING and i in lead:
            draft.drop(u.text, "headline list before the article", u.source)
        else:
            draft.drop(u.text, _reason(u, "before the article"), u.source)

    # the body
    body = list(range(body_start, e + 1))
    kept: list[int] = []
    for i in body:
        u = units[i]
        if i in meta_units:
            what = "dateline" if u.kind == DATE else "byline"
            draft.drop(u.text, f"{what} (used as article metadata)", u.source)
        elif u.kind in (FURNITURE, PLACEHOLDER, MENU) or (u.kind == DATE):
            draft.drop(u.text, _reason(u, "inside the article"), u.source)
        elif i < s and u.kind == SHORT and not _CAPTION.match(u.text):
            draft.drop(u.text, "small print between the headline and the text", u.source)
        else:
            kept.append(i)

    images: set[int] = set()
    heads: list[int] = []
    last_heading: Unit | None = title_unit
    fresh = True  # nothing but headings since the last heading: where an image's alt text sits
    for k, i in enumerate(kept):
        u = units[i]
        nxt = units[kept[k + 1]] if k + 1 < len(kept) else None
        if (u.kind == SHORT and _CAPTION.match(u.text)) or u.kind == CAPTION:
            images.add(i)
        elif u.kind == HEADING and u.body.endswith(":") and nxt is not None and nxt.kind == LIST:
            pass  # "The main steps were:" introduces its list: a paragraph
        elif u.kind == HEADING and nxt is not None and nxt.kind in (PROSE, LIST, QUOTE, HEADING):
            if (
                fresh
                and nxt.kind in (PROSE, LIST, QUOTE)
                and (_echoes(u, last_heading) or _echoes(u, title_unit))
            ):
                images.add(i)
            else:
                heads.append(i)
                last_heading = u
                fresh = True
                continue
        fresh = False
    level = _levels(units, heads, [i for i in kept if i not in heads and i not in images])

    section: SectionDraft = draft.section(None, 2)
    k = 0
    while k < len(kept):
        i = kept[k]
        u = units[i]
        if i in heads:
            section = draft.section(u.text, level[i], u.source)
        elif i in images:
            nxt_i = kept[k + 1] if k + 1 < len(kept) else -1
            if u.kind == CAPTION and nxt_i == i + 1 and units[nxt_i].kind == CAPTION:
                credit = units[nxt_i]  # the caption, then its "Photo: …" credit line
                section.add(
                    "image",
                    alt=u.text,
                    caption=credit.text,
                    source=Source(lines=(u.start, credit.end)),
                )
                k += 1
            else:
                section.add("image", alt=u.text, source=u.source)
        elif u.kind == LIST and u.group >= 0:
            items = [u]
            while k + 1 < len(kept) and units[kept[k + 1]].group == u.group:
                k += 1
                items.append(units[kept[k]])
            section.add(
                "list",
                items=tuple(fu.strip_placeholders(v.body) or v.body for v in items),
                ordered=u.marker == "number",
                source=Source(lines=(items[0].start, items[-1].end)),
            )
        elif u.kind == QUOTE:
            section.add("quote", text=u.text, source=u.source)
        elif u.kind == HEADING and not (u.body.endswith(":") and k + 1 < len(kept)):
            draft.drop(u.text, "short line with no text under it", u.source)
        else:
            section.add("paragraph", text=fu.strip_placeholders(u.text) or u.text, source=u.source)
        k += 1

    # everything after the article ends
    marker: Unit | None = None
    for u in units[e + 1 :]:
        if _end_marker(u):
            marker = u
        if u.kind == FURNITURE or u.kind in (PLACEHOLDER, MENU):
            draft.drop(u.text, _reason(u, "after the article"), u.source)
        elif marker is not None and marker.cue is not None:
            draft.drop(u.text, f"{fu.REASONS[marker.cue.kind]} after the article", u.source)
        else:
            draft.drop(u.text, "after the article ends", u.source)

    extract_faq(draft)
    draft.dropped.sort(key=lambda d: d.source.lines or (0, 0))
    return draft.build()

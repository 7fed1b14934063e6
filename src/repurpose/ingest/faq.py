"""FAQ detection shared by every reader (text, Markdown, HTML).

A reader first describes the article as an `ArticleDraft` (sections with headings, levels and
blocks), then calls::

    extract_faq(draft: ArticleDraft) -> int

which finds the FAQ, appends `(question, answer, Source)` tuples to `draft.faq`, removes the
FAQ's sections and blocks from `draft.sections` (so the FAQ is not summarised twice) and returns
the number of items found. Nothing is changed when no FAQ is found.

What counts as an FAQ:

* a section whose heading names one — "FAQ", "FAQs", "Frequently Asked Questions", "Q&A",
  "Questions and answers", with extra words allowed ("FAQs about pricing") — at any level,
  together with its deeper sub-sections; or a whole document whose title names one. Inside it,
  items are
    - numbered question lines ("1. What is X?" / "1) …") followed by answer paragraphs,
    - "Q:" / "A:" pairs ("Question:" / "Answer:" too),
    - question sub-headings followed by their answer blocks,
    - bold question lines (``**What is X?**``) followed by answers,
    - plain question lines (one short sentence ending in "?") followed by answers;
* anywhere in a document, a run of at least two "Q:" questions each answered by an "A:" line;
* a document that is itself a series of question headings (at least three headings, and at least
  four in five headings are questions): those sections become the FAQ.

Questions keep their words without numbering, "Q:" prefixes or bold marks; answers keep all their
paragraphs, joined by a blank line (list items become "- item" lines).

For readers that do not use SectionDraft directly there is the lower-level, format-neutral
``items_from_entries(entries: Sequence[Entry]) -> list[tuple[str, str, Source]]`` where an Entry is
``(kind, text, source)`` with kind "question" (a heading known to be a question), "paragraph",
"list" (text = items joined by newlines) or "heading" (a non-question heading: ends the item).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from repurpose.ingest.build import FAQ_ITEMS, FAQ_TEXT, ArticleDraft, SectionDraft
from repurpose.model import Source

Entry = tuple[str, str, Source]

_FAQ_HEADING = re.compile(
    r"\bFAQs?\b|\bfrequently[\s-]+asked[\s-]+questions?\b|\bQ\s*(?:&|&amp;|and)\s*As?\b"
    r"|^(?:common\s+|your\s+)?questions\s+(?:and|&)\s+answers\b",
    re.I,
)
_NUMBER = r"(?:\(?\d{1,3}[.):]|\(?[a-z][.)]|#\d{1,3}[.:)]?)"
_Q_PREFIX = re.compile(
    r"^\s*(?:" + _NUMBER + r"\s*)?Q(?:uestion)?\s*\d*\s*(?:[:.)]|\s[\-–])(?:\s+|$)", re.I
)
_A_PREFIX = re.compile(r"^\s*A(?:nswer)?\s*\d*\s*(?:[:.)]|\s[\-–])(?:\s+|$)", re.I)
_NUMBERING = re.compile(r"^\s*" + _NUMBER + r"\s+", re.I)
_BOLD = re.compile(r"^\s*(?:\*\*|__)(.+?)(?:\*\*|__)\s*$", re.S)
_INTERROGATIVE = re.compile(
    r"^(what|why|how|when|where|who|whom|whose|which|is|are|was|were|can|could|should|would|"
    r"will|do|does|did|has|have|had|may|might|must|shall|am)\b",
    re.I,
)


def is_faq_heading(text: str | None) -> bool:
    """True for headings that name an FAQ section ("FAQ", "FAQs about X", "Q&A", …)."""
    if not text:
        return False
    text = text.strip().strip("#*_ ").strip()
    return len(text.split()) <= 12 and bool(_FAQ_HEADING.search(text))


def clean_question(text: str) -> str:
    """The question's words: no numbering, no "Q:" prefix, no bold marks."""
    text = text.strip()
    m = _BOLD.match(text)
    if m:
        text = m.group(1).strip()
    text = _Q_PREFIX.sub("", text, count=1) if _Q_PREFIX.match(text) else text
    text = _NUMBERING.sub("", text, count=1)
    m = _BOLD.match(text)
    if m:
        text = m.group(1).strip()
    return text.strip()


def clean_answer(text: str) -> str:
    return _A_PREFIX.sub("", text.strip(), count=1).strip()


def is_q_line(text: str) -> bool:
    """A line that explicitly marks a question: "Q:", "Question:", "Q1." ..."""
    return bool(_Q_PREFIX.match(text)) and not _A_PREFIX.match(text)


def is_a_line(text: str) -> bool:
    return bool(_A_PREFIX.match(text))


def looks_like_question(text: str) -> bool:
    """One short line that asks something: ends with "?" (after numbering/bold are removed)."""
    first = text.strip().split("\n", 1)[0]
    if is_q_line(first):
        return True
    q = clean_question(first)
    if not q or len(q.split()) > 30 or len(q) > 250:
        return False
    return q.rstrip("*_ ").endswith("?") and q.count("?") <= 2


def _split_q_and_rest(text: str) -> tuple[str, str] | None:
    """'1. What is X?\\nIt is Y.' → ('What is X?', 'It is Y.'); None when text is no question."""
    first, _, rest = text.strip().partition("\n")
    if is_q_line(first):  # "Q: What is X? A: It is Y." on one line
        m = re.search(r"\?\s+(?=A(?:nswer)?\s*\d*\s*(?:[:.)]|\s[\-–])\s)", first)
        if m:
            answer = clean_answer(first[m.end() :])
            return clean_question(first[: m.start() + 1]), "\n\n".join(
                p for p in (answer, clean_answer(rest)) if p
            )
    if not looks_like_question(first):
        return None
    return clean_question(first), clean_answer(rest)


def _explicit(text: str) -> bool:
    """A question marked as one: numbered, "Q:" or bold."""
    first = text.strip().split("\n", 1)[0]
    return bool(is_q_line(first) or _NUMBERING.match(first) or _BOLD.match(first))


def _merge(a: Source, b: Source) -> Source:
    if a.lines and b.lines:
        return Source(lines=(min(a.lines[0], b.lines[0]), max(a.lines[1], b.lines[1])), path=a.path)
    return a if (a.lines or a.path) else b


def items_from_entries(
    entries: Sequence[Entry], left: list[Entry] | None = None
) -> list[tuple[str, str, Source]]:
    """Turn a format-neutral run of entries (inside an FAQ) into (question, answer, source) items.

    A "question" entry, a paragraph that is a question line (numbered, "Q:", bold, or ending in
    "?"), or a list item that is one starts an item; following paragraphs and lists are its answer
    until the next question or a "heading" entry. Questions without any answer are left out.
    Entries that belong to no item (text before the first question, unanswered questions) are
    appended to `left` when it is given.
    """
    headed = any(kind == "question" for kind, _, _ in entries)
    items: list[list[Any]] = []  # [question, [answer parts], source]
    current: list[Any] | None = None

    def start(question: str, rest: str, src: Source) -> None:
        nonlocal current
        current = [question, [rest] if rest else [], src]
        items.append(current)

    for kind, text, src in entries:
        text = text.strip()
        if not text:
            continue
        if kind == "heading":
            current = None
            continue
        if kind == "question":
            start(clean_question(text), "", src)
            continue
        if kind == "list":
            lines = [ln for ln in text.split("\n") if ln.strip()]
            qs = [_split_q_and_rest(ln) for ln in lines]
            if len(lines) == 1 and qs[0]:
                start(qs[0][0], qs[0][1], src)
                continue
            if lines and all(qs):  # every item carries its own answer ("Q? answer")
                pairs = [q for q in qs if q]
                if all(a for _, a in pairs):
                    for q, a in pairs:
                        start(q, a, src)
                    current = None
                    continue
            if current is not None:
                current[1].append("\n".join(f"- {ln.strip()}" for ln in lines))
                current[2] = _merge(current[2], src)
            elif left is not None:
                left.append((kind, text, src))
            continue
        # paragraph
        if current is not None and is_a_line(text):
            current[1].append(clean_answer(text))
            current[2] = _merge(current[2], src)
            continue
        split = _split_q_and_rest(text)
        waiting = current is not None and not current[1]  # a question still without its answer
        if split and not _explicit(text) and (waiting or (headed and current is None)):
            split = None  # a plain "…?" line is an answer when headings or markers ask
        if split:
            start(split[0], split[1], src)
            continue
        if current is not None:
            current[1].append(clean_answer(text) if not current[1] else text)
            current[2] = _merge(current[2], src)
        elif left is not None:
            left.append((kind, text, src))
    if left is not None:
        left.extend(("question", q, src) for q, parts, src in items if not any(parts))
    return [
        (q, "\n\n".join(p for p in parts if p), src)
        for q, parts, src in items
        if q and any(p for p in parts)
    ]


def _block_entry(kind: str, values: dict[str, Any]) -> Entry | None:
    """A block as an FAQ entry. Where the reader kept link addresses for answers (FAQ_TEXT,
    FAQ_ITEMS) they are used, except in a block that asks a question itself."""
    src = values.get("source") or Source()
    if kind in ("paragraph", "quote"):
        text = str(values.get("text", ""))
        linked = values.get(FAQ_TEXT)
        if linked and not looks_like_question(text):
            text = str(linked)
        return ("paragraph", text, src)
    if kind == "list":
        items = values.get("items", ())
        linked_items = values.get(FAQ_ITEMS)
        if linked_items and not any(looks_like_question(str(i)) for i in items):
            items = linked_items
        return ("list", "\n".join(str(i) for i in items), src)
    return None


def _section_entries(section: SectionDraft, *, with_heading: bool) -> list[Entry]:
    out: list[Entry] = []
    if with_heading and section.heading:
        kind = "question" if looks_like_question(section.heading) else "heading"
        out.append((kind, section.heading, section.source))
    for kind, values in section.blocks:
        entry = _block_entry(kind, values)
        if entry:
            out.append(entry)
    return out


def _qa_pairs_anywhere(draft: ArticleDraft) -> int:
    """Explicit "Q:"/"A:" runs outside an FAQ section: at least two answered Q: lines in a row."""
    found = 0
    for section in draft.sections:
        runs: list[tuple[int, int]] = []
        i, blocks = 0, section.blocks
        while i < len(blocks):
            kind, values = blocks[i]
            text = str(values.get("text", "")) if kind == "paragraph" else ""
            if text and is_q_line(text):
                j = i + 1
                while j < len(blocks):
                    k2, v2 = blocks[j]
                    t2 = str(v2.get("text", "")) if k2 in ("paragraph", "list") else ""
                    if k2 == "list":
                        t2 = "\n".join(v2.get("items", ()))
                    if not t2 or (k2 == "paragraph" and is_q_line(t2)):
                        break
                    j += 1
                runs.append((i, j))
                i = j
            else:
                i += 1
        if runs:  # the last answer ends with its "A:" paragraph: what follows is the article
            a, b = runs[-1]
            last_a = max((k for k in range(a, b) if _block_is_a(blocks[k])), default=a)
            runs[-1] = (a, last_a + 1)
        answered = [
            (a, b)
            for a, b in runs
            if b - a > 1
            or "\n" in str(blocks[a][1].get("text", ""))
            or _split_q_and_rest(str(blocks[a][1].get("text", "")))
        ]
        if len(answered) < 2:
            continue
        start, end = answered[0][0], answered[-1][1]
        entries = [e for k, v in blocks[start:end] if (e := _block_entry(k, v))]
        items = items_from_entries(entries)
        if len(items) >= 2:
            draft.faq.extend(items)
            del section.blocks[start:end]
            found += len(items)
    return found


def extract_faq(draft: ArticleDraft) -> int:
    """Move the article's FAQ from draft.sections into draft.faq; return the number of items.

    Works on any reader's draft: sections in reading order with `heading`, `level` and blocks
    (paragraph / list / quote ...). Sections emptied by the move are removed.
    """
    sections = draft.sections
    # 1. the whole document is an FAQ (its title says so)
    if is_faq_heading(draft.title) and not any(is_faq_heading(s.heading) for s in sections):
        entries: list[Entry] = []
        for s in sections:
            entries.extend(_section_entries(s, with_heading=True))
        items = items_from_entries(entries)
        if len(items) >= 2:
            draft.faq.extend(items)
            # keep an introduction that comes before the first question
            keep: list[SectionDraft] = []
            for s in sections:
                if s.heading is None:
                    intro = [
                        b
                        for b in s.blocks
                        if not _is_question_block(b)
                        and _src_before(b[1].get("source"), items[0][2])
                    ]
                    if intro:
                        s.blocks[:] = intro
                        keep.append(s)
            sections[:] = keep
            return len(items)

    # 2. FAQ sections at any level, with their deeper sub-sections
    total = 0
    i = 0
    while i < len(sections):
        s = sections[i]
        if not is_faq_heading(s.heading):
            i += 1
            continue
        j = i + 1
        while j < len(sections) and (
            sections[j].level > s.level
            or (sections[j].heading and looks_like_question(sections[j].heading))
        ):
            j += 1
        entries = _section_entries(s, with_heading=False)
        for sub in sections[i + 1 : j]:
            entries.extend(_section_entries(sub, with_heading=True))
        left: list[Entry] = []
        items = items_from_entries(entries, left)
        if items:
            draft.faq.extend(items)
            total += len(items)
            draft.drop(s.heading or "", "FAQ heading (its items are in the FAQ)", s.source)
            for kind, text, src in left:
                why = "FAQ question without an answer" if kind == "question" else None
                draft.drop(text, why or "text in the FAQ section outside any question", src)
            del sections[i:j]
        else:
            i += 1
    if total:
        return total

    # 3. explicit Q:/A: pairs anywhere
    total = _qa_pairs_anywhere(draft)
    if total:
        draft.sections[:] = [s for s in sections if s.blocks or s.heading]
        return total

    # 4. a document made of question headings
    headed = [s for s in sections if s.heading]
    questions = [s for s in headed if looks_like_question(s.heading or "")]
    if len(questions) >= 3 and len(questions) * 5 >= len(headed) * 4:
        entries = []
        for s in headed:
            entries.extend(_section_entries(s, with_heading=True))
        items = items_from_entries(entries)
        if len(items) >= 3:
            draft.faq.extend(items)
            qset = {id(s) for s in questions}
            sections[:] = [s for s in sections if id(s) not in qset]
            return len(items)
    return 0


def _is_question_block(block: tuple[str, dict[str, Any]]) -> bool:
    kind, values = block
    entry = _block_entry(kind, values)
    return bool(entry and _split_q_and_rest(entry[1]))


def _src_before(a: Source | None, b: Source) -> bool:
    if a is None or not a.lines or not b.lines:
        return False
    return a.lines[1] < b.lines[0]


def _block_is_a(block: tuple[str, dict[str, Any]]) -> bool:
    kind, values = block
    return kind == "paragraph" and is_a_line(str(values.get("text", "")))

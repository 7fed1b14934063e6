"""The email digest: subject, preheader, intro, one block per major section, FAQ teaser, CTA."""

from __future__ import annotations

import re
from collections.abc import Sequence

from repurpose.compose.outline import Group, Outline, display_heading
from repurpose.compose.sentences import (
    ArticleIndex,
    Unit,
    join_units,
    normalize_space,
    pick,
    sources,
    split_sentences,
)
from repurpose.model import Article, Digest, DigestBlock, FaqSnippet

SUBJECT_MAX = 60
PREHEADER_MIN = 40
PREHEADER_MAX = 100
MAX_BLOCKS = 8
TEASER_MAX = 3

# Words a cut title must not end on: it would read as broken ("… and", "… of the").
_WEAK = frozenset(
    """
    a an the and or nor but so yet for of to in on at by with from into onto over under
    about as than vs via per its their our your his her my this that these those is are was
    were be
    """.split()  # noqa: SIM905
)
_CLAUSE_BREAK = re.compile(r"(,|;| —| –| -|:)\s")


# Words a phrase can stop before and still read whole: conjunctions and prepositions that start a
# new phrase ("… Frontier | and Meta's Shift"). Not articles, possessives or verbs ("… since we
# opened | the beta" leaves the thought open).
_BREAK_BEFORE = frozenset(
    """
    and or nor but yet for with without from into onto over under about as than vs via per in
    on at by while when after before because since during across against through
    """.split()  # noqa: SIM905
)


def _weak(word: str) -> bool:
    w = word.lower().replace("’", "'").strip("\"'“”‘(")
    return w in _WEAK or w.endswith("'s") or w.endswith("'")


def _breaks_before(word: str) -> bool:
    return word.lower().strip("\"'“”‘(") in _BREAK_BEFORE


def cut_at_words(text: str, room: int, *, strict: bool = False) -> str:
    """`text` shortened to at most `room` characters, cut only between words.

    The cut never ends on a weak word ("and", "of", "Meta’s"). When it falls where the text has
    a natural break (after ":"/",", or before a weak word — with `strict`, for sentences, only
    before a conjunction or preposition: "… since we opened | the beta" is no break), the
    phrase stands as it is; otherwise an ellipsis marks the cut. A first word longer than
    `room` is kept whole."""
    text = normalize_space(text)
    if len(text) <= room:
        return text
    words = text.split(" ")
    for k in range(len(words) - 1, 0, -1):
        head = words[:k]
        while head and _weak(head[-1].rstrip(":,;—–-")):
            head = head[:-1]
        if not head:
            continue
        # natural: the phrase ends on a clause mark, or the word after it opens a new phrase
        after = words[len(head)]
        natural = head[-1].endswith((":", ",", ";")) or (
            _breaks_before(after) if strict else _weak(after)
        )
        phrase = " ".join(head).rstrip(":,;—–- ")
        if natural and len(phrase) <= room:
            return phrase
        if len(phrase) + 1 <= room:
            return phrase + "…"
    return words[0]


# Where a title divides into a title proper and a subtitle ("Tidepool 2.0: Shared Inboxes …").
_TITLE_DIVISION = re.compile(r"(?<=\S)(?::| [—–-]|[?!])\s+(?=\S)")


def title_parts(title: str) -> tuple[str, str]:
    """(title proper, subtitle); the subtitle is "" when the title does not divide."""
    title = normalize_space(title)
    m = _TITLE_DIVISION.search(title)
    if not m:
        return title, ""
    head = title[: m.start()] + ("" if title[m.start()] in ":—–- " else title[m.start()])
    return head.strip(), title[m.end() :].strip()


def subject_and_rest(title: str, prefix: str = "", limit: int = SUBJECT_MAX) -> tuple[str, str]:
    """The subject line, and the subtitle it left out ("" when none was left out whole).

    A title that does not fit is cut at a natural break; when the only cut would need an
    ellipsis ("… That Finally Know…") and the title divides ("Tidepool 2.0: Shared Inboxes …"),
    the title proper stands alone and its subtitle is left for the preheader."""
    title = normalize_space(title).rstrip(".")
    prefix = normalize_space(prefix)
    lead = f"{prefix} " if prefix else ""
    if len(lead) + len(title) <= limit:
        return lead + title, ""
    room = max(10, limit - len(lead))
    cut = cut_at_words(title, room)
    if cut.endswith("…"):
        head, rest = title_parts(title)
        if rest and len(head) <= room and len(head.split()) >= 2:
            return lead + head, rest
    return lead + cut, ""


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def repeats(a: str, b: str) -> bool:
    """True when one text repeats the other (equal, or one starts with the other)."""
    ka, kb = _key(a.rstrip("…")), _key(b.rstrip("…"))
    if not ka or not kb:
        return ka == kb
    return ka.startswith(kb) or kb.startswith(ka)


def fit_preheader(text: str) -> str:
    """About 40–100 characters: whole sentences when they fit, else a clause, else words."""
    sentences = split_sentences(text)
    out = ""
    taken = 0
    for s in sentences:
        joined = f"{out} {s}".strip()
        if len(joined) > PREHEADER_MAX:
            first = joined
            break
        out, taken = joined, taken + 1
        if len(out) >= PREHEADER_MIN:
            return out
    else:
        return out  # the whole text is short
    if taken and len(out) >= PREHEADER_MIN * 0.75:
        return out
    # A clause break between the minimum and the maximum.
    breaks = [m.start(1) for m in _CLAUSE_BREAK.finditer(first)]
    fitting = [b for b in breaks if PREHEADER_MIN <= b <= PREHEADER_MAX - 1]
    if fitting:
        return first[: fitting[-1]].rstrip(" ,;:—–-") + "…"
    # A sentence cut short is an unfinished thought: the ellipsis says so.
    cut = cut_at_words(first, PREHEADER_MAX - 1, strict=True)
    return cut if cut.endswith(("…", ".", "!", "?")) else cut + "…"


def preheader_for(candidates: Sequence[str], subject: str, title: str) -> str:
    """The first candidate that fits whole (no cut) and does not repeat the subject; else the
    first one that fits after a cut."""
    fitted = []
    for text in candidates:
        if not text:
            continue
        p = fit_preheader(text)
        if p and not repeats(p, subject) and not repeats(p, title):
            fitted.append(p)
    whole = [p for p in fitted if not p.endswith("…") and len(p) >= PREHEADER_MIN]
    return (whole or fitted or [""])[0]


def hook_units(index: ArticleIndex, outline_: Outline) -> list[Unit]:
    """The hook: the strongest lead-worthy unit of the introduction (1), and a second one for
    the digest's intro paragraph when it adds to it."""
    if outline_.intro is None:
        return []
    group = outline_.intro
    ranked = index.ranked(group)
    prose = [u for u in ranked if u.kind == "sentence" and u.words >= 8] or ranked
    return pick(prose, count=1)


def block_units(
    index: ArticleIndex, group: Group, *, exclude: Sequence[Unit] = (), limit_words: int = 50
) -> list[Unit]:
    """One or two key units across a major section and its sub-sections: a second only when the
    first is short and the second is nearly as strong."""
    ranked = index.ranked(group)
    first = pick(ranked, count=1, exclude=exclude)
    if not first:
        return []
    if first[0].words >= 25:
        return first
    return pick(
        [first[0], *[u for u in ranked if u is not first[0]]],
        count=2,
        max_words=limit_words,
        exclude=exclude,
        min_ratio=0.6,
    )


MAX_NUMBERED_BLOCKS = 12  # a numbered list of sections ("9 ways …") is shown whole up to this


def choose_groups(groups: Sequence[Group], limit: int, *, numbered: bool = False) -> list[Group]:
    """All groups when they are few; else the `limit` most substantial, in reading order. Numbered
    sections ("1.", "2.", …) are taken from the start without gaps: a list that skips from 7 to 9
    reads as broken."""
    if len(groups) <= limit:
        return list(groups)
    if numbered:
        return list(groups[:limit])
    ranked = sorted(range(len(groups)), key=lambda i: (-groups[i].words, i))[:limit]
    return [groups[i] for i in sorted(ranked)]


def compose_digest(
    article: Article,
    index: ArticleIndex,
    outline_: Outline,
    hook: Sequence[Unit],
    faq: FaqSnippet | None,
    *,
    subject_prefix: str,
    cta_url: str | None,
) -> Digest:
    subject, subtitle = subject_and_rest(article.title, subject_prefix)

    # Intro: the hook, plus one more strong unit of the introduction when it adds to it.
    intro_units = list(hook)
    ranked: list[Unit] = []
    if outline_.intro is not None:
        group = outline_.intro
        ranked = index.ranked(group)
        more = pick(ranked, count=1, exclude=hook) if hook else []
        if more and more[0].words + sum(u.words for u in hook) <= 70:
            intro_units = sorted([*hook, *more], key=lambda u: u.order)
    intro = join_units(intro_units) or normalize_space(article.description or "")

    # A whole sentence beats a cut one: the subtitle the subject left out, then the
    # introduction's units.
    candidates = [article.description or "", subtitle, join_units(hook), *[u.text for u in ranked]]
    preheader = preheader_for(candidates, subject, article.title)

    blocks = []
    used = list(intro_units) if not outline_.intro_is_lead else []
    limit = MAX_NUMBERED_BLOCKS if outline_.numbered else MAX_BLOCKS
    chosen = choose_groups(outline_.groups, limit, numbered=outline_.numbered)
    for group in chosen:
        if len(chosen) > MAX_BLOCKS:
            # many short blocks: one key sentence each keeps the email scannable
            units = pick(index.ranked(group), count=1, exclude=used)
        else:
            units = block_units(index, group, exclude=used)
        if not units:
            continue
        blocks.append(
            DigestBlock(
                heading=display_heading(group.heading) or normalize_space(group.heading),
                text=join_units(units),
                source=sources(units),
                section_id=group.head.id,
            )
        )

    # The teaser names questions the email does not already show as a block heading.
    shown = {_key(b.heading) for b in blocks}
    teaser = (
        tuple(i.question for i in faq.items if _key(i.question) not in shown)[:TEASER_MAX]
        if faq
        else ()
    )
    return Digest(
        subject=subject,
        preheader=preheader,
        intro=intro,
        intro_source=sources(intro_units),
        blocks=tuple(blocks),
        faq_teaser=teaser,
        cta_url=cta_url,
    )

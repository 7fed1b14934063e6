"""Sentences: splitting robust to abbreviations, and extractive key-sentence selection.

A *unit* is what compose may quote: one sentence, a list item read as a prose point, or a sentence
that opens with a dangling reference ("This …", "It …", "Instead, …") glued to the sentence before
it, so a quoted unit never points at something the reader has not seen. Code and images are never
quoted.

Scoring is deterministic: term weight against the whole article (TF-IDF with the major sections as
documents), overlap with the section heading, position (lead sentences first), and a length window.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice

from repurpose.model import Code, ListBlock, Paragraph, Quote, Section, count_words

# ---- splitting ----------------------------------------------------------------------------

# Words that end with a full stop without ending the sentence (compared lower-case, no dot).
ABBREVIATIONS = frozenset(
    """
    mr mrs ms mx dr prof sr jr st mt rev gen col lt sgt capt cmdr gov sen rep hon pres vs
    etc al eg ie cf approx dept est fig figs no nos vol vols ch sec pp ed eds inc ltd co
    corp llc plc bros assn ave blvd rd jan feb mar apr jun jul aug sep sept oct nov dec mon
    tue tues wed thu thur thurs fri sat sun min max avg ca op ref
    """.split()  # noqa: SIM905
)
# After these the next word, even capitalised, continues the sentence (titles before names).
_NEVER_ENDS = frozenset(
    """
    mr mrs ms mx dr prof sr st mt rev gen col lt sgt capt cmdr gov sen rep hon pres vs cf
    """.split()  # noqa: SIM905
)
# Before a number these continue the sentence ("No. 5", "Fig. 2"); before a word they may end it.
_BEFORE_NUMBERS = frozenset(["no", "nos", "vol", "vols", "ch", "sec", "pp", "fig", "figs"])
# Words that typically open a sentence: after an initialism ("U.S.") they mark a new sentence.
_SENTENCE_OPENERS = frozenset(
    """
    the a an this that these those it its they we i you he she our their his her there here
    in on at for but and so yet however instead also if when while after before as with by
    what why how who which where many most some all each every one two three
    """.split()  # noqa: SIM905
)

_BOUNDARY = re.compile(r"([.!?…]+|\.\.\.)([\"'”’)\]]*)(\s+)")
# Full-width stops (Chinese, Japanese) end a sentence with no space after them.
_WIDE_STOP = re.compile(r"[。！？]+[」』）”’]*")
_INITIALISM = re.compile(r"(?:\b[A-Za-z]\.){2,}$")
_SINGLE_INITIAL = re.compile(r"(?:^|\s)[A-Z]\.$")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.$")
_OPENING = re.compile(r"^[\"'“‘(\[]*(\S+)")


def normalize_space(text: str) -> str:
    """Runs of whitespace as one space, none at the ends: the same as a regex replacing each
    whitespace run (str.split and the regex agree on what whitespace is), at a quarter of the
    cost."""
    return " ".join(text.split())


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences. Handles abbreviations (Dr., e.g., U.S.), initials, decimals
    (3.5), closing quotes and brackets after the stop ("… done." Next), and ellipses."""
    text = normalize_space(text)
    if not text:
        return []
    if not text.isascii() and _WIDE_STOP.search(text[:-1]):
        parts, start = [], 0
        for m in _WIDE_STOP.finditer(text):
            parts.append(text[start : m.end()])
            start = m.end()
        parts.append(text[start:])
        return [s for p in parts if p.strip() for s in _split_spaced(p.strip())]
    return _split_spaced(text)


def _split_spaced(text: str) -> list[str]:
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end(2)  # the sentence keeps its stop and closing quotes
        after = text[m.end() :]
        if not after:
            break
        if _is_boundary(text[start : m.start()], m.group(1), after):
            out.append(text[start:end].strip())
            start = m.end()
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return [p for s in out if s for p in _runs(s)]


RUN_MAX_WORDS = 80  # a "sentence" longer than this is an unpunctuated run (a transcript, a dump)
RUN_PIECE_WORDS = 40


def _runs(sentence: str) -> list[str]:
    """An overlong sentence cut into pieces of about RUN_PIECE_WORDS words, after a clause
    mark (, ; : —) when there is one, else between words; a normal sentence as it is."""
    if len(sentence) < 6 * RUN_MAX_WORDS:
        return [sentence]
    words = sentence.split(" ")
    if len(words) <= RUN_MAX_WORDS:
        return [sentence]
    pieces: list[str] = []
    start = 0
    while len(words) - start > RUN_MAX_WORDS // 2 + RUN_PIECE_WORDS:
        end = start + RUN_PIECE_WORDS
        for k in range(end, start + RUN_PIECE_WORDS // 2, -1):
            if words[k - 1].endswith((",", ";", ":", "—")):
                end = k
                break
        pieces.append(" ".join(words[start:end]))
        start = end
    pieces.append(" ".join(words[start:]))
    return pieces


def _is_boundary(before: str, stop: str, after: str) -> bool:
    nxt = _OPENING.match(after)
    if not nxt:
        return False
    next_word = nxt.group(1)
    first = next(iter(after.lstrip("\"'“‘([")), "")
    starts_upper = first.isupper() or first.isdigit()
    if stop in ("...", "…") or stop.endswith(("..", "…")):
        # An ellipsis inside a sentence is followed by lower case; before a capital it ends one.
        return starts_upper
    if stop[0] in "!?":
        return starts_upper or first in "\"“‘'("
    # A full stop.
    if not starts_upper:
        return False
    token = before.rsplit(" ", 1)[-1] + "."
    if _INITIALISM.search(token):
        # "U.S. Army" continues; "… in the U.S. The next …" ends.
        return next_word.strip("\"'“‘(").lower() in _SENTENCE_OPENERS
    if _SINGLE_INITIAL.search(" " + token):
        return False  # "J. Smith"
    w = _WORD_BEFORE.search(token)
    if w:
        word = w.group(1).lower()
        if word in _NEVER_ENDS:
            return False
        if word in _BEFORE_NUMBERS:
            return not first.isdigit()
        if word in ABBREVIATIONS:
            return next_word.strip("\"'“‘(").lower() in _SENTENCE_OPENERS
    return True


# ---- terms ---------------------------------------------------------------------------------

STOPWORDS = frozenset(
    """
    a about above after again against all almost also although always am among an and
    another any anyone anything are aren around as at away be became because become becomes
    been before being below between both but by can cannot could did didn do does doesn
    doing don done down during each either else enough even ever every few for from further
    get gets getting go goes going got had has hasn have haven having he her here hers
    herself him himself his how however i if in into is isn it its itself just least less
    let like likely made make makes making many may me might more most much must my myself
    near need needs neither never no nor not now of off often on once one only onto or other
    others otherwise our ours ourselves out over own per perhaps quite rather re really s
    same see seen several shall she should since so some such t than that the their theirs
    them themselves then there these they this those though through thus to too toward
    towards under until up upon us use used uses using very via want was wasn way ways we
    well were weren what whatever when where whether which while who whom whose why will
    with within without won would yet you your yours yourself ll ve d m
    """.split()  # noqa: SIM905
)

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")


@functools.lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A light, deterministic stem: lower case, no possessive, no plain plural."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.strip("'-")
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


@functools.lru_cache(maxsize=16384)
def _term(raw: str) -> str:
    """The content term of one word, "" when it is not one."""
    t = stem(raw)
    return t if len(t) > 1 and t not in STOPWORDS and not t.isdigit() else ""


def terms(text: str) -> list[str]:
    """Content terms of a text (stemmed, stopwords and one-letter tokens dropped)."""
    return [t for t in map(_term, _WORD.findall(text)) if t]


def word_count(text: str) -> int:
    return count_words(text)  # unspaced scripts (Chinese …) count one word per 2 characters


# ---- dangling references -------------------------------------------------------------------

_DANGLING_WORDS = frozenset(
    """
    this that these those it it's its they them their theirs he she his her such instead
    however also but and or so thus therefore hence moreover furthermore additionally
    meanwhile still yet then otherwise similarly likewise consequently nevertheless
    nonetheless besides accordingly again indeed plus
    """.split()  # noqa: SIM905
)
_DANGLING_PHRASES = (
    "in addition",
    "as a result",
    "on the other hand",
    "for example",
    "for instance",
    "in contrast",
    "by contrast",
    "even so",
    "that said",
    "the latter",
    "the former",
    "the same",
    "in turn",
    "as such",
    "in other words",
    "at the same time",
    "because of this",
    "because of that",
    "despite this",
    "despite that",
    # contrast with something just said: "Mentions still arrive at once. Everything else …"
    "everything else",
    "anything else",
    "nothing else",
    "everyone else",
    "everybody else",
    "all the rest",
    "the rest",
    "the others",
    "the other one",
    "on top of that",
    "beyond that",
    "apart from that",
    "other than that",
    "after that",
    "before that",
    "since then",
    "until then",
    "by then",
)


# A dangling phrase as a whole (not the start of a longer word), or the first word.
_OPENER = re.compile(
    "(" + "|".join(re.escape(p) for p in _DANGLING_PHRASES) + r")(?![^\W_])|([A-Za-z']+)",
    re.IGNORECASE,
)


def opens_with_reference(sentence: str) -> bool:
    """True when the sentence leans on the one before it ("This …", "It …", "Instead, …")."""
    m = _OPENER.match(sentence.lstrip("\"'“‘([ ").replace("’", "'"))
    if m is None:
        return False
    return m.group(1) is not None or m.group(2).lower() in _DANGLING_WORDS


# Pronouns that point back when they come early ("Harbor groups them by note"): the sentence
# needs the one before it. ("it" is left out: "makes it easy" points at nothing.)
_EARLY_BACK = frozenset(["them", "they"])
# Demonstratives that point back when they come early ("Teams that follow these steps …"), unless
# what they point at follows at once ("those who …", "these three …" is still back: it counts).
_EARLY_DEMONSTRATIVE = frozenset(["these", "those"])
_FORWARD_AFTER = frozenset(["who", "whom", "whose", "which", "that", "with", "of", "in", "at"])
_FIRST_WORDS = re.compile(r"[A-Za-z']+")


def leans_back(sentence: str) -> bool:
    """True when the sentence needs the one before it: it opens with a reference, or one of its
    first six words is a pronoun pointing back ("… groups them by note") or a demonstrative
    ("Teams that follow these steps …")."""
    if opens_with_reference(sentence):
        return True
    head = sentence[:80]
    low = head.lower()
    if not ("they" in low or "them" in low or "these" in low or "those" in low):
        return False  # a cheap test first: none of the words below appears
    words = [m.group(0).lower() for m in islice(_FIRST_WORDS.finditer(head), 7)]
    for k, w in enumerate(words[:6]):
        if not k:
            continue
        if w in _EARLY_BACK:
            return True
        if w in _EARLY_DEMONSTRATIVE:
            nxt = words[k + 1] if k + 1 < len(words) else ""
            if nxt not in _FORWARD_AFTER:
                return True
    return False


# Figures (counts, percentages, money, dates) make a sentence concrete: "rose from 34 to 41 days".
_FIGURE = re.compile(r"(?<![\w.])[$€£]?\d[\d,.]*(?:%|\s?per cent)?")
SHORT_FOLLOW = 8  # a sentence under this many words finishes the one before it ("… was 1.8%.")


# ---- units and scoring ---------------------------------------------------------------------


@dataclass
class Unit:
    """A quotable piece of a section: one or more consecutive sentences, or one list item."""

    text: str
    blocks: tuple[str, ...]  # source block ids, in reading order
    section_id: str
    order: int  # reading position across the article
    sentences: tuple[int, ...]  # global sentence indexes it covers
    kind: str = "sentence"  # sentence | item | quote
    first_in_section: bool = False
    first_in_paragraph: bool = False
    after_code: bool = False  # opens the paragraph right after a code sample (comments on it)
    score: float = 0.0
    words: int = field(init=False)
    term_list: list[str] = field(init=False, repr=False)  # with repeats: term frequency
    terms: frozenset[str] = field(init=False)
    said: str = field(init=False)  # lower-case text, to spot repeated sentences
    figures: int = field(init=False)

    def __post_init__(self) -> None:
        self.words = word_count(self.text)
        self.figures = len(_FIGURE.findall(self.text))
        self.term_list = terms(self.text)
        self.terms = frozenset(self.term_list)
        self.said = self.text.lower()


MIN_WORDS = 5
SUB_LEAD = 0.7  # position score of a sub-section's first sentence (the major section's: 1.0)


def _length_factor(words: int) -> float:
    if words < MIN_WORDS:
        return 0.0
    if words < 8:
        return 0.55
    if words < 10:
        return 0.8
    if words <= 32:
        return 1.0
    if words <= 42:
        return 0.8
    if words <= 55:
        return 0.5
    return 0.25


_BLOB = re.compile(r"(?<!\S)(?![a-z][a-z0-9+.-]*://|www\.)[^\s]{100,}", re.I)


def _quotable(text: str) -> bool:
    t = text.strip()
    if word_count(t) < MIN_WORDS:
        return False
    if t.endswith(":"):
        return False  # a lead-in to a list or a code sample says nothing alone
    if len(t) > 600 and _BLOB.search(t):
        return False  # a run of 100+ characters without a space that is no link: a data dump
    # lower case, or a script without case (Arabic, Hebrew, Han …); not an ALL-CAPS line
    return any(c.islower() or (c.isalpha() and not c.isupper()) for c in t)


_ITEM_JOINER = re.compile(r"(?:[\s;,:]+(?:and|or)\b)?[\s;,:]+$|[\s;,:]+(?:and|or)$", re.I)


def as_point(item: str) -> str:
    """A list item read as a prose point: capitalised, with a closing stop in place of the
    separator that joined it to the next item ("…;", "…, and")."""
    t = _ITEM_JOINER.sub("", normalize_space(item))
    if t and t[0].islower():
        t = t[0].upper() + t[1:]
    if t and t[-1] not in '.!?…"”’)':
        t += "."
    return t


class ArticleIndex:
    """Sentence units of every section of one article and the term weights to score them."""

    def __init__(self, sections: Sequence[Section], groups: Sequence[Sequence[Section]]):
        self._counter = 0
        self._sentence_no = 0
        self._ranked: dict[tuple, tuple[Unit, ...]] = {}
        self._by_group: dict[int, tuple[object, tuple[Unit, ...]]] = {}
        self.units: dict[str, list[Unit]] = {}
        # Every prose sentence (paragraphs, quotes) and list item, in reading order, split once
        # here for whoever else needs them (hashtags).
        self.sentences: list[str] = []
        for section in sections:
            self.units[section.id] = self._section_units(section)
        # Term weights: TF over the article, IDF over the groups (major sections) as documents.
        tf: Counter[str] = Counter()
        df: Counter[str] = Counter()
        for group in groups:
            seen: set[str] = set()
            for section in group:
                heading_terms = terms(section.heading or "")
                tf.update(heading_terms)
                seen.update(heading_terms)
                for unit in self.units.get(section.id, ()):
                    tf.update(unit.term_list)
                    seen.update(unit.terms)
            df.update(seen)
        n = max(1, len(groups))
        # (1 + log tf) * log(1 + n / df); the logs of each distinct count computed once
        tf_part = {c: 1 + math.log(c) for c in set(tf.values())}
        idf_part = {d: math.log(1 + n / d) for d in {1, *df.values()}}
        self.weights = {t: tf_part[c] * idf_part[df.get(t, 1)] for t, c in sorted(tf.items())}

    def _section_units(self, section: Section) -> list[Unit]:
        units: list[Unit] = []
        # Prose sentences seen so far in this section: (text, block id, number, first in
        # paragraph, leans back).
        prev: list[tuple[str, str, int, bool, bool]] = []
        section_first = self._sentence_no + 1
        previous_block = None
        for block in section.blocks:
            after_code = isinstance(previous_block, Code)
            previous_block = block
            if isinstance(block, Paragraph | Quote):
                split = split_sentences(block.text)
                self.sentences.extend(split)
                for i, sentence in enumerate(split):
                    self._sentence_no += 1
                    here = (sentence, block.id, self._sentence_no, i == 0, leans_back(sentence))
                    chain = [here]
                    # Glue a dangling opener to what it refers to (up to two sentences back).
                    back = list(prev)
                    while chain[0][4] and back and len(chain) < 3:
                        chain.insert(0, back.pop())
                    if (
                        i
                        and len(chain) == 1
                        and word_count(sentence) < SHORT_FOLLOW
                        and back
                        and word_count(back[-1][0]) <= 30
                    ):
                        # a short sentence finishes the one before it in the same paragraph
                        # ("In 2023 the gap was 7.5%. In 2024 it was 1.8%."): quoted together
                        chain.insert(0, back[-1])
                    prev.append(here)
                    if chain[0][4]:
                        continue  # refers to something outside the section: never quoted
                    text = " ".join(c[0] for c in chain)
                    if not _quotable(text):
                        continue
                    self._counter += 1
                    units.append(
                        Unit(
                            text=text,
                            blocks=tuple(dict.fromkeys(c[1] for c in chain)),
                            section_id=section.id,
                            order=self._counter,
                            sentences=tuple(c[2] for c in chain),
                            kind="quote" if isinstance(block, Quote) else "sentence",
                            first_in_section=chain[0][2] == section_first,
                            first_in_paragraph=chain[0][3],
                            after_code=after_code and chain[0][3],
                        )
                    )
            elif isinstance(block, ListBlock):
                self.sentences.extend(block.items)
                for k, item in enumerate(block.items):
                    self._sentence_no += 1
                    text = as_point(item)
                    if not _quotable(text) or leans_back(text):
                        continue
                    self._counter += 1
                    units.append(
                        Unit(
                            text=text,
                            blocks=(block.id,),
                            section_id=section.id,
                            order=self._counter,
                            sentences=(self._sentence_no,),
                            kind="item",
                            # the first step of a numbered list is where the reader starts
                            first_in_paragraph=block.ordered and k == 0,
                        )
                    )
            # Code and images are never quoted.
        return units

    def ranked(self, group) -> list[Unit]:
        """The scored units of a group (a major section and its sub-sections: anything with
        `sections` and `headings`), best first; computed once per group."""
        hit = self._by_group.get(id(group))
        if hit is None or hit[0] is not group:
            units = [u for s in group.sections for u in self.units.get(s.id, ())]
            head = getattr(getattr(group, "head", None), "id", None)
            scored = self.score(units, group.headings, lead_section=head)
            hit = self._by_group[id(group)] = (group, tuple(scored))
        return list(hit[1])

    def score(
        self, units: Iterable[Unit], headings: Iterable[str], *, lead_section: str | None = None
    ) -> list[Unit]:
        """Score units of one group (a major section and its sub-sections); best first, ties in
        reading order. The lead of `lead_section` (the major section itself) counts as the
        group's lead; a sub-section's lead counts less."""
        units = list(units)
        if not units:
            return []
        headings = tuple(headings)
        key = (tuple(u.order for u in units), headings, lead_section)
        if key in self._ranked:
            return list(self._ranked[key])
        heading_terms = set()
        for h in headings:
            heading_terms.update(terms(h))
        raw = {}
        for u in units:
            ts = u.terms
            raw[u.order] = sum(self.weights.get(t, 0.0) for t in ts) / math.sqrt(len(ts) + 2)
        top = max(raw.values()) or 1.0
        for u in units:
            ts = u.terms
            weight = raw[u.order] / top
            overlap = len(ts & heading_terms) / len(heading_terms) if heading_terms else 0.0
            if u.first_in_section:
                lead = lead_section is None or u.section_id == lead_section
                position = 1.0 if lead else SUB_LEAD
            else:
                position = 0.5 if u.first_in_paragraph else 0.0
            kind = {"sentence": 1.0, "item": 0.85, "quote": 0.7}[u.kind]
            glued = 0.9 if len(u.sentences) > 1 else 1.0
            # density: figures make a point concrete; a sentence about the code above it does not
            # stand alone
            dense = 1.0 + 0.08 * min(2, u.figures)
            aside = 0.75 if u.after_code else 1.0
            u.score = (
                (0.55 * weight + 0.25 * min(1.0, overlap) + 0.2 * position)
                * _length_factor(u.words)
                * kind
                * glued
                * dense
                * aside
            )
        ranked = sorted(units, key=lambda u: (-round(u.score, 9), u.order))
        self._ranked[key] = tuple(ranked)
        return ranked


def overlaps(a: Unit, b: Unit) -> bool:
    """Two units share a sentence, or say the same words (scraped pages repeat themselves)."""
    return a.said == b.said or any(n in b.sentences for n in a.sentences)


class Taken:
    """Units already used, for `overlaps` checks in constant time per unit."""

    __slots__ = ("said", "sentences")

    def __init__(self, units: Iterable[Unit] = ()):
        self.said: set[str] = set()
        self.sentences: set[int] = set()
        for u in units:
            self.add(u)

    def add(self, u: Unit) -> None:
        self.said.add(u.said)
        self.sentences.update(u.sentences)

    def overlaps(self, u: Unit) -> bool:
        """`overlaps(u, x)` for some added unit x."""
        if u.said in self.said:
            return True
        return any(n in self.sentences for n in u.sentences)


def pick(
    ranked: Sequence[Unit],
    *,
    count: int = 1,
    max_words: int | None = None,
    exclude: Sequence[Unit] = (),
    fits=None,
    min_ratio: float = 0.5,
) -> list[Unit]:
    """Up to `count` non-overlapping units from a ranked list, returned in reading order.

    Later picks must score at least `min_ratio` of the first; `max_words` bounds the total;
    `fits(texts) -> bool` can bound the joined text (a post limit)."""
    chosen: list[Unit] = []
    total = 0
    taken = Taken(exclude)
    for u in ranked:
        if u.score <= 0 or taken.overlaps(u):
            continue
        if chosen and u.score < min_ratio * chosen[0].score:
            break
        if max_words is not None and chosen and total + u.words > max_words:
            continue
        candidate = sorted([*chosen, u], key=lambda x: x.order)
        if fits is not None and not fits(" ".join(x.text for x in candidate)):
            continue
        chosen.append(u)
        taken.add(u)
        total += u.words
        if len(chosen) >= count:
            break
    return sorted(chosen, key=lambda x: x.order)


def join_units(units: Sequence[Unit]) -> str:
    return " ".join(u.text for u in units)


def sources(units: Sequence[Unit]) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for u in sorted(units, key=lambda x: x.order):
        for b in u.blocks:
            out[b] = None
    return tuple(out)

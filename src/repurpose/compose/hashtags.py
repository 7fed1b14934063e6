"""A few relevant hashtags from the article's own terms.

Candidates, strongest first: the article's tags; names (capitalised words and runs of them that
appear mid-sentence, acronyms such as "AI"); phrases of two content words that recur. A candidate
must recur in the body (or be a tag) and must not be a common word: a capitalised word that also
appears in lower case in the article is a common word, not a name. Terms in the title weigh more.
Hashtags are CamelCase ("#GenerativeAI"); none at all is a fine answer.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence

from repurpose.compose.sentences import STOPWORDS, split_sentences, stem
from repurpose.model import Article, ListBlock, Paragraph, Quote

_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[’'][sS])?|[0-9]+")
# A run of capitalised words: a capital at the start of a word, its letters and digits, and more
# such words after whitespace. (The capital first, then the look back for a word character
# before it, lets the regex engine skip ahead to capitals instead of trying every position.)
_CAP_RUN = re.compile(r"[A-Z](?<!\w[A-Z])[A-Za-z0-9]*(?:\s+[A-Z][A-Za-z0-9]*)*")
_POSSESSIVES = ("'s", "’s", "'S", "’S")
# Words too common to tag even when capitalised or repeated (calendar words, generic nouns).
_GENERIC = frozenset(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december today tomorrow yesterday year
    years week month day time thing things people way new first last next part step steps
    example examples introduction conclusion summary overview faq faqs question questions
    answer answers article post blog read more update updates news guide tips
    """.split()  # noqa: SIM905
)


def _clean(token: str) -> str:
    """Without a possessive "'s"."""
    return token[:-2] if token[-2:] in _POSSESSIVES else token


def camel(phrase: str) -> str:
    """ "generative AI" -> "GenerativeAI"; keeps inner capitals ("OpenAI")."""
    parts = [re.sub(r"[^A-Za-z0-9]", "", _clean(w)) for w in phrase.split()]
    return "".join(p[:1].upper() + p[1:] for p in parts if p)


def _parts(tag: str) -> frozenset[str]:
    """The words of a CamelCase tag, lower-case: "GenerativeAI" -> {"generative", "ai"}."""
    return frozenset(
        w.lower() for w in re.findall(r"[A-Z]+(?=[A-Z][a-z]|[0-9]|$)|[A-Z]?[a-z]+|[0-9]+", tag)
    )


def _body_sentences(article: Article) -> list[str]:
    out: list[str] = []
    for block in article.blocks():
        if isinstance(block, Paragraph | Quote):
            out.extend(split_sentences(block.text))
        elif isinstance(block, ListBlock):
            out.extend(block.items)
    out.extend(_faq_sentences(article))
    return out


def _faq_sentences(article: Article) -> list[str]:
    return [s for item in article.faq for s in split_sentences(item.answer)]


def _acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


@functools.lru_cache(maxsize=4096)
def _is_common(word: str) -> bool:
    low = stem(word)
    return low in STOPWORDS or low in _GENERIC or word.lower() in _GENERIC or len(low) < 2


@functools.lru_cache(maxsize=8192)
def _phrase_stem(word: str) -> str | None:
    """The stem of a word that can be part of a phrase tag; None for a word that breaks a phrase:
    a common word (as `_is_common`), a number, an adverb ("fully remote" makes a poor tag)."""
    st = stem(word)
    low = word.lower()
    if st in STOPWORDS or st in _GENERIC or low in _GENERIC or len(st) < 2:
        return None
    if (len(word) > 4 and low.endswith("ly")) or word.isdigit():
        return None
    return st


def derive(article: Article, count: int, *, sentences: Sequence[str] | None = None) -> list[str]:
    """Up to `count` hashtags (with '#') for the article, deterministic. `sentences`: the body's
    prose sentences and list items in reading order when already split (compose's index)."""
    if count <= 0:
        return []
    if sentences is None:
        sentences = _body_sentences(article)
    else:
        sentences = [*sentences, *_faq_sentences(article)]
    tokens = []
    for s in sentences:
        toks = _TOKEN.findall(s)
        if "'" in s or "’" in s:
            toks = [t[:-2] if t[-2:] in _POSSESSIVES else t for t in toks]  # _clean, inline
        tokens.append(toks)
    vocab = set().union(*tokens)  # each distinct word judged once
    lower_words = {t.lower() for t in vocab if t[0].islower()}

    names: Counter[str] = Counter()
    display: dict[str, str] = {}
    runs = []
    mid_caps: set[str] = set()  # capitalised words seen inside a sentence: names
    for s in sentences:
        apostrophe = "'" in s or "’" in s
        for m in _CAP_RUN.finditer(s):
            words = m.group(0).split()
            if apostrophe:
                words = [_clean(w) for w in words]
            start = m.start()
            opening = start == 0 or s[:start].rstrip().endswith((":", "“", '"'))
            if not opening:
                mid_caps.update(words)
            runs.append((words, opening))
    for words, opening in runs:
        if opening:
            # The sentence's first word is capitalised anyway: keep it only if it is a name
            # (it appears capitalised inside a sentence too; "Keep …" opening two list items
            # is a verb).
            while (
                words
                and not _acronym(words[0])
                and (words[0].lower() in lower_words or words[0] not in mid_caps)
            ):
                words = words[1:]
        # A name is a run of words none of which is a common word or appears in lower case
        # elsewhere (acronyms always count).
        words = [w for w in words if _acronym(w) or not (_is_common(w) or w.lower() in lower_words)]
        if not words:
            continue
        if len(words) > 3:
            words = words[:3]
        key = " ".join(words).lower()
        names[key] += 1
        display.setdefault(key, " ".join(words))

    # Phrases: two content words side by side (each word judged and stemmed once).
    content = {t: _phrase_stem(t) for t in vocab}
    pairs: list[tuple[str, str]] = []  # (stems, words as written) of each phrase, in order
    for toks in tokens:
        sts = [content[t] for t in toks]
        pairs += [
            (f"{a} {b}", f"{x} {y}")
            for x, y, a, b in zip(toks, toks[1:], sts, sts[1:], strict=False)
            if a is not None and b is not None
        ]
    phrases = Counter(key for key, _ in pairs)
    first_shown = dict(reversed(pairs))  # each phrase as first written

    title = article.title.lower()
    scored: list[tuple[float, int, str]] = []
    order = 0
    for tag in article.tags:
        order += 1
        scored.append((1000.0, order, tag))
    for key, n in sorted(names.items()):
        if n < 2:
            continue
        order += 1
        boost = 1.5 if key in title else 1.0
        scored.append((n * boost * (1.2 if " " in key else 1.0), order, display[key]))
    for key, n in sorted(phrases.items()):
        if n < 3:
            continue
        order += 1
        shown = display[key] if key in display else first_shown[key]  # a name's, else its own
        boost = 1.5 if shown.lower() in title else 1.0
        scored.append((n * boost * 1.1, order, shown))
    scored.sort(key=lambda x: (-x[0], x[1]))

    chosen: list[str] = []
    for _, _, phrase in scored:
        tag = camel(phrase)
        if not tag or tag.isdigit() or len(tag) > 30:
            continue
        parts = _parts(tag)
        if any(parts & _parts(c) for c in chosen):
            continue  # "#RemoteRoles" after "#RemoteWork" says the same thing twice
        chosen.append(tag)
        if len(chosen) >= count:
            break
    return ["#" + t for t in chosen]


def hashtags(
    article: Article,
    count: int,
    fixed: Sequence[str] = (),
    *,
    sentences: Sequence[str] | None = None,
) -> tuple[str, ...]:
    """The fixed hashtags from the settings first, then `count` derived ones; no duplicates."""
    out: list[str] = []
    seen: set[str] = set()
    for tag in fixed:
        t = camel(tag.lstrip("#")) if " " in tag else tag.lstrip("#")
        if t and t.lower() not in seen:
            seen.add(t.lower())
            out.append("#" + t)
    derived = [
        t
        for t in derive(article, count + len(out), sentences=sentences)
        if t[1:].lower() not in seen
    ][:count]
    return tuple(out + derived)

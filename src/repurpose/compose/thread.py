"""Social posts: reply chains (X, Bluesky, Mastodon, Threads) and single posts (LinkedIn).

A chain is a hook post, one post per major section, a closing post with link and tags. A
single-post platform gets one post: the title and hook, one key point per major section, the link
and the tags, one line each (no numbering), as long as that fits the platform's limit.

Every chunk becomes at least one post; the platform splitter (`repurpose.platforms.split_thread`)
splits what does not fit and adds the numbering. Compose chooses chunks that fit when it can
(the key sentence that fits beats a better one that would have to be cut), bounds the thread to
`max_posts`, and reaches toward `min_posts` only with more key sentences from the biggest
sections — never with filler.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from repurpose.compose.digest import choose_groups
from repurpose.compose.outline import Group, Outline, display_heading, heading_number
from repurpose.compose.sentences import (
    ArticleIndex,
    Taken,
    Unit,
    join_units,
    normalize_space,
    pick,
    sources,
)
from repurpose.config import Settings
from repurpose.model import Article, Post, Thread

HEADING_MAX = 60  # a longer heading is left out of the post
CLOSING_LABEL = "Read the full article:"
# Platforms where one long post is the norm, not a chain of replies.
SINGLE_POST_PLATFORMS = frozenset({"linkedin"})
POINT_BULLET = "• "


@dataclass
class Chunk:
    text: str
    source: tuple[str, ...]
    group: int | None = None  # index into the groups list, for section chunks
    units: tuple[Unit, ...] = ()


def _numbering_reserve(platform, numbering: str, max_posts: int) -> int:
    if not numbering:
        return 0
    sample = numbering.replace("{i}", str(max_posts)).replace("{n}", str(max_posts))
    return platform.length(sample)


def _units_per_post(limit: int) -> int:
    return 1 if limit < 400 else 2 if limit < 1000 else 3


def _with_heading(heading: str, text: str) -> str:
    """Heading and text on consecutive lines: a blank line separates posts in a thread file."""
    return f"{heading}\n{text}" if heading else text


_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def single_spaced(text: str) -> str:
    """No blank line inside a post (the thread file separates posts with one)."""
    return _BLANK_LINES.sub("\n", text.strip())


def _section_chunk(
    index: ArticleIndex,
    group: Group,
    gi: int,
    fits: Callable[[str], bool],
    per_post: int,
    exclude: Sequence[Unit],
) -> Chunk | None:
    taken = Taken(exclude)
    ranked = [u for u in index.ranked(group) if u.score > 0 and not taken.overlaps(u)]
    if not ranked:
        return None
    best = ranked[0]
    heading = display_heading(group.heading)
    if len(heading) > HEADING_MAX:
        heading = ""
    for head in dict.fromkeys((heading, "")):
        chosen = pick(
            ranked, count=per_post, fits=lambda t, h=head: fits(_with_heading(h, t)), min_ratio=0.6
        )
        if chosen and best in chosen:
            return Chunk(
                _with_heading(head, join_units(chosen)), sources(chosen), gi, tuple(chosen)
            )
    chosen = pick(ranked, count=1, fits=fits, min_ratio=0.6) or [best]
    text = join_units(chosen)
    if heading and fits(_with_heading(heading, text)):
        text = _with_heading(heading, text)
    return Chunk(text, sources(chosen), gi, tuple(chosen))


def _hook_chunk(
    article: Article,
    index: ArticleIndex,
    outline_: Outline,
    hook: Sequence[Unit],
    fits: Callable[[str], bool],
) -> Chunk:
    title = normalize_space(article.title).rstrip(".")
    candidates: list[Unit] = list(hook)
    if outline_.intro is not None:
        group = outline_.intro
        ranked = index.ranked(group)
        best = hook[0].score if hook else 0.0
        candidates += [u for u in ranked if u not in candidates and u.score >= 0.6 * best]
    for unit in candidates:
        text = _with_heading(title, unit.text)
        if fits(text):
            return Chunk(text, unit.blocks, None, (unit,))
    if hook:
        return Chunk(_with_heading(title, hook[0].text), hook[0].blocks, None, (hook[0],))
    return Chunk(title, (), None, ())


def compose_thread(
    platform,
    article: Article,
    settings: Settings,
    index: ArticleIndex,
    outline_: Outline,
    hook: Sequence[Unit],
    hashtags: Sequence[str],
    link: str | None,
) -> Thread:
    from repurpose.platforms import split_thread

    social = settings.social
    max_posts = max(1, social.max_posts)
    min_posts = min(social.min_posts, max_posts)
    room = platform.limit - _numbering_reserve(platform, social.numbering, max_posts)

    def fits(text: str) -> bool:
        return platform.length(text) <= room

    hook_chunk = _hook_chunk(article, index, outline_, hook, fits)
    tags = " ".join(hashtags)
    closing: Chunk | None = None
    if link:
        closing = Chunk(
            _with_heading(f"{CLOSING_LABEL} {link}", tags) if tags else f"{CLOSING_LABEL} {link}",
            (),
        )
    slots = max(0, max_posts - 1 - (1 if closing else 0))
    exclude = list(hook_chunk.units) if not outline_.intro_is_lead else []
    per_post = _units_per_post(platform.limit)

    groups = list(outline_.groups)
    sections: list[Chunk] = []
    numbered = outline_.numbered
    for gi, group in enumerate(choose_groups(groups, slots, numbered=numbered)):
        chunk = _section_chunk(index, group, gi, fits, per_post, exclude)
        if chunk is not None:
            sections.append(chunk)
            exclude.extend(chunk.units)

    # Short of min_posts: a second key point from the biggest sections (never filler).
    def total() -> int:
        return 1 + len(sections) + (1 if closing else 0)

    chosen_groups = choose_groups(groups, slots, numbered=numbered)
    by_size = sorted(range(len(chosen_groups)), key=lambda i: (-chosen_groups[i].words, i))
    for gi in by_size:
        if total() >= min_posts or total() >= max_posts:
            break
        first = next((c for c in sections if c.group == gi), None)
        if first is None:
            continue
        group = chosen_groups[gi]
        extra = _section_chunk(index, group, gi, fits, per_post, exclude)
        if extra is None or not extra.units or extra.units[0].score < 0.4 * first.units[0].score:
            continue
        extra.text = join_units(extra.units)  # the heading is already in the first post
        if not fits(extra.text):
            continue
        sections.insert(sections.index(first) + 1, extra)
        exclude.extend(extra.units)

    if not closing and tags:
        last = sections[-1] if sections else hook_chunk
        if fits(f"{last.text}\n{tags}"):
            last.text = f"{last.text}\n{tags}"
        else:
            closing = Chunk(tags, ())

    def split(chunks: list[Chunk]):
        texts = [single_spaced(c.text) for c in chunks]
        if numbered:
            # The sections count 1, 2, 3 … themselves: a "2/11" suffix on the post headed
            # "1." would count twice. Without suffixes as long as every chunk is one post.
            plain = split_thread(texts, platform, numbering="", max_posts=None)
            if len(plain) == len(chunks):
                return plain
        return split_thread(texts, platform, numbering=social.numbering, max_posts=None)

    chunks = [hook_chunk, *sections, *([closing] if closing else [])]
    parts = split(chunks)
    # Long chunks split into several posts can overrun max_posts: drop the smallest sections
    # (numbered ones from the end, so the count has no gaps).
    while len(parts) > max_posts and sections:
        if numbered:
            drop = max(sections, key=lambda c: c.group)
        else:
            drop = min(sections, key=lambda c: (chosen_groups[c.group].words, -c.group))
        sections.remove(drop)
        chunks = [hook_chunk, *sections, *([closing] if closing else [])]
        parts = split(chunks)

    posts = tuple(Post(text=p.text, length=p.length, source=chunks[p.chunk].source) for p in parts)
    return Thread(platform=platform.name, limit=platform.limit, posts=posts)


def _point_line(heading: str, text: str) -> str:
    """One key point of a single post: '• Heading: sentence' (no heading when it is long); a
    numbered heading ("3. Book the call") is its own marker, without the bullet."""
    heading = display_heading(heading)
    if not heading or len(heading) > HEADING_MAX:
        return POINT_BULLET + text
    # "Heading: sentence"; a dash instead when the heading has a colon of its own or ends in a
    # stop, or the sentence has a colon early ("Watch three numbers: …" after "Heading:")
    colon_early = ":" in text[: len(text) // 2 + 1]
    sep = " — " if ":" in heading or heading[-1] in "?!.…" or colon_early else ": "
    bullet = "" if heading_number(heading) is not None else POINT_BULLET
    return f"{bullet}{heading}{sep}{text}"


def compose_single_post(
    platform,
    article: Article,
    settings: Settings,
    index: ArticleIndex,
    outline_: Outline,
    hook: Sequence[Unit],
    hashtags: Sequence[str],
    link: str | None,
) -> Thread | None:
    """One post: title and hook, a key point per major section, link, tags — one line each.

    Points of the smallest sections are dropped until the post fits; None when even the hook and
    the link do not fit (the caller makes a chain instead)."""
    from repurpose.platforms import split_thread

    limit = platform.limit

    def fits(text: str) -> bool:
        return platform.length(text) <= limit

    hook_chunk = _hook_chunk(article, index, outline_, hook, fits)
    exclude = list(hook_chunk.units) if not outline_.intro_is_lead else []
    tail = []
    if link:
        tail.append(f"{CLOSING_LABEL} {link}")
    if hashtags:
        tail.append(" ".join(hashtags))
    slots = max(0, settings.social.max_posts - 1 - (1 if link else 0))

    points: list[tuple[int, str, tuple[Unit, ...]]] = []  # (words of the group, line, units)
    for group in choose_groups(list(outline_.groups), slots, numbered=outline_.numbered):
        chosen = pick(index.ranked(group), count=1, exclude=exclude)
        if not chosen:
            continue
        points.append((group.words, _point_line(group.heading, join_units(chosen)), tuple(chosen)))
        exclude.extend(chosen)

    def assemble() -> str:
        return single_spaced("\n".join([hook_chunk.text, *(p[1] for p in points), *tail]))

    text = assemble()
    while not fits(text) and points:
        if outline_.numbered:
            smallest = len(points) - 1  # numbered points go from the end: no gaps
        else:
            smallest = min(range(len(points)), key=lambda i: (points[i][0], -i))
        del points[smallest]
        text = assemble()
    if not fits(text):
        return None
    parts = split_thread([text], platform, numbering="")
    if len(parts) != 1:
        return None
    units = [*hook_chunk.units, *(u for p in points for u in p[2])]
    post = Post(text=parts[0].text, length=parts[0].length, source=sources(units))
    return Thread(platform=platform.name, limit=platform.limit, posts=(post,))

"""The article's outline as compose sees it: the introduction, and the major sections with their
sub-sections folded in.

The major level is the shallowest heading level in the article (normally 2); deeper sections
belong to the major section above them. A section whose heading names the FAQ is left to the FAQ
snippet; a headless lead (id "intro") or a first section headed "Introduction …"/"Overview …" is the
introduction and feeds the hook rather than a block of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from repurpose.model import Article, Section

_FAQ_HEADING = re.compile(
    r"^\W*(faqs?|f\.a\.q\.?s?|frequently asked questions|questions and answers|q\s*&\s*a)\b", re.I
)
_INTRO_HEADING = re.compile(r"^\W*(intro|introduction|overview|tl;?dr|summary|at a glance)\b", re.I)


# A structural label in front of a heading ("Conclusion: …", "Final thoughts — …"): it says
# where the section sits, not what it says, so posts and digest blocks leave it out.
_LABEL = re.compile(
    r"^\W*(?:in\s+conclusion|in\s+summary|conclusions?|summary|final\s+thoughts|"
    r"closing\s+thoughts|(?:the\s+)?bottom\s+line|wrap[- ]?up|wrapping\s+up|"
    r"(?:key\s+)?takeaways?|tl;?\s?dr)\b\s*(?:[:—–-]\s*|$)",
    re.I,
)


def display_heading(heading: str | None) -> str:
    """The heading without a structural label ("Conclusion: Bold Bets" → "Bold Bets"); "" when
    the heading is only a label ("Conclusion")."""
    text = " ".join((heading or "").split())
    m = _LABEL.match(text)
    if not m:
        return text
    rest = text[m.end() :].strip()
    return rest[:1].upper() + rest[1:]


@dataclass(frozen=True)
class Group:
    """A major section and the sub-sections under it, in reading order."""

    head: Section
    children: tuple[Section, ...]

    # cached: a Group is immutable (cached_property writes the instance dict, frozen or not)
    @cached_property
    def sections(self) -> tuple[Section, ...]:
        return (self.head, *self.children)

    @property
    def heading(self) -> str:
        return self.head.heading or ""

    @cached_property
    def words(self) -> int:
        return sum(s.word_count for s in self.sections)

    @cached_property
    def headings(self) -> tuple[str, ...]:
        return tuple(s.heading for s in self.sections if s.heading)


_NUMBERED = re.compile(r"^\W*(?:(?:step|tip|way|rule|no\.?)\s*)?#?(\d{1,2})\s*[.):—–-]\s", re.I)


def heading_number(heading: str | None) -> int | None:
    """The number a heading opens with ("3. Book the call", "Step 3: …"), else None."""
    m = _NUMBERED.match(heading or "")
    return int(m.group(1)) if m else None


def is_numbered_sequence(groups) -> bool:
    """The major sections count 1, 2, 3 … (a listicle or a step-by-step guide): at least three,
    numbered in order from 1. Their order and their numbers are part of the message."""
    numbers = [heading_number(g.heading) for g in groups]
    return len(numbers) >= 3 and numbers == list(range(1, len(numbers) + 1))


def is_faq_heading(heading: str | None) -> bool:
    return bool(heading) and bool(_FAQ_HEADING.match(heading))


def is_intro_heading(heading: str | None) -> bool:
    return bool(heading) and bool(_INTRO_HEADING.match(heading))


@dataclass(frozen=True)
class Outline:
    intro: Group | None  # the section the hook comes from
    intro_is_lead: bool  # True when the intro section is a lead, not also a major section
    groups: tuple[Group, ...]  # major sections in reading order (FAQ excluded; lead excluded)
    all_groups: tuple[Group, ...]  # every group, for term statistics
    numbered: bool = False  # the major sections are numbered 1, 2, 3 … in order


def outline(article: Article) -> Outline:
    headed = [s for s in article.sections if s.heading]
    major = min((s.level for s in headed), default=2)
    groups: list[Group] = []
    head: Section | None = None
    children: list[Section] = []
    for section in article.sections:
        if section.heading is None or section.level <= major or head is None:
            if head is not None:
                groups.append(Group(head, tuple(children)))
            head, children = section, []
        else:
            children.append(section)
    if head is not None:
        groups.append(Group(head, tuple(children)))

    def has_prose(g: Group) -> bool:
        return g.words > 0

    content = [g for g in groups if not is_faq_heading(g.head.heading) and has_prose(g)]
    intro: Group | None = None
    lead = False
    if content:
        first = content[0]
        if first.head.heading is None or is_intro_heading(first.head.heading):
            intro, lead = first, True
        else:
            intro = first
    majors = tuple(g for g in content if not (lead and g is intro))
    return Outline(
        intro=intro,
        intro_is_lead=lead,
        groups=majors,
        all_groups=tuple(groups),
        numbered=is_numbered_sequence(majors),
    )

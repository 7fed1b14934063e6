"""The FAQ snippet: the article's own FAQ, else its question-form headings, else nothing.

Never empty and never invented: an answer is text the article holds, whole (all its paragraphs,
separated by a blank line).
"""

from __future__ import annotations

import re

from repurpose.compose.sentences import as_point, normalize_space, opens_with_reference
from repurpose.model import Article, FaqEntry, FaqSnippet, ListBlock, Paragraph, Quote, Section

_WH = "how what why when where who whom whose which"
_AUX = (
    "is are was were am do does did can could should shall will would may might must has have "
    "had isn't aren't doesn't don't didn't can't won't shouldn't"
)
_WH_WORDS = frozenset(_WH.split())
_AUX_WORDS = frozenset(_AUX.split())


def question_form(heading: str | None) -> str | None:
    """The heading as a question, when it is one: it ends with "?", opens with an auxiliary verb
    ("Can I …", "Is it …"), or opens with a question word followed by one ("How does …",
    "What is …"). "How AI Became Our Focus" is a title, not a question."""
    if not heading:
        return None
    text = normalize_space(heading)
    if text.endswith("?"):
        return text
    words = [w.lower().replace("’", "'") for w in re.findall(r"[A-Za-z'’]+", text)]
    if len(words) < 3:
        return None
    if words[0] in _AUX_WORDS or (words[0] in _WH_WORDS and words[1] in _AUX_WORDS):
        return text.rstrip(".:;!") + "?"
    return None


def section_answer(section: Section) -> tuple[str, tuple[str, ...]]:
    """All the prose of a section as an answer: paragraphs and quotes as they are, list items
    as lines starting with "- "; code and images left out."""
    parts: list[str] = []
    ids: list[str] = []
    for block in section.blocks:
        if isinstance(block, Paragraph | Quote):
            text = normalize_space(block.text)
            if text:
                parts.append(text)
                ids.append(block.id)
        elif isinstance(block, ListBlock):
            items = [as_point(i) for i in block.items if i.strip()]
            if items:
                parts.append("\n".join(f"- {i}" for i in items))
                ids.append(block.id)
    return "\n\n".join(parts), tuple(ids)


def compose_faq(article: Article) -> FaqSnippet | None:
    if article.faq:
        items = tuple(
            FaqEntry(question=normalize_space(f.question), answer=f.answer.strip(), source=(f.id,))
            for f in article.faq
            if f.question.strip() and f.answer.strip()
        )
        if items:
            return FaqSnippet(origin="article", items=items)
    entries = []
    for section in article.sections:
        question = question_form(section.heading)
        if question is None or opens_with_reference(question):
            # "So should you try it?" continues the article's argument: out of it, it asks
            # nothing a reader could search for
            continue
        answer, ids = section_answer(section)
        if answer:
            entries.append(FaqEntry(question=question, answer=answer, source=ids))
    if entries:
        return FaqSnippet(origin="headings", items=tuple(entries))
    return None

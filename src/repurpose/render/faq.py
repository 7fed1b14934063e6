"""FAQPage JSON-LD, built from the same entries the visible FAQ shows."""

from __future__ import annotations

import json
import re

from repurpose.model import FaqSnippet
from repurpose.render.filters import paragraphs


def visible_answer(answer: str) -> str:
    """The answer as the page shows it: paragraphs, inner whitespace collapsed."""
    return "\n\n".join(" ".join(p.split()) for p in paragraphs(answer))


def jsonld(faq: FaqSnippet) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": " ".join(item.question.split()),
                "acceptedAnswer": {"@type": "Answer", "text": visible_answer(item.answer)},
            }
            for item in faq.items
        ],
    }


_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def dumps(data: dict) -> str:
    """JSON that is also safe inside <script>: <, > and & are written as \\u escapes."""
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    return re.sub(r"[<>&]", lambda m: _UNSAFE[m.group(0)], text) + "\n"

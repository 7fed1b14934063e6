"""manifest.json: the stable, documented contract scripts read (see README, "manifest.json")."""

from __future__ import annotations

import json
from datetime import date, datetime

from repurpose.model import Composition, Warning_

MANIFEST = "manifest.json"


def _published(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def build_manifest(
    composition: Composition,
    files: dict[str, str],
    parts: set[str],
    email_info: dict | None,
    warnings: list[Warning_],
) -> dict:
    article = composition.article
    digest = composition.digest
    manifest: dict = {
        "article": {
            "title": article.title,
            "url": article.url,
            "published": _published(article.published),
            "sections": [
                {"id": s.id, "heading": s.heading, "level": s.level} for s in article.sections
            ],
            "word_count": article.word_count,
        },
        "email": None,
        "threads": {},
        "faq": None,
        "warnings": [{"code": w.code, "message": w.message} for w in warnings],
    }
    if "email" in parts and email_info is not None:
        manifest["email"] = {
            "subject": digest.subject,
            "preheader": digest.preheader,
            "html": "email.html",
            "text": "email.txt",
            "html_bytes": email_info["html_bytes"],
        }
    if "thread" in parts:
        for thread in composition.threads:
            manifest["threads"][thread.platform] = {
                "file": f"thread.{thread.platform}.txt",
                "limit": thread.limit,
                "posts": [
                    {"text": p.text, "length": p.length, "source": list(p.source)}
                    for p in thread.posts
                ],
            }
    if "faq.html" in files and composition.faq is not None:
        manifest["faq"] = {
            "items": [
                {"question": i.question, "answer": i.answer, "source": list(i.source)}
                for i in composition.faq.items
            ],
            "html": "faq.html",
            "jsonld": "faq.jsonld",
            "markdown": "faq.md",
        }
    return manifest


def dumps(manifest: dict | list) -> str:
    """Sorted keys, 2-space indent, UTF-8 text, trailing newline: byte-stable for the same input.

    < and > are written as \\u003c / \\u003e (same JSON value) so a manifest can be embedded
    in an HTML page without a `</script>` in article text breaking out.
    """
    text = json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e") + "\n"

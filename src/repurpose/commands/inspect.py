"""`repurpose inspect ARTICLE`: show what the reader understood, before anything is rendered."""

from __future__ import annotations

import json

import click

from repurpose.model import Article


def _clip(text: str, n: int = 12) -> str:
    words = text.split()
    return " ".join(words[:n]) + (" …" if len(words) > n else "")


def _lines(src) -> str:
    if src.lines:
        a, b = src.lines
        return f"line {a}" if a == b else f"lines {a}-{b}"
    return src.path or ""


def report(article: Article) -> str:
    """The human-readable summary printed by `inspect`."""
    out = [
        f"title:     {article.title}",
        f"format:    {article.format}",
        f"date:      {article.published.isoformat() if article.published else '-'}",
        f"author:    {article.author or '-'}",
        f"url:       {article.url or '-'}",
        f"words:     {article.word_count} ({article.reading_minutes} min read)",
        "",
        f"sections ({len(article.sections)}):",
    ]
    for s in article.sections:
        indent = "  " * max(0, s.level - 1)
        heading = s.heading if s.heading is not None else "(introduction)"
        n = len(s.blocks)
        words = f"{s.word_count} word{'' if s.word_count == 1 else 's'}"
        out.append(f"{indent}{heading}  [{words}, {n} block{'' if n == 1 else 's'}]")
    out += ["", f"faq ({len(article.faq)}):"]
    for f in article.faq:
        out.append(f"  Q: {f.question}")
        out.append(f"     A: {_clip(f.answer)}")
    out += ["", f"dropped ({len(article.dropped)}):"]
    for d in article.dropped:
        where = _lines(d.source)
        out.append(f"  {where:>12}  {_clip(d.text, 10)!r}  — {d.reason}")
    return "\n".join(out)


@click.command(name="inspect")
@click.argument("article", metavar="ARTICLE")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "html"]),
    default=None,
    help="Read the file as this format (default: by extension, else by content).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the Article as JSON.")
def command(article: str, fmt: str | None, as_json: bool) -> None:
    """Show what the reader understood of ARTICLE ('-' reads stdin): title, date, author,
    sections with word counts, FAQ items, and every line dropped as page furniture and why."""
    from repurpose.ingest import read_article

    result = read_article(article, fmt=fmt)
    if as_json:
        click.echo(json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        click.echo(report(result))

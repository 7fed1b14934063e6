"""`repurpose check`: render in memory and fail on any breach (limits, size, unsubscribe, FAQ)."""

from __future__ import annotations

import click

from repurpose.commands._articles import article_options, run


@click.command(name="check")
@article_options
def command(articles, only, platforms, url, templates, config_path, fmt):
    """Render each ARTICLE (nothing is written) and exit 1 on any breach.

    Breaches, one line each on stdout: a post over its platform's limit or link cap, email HTML over
    102 KB, a missing plain-text part, sending configured (smtp.host or email.audience) without
    email.unsubscribe_url or email.postal_address, FAQ JSON-LD invalid or different from the
    visible FAQ, a link without a scheme.
    """
    from repurpose.errors import CheckFailed
    from repurpose.render.checks import check_bundle
    from repurpose.ui import error, info

    def report(outcome):
        if outcome.error:
            error(outcome.error)

    settings, outcomes = run(
        articles,
        config_path=config_path,
        outdir=None,
        on_outcome=report,
        only=only,
        platforms=platforms or None,
        url=url,
        templates=templates,
        fmt=fmt,
    )
    breaches = 0
    for outcome in outcomes:
        if outcome.bundle is None:
            continue
        found = check_bundle(outcome.bundle, settings)
        for b in found:
            click.echo(f"{outcome.path}: [{b.code}] {b.message}")
        breaches += len(found)
    failed = sum(1 for o in outcomes if o.error)
    if failed and not breaches and len(outcomes) == 1:
        return 1  # its own error line says it all
    if breaches or failed:
        parts = []
        if breaches:
            parts.append(f"{breaches} breach{'es' if breaches != 1 else ''}")
        if failed:
            parts.append(f"{failed} article{'s' if failed != 1 else ''} failed to render")
        raise CheckFailed(f"check failed: {', '.join(parts)}")
    info(f"ok: {len(outcomes)} article{'s' if len(outcomes) != 1 else ''}, no breaches")
    return 0

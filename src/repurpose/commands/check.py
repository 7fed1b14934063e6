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
    from repurpose.render.checks import check_outcomes
    from repurpose.ui import error, info

    def show_error(outcome):
        if outcome.error:
            error(outcome.error)

    settings, outcomes = run(
        articles,
        config_path=config_path,
        outdir=None,
        on_outcome=show_error,
        only=only,
        platforms=platforms or None,
        url=url,
        templates=templates,
        fmt=fmt,
    )
    report = check_outcomes(outcomes, settings)
    for line in report.lines:
        click.echo(line)
    report.raise_for_failure()
    if report.ok:
        info(report.summary)
    return report.exit_code

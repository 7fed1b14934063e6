"""`repurpose render`: article(s) → OUTDIR/<slug>/ email, threads, FAQ and manifest.json."""

from __future__ import annotations

import click

from repurpose.commands._articles import article_options, run


@click.command(name="render")
@article_options
@click.option(
    "-o",
    "--outdir",
    default="out",
    show_default=True,
    type=click.Path(),
    help="Folder to write OUTDIR/<slug>/ into.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the manifest(s) as JSON to stdout.")
def command(articles, only, platforms, url, templates, config_path, fmt, outdir, as_json):
    """Render the email digest, social threads and FAQ snippet for each ARTICLE.

    ARTICLE is a .txt, .md or .html file, a folder of them, or - for stdin. Each article is
    written to OUTDIR/<slug>/ (slug from the file name): email.html, email.txt,
    thread.<platform>.txt, faq.html, faq.jsonld, faq.md and manifest.json. A file that fails is
    reported and the others still render; the exit code is 1 when any failed.
    """
    from repurpose.ui import error, info, warn

    def report(outcome):
        if outcome.error:
            error(outcome.error)
            return
        for w in outcome.bundle.warnings:
            warn(f"{outcome.path}: {w.message}")
        info(f"{outcome.path} → {outcome.written}/ ({len(outcome.bundle.files) + 1} files)")

    _, outcomes = run(
        articles,
        config_path=config_path,
        outdir=outdir,
        on_outcome=report,
        only=only,
        platforms=platforms or None,
        url=url,
        templates=templates,
        fmt=fmt,
    )
    done = [o for o in outcomes if o.bundle is not None]
    if as_json:
        manifests = [o.bundle.manifest for o in done]
        data = manifests[0] if len(outcomes) == 1 and manifests else manifests
        if manifests or len(outcomes) > 1:
            from repurpose.render.manifest import dumps

            click.echo(dumps(data), nl=False)
    failed = len(outcomes) - len(done)
    if len(outcomes) > 1:
        info(f"rendered {len(done)} of {len(outcomes)} articles into {outdir}/")
    if failed:
        if len(outcomes) > 1:  # one article: its own error line says it all
            error(f"{failed} of {len(outcomes)} articles failed")
        return 1
    return 0

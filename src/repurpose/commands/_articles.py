"""Options and the progress loop shared by `render` and `check`."""

from __future__ import annotations

import sys

import click

from repurpose.commands._options import config_option, templates_option
from repurpose.ui import state


def article_options(f):
    for decorator in reversed(
        [
            click.argument("articles", nargs=-1, required=True, metavar="ARTICLE..."),
            click.option(
                "--only",
                metavar="PARTS",
                help="Comma-separated parts to render: email, thread, faq (default: all).",
            ),
            click.option(
                "--platform",
                "platforms",
                multiple=True,
                metavar="NAME",
                help="Render threads for this platform only (repeatable; default: config).",
            ),
            click.option("--url", help="The article's public URL (overrides the article's own)."),
            templates_option,
            config_option,
            click.option(
                "--format",
                "fmt",
                type=click.Choice(["text", "markdown", "html"]),
                help="Force the input format (default: by extension, else sniffed).",
            ),
        ]
    ):
        f = decorator(f)
    return f


def run(articles, *, config_path, outdir, on_outcome, **options):
    """Load config, expand inputs, build them all (in parallel when many) with a progress bar."""
    from repurpose import pipeline
    from repurpose.config import load_settings

    settings = load_settings(config_path)
    paths = pipeline.expand_inputs(articles)
    if outdir is not None:
        pipeline.prepare_outdir(outdir)
    show_bar = len(paths) > 1 and not state.quiet and sys.stderr.isatty()
    if not show_bar:
        return settings, pipeline.build_many(
            paths, settings, outdir=outdir, on_done=on_outcome, **options
        )
    with click.progressbar(
        length=len(paths), label="Rendering", file=sys.stderr, show_pos=True
    ) as bar:

        def step(outcome):
            bar.update(1)
            on_outcome(outcome)

        return settings, pipeline.build_many(
            paths, settings, outdir=outdir, on_done=step, **options
        )

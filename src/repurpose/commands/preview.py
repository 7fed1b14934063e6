"""`repurpose preview`: the preview web app (live) or a static copy of it (--static DIR)."""

from __future__ import annotations

import click

from repurpose.commands._options import config_option, templates_option


@click.command(name="preview")
@click.argument("article", metavar="ARTICLE", type=click.Path(dir_okay=False))
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to bind; anything but loopback makes the preview reachable by others.",
)
@click.option(
    "--open/--no-open",
    "open_browser",
    default=False,
    show_default=True,
    help="Open the preview in the default browser.",
)
@templates_option
@config_option
@click.option(
    "--db",
    metavar="URL",
    help="Outbox database to show on the calendar: every item in it, not only this article's.",
)
@click.option(
    "--static",
    "static_dir",
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Write the preview as static files (index.html + assets) to DIR and exit.",
)
def command(article, port, host, open_browser, templates, config_path, db, static_dir):
    """Show ARTICLE's email, threads, FAQ and calendar in a browser, re-rendered on every save
    of the article, a template or the config."""
    from repurpose.preview.server import Options, export_static, serve

    opts = Options(article=article, config=config_path, templates=templates, db=db)
    if static_dir:
        index = export_static(opts, static_dir)
        click.echo(str(index))
        return 0
    serve(opts, host=host, port=port, open_browser=open_browser)
    return 0

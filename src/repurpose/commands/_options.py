"""Options several commands share, so their names and help read the same everywhere."""

from __future__ import annotations

import click

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="repurpose.toml to use (default: ./repurpose.toml when present).",
)

templates_option = click.option(
    "--templates",
    type=click.Path(file_okay=False),
    help="Folder of template overrides, searched before ./templates and the defaults.",
)

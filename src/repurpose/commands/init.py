"""`repurpose init [DIR]`: a starter workspace to customise (config, templates, calendars)."""

from __future__ import annotations

from pathlib import Path

import click

STARTER_CONFIG = """\
# repurpose.toml: brand and behaviour. Secrets (SMTP password, X tokens, webhook secrets) never
# live here; they come from environment variables. Uncomment and edit what you need.

[brand]
name = "Your Brand"
# site_url = "https://www.example.com"      # links to this site get UTM parameters
# article_url = "https://www.example.com/blog/{slug}/"  # when an article names no URL of its own
# logo_url = "https://www.example.com/logo.png"
# logo_alt = "Your Brand"
# primary_color = "#2f5d8a"
# text_color = "#1f2933"
# background_color = "#f4f5f7"
# dark_primary_color = "#8ab4e0"            # dark-mode colours
# dark_background_color = "#111418"
# dark_card_color = "#1c2128"
# dark_text_color = "#e6e9ee"

[email]
from_name = "Your Brand"
from_address = "newsletter@example.com"
# reply_to = "hello@example.com"
# postal_address = "1 Example Street, Springfield"      # required before sending
# unsubscribe_url = "https://www.example.com/unsubscribe?e={email}&t={token}"  # required before sending
# subject_prefix = ""
# audience = "audience.csv"                  # recipients: email, name, …
# suppression = "suppressed.txt"

[utm]
# enabled = true
# source = "repurpose"
# medium = "{channel}"                       # email, x, bluesky, …
# campaign = "{slug}"

[social]
# platforms = ["x", "bluesky", "mastodon", "linkedin", "threads"]
# min_posts = 5
# max_posts = 12
# numbering = " {i}/{n}"
# hashtags = 2
# fixed_hashtags = []
# limits = { mastodon = 500 }

# [smtp]
# host = "smtp.example.com"                  # user and password from REPURPOSE_SMTP_USER / _PASSWORD
# port = 587
"""


def _plan(root: Path) -> list[tuple[Path, Path | str]]:
    """(target, source file or text) for everything init writes."""
    from repurpose.resources import data_dir

    plan: list[tuple[Path, Path | str]] = [(root / "repurpose.toml", STARTER_CONFIG)]
    for name in ("templates", "schedules"):
        try:
            src = data_dir(name)
        except FileNotFoundError:
            continue
        for f in sorted(src.rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts:
                plan.append((root / name / f.relative_to(src), f))
    return plan


@click.command(name="init")
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def command(directory: str, force: bool) -> int:
    """Write a starter workspace into DIRECTORY (default: here): repurpose.toml with brand
    settings, templates/ (copies of the defaults, to override) and schedules/ (example
    calendars). Existing files are kept unless --force."""
    from repurpose.errors import RenderError
    from repurpose.ui import info

    root = Path(directory)
    plan = _plan(root)
    existing = [t for t, _ in plan if t.exists()]
    if existing and not force:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise RenderError(
            f"already exists{more}; nothing written (use --force to overwrite)",
            path=existing[0],
        )
    try:
        for target, source in plan:
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(source, Path):
                target.write_bytes(source.read_bytes())
            else:
                target.write_text(source, encoding="utf-8")
    except OSError as exc:
        raise RenderError(
            f"cannot write: {exc.strerror or exc}", path=exc.filename or root
        ) from None
    info(f"wrote {len(plan)} files to {root}/: repurpose.toml, templates/, schedules/")
    info("next: edit repurpose.toml, then `repurpose render ARTICLE`")
    return 0

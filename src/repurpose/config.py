"""repurpose.toml + environment → validated Settings.

The file holds brand and behaviour; secrets (SMTP password, X tokens, webhook secrets) come only
from environment variables and are never written anywhere. Errors name the file and the key.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from repurpose.errors import ConfigError

CONFIG_NAME = "repurpose.toml"


class Section_(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Brand(Section_):
    name: str = "Repurpose Demo"
    site_url: str | None = None  # links to this site get UTM parameters
    # The article's public URL when the article has none and no --url is given: a pattern in
    # which {slug} becomes the output folder name, e.g. "https://www.example.com/blog/{slug}/".
    article_url: str | None = None
    logo_url: str | None = None
    logo_alt: str | None = None
    primary_color: str = "#2f5d8a"
    text_color: str = "#1f2933"
    background_color: str = "#f4f5f7"
    dark_primary_color: str = "#8ab4e0"
    dark_background_color: str = "#111418"
    dark_card_color: str = "#1c2128"
    dark_text_color: str = "#e6e9ee"


class Email(Section_):
    from_name: str = "Repurpose Demo"
    from_address: str = "newsletter@example.com"
    reply_to: str | None = None
    postal_address: str | None = None
    # {email} and {token} are filled per recipient; must be https for one-click unsubscribe.
    unsubscribe_url: str | None = None
    unsubscribe_mailto: str | None = None
    subject_prefix: str = ""
    audience: str | None = None  # CSV of recipients (email, name, merge fields)
    suppression: str | None = None  # CSV/text of addresses never to mail


class Utm(Section_):
    enabled: bool = True
    source: str = "repurpose"
    medium: str = "{channel}"  # {channel} becomes email, x, bluesky, …
    campaign: str = "{slug}"


class Social(Section_):
    platforms: tuple[str, ...] = ("x", "bluesky", "mastodon", "linkedin", "threads")
    min_posts: int = Field(5, ge=1)
    max_posts: int = Field(12, ge=1)
    numbering: str = " {i}/{n}"
    hashtags: int = Field(2, ge=0, le=10)  # how many hashtags to derive; 0 for none
    fixed_hashtags: tuple[str, ...] = ()
    limits: dict[str, int] = {}  # per-platform overrides, e.g. {x = 25000, mastodon = 1000}

    @field_validator("limits")
    @classmethod
    def _known_platforms(cls, limits: dict[str, int]) -> dict[str, int]:
        # a misspelt platform or a zero limit would otherwise be ignored or fail much later
        from repurpose.platforms.rules import PLATFORMS

        for name, value in limits.items():
            if name not in PLATFORMS:
                raise ValueError(f"unknown platform {name!r} (known: {', '.join(PLATFORMS)})")
            if value < 1:
                raise ValueError(f"the {name} limit must be at least 1, not {value}")
        return limits


class Outbox(Section_):
    db: str = "sqlite:///repurpose.db"
    directory: str = "outbox"  # where the dry-run file sender writes


class Smtp(Section_):
    host: str | None = None
    port: int = 587
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username_env: str = "REPURPOSE_SMTP_USER"
    password_env: str = "REPURPOSE_SMTP_PASSWORD"
    rate_per_minute: int = Field(600, ge=1)
    timeout: float = 30.0


class X(Section_):
    api_base: str = "https://api.x.com"
    enabled: bool = True


class Webhook(Section_):
    url: str | None = None
    secret_env: str = "REPURPOSE_WEBHOOK_SECRET"


class Worker(Section_):
    max_attempts: int = Field(6, ge=1)
    backoff_base: float = Field(30.0, gt=0)  # seconds; doubles each attempt, with jitter
    backoff_max: float = Field(3600.0, gt=0)
    lease_seconds: int = Field(300, ge=10)
    poll_seconds: float = Field(30.0, gt=0)


class Settings(Section_):
    brand: Brand = Brand()
    email: Email = Email()
    utm: Utm = Utm()
    social: Social = Social()
    outbox: Outbox = Outbox()
    smtp: Smtp = Smtp()
    x: X = X()
    webhook: Webhook = Webhook()
    worker: Worker = Worker()
    templates: str | None = None  # folder of template overrides
    config_path: str | None = Field(None, exclude=True)


def find_config(explicit: str | Path | None = None, cwd: Path | None = None) -> Path | None:
    if explicit is not None:
        p = Path(explicit)
        if not p.is_file():
            raise ConfigError("config file not found", path=p)
        return p
    candidate = (cwd or Path.cwd()) / CONFIG_NAME
    return candidate if candidate.is_file() else None


def load_settings(explicit: str | Path | None = None, *, cwd: Path | None = None) -> Settings:
    """Read repurpose.toml (explicit, or from the working directory) and REPURPOSE_DB."""
    path = find_config(explicit, cwd)
    data: dict = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"malformed TOML: {exc}", path=path) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read: {exc}", path=path) from None
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "(top level)"
        msg = first["msg"]
        if first["type"] == "extra_forbidden":
            msg = "unknown key"
        elif first["type"] == "value_error":
            msg = msg.removeprefix("Value error, ")
        raise ConfigError(f"{key}: {msg}", path=path or CONFIG_NAME) from None
    updates = {"config_path": str(path) if path else None}
    if os.environ.get("REPURPOSE_DB"):
        updates["outbox"] = settings.outbox.model_copy(update={"db": os.environ["REPURPOSE_DB"]})
    return settings.model_copy(update=updates)

"""Composition → files (name → text) and the manifest, all through templates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from repurpose import merge
from repurpose.config import Settings
from repurpose.model import Composition, Warning_
from repurpose.render import environment
from repurpose.render import faq as faq_mod
from repurpose.render.filters import LinkRefs
from repurpose.render.manifest import build_manifest
from repurpose.render.mjml import compile_mjml

PARTS = ("email", "thread", "faq")
KB = 1024
EMAIL_WARN_BYTES = 90 * KB  # a warning in the manifest
EMAIL_MAX_BYTES = 102 * KB  # Gmail clips past this; `check` fails

EMAIL_TEMPLATE = "email/digest.mjml.j2"
TEXT_TEMPLATE = "email/digest.txt.j2"
FAQ_HTML_TEMPLATE = "faq/faq.html.j2"
FAQ_MD_TEMPLATE = "faq/faq.md.j2"
THREAD_BASE_TEMPLATE = "social/_thread.txt.j2"


@dataclass(frozen=True)
class Rendered:
    files: dict[str, str]
    manifest: dict
    warnings: tuple[Warning_, ...]


def thread_file(platform: str) -> str:
    return f"thread.{platform}.txt"


def unsubscribe_href(settings: Settings) -> str | None:
    """The per-recipient merge token when a URL pattern is configured, else a mailto, else none."""
    if settings.email.unsubscribe_url:
        return merge.token("unsubscribe_url")
    if settings.email.unsubscribe_mailto:
        return f"mailto:{settings.email.unsubscribe_mailto}?subject=unsubscribe"
    return None


def render_composition(
    composition: Composition,
    settings: Settings,
    *,
    only: Iterable[str] | None = None,
    templates: str | Path | None = None,
    cwd: Path | None = None,
) -> Rendered:
    parts = set(PARTS if only is None else only)
    if templates is None and settings.templates:
        # `templates` in repurpose.toml is relative to that file
        templates = Path(settings.templates)
        if not templates.is_absolute() and settings.config_path:
            templates = Path(settings.config_path).parent / templates
    search = environment.search_path(templates, cwd)
    article = composition.article
    base = {
        "article": article,
        "brand": settings.brand,
        "email": settings.email,
        "lang": article.lang or "en",
        "hashtags": composition.hashtags,
    }
    files: dict[str, str] = {}
    warnings = list(composition.warnings)
    email_info = None

    if "email" in parts:
        ctx = {
            **base,
            "digest": composition.digest,
            "faq": composition.faq,
            "unsubscribe_href": unsubscribe_href(settings),
        }
        mjml_src = environment.render(search, EMAIL_TEMPLATE, ctx)
        html = compile_mjml(mjml_src, template=EMAIL_TEMPLATE)
        text = environment.render(search, TEXT_TEMPLATE, {**ctx, "links": LinkRefs()})
        files["email.html"] = html
        files["email.txt"] = text
        size = len(html.encode("utf-8"))
        if size >= EMAIL_WARN_BYTES:
            warnings.append(
                Warning_(
                    code="email-size",
                    message=f"email HTML is {size / KB:.1f} KB; Gmail clips past "
                    f"{EMAIL_MAX_BYTES // KB} KB (warning at {EMAIL_WARN_BYTES // KB} KB)",
                )
            )
        email_info = {"html_bytes": size}

    if "thread" in parts:
        for thread in composition.threads:
            names = [f"social/{thread.platform}.txt.j2", THREAD_BASE_TEMPLATE]
            files[thread_file(thread.platform)] = environment.render(
                search, names, {**base, "thread": thread}
            )

    if "faq" in parts and composition.faq is not None and composition.faq.items:
        data = faq_mod.jsonld(composition.faq)
        jsonld_text = faq_mod.dumps(data)
        ctx = {**base, "faq": composition.faq, "jsonld": Markup(jsonld_text.rstrip("\n"))}
        files["faq.html"] = environment.render(search, FAQ_HTML_TEMPLATE, ctx)
        files["faq.jsonld"] = jsonld_text
        files["faq.md"] = environment.render(search, FAQ_MD_TEMPLATE, ctx)

    manifest = build_manifest(composition, files, parts, email_info, warnings)
    return Rendered(files=files, manifest=manifest, warnings=tuple(warnings))

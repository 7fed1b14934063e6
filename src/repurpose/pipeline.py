"""The single entry point the faces call: article file → Bundle (files + manifest) → folder.

bundle = build("post.md", settings, url=..., only={"email"}, platforms=["x"])
write_bundle(bundle, "out")   # → out/<slug>/email.html, …, manifest.json
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from repurpose.config import Settings
from repurpose.errors import RenderError, RepurposeError
from repurpose.model import Article, Composition, Warning_

PARTS = ("email", "thread", "faq")
# Files render writes; stale ones from an earlier render of the same article are removed.
_OWN_PATTERNS = ("email.html", "email.txt", "thread.*.txt", "faq.html", "faq.jsonld", "faq.md")


@dataclass(frozen=True)
class Bundle:
    slug: str
    article: Article
    composition: Composition
    files: dict[str, str]
    manifest: dict
    warnings: tuple[Warning_, ...] = ()

    @property
    def manifest_text(self) -> str:
        from repurpose.render.manifest import dumps

        return dumps(self.manifest)


def slug_for(path: str, article: Article | None = None) -> str:
    """The output folder name: the file stem as a slug (stdin: the title)."""
    from repurpose.ingest.build import slugify

    if path == "-":
        return slugify(article.title if article and article.title else "article")
    return slugify(Path(path).stem, max_len=80)


def article_url_for(settings: Settings, slug: str) -> str | None:
    """The configured URL pattern (brand.article_url) with {slug} filled in, or None."""
    pattern = (settings.brand.article_url or "").strip()
    return pattern.replace("{slug}", slug) if pattern else None


def parse_only(only: str | Iterable[str] | None) -> set[str] | None:
    """'email,thread' → {'email', 'thread'}; unknown names are an error naming the known ones."""
    if only is None:
        return None
    names = only.split(",") if isinstance(only, str) else list(only)
    parts: set[str] = set()
    for raw in names:
        for name in raw.split(","):
            name = name.strip().lower()
            if not name:
                continue
            name = {"threads": "thread", "emails": "email"}.get(name, name)
            if name not in PARTS:
                raise RepurposeError(f"--only: unknown part {name!r} (use {', '.join(PARTS)})")
            parts.add(name)
    return parts or None


def resolve_platforms(settings: Settings, platforms: Iterable[str] | None) -> Settings:
    """Validate platform names (from --platform, else config) and put them in the settings."""
    from repurpose.platforms import get_platform

    names = list(platforms) if platforms else list(settings.social.platforms)
    seen: list[str] = []
    for name in names:
        key = name.strip().lower()
        get_platform(key)  # PlatformError naming the known platforms
        if key not in seen:
            seen.append(key)
    if tuple(seen) == tuple(settings.social.platforms):
        return settings
    social = settings.social.model_copy(update={"platforms": tuple(seen)})
    return settings.model_copy(update={"social": social})


def build(
    path: str,
    settings: Settings,
    *,
    url: str | None = None,
    fmt: str | None = None,
    only: Iterable[str] | str | None = None,
    platforms: Iterable[str] | None = None,
    templates: str | Path | None = None,
    slug: str | None = None,
    cwd: Path | None = None,
) -> Bundle:
    """Read, compose and render one article. Article.url: `url`, else the article's own
    (front matter, canonical link), else brand.article_url from the config with {slug} filled."""
    from repurpose.compose import compose
    from repurpose.ingest import read_article
    from repurpose.render import render_composition

    parts = parse_only(only)
    settings = resolve_platforms(settings, platforms)
    article = read_article(path, fmt=fmt)
    if url:
        article = article.model_copy(update={"url": url})
    slug = slug or slug_for(path, article)
    if not (article.url or "").strip() and settings.brand.article_url:
        article = article.model_copy(update={"url": article_url_for(settings, slug)})
    composition = compose(article, settings, slug=slug)
    rendered = render_composition(composition, settings, only=parts, templates=templates, cwd=cwd)
    return Bundle(
        slug=slug,
        article=composition.article,
        composition=composition,
        files=rendered.files,
        manifest=rendered.manifest,
        warnings=rendered.warnings,
    )


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bundle(bundle: Bundle, outdir: str | Path) -> Path:
    """Write OUTDIR/<slug>/ (files, then manifest.json last); remove our stale files there."""
    from repurpose.render.manifest import MANIFEST

    target = Path(outdir) / bundle.slug
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name, text in sorted(bundle.files.items()):
            _write_atomic(target / name, text)
        for pattern in _OWN_PATTERNS:
            for old in sorted(target.glob(pattern)):
                if old.name not in bundle.files:
                    old.unlink()
        _write_atomic(target / MANIFEST, bundle.manifest_text)
    except OSError as exc:
        where = exc.filename or target
        raise RenderError(f"cannot write output: {exc.strerror or exc}", path=where) from None
    return target


# ---- many articles ------------------------------------------------------------------------

STDIN_NAME = "<stdin>"  # how errors name `-`
PARALLEL_MIN_FILES = 4  # below this a process pool costs more than it saves


@dataclass(frozen=True)
class Outcome:
    """What happened to one input: a bundle (and where it was written) or a one-line error."""

    path: str
    bundle: Bundle | None = None
    written: str | None = None
    error: str | None = None


def expand_inputs(args: Iterable[str]) -> list[str]:
    """Files as given; a directory becomes its article files (by extension), sorted, recursive,
    hidden files and folders skipped."""
    from repurpose.errors import InputError
    from repurpose.ingest import EXTENSIONS

    paths: list[str] = []
    for arg in args:
        p = Path(arg)
        if arg != "-" and p.is_dir():
            found = sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and f.suffix.lower() in EXTENSIONS
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
            if not found:
                exts = ", ".join(sorted(set(EXTENSIONS)))
                raise InputError(f"no article files ({exts}) in this folder", path=arg)
            paths.extend(str(f) for f in found)
        else:
            paths.append(arg)
    return paths


def unique_slugs(paths: list[str]) -> list[str | None]:
    """One output folder per input: a repeated stem gets -2, -3, … in input order."""
    used: set[str] = set()
    out: list[str | None] = []
    for path in paths:
        if path == "-":
            out.append(None)
            continue
        base = slug_for(path)
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        out.append(slug)
    return out


def prepare_outdir(outdir: str | Path) -> Path:
    """Create OUTDIR up front so an unwritable one fails once, before any rendering."""
    out = Path(outdir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".repurpose-probe-"):
            pass
    except OSError as exc:
        raise RenderError(
            f"output folder is not writable: {exc.strerror or exc}", path=out
        ) from None
    return out


def _one(job: tuple) -> Outcome:
    path, settings, options, outdir = job
    try:
        bundle = build(path, settings, **options)
        written = str(write_bundle(bundle, outdir)) if outdir is not None else None
        return Outcome(path=path, bundle=bundle, written=written)
    except RepurposeError as exc:
        message = str(exc)
        where = STDIN_NAME if path == "-" else path
        if exc.path is None or where not in message:
            message = f"{where}: {message}"
        return Outcome(path=path, error=message)
    except Exception as exc:  # one broken file must not stop the others
        where = STDIN_NAME if path == "-" else path
        return Outcome(path=path, error=f"{where}: unexpected {type(exc).__name__}: {exc}")


def build_many(
    paths: list[str],
    settings: Settings,
    *,
    outdir: str | Path | None = None,
    on_done=None,
    workers: int | None = None,
    **options,
) -> list[Outcome]:
    """Build (and write, when outdir is given) every path; results in input order.

    More than PARALLEL_MIN_FILES files render in a process pool sized to the cores. Options are
    build()'s keyword arguments; they are validated once here so a bad option fails once.
    """
    settings = resolve_platforms(settings, options.pop("platforms", None))
    options["only"] = parse_only(options.get("only"))
    if options.get("templates") is not None:
        from repurpose.render.environment import search_path

        search_path(options["templates"])  # a missing folder is one error, not one per file
        options["templates"] = str(Path(options["templates"]).resolve())
    slugs = unique_slugs(paths)
    jobs = [
        (path, settings, {**options, "slug": slug}, outdir)
        for path, slug in zip(paths, slugs, strict=True)
    ]
    cores = os.cpu_count() or 1
    n_workers = workers if workers is not None else min(cores, len(jobs))
    results: list[Outcome | None] = [None] * len(jobs)
    if len(jobs) > PARALLEL_MIN_FILES and n_workers > 1 and "-" not in paths:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=n_workers) as pool:
            futures = {pool.submit(_one, job): i for i, job in enumerate(jobs)}
            for fut in as_completed(futures):
                i = futures[fut]
                results[i] = fut.result()
                if on_done:
                    on_done(results[i])
    else:
        for i, job in enumerate(jobs):
            results[i] = _one(job)
            if on_done:
                on_done(results[i])
    return [r for r in results if r is not None]

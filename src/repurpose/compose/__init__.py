"""Compose: Article + Settings → Composition (digest, threads, FAQ snippet, hashtags, warnings).

Pure and deterministic: no I/O, no Jinja, no randomness; the same Article and Settings always
give an identical Composition. Every digest block, post and FAQ entry records the ids of the
blocks (or FAQ items) it came from.
"""

from __future__ import annotations

from repurpose.compose.digest import SUBJECT_MAX, compose_digest, hook_units
from repurpose.compose.faq import compose_faq
from repurpose.compose.hashtags import hashtags as derive_hashtags
from repurpose.compose.outline import outline
from repurpose.compose.sentences import ArticleIndex, split_sentences
from repurpose.compose.thread import SINGLE_POST_PLATFORMS, compose_single_post, compose_thread
from repurpose.config import Settings
from repurpose.links import has_scheme, is_web_url, site_host, with_utm, with_utm_in_text
from repurpose.model import Article, Composition, Warning_

__all__ = ["compose", "split_sentences"]


def compose(article: Article, settings: Settings, *, slug: str) -> Composition:
    warnings: list[Warning_] = []
    plan = outline(article)
    index = ArticleIndex(article.sections, [g.sections for g in plan.all_groups])
    hook = hook_units(index, plan)
    faq = compose_faq(article)
    if faq is None:
        warnings.append(
            Warning_(
                code="no-faq",
                message="no FAQ: the article has no FAQ section and no question headings, "
                "so no FAQ files are made",
            )
        )

    link: str | None = None
    if article.url and is_web_url(article.url):
        link = article.url.strip()
    elif article.url:
        problem = "has no scheme" if not has_scheme(article.url) else "is not a web address"
        warnings.append(
            Warning_(
                code="bad-url",
                message=f"the article URL {article.url!r} {problem}: it is left out "
                "(use a full https:// address)",
            )
        )
    if link is None:
        warnings.append(
            Warning_(
                code="no-url",
                message="the article's URL is unknown: the email has no call to action and the "
                "posts no link (pass --url, set it in the article, or set brand.article_url in "
                "repurpose.toml)",
            )
        )
    site = site_host(settings.brand.site_url, link)

    def tagged(channel: str) -> str | None:
        if link is None:
            return None
        return with_utm(link, settings.utm, channel=channel, slug=slug, site_url=site)

    tags = derive_hashtags(
        article,
        settings.social.hashtags,
        settings.social.fixed_hashtags,
        sentences=index.sentences,
    )
    digest = compose_digest(
        article,
        index,
        plan,
        hook,
        faq,
        subject_prefix=settings.email.subject_prefix,
        cta_url=tagged("email"),
    )
    if site is not None and settings.utm.enabled:
        # links to the article's own site inside the quoted text get the email's UTM too
        def email_links(text: str) -> str:
            return with_utm_in_text(text, settings.utm, channel="email", slug=slug, site_url=site)

        digest = digest.model_copy(
            update={
                "intro": email_links(digest.intro),
                "blocks": tuple(
                    b.model_copy(update={"text": email_links(b.text)}) for b in digest.blocks
                ),
            }
        )
    if len(digest.subject) > SUBJECT_MAX:
        warnings.append(
            Warning_(
                code="long-subject",
                message=f"the subject is {len(digest.subject)} characters (aim for "
                f"{SUBJECT_MAX} or fewer): shorten the title or the subject prefix",
            )
        )
    if not digest.blocks:
        warnings.append(
            Warning_(
                code="no-sections",
                message="the article has no section with prose to summarise: the digest has "
                "no section blocks",
            )
        )

    threads = []
    if settings.social.platforms:
        from repurpose.platforms import get_platform
    for name in settings.social.platforms:
        platform = get_platform(name, limit=settings.social.limits.get(name))
        args = (platform, article, settings, index, plan, hook, tags, tagged(platform.name))
        thread = None
        if platform.name in SINGLE_POST_PLATFORMS:
            thread = compose_single_post(*args)
        if thread is None:
            thread = compose_thread(*args)
        threads.append(thread)
        over = [i for i, p in enumerate(thread.posts, 1) if p.length > thread.limit]
        if over:
            warnings.append(
                Warning_(
                    code="post-too-long",
                    message=f"{platform.label} post {over[0]} is over {thread.limit} characters",
                )
            )

    return Composition(
        article=article,
        digest=digest,
        threads=tuple(threads),
        faq=faq,
        hashtags=tags,
        warnings=tuple(warnings),
    )

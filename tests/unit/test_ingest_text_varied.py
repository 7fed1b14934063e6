"""Plain-text reader on the shapes marketers paste: newsletters, blog pages, news, listicles …

Each fixture is written for these tests (own prose). For each one the exact title, the section
headings with their levels, the FAQ questions, how many paragraphs survive (so real content after
mid-article furniture is not lost) and that no furniture line reached a block are asserted.
"""

from __future__ import annotations

import re

import pytest

from repurpose.ingest import read_article
from repurpose.model import Article, Image, ListBlock, Paragraph

from ..conftest import FIXTURES
from .test_ingest_text import assert_no_furniture_in_blocks, assert_sources_in_order, headings

TEXT = FIXTURES / "text"


def load(name: str) -> Article:
    return read_article(str(TEXT / name))


def paragraphs(a: Article) -> list[str]:
    return [b.text for b in a.blocks() if isinstance(b, Paragraph)]


def kept_text(a: Article) -> str:
    parts = [a.title, *(s.heading or "" for s in a.sections)]
    for b in a.blocks():
        parts.extend(b.items if isinstance(b, ListBlock) else [getattr(b, "text", "")])
        if isinstance(b, Image):
            parts.append(b.alt)
    parts.extend(f"{f.question}\n{f.answer}" for f in a.faq)
    return "\n".join(parts)


def dropped(a: Article) -> set[str]:
    return {d.text for d in a.dropped}


def check(a: Article) -> None:
    """No dropped line in any block, FAQ item, heading or the title.

    A table of contents repeats the headings by nature: its lines may only match headings."""
    contents = {d.text for d in a.dropped if d.reason.startswith("table of contents")}
    if contents:
        blocks = [kept_text(a.model_copy(update={"sections": ()}))]
        for b in a.blocks():
            blocks.extend(b.items if isinstance(b, ListBlock) else [getattr(b, "text", "")])
        assert not contents & set("\n".join(blocks).split("\n"))
        heads = {s.heading for s in a.sections}
        repeated = {t for t in contents if re.sub(r"^\d+[.)]\s+", "", t) in heads}
        assert repeated
        rest = tuple(d for d in a.dropped if d.text not in repeated)
        a = a.model_copy(update={"dropped": rest})
    assert_no_furniture_in_blocks(a)
    assert_sources_in_order(a)


def test_newsletter_copied_from_an_email():
    a = load("newsletter-email.txt")
    assert a.title == "Three Small Habits That Make Shop Floors Safer"
    assert headings(a) == [
        (2, None),
        (2, "The two-minute walk"),
        (2, "Tools back where they live"),
        (2, "Say the hazard out loud"),
    ]
    assert a.faq == ()
    paras = paragraphs(a)
    assert len(paras) == 7
    assert paras[0].startswith("Every quarter we ask")
    assert paras[-1].startswith("The last habit is the simplest")
    # the closing call to reply, the valediction and the name: a sign-off, with its reason
    signoff = {d.text[:25]: d.reason for d in a.dropped if d.reason.startswith("closing")}
    assert set(signoff) == {"That is all for this week", "Cheers,", "Maya Lindgren"}
    text = kept_text(a)
    for furniture in (
        "View in browser",
        "Hi there,",
        "sponsored",
        "FIELD15",
        "Shop now",
        "Cheers,",
        "Maya Lindgren",
        "Unsubscribe",
        "Forward this email",
        "Mill Lane",
    ):
        assert furniture not in text, furniture
    check(a)


def test_wordpress_page_with_contents_author_box_and_headless_comments():
    a = load("wordpress-toc-comments.txt")
    assert a.title == "How to Start a Compost Bin on a Small Balcony"
    assert a.author == "Lena Hart"
    assert str(a.published) == "2024-04-09"
    assert headings(a) == [
        (2, None),
        (2, "Why Compost on a Balcony"),
        (2, "Choosing a Container"),
        (2, "What Goes In and What Stays Out"),
        (2, "Keeping Smells Away"),
        (2, "Using the Finished Compost"),
    ]
    assert a.faq == ()
    paras = paragraphs(a)
    assert len(paras) == 8
    assert paras[0].startswith("You do not need a garden")
    assert paras[-1].startswith("After two to four months")
    lists = [b for b in a.blocks() if isinstance(b, ListBlock)]
    assert len(lists) == 1 and len(lists[0].items) == 3
    # the contents list is dropped (its lines are the headings, once)
    assert {"Table of Contents", "Skip to content", "Home » Gardening » Composting"} <= dropped(a)
    text = kept_text(a)
    for furniture in (
        "writes about growing food",
        "Tags:",
        "Pinterest",
        "You may also like",
        "Strawberries",
        "Tomasz",
        "worm bin last spring",
        "bokashi bucket smell",
        "Reply",
        "Post Comment",
        "Website",
    ):
        assert furniture not in text, furniture
    check(a)


def test_news_story_with_ads_read_more_and_a_related_box_mid_article():
    a = load("news-ads-related.txt")
    assert a.title == "City Council Approves Night Buses for the Eastern Suburbs"
    assert a.author == "Rosa Delgado"
    assert str(a.published) == "2024-10-22"
    assert headings(a) == [
        (2, None),
        (2, "How the routes were chosen"),
        (2, "What it will cost"),
    ]
    paras = paragraphs(a)
    assert len(paras) == 8
    # the text after the "Read more" line, the related box and the ads is still the article
    assert any(p.startswith("The transit authority expects") for p in paras)
    assert paras[-1].startswith("Drivers' union representative")
    # photo captions are images, not paragraphs or headings
    images = [b for b in a.blocks() if isinstance(b, Image)]
    assert [i.alt for i in images] == [
        "A night bus leaves the central station during a trial run last month.",
        "The driver of the trial bus waits at the hospital stop.",
    ]
    text = kept_text(a)
    for furniture in (
        "Advertisement",
        "Read more",
        "Tram fares",
        "Cycle lanes",
        "Most Read",
        "Storm warning",
        "All rights reserved",
        "Weather",
    ):
        assert furniture not in text, furniture
    check(a)


def test_listicle_with_numbered_headings():
    a = load("listicle-numbered.txt")
    assert a.title == "7 Ways to Write Subject Lines People Actually Open"
    assert str(a.published) == "2025-02-05"
    assert headings(a) == [
        (2, None),
        (2, "1. Lead with the reader's problem"),
        (2, "2. Keep it under fifty characters"),
        (2, "3. Use numbers when you have them"),
        (2, "4. Avoid words that sound like an advert"),
        (2, "5. Write the preview text on purpose"),
        (2, "6. Test one change at a time"),
        (2, "7. Read it out loud"),
    ]
    assert not any(isinstance(b, ListBlock) for b in a.blocks())
    assert len(paragraphs(a)) == 9
    text = kept_text(a)
    for furniture in (
        "Blog / Marketing",
        "Share this article",
        "LinkedIn",
        "Recommended",
        "Grow a List",
    ):
        assert furniture not in text, furniture
    check(a)


def test_recipe_with_steps_and_q_dot_faq():
    a = load("recipe-howto-faq.txt")
    assert a.title == "Easy Overnight Oat Bread"
    assert headings(a) == [(2, None), (2, "Ingredients"), (2, "Method")]
    lists = [b for b in a.blocks() if isinstance(b, ListBlock)]
    assert [(len(b.items), b.ordered) for b in lists] == [(6, False), (5, True)]
    assert [f.question for f in a.faq] == [
        "Can I use wholemeal flour instead of white flour?",
        "My kitchen is very warm. Will the dough over-rise?",
        "How do I store the bread?",
    ]
    assert a.faq[2].answer == (
        "Keep it cut side down on a board for up to two days.\n\n"
        "For longer storage, slice the loaf and freeze the slices in a bag, then toast them "
        "straight from the freezer."
    )
    assert len(paragraphs(a)) == 2
    text = kept_text(a)
    for furniture in ("Jump to Recipe", "Print Recipe", "Recipes ›", "Tag us", "Rate this", "★"):
        assert furniture not in text, furniture
    check(a)


def test_page_copied_without_blank_lines():
    a = load("no-blank-lines.txt")
    assert a.title == "Why Our Library Opened on Sundays"
    assert str(a.published) == "2025-03-18"
    assert headings(a) == [
        (2, None),
        (2, "The Case for Opening"),
        (2, "Who Came Through the Door"),
        (2, "Paying for the Extra Hours"),
        (2, "What Happens Next"),
    ]
    paras = paragraphs(a)
    assert len(paras) == 7  # single newlines separate paragraphs: none are glued together
    assert paras[2].startswith("The staff proposed a trial")
    check(a)


def test_question_headings_are_headings_not_an_faq():
    a = load("question-headings.txt")
    assert a.title == "Is Remote Work Here to Stay for Small Agencies?"
    assert str(a.published) == "2025-01-27"
    assert headings(a) == [
        (2, None),
        (2, "Who Went Back to the Office?"),
        (2, "What Did Agencies Give Up?"),
        (2, "The Hiring Picture"),
        (2, "Does Culture Suffer?"),
        (2, "Looking Ahead"),
    ]
    assert a.faq == ()
    assert len(paragraphs(a)) == 8
    check(a)


def test_cookie_banner_and_signup_block_mid_article():
    a = load("cookie-signup.txt")
    assert a.title == "Trail Running for Complete Beginners"
    assert a.description == "A gentle guide to leaving the pavement behind"
    assert headings(a) == [
        (2, None),
        (2, "Start Slower Than You Think"),
        (2, "Shoes Matter More Than Anything Else"),
        (2, "Learn to Read the Ground"),
        (2, "Tell Someone Where You Are Going"),
    ]
    paras = paragraphs(a)
    assert len(paras) == 7
    assert paras[3].startswith("Look three or four steps ahead")  # after the signup block
    text = kept_text(a)
    for furniture in (
        "cookies",
        "Accept all",
        "weekly running tips",
        "Join 20,000",
        "Enter your email",
        "Subscribe",
        "No spam",
        "Privacy Policy",
        "©",
    ):
        assert furniture not in text, furniture
    check(a)


def test_related_headlines_with_blank_lines_between_them():
    """The same news page with its mid-article related list spread over separate lines."""
    from repurpose.ingest.text import read

    text = (TEXT / "news-ads-related.txt").read_text(encoding="utf-8")
    box = "Related\nTram fares to rise by five percent in spring\nCycle lanes on the ring road"
    assert box in text
    text = text.replace(box, box.replace("Related", "Related stories").replace("\n", "\n\n"))
    text = text.replace("next week\nStation car", "next week\n\nStation car")
    a = read(text, path="news.txt")
    assert headings(a) == [(2, None), (2, "How the routes were chosen"), (2, "What it will cost")]
    assert len(paragraphs(a)) == 8
    assert "Tram fares" not in kept_text(a) and "Station car park" not in kept_text(a)
    check(a)


def test_numbered_contents_list_with_a_colon_header():
    from repurpose.ingest.text import read

    text = (TEXT / "wordpress-toc-comments.txt").read_text(encoding="utf-8")
    toc = text[text.index("Table of Contents") : text.index("\n\nYou do not need")]
    items = toc.split("\n")[1:]
    numbered = "In this article:\n\n" + "\n".join(f"{n}. {t}" for n, t in enumerate(items, 1))
    a = read(text.replace(toc, numbered), path="compost.txt")
    assert a.title == "How to Start a Compost Bin on a Small Balcony"
    assert [h for _, h in headings(a)] == [None, *items]
    assert "In this article:" in dropped(a)
    assert not any(isinstance(b, ListBlock) and len(b.items) == 5 for b in a.blocks())
    check(a)


def test_paragraph_glued_to_a_widget_line_stays():
    """A share line right under a paragraph (no blank line) is dropped; the paragraph is not."""
    from repurpose.ingest.text import read

    glued = (
        "The second paragraph also has plenty of words so that the reader sees it as prose, "
        "and a share row sits right under it with no blank line at all in between them."
    )
    text = (
        "My Small Test Title\n\n"
        "The first paragraph of the article is long enough to be prose, and it tells the reader "
        "what is going on here today.\n\n"
        f"{glued}\nShare this:\n\n"
        "The third paragraph comes after, with its own words and enough of them to count as "
        "ordinary article prose for the reader.\n"
    )
    a = read(text, path="x.txt")
    assert len(paragraphs(a)) == 3 and paragraphs(a)[1] == glued
    assert [d.text for d in a.dropped] == ["Share this:"]


def test_q_dot_a_dot_pairs_without_an_faq_heading():
    """'Q.'/'A.' and 'Question 3:'/'Answer:' lines are question and answer, not a lettered list
    or a heading; an answer keeps its second paragraph."""
    a = load("qa-dotted-faq.txt")
    assert a.title == "Heat Pump Questions Answered"
    assert headings(a) == [(2, None)]
    assert paragraphs(a) == [
        "Our engineers install about forty heat pumps a month across the county, and the same "
        "few questions come up on almost every visit. We have collected the answers here so you "
        "can read them before we arrive."
    ]
    assert [(f.question, f.source.lines) for f in a.faq] == [
        ("How noisy is a heat pump?", (7, 8)),
        ("Does it work in freezing weather?", (10, 13)),
        ("Will I need bigger radiators?", (15, 16)),
    ]
    assert a.faq[1].answer.endswith("\n\nIt also helps to keep the unit clear of snow and leaves.")
    assert a.faq[2].answer.startswith("Sometimes. We check")
    assert {"Home | Services | Contact", "Share this page", "© 2025 Warm Homes Ltd"} <= dropped(a)
    check(a)


def test_faq_page_of_plain_question_lines():
    """A page titled as an FAQ whose questions are plain sentence-case lines, some long enough to
    read as prose: every question is an item, the title is the FAQ's name."""
    a = load("faq-document-plain-questions.txt")
    assert a.title == "Frequently Asked Questions About Allotments"
    assert str(a.published) == "2024-05-04"
    assert a.sections == ()
    assert [f.question for f in a.faq] == [
        "How long is the waiting list?",
        "Can I share a plot with a friend?",
        "What can I grow?",
        "Is there water on site?",
    ]
    assert a.faq[1].answer.startswith("Yes. Add their name")
    check(a)


# ---- other languages in Latin script ------------------------------------------------------------


def test_french_scraped_article_with_furniture_before_and_after():
    a = load("scraped-french.txt")
    assert a.title == "Pourquoi les petites boulangeries résistent mieux que prévu"
    assert str(a.published) == "2024-03-14"
    assert headings(a) == [
        (2, None),
        (2, "Un pain qui change avec les saisons"),
        (2, "Des horaires pensés pour le quartier"),
        (3, "Ce que les clients disent"),
        (2, "Une équipe stable"),
    ]
    paras = paragraphs(a)
    assert len(paras) == 7
    assert paras[0].startswith("Depuis trois ans")
    assert paras[-1].startswith("Enfin, les boulangeries")
    text = kept_text(a)
    for furniture in (
        "Accueil",
        "Se connecter",
        "Économie locale",
        "Partager",
        "À lire aussi",
        "Le prix du blé",
        "Commentaires",
        "Envoyer",
        "Tous droits",
        "cookies",
    ):
        assert furniture not in text, furniture
    why = {d.text: d.reason for d in a.dropped}
    assert (
        why["Accueil | Actualités | Économie | Sport | Culture"] == "navigation before the article"
    )
    assert why["Se connecter"] == "navigation before the article"
    assert why["Partager sur Facebook"] == "share prompt inside the article"
    assert why["À lire aussi"] == "related/popular list after the article"
    assert (
        why["Le prix du blé atteint un nouveau record"] == "related/popular list after the article"
    )
    assert why["Commentaires (3)"] == "comment thread or form after the article"
    assert why["Laisser un commentaire"] == "comment thread or form after the article"
    assert why["Envoyer"] == "comment thread or form after the article"
    assert not [t for t, r in why.items() if "widget" in r]
    check(a)


def test_german_scraped_article_with_byline_and_furniture_before_and_after():
    a = load("scraped-german.txt")
    assert a.title == "Warum kleine Fahrradwerkstätten die Krise überstehen"
    assert a.author == "Anna Keller"
    assert str(a.published) == "2024-03-03"
    assert headings(a) == [
        (2, None),
        (2, "Reparieren statt verkaufen"),
        (2, "Termine, die zum Alltag passen"),
        (2, "Ausbildung im eigenen Betrieb"),
    ]
    paras = paragraphs(a)
    assert len(paras) == 7
    assert paras[0].startswith("Seit Jahren heißt es")
    assert paras[-1].startswith("Fast alle Inhaber")
    text = kept_text(a)
    for furniture in (
        "Startseite",
        "Anmelden",
        "Newsletter",
        "Teilen",
        "Drucken",
        "könnte Sie auch",
        "Radwege",
        "Kommentar",
        "Absenden",
        "Impressum",
        "Stadtanzeiger",
    ):
        assert furniture not in text, furniture
    why = {d.text: d.reason for d in a.dropped}
    assert why["Startseite › Wirtschaft › Handwerk"] == "navigation before the article"
    assert why["Teilen"] == why["Drucken"] == "share prompt inside the article"
    assert why["Das könnte Sie auch interessieren"] == "related/popular list after the article"
    assert why["So finden Sie die passende Werkstatt"] == "related/popular list after the article"
    assert why["Kommentare (12)"] == "comment thread or form after the article"
    assert why["Kommentar schreiben"] == "comment thread or form after the article"
    assert why["Datenschutz | Impressum | Cookie-Einstellungen"] == (
        "site footer (legal) after the article"
    )
    assert not [t for t, r in why.items() if "widget" in r]
    check(a)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Partager sur Facebook", "share"),
        ("Teilen", "share"),
        ("Compartir en WhatsApp", "share"),
        ("Abonnez-vous à notre newsletter", "subscribe"),
        ("Newsletter abonnieren", "subscribe"),
        ("Suscríbete al boletín", "subscribe"),
        ("Suivez-nous sur Instagram", "subscribe"),
        ("Folgen Sie uns", "subscribe"),
        ("Síguenos en redes", "subscribe"),
        ("Laisser un commentaire", "comments"),
        ("Kommentar schreiben", "comments"),
        ("Deja un comentario", "comments"),
        ("3 commentaires", "comments"),
        ("À lire aussi", "related"),
        ("Lire la suite", "related"),
        ("Das könnte Sie auch interessieren", "related"),
        ("Mehr zum Thema", "related"),
        ("Artículos relacionados", "related"),
        ("Te puede interesar", "related"),
        ("Nous utilisons des cookies pour améliorer votre expérience.", "cookie"),
        ("Wir verwenden Cookies, um unsere Website zu verbessern.", "cookie"),
        ("Utilizamos cookies para mejorar tu experiencia.", "cookie"),
        ("Alle akzeptieren", "cookie"),
        ("Publicité", "ad"),
        ("Anzeige", "ad"),
        ("Publicidad", "ad"),
        ("Tous droits réservés", "legal"),
        ("Todos los derechos reservados", "legal"),
    ],
)
def test_furniture_cue_words_in_french_german_and_spanish(line, kind):
    from repurpose.ingest import furniture as fu

    found = fu.cue(line)
    assert found is not None and found.kind == kind and found.strength >= 0.6, found


@pytest.mark.parametrize(
    "line",
    [
        "Nous avons décidé de partager le four avec la boulangerie voisine pendant l'hiver.",
        "Die beiden Werkstätten teilen sich seit dem Frühjahr einen Lagerraum am Stadtrand.",
        "Los vecinos empezaron a compartir las herramientas del taller los fines de semana.",
        "Suivre les saisons",
        "Teilen statt besitzen",
    ],
)
def test_prose_and_headings_that_use_a_cue_word_are_not_furniture(line):
    from repurpose.ingest import furniture as fu

    found = fu.cue(line)
    assert found is None or found.strength < 0.6, found


def test_sentences_in_six_languages_are_prose_and_their_dates_are_read():
    from repurpose.ingest import furniture as fu

    sentences = {
        "fr": "Les artisans expliquent ce succès par trois choix simples qui ne coûtent rien.",
        "de": "Die Werkstätten verdienen ihr Geld nicht mit neuen Rädern, sondern mit Reparaturen.",
        "es": "Los talleres ganan su dinero con las reparaciones y no con la venta de bicicletas.",
        "it": "Le botteghe guadagnano con le riparazioni e non con la vendita delle biciclette.",
        "pt": "As oficinas ganham dinheiro com os consertos e não com a venda de bicicletas.",
        "nl": "De werkplaatsen verdienen hun geld met reparaties en niet met de verkoop van fietsen.",
    }
    for lang, sentence in sentences.items():
        assert fu.stopword_ratio(fu.words(sentence)) >= 0.25, lang
    # a menu in any of them is still no sentence
    assert fu.stopword_ratio(fu.words("Accueil Actualités Économie Sport Culture")) < 0.15
    for line, iso in (
        ("Publié le 14 mars 2024", "2024-03-14"),
        ("Veröffentlicht am 3. März 2024, 14:05 Uhr", "2024-03-03"),
        ("Publicado el 5 de mayo de 2024", "2024-05-05"),
        ("Pubblicato il 12 settembre 2023", "2023-09-12"),
        ("Publicado em 7 de outubro de 2022", "2022-10-07"),
        ("Gepubliceerd op 1 januari 2024", "2024-01-01"),
    ):
        assert str(fu.dateline(line)) == iso, line

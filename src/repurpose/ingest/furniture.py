"""Signals that tell page furniture from article prose, shared by the readers.

Nothing here knows any particular site. Each function measures one general trait of a line —
sentence shape, stopword density, link density, template syntax, a small vocabulary of generic
furniture cue words ("share", "subscribe", "comment", "related", "cookie" …) — and the readers
weigh these against position (before, inside or after the main run of prose).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


STOPWORDS = _set(
    "a about above after again against all also am an and any are as at be because been "
    "before being below between both but by can could did do does doing down during each "
    "few for from further had has have having he her here hers him his how i if in into is "
    "it its itself just me more most my no nor not now of off on once only or other our "
    "ours out over own same she should so some such than that the their theirs them then "
    "there these they this those through to too under until up very was we were what when "
    "where which while who whom why will with would you your yours isn't it's don't doesn't "
    "can't won't i'm we're they're you're "
)

# Generic furniture vocabulary, by the kind of widget it names. One signal among several.
CUES: dict[str, frozenset[str]] = {
    "comments": _set(
        "comment comments commenting commented reply replies discussion disqus responses "
        "rate rating ratings "
    ),
    "related": _set(
        "related popular trending recommended recent latest must-read picks read next "
    ),
    "share": _set(
        "share shares sharing shared tweet pin pinterest facebook twitter linkedin whatsapp "
        "reddit telegram print copy link email mail "
    ),
    "subscribe": _set(
        "subscribe subscribed subscription newsletter signup inbox unsubscribe follow "
    ),
    "cookie": frozenset(["cookie", "cookies", "consent", "gdpr"]),
    "ad": frozenset(
        ["advertisement", "advertisements", "advertising", "sponsored", "ads", "ad", "promoted"]
    ),
    "navigation": _set(
        "home menu search login logout register account skip navigation toggle sitemap "
    ),
    "legal": frozenset(
        ["copyright", "©", "reserved", "rights", "terms", "privacy", "disclaimer", "policy"]
    ),
    "tags": frozenset(["tags", "tagged", "category", "categories", "filed"]),
    "form": _set("name email website required submit enter captcha password username cancel "),
}
# The same vocabulary in French, German and Spanish ("Partager", "Teilen", "Compartir" …):
# scraped pages in those languages carry the same widgets. Words that are also ordinary prose
# words there ("lire", "folgen", "seguir") are left to the phrases below.
for _kind, _words in {
    "comments": "commentaire commentaires commenter répondre réponse réponses avis kommentar "
    "kommentare kommentieren antworten antwort diskussion comentario comentarios comentar "
    "responder respuesta respuestas",
    "related": "similaires populaires populaire recommandés tendances ähnliche beliebt "
    "beliebteste meistgelesen meistgelesene empfohlen empfehlungen weiterlesen relacionados "
    "relacionadas populares recomendados recientes tendencias",
    "share": "partager partagez partage imprimer teilen drucken compartir comparte compártelo "
    "imprimir",
    "subscribe": "abonner s'abonner s’abonner abonnez-vous abonnement inscrivez-vous infolettre "
    "suivez-nous abonnieren abonnement abonniere anmelden abmelden registrieren suscribirse "
    "suscríbete suscripción boletín síguenos",
    "cookie": "consentement einwilligung consentimiento cookie-einstellungen cookie-richtlinie",
    "ad": "publicité publicités sponsorisé sponsorisée anzeige werbung gesponsert publicidad "
    "anuncio anuncios patrocinado patrocinada",
    "navigation": "accueil rechercher recherche connexion startseite suche suchen menü inicio "
    "buscar búsqueda menú",
    "legal": "droits réservés mentions légales confidentialité datenschutz impressum "
    "vorbehalten agb derechos reservados privacidad",
    "tags": "étiquettes catégorie catégories mots-clés schlagwörter schlagworte kategorie "
    "kategorien etiquetas categoría categorías",
    "form": "envoyer obligatoire annuler absenden senden pflichtfeld abbrechen passwort "
    "benutzername enviar obligatorio cancelar contraseña",
}.items():
    CUES[_kind] = CUES[_kind] | _set(_words)
# Words that neither make nor break furniture ("Related *Posts*", "Leave a *Reply*").
FILLER = _set(
    "post posts article articles story stories news items links week today now more all "
    "here below leave please us via widget section "
    # fr, de, es
    "artikel beitrag beiträge artículo artículos entrada entradas actualités nachrichten "
    "noticias ici hier aquí uns laisser hinterlassen dejar deja "
)
CUE_WORDS: dict[str, str] = {}
for _kind, _words in CUES.items():
    for _w in _words:
        CUE_WORDS.setdefault(_w, _kind)

PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.I), kind)
    for p, kind in (
        (
            r"\bleave a (reply|comment|review|rating)\b|\bpost (a )?comment\b|\bjoin the (discussion|conversation)",
            "comments",
        ),
        (r"\byour email address will not be published|\brequired fields are marked", "form"),
        (r"\bplease enter your\b|\bsave my name\b|\bnotify me of\b", "form"),
        (
            r"\byou (may|might) also like\b|\bmore (from|stories|articles|posts|like this)\b",
            "related",
        ),
        (
            r"\b(read|see) (more|next|also)\b|\balso read\b|\bmost (read|viewed|popular)\b",
            "related",
        ),
        (r"\btop stories\b|\beditor'?s'? picks?\b|\bdon'?t miss\b", "related"),
        (r"\bsign (up|in)\b|\blog ?in\b|\bget (the|our) (latest|newsletter)", "subscribe"),
        (r"\b(we|this (site|website)) uses? cookies\b|\baccept (all )?cookies\b", "cookie"),
        (r"\ball rights reserved\b|^\s*(©|\(c\)|copyright)\s", "legal"),
        (r"\bskip to (main )?content\b|\b(back|scroll) to top\b", "navigation"),
        (r"\babout the author\b", "author"),
        (r"^\W*\d+\s*(min|mins|minutes?)\.?\s*(read|reading|listen)\b", "reading-time"),
        (r"^\s*(tags|tagged|tagged with|filed under|categories|category|topics)\s*:", "tags"),
        (r"^\s*(share|tweet|pin|email|print)( (this|on \w+|article|story|post))?:?\s*$", "share"),
        (r"\btag us\b", "share"),
        # the same in French, German and Spanish
        (
            r"\blaisser un (commentaire|avis)\b|\bécrire un commentaire\b|\bkommentar "
            r"(schreiben|verfassen)\b|\bdeja(r)? (un|una) (comentario|respuesta)\b",
            "comments",
        ),
        (
            r"\b(à )?lire aussi\b|\blire la suite\b|\bvoir aussi\b|\bles plus lus\b|"
            r"\bsur le même sujet\b|\bdas könnte sie auch interessieren\b|\bmehr zum thema\b|"
            r"\blesen sie auch\b|\bauch interessant\b|\bweitere artikel\b|\bleer más\b|"
            r"\blee también\b|\bte puede interesar\b|\blo más leído\b",
            "related",
        ),
        (
            r"\bsuivez[- ]nous\b|\bfolgen sie uns\b|\bfolge uns\b|\bsíguenos\b|"
            r"\bse connecter\b|\bs['’]inscrire\b|\biniciar sesión\b|\bregístrate\b",
            "subscribe",
        ),
        (
            r"\b(nous utilisons|ce site utilise) des cookies\b|\baccepter (les |tous les )?cookies\b|"
            r"\b(wir verwenden|diese (web)?seite verwendet) cookies\b|\balle akzeptieren\b|"
            r"\bcookies akzeptieren\b|\b(utilizamos|este sitio (web )?utiliza) cookies\b|"
            r"\baceptar (todas )?(las )?cookies\b",
            "cookie",
        ),
        (
            r"\btous droits réservés\b|\balle rechte vorbehalten\b|"
            r"\btodos los derechos reservados\b",
            "legal",
        ),
    )
)

# all phrases in one pattern: one scan per line instead of one per phrase
_PHRASE_SCAN = re.compile(
    "|".join(f"(?P<k{i}>{pat.pattern})" for i, (pat, _) in enumerate(PHRASES)), re.I
)
_PHRASE_KIND = {f"k{i}": kind for i, (_, kind) in enumerate(PHRASES)}

# every phrase above contains one of these words: lines without any skip the phrase scan
_TRIGGERS = _set(
    "leave post join email required enter save notify like more read see also most top editor "
    "editor's editors don't dont miss sign log login get we site website uses use accept rights "
    "review rating tag "
    "copyright c skip back scroll author tags tagged tagged filed categories category topics "
    "share tweet pin print min mins minute minutes "
    # French, German, Spanish phrases
    "laisser écrire kommentar deja dejar lire voir plus sur das mehr lesen auch weitere leer lee "
    "te lo suivez suivez-nous folgen folge síguenos se s'inscrire s’inscrire iniciar regístrate "
    "nous ce accepter wir diese alle cookies utilizamos este aceptar tous todos"
)

END_KINDS = frozenset({"comments", "related", "form", "author", "tags"})

REASONS = {
    "comments": "comment thread or form",
    "related": "related/popular list",
    "share": "share prompt",
    "subscribe": "subscribe or sign-in prompt",
    "cookie": "cookie notice",
    "ad": "advertisement",
    "navigation": "navigation",
    "legal": "site footer (legal)",
    "tags": "tags/categories",
    "form": "comment or sign-up form",
    "author": "author box",
    "contents": "table of contents",
    "box": "widget box (sponsor, sign-up or comment)",
    "subtitle": "subtitle (used as the description)",
    "placeholder": "template placeholder",
    "reading-time": "reading-time note",
    "signoff": "closing greeting or sign-off (calls to reply, share or subscribe)",
    "cta": "call to action (subscribe, follow, contact)",
}

_WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*", re.U)
_PLACEHOLDER = re.compile(
    r"\{\{.*?\}\}|\{%.*?%\}|%%[^%\s]+%%|\[/?[a-z_][\w-]*(?:\s[^\]]*)?\]|\$\{[^}]*\}"
    r"|<[a-z][^>]*>|</[a-z]+>|\b[a-z]+(?:_[a-z0-9]+)+\b",
    re.I,
)
_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+|\b[\w-]+\.(?:com|org|net|io|co)\b/?\S*")
_URL_HINT = re.compile(r"://|www\.|@|\.(?:com|org|net|io|co)\b")
_SEPARATORS = re.compile(r"\s[|•·»›>/]\s|\s[|•·»›]|[|•·»›]\s")


# Scripts written without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar): each
# character is counted as one token, so a sentence in Chinese weighs about what it says.
_UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
)
_HAS_UNSPACED = re.compile(f"[{_UNSPACED}]")
_WORD_MIXED = re.compile(
    f"[{_UNSPACED}]|(?:(?![{_UNSPACED}])[^\\W_])+(?:['’.\\-](?:(?![{_UNSPACED}])[^\\W_])+)*", re.U
)


def words(text: str) -> list[str]:
    if text.isascii() or not _HAS_UNSPACED.search(text):
        return _WORD.findall(text)
    return _WORD_MIXED.findall(text)


def unlisted_script(tokens: list[str]) -> bool:
    """Most tokens are in a script the stopword list does not cover (anything past Latin
    Extended: Greek, Cyrillic, Hebrew, Arabic, Indic, CJK …), so stopword density says
    nothing about whether the line is prose."""
    if not tokens:
        return False
    foreign = sum(1 for t in tokens if not t.isascii() and any(ord(c) > 0x24F for c in t))
    return foreign * 2 > len(tokens)


# Small stopword sets of other languages written in Latin script, so prose detection works on
# French, German, Spanish, Italian, Portuguese and Dutch text too. Only for the prose test
# (`stopword_ratio`); words that are also common English words are left out of them.
_ENGLISH_TOO = _set("die war man hat den come son per era sin con me so also no op via sale")
OTHER_STOPWORDS: dict[str, frozenset[str]] = {
    lang: _set(ws) - STOPWORDS - _ENGLISH_TOO
    for lang, ws in {
        "fr": "le la les un une des du de et ou mais donc car ni que qui quoi dont où ce cet "
        "cette ces son sa ses leur leurs mon ma mes ton ta tes notre nos votre vos il elle ils "
        "elles on nous vous je tu se ne pas plus est sont été être avoir ont avait était sur "
        "dans par pour avec sans sous entre vers chez au aux en y même aussi très comme si "
        "tout tous toute toutes ces lui leur puis",
        "de": "der die das den dem des ein eine einen einem einer eines und oder aber denn doch "
        "ist sind war waren wird werden wurde hat haben hatte sich nicht kein keine auch noch "
        "schon nur sehr mit von zu zum zur im am auf aus bei nach für über unter vor durch um "
        "wie als wenn dass daß ob es er sie wir ihr ich du man sein seine ihre unser dieser "
        "diese dieses was wer viele mehr",
        "es": "el la los las un una unos unas y o pero que de del al en con por para sin sobre "
        "entre es son fue era ser estar está están ha han se lo le les su sus mi mis nuestro "
        "como más muy también ya cuando donde porque este esta estos estas ese esa hay",
        "it": "il lo la i gli le un uno una e o ma che di del della dei delle da dal in con su "
        "per tra fra è sono era essere ha hanno si non più molto anche come quando dove perché "
        "questo questa quello quella al alla nel nella",
        "pt": "o a os as um uma uns umas e ou mas que de do da dos das em no na nos nas por "
        "para com sem sobre entre é são foi era ser estar está têm tem se não mais muito também "
        "como quando onde porque este esta isso esse essa ao à",
        "nl": "de het een en of maar dat die dit deze is zijn was waren wordt worden heeft "
        "hebben had niet geen ook nog al zeer met van voor naar op aan uit bij door over onder "
        "om als wanneer hoe wat wie ik je jij hij zij wij we ze u er te zo",
    }.items()
}
# content words for `cue`: not a stopword of English or of the other languages, not filler
_NOT_CONTENT = STOPWORDS | FILLER | frozenset().union(*OTHER_STOPWORDS.values())
_OTHER_LANGS: dict[str, int] = {}
for _bit, _words_of in enumerate(OTHER_STOPWORDS.values()):
    for _w in _words_of:
        _OTHER_LANGS[_w] = _OTHER_LANGS.get(_w, 0) | (1 << _bit)
# elided articles and pronouns: "l'équipe", "d'abord", "qu'il", "dell'anno", "c'è"
_ELISION = re.compile(r"^(?:[ldjmnstc]|qu|dell|nell|all|dall|sull|un)['’]", re.I)


def stopword_ratio(tokens: list[str], lowered: list[str] | None = None) -> float:
    """Share of stopwords among the tokens (pass `lowered`, the tokens lower-cased, if known).

    English first; when that is low, the best of the other languages' sets (one pass): a French
    or German sentence is as much a sentence as an English one."""
    if not tokens:
        return 0.0
    low = lowered if lowered is not None else [t.lower() for t in tokens]
    english = sum(1 for t in low if t in STOPWORDS) / len(tokens)
    if english >= 0.25:
        return english  # every caller's threshold is met: the other languages cannot matter
    counts = [0] * len(OTHER_STOPWORDS)
    elided = 0
    for t in low:
        mask = _OTHER_LANGS.get(t)
        if mask:
            for bit in range(len(counts)):
                if mask >> bit & 1:
                    counts[bit] += 1
        elif "'" in t or "’" in t:
            elided += bool(_ELISION.match(t))
    return max(english, (max(counts) + elided) / len(tokens))


_TEMPLATE_CHARS = frozenset("{}%[]<>_$")


def strip_placeholders(text: str) -> str:
    """Remove inline template tokens ({{x}}, %%x%%, [shortcode], spot_img) from a line."""
    if _TEMPLATE_CHARS.isdisjoint(text):
        return text
    return re.sub(r"\s{2,}", " ", _PLACEHOLDER.sub(" ", text)).strip()


def is_placeholder(text: str) -> bool:
    """A line made (mostly) of template tokens: `spot_img`, `{{ ad }}`, `%%footer%%`, `[gallery]`."""
    t = text.strip()
    if not t or _TEMPLATE_CHARS.isdisjoint(t):
        return False
    covered = sum(len(m.group(0)) for m in _PLACEHOLDER.finditer(t))
    return covered >= 0.6 * len(t.replace(" ", ""))


def link_density(text: str) -> float:
    """Share of the line's characters inside URLs or e-mail addresses."""
    if not text or not _URL_HINT.search(text):
        return 0.0
    return sum(len(m.group(0)) for m in _URL.finditer(text)) / len(text)


_SEPARATOR_CHARS = frozenset("|•·»›>/")


def separator_count(text: str) -> int:
    """Menu and breadcrumb separators: 'Home | News | Sport', 'Home › Blog › Post'."""
    if _SEPARATOR_CHARS.isdisjoint(text):
        return 0
    return len(_SEPARATORS.findall(text))


@dataclass(frozen=True)
class Cue:
    kind: str
    strength: float  # share of the line's content words that are furniture cues (1.0 = phrase)


def cue(text: str, tokens: list[str] | None = None, lowered: list[str] | None = None) -> Cue | None:
    """Which kind of furniture a line names, and how strongly; None for ordinary text.

    `tokens` are words(text) and `lowered` the same lower-cased, when the caller has them."""
    tokens = words(text) if tokens is None else tokens
    n = len(tokens)
    if lowered is None:
        lowered = [t.lower() for t in tokens]
    content = [t for t in lowered if t not in _NOT_CONTENT and not t.isdigit()]
    counts: dict[str, int] = {}
    for t in content:
        kind = CUE_WORDS.get(t)
        if kind:
            counts[kind] = counts.get(kind, 0) + 1
    hits = sum(counts.values())
    # long lines: phrases only matter among dense cue words; any line: only with a trigger word
    dense = n <= 16 or (hits >= 2 and hits * 20 >= n)
    if dense and (not _TRIGGERS.isdisjoint(lowered) or "©" in text):
        for m in _PHRASE_SCAN.finditer(text):
            kind = _PHRASE_KIND[m.lastgroup or ""]
            if n <= 12 or kind in ("cookie", "form", "legal"):
                return Cue(kind, 1.0)
            counts[kind] = counts.get(kind, 0) + 2
    if not counts or not content:
        return None
    kind = max(counts, key=lambda k: (counts[k], k))
    hits = sum(counts.values())
    strength = min(1.0, hits / len(content))
    if n > 12:  # a sentence: furniture only when cue words are dense in it
        if hits >= 3 and hits / n >= 0.1:
            return Cue(kind, max(0.15, hits / n))
        return None
    if n > 3 and hits < 2:  # "What you can search now": one cue word does not make furniture
        strength = min(strength, 0.5)
    return Cue(kind, strength)


# ---- calls to action and sign-offs ------------------------------------------------------------

# Generic phrasings of the calls a newsletter, blog or launch post ends with: thank the reader,
# ask them to reply, forward, share, subscribe, follow, download or get in touch. One match is
# one hit; `call_to_action` weighs hits against length and contact details.
_CTA = re.compile(
    r"\bthanks?(?: you)?(?: so much| again| as always)?,? for (?:reading|subscribing|being here)"
    r"|\bhit (?:reply|the \w+ button)\b|\b(?:just |simply )?reply to (?:this|me|us)\b"
    r"|\bforward (?:this|it|the \w+) to\b|\bshare (?:this|it) with\b|\bpass (?:this|it) (?:on|along)"
    r"|\bclick (?:here|the link|below)\b|\bsubscribe\b(?! to (?:the|an?|each|every|events?)\b)"
    r"|\bsign up (?:for|to) (?:our|my)\b|\bsign up (?:now|today|here|below)\b"
    r"|\bfollow (?:us|me)\b|\bdownload (?:our|my|the free)\b"
    r"|\b(?:email|e-mail|contact|ping|write to|reach) (?:us|me)\b|\bget in touch\b"
    r"|\blet (?:me|us) know\b|\btell (?:me|us) (?:about|what|how|if|why|when)\b"
    r"|\bdrop (?:me|us) a (?:line|note)\b|\bjoin (?:our|my) (?:newsletter|community|list|mailing)"
    r"|\bsee you (?:next|in the next|soon)\b|\buntil next time\b|\bstay tuned\b"
    r"|^\W*questions\?",
    re.I,
)
# every phrase of _CTA holds one of these words: lines without any need no regex scan
CTA_TRIGGERS = _set(
    "thanks thank hit reply forward share pass click subscribe sign follow download email e-mail "
    "contact ping write reach get let tell drop join see until stay questions"
)
_HANDLE = re.compile(r"(?<![\w.])@[A-Za-z_]\w{1,30}\b")


def call_to_action(text: str, *, linked: bool = False) -> int:
    """How strongly a short paragraph is a call to action: the number of call phrases in it
    ("thanks for reading", "hit reply", "subscribe", "follow us", "email us" …), plus one when it
    gives a way to act (a link, an e-mail address, an @handle). 0 for long paragraphs (over 45
    words) and for text without any call phrase. Callers weigh the score with position."""
    if len(text) > 400:
        return 0
    hits = len(_CTA.findall(text))
    if not hits or len(words(text)) > 45:
        return 0
    contact = linked or bool(_HANDLE.search(text)) or link_density(text) > 0
    return hits + contact


# Words that chain the steps of instructions: "… then connect", "afterwards, open".
_SEQUENCE = _set("then afterwards")


def opens_with_call(text: str) -> bool:
    """A short single call that opens with its call phrase and is not a step of instructions:
    "Download our free guide to …", "Follow us on …", "Subscribe to our newsletter." — but not
    "Download our app, then open Settings." (a how-to step). Callers weigh it with position."""
    t = text.lstrip("\"'“‘([ ")
    if len(t) > 200 or not _CTA.match(t):
        return False
    toks = [w.lower() for w in words(t)]
    return len(toks) <= 20 and _SEQUENCE.isdisjoint(toks)


_VALEDICTION = re.compile(
    r"^\W*(?:(?:all )?(?:the )?best(?: wishes| regards)?|cheers|thanks(?: again)?|thank you|"
    r"talk (?:soon|to you soon|next week)|speak soon|until next time|see you(?: next \w+| soon)?|"
    r"warmly|warm(?:est)? regards|kind regards|regards|yours(?: truly)?|love|take care|onwards|"
    r"with gratitude|xo+|peace|later)\W*$",
    re.I,
)


def valediction(text: str) -> bool:
    """A closing greeting on its own line: "Talk soon,", "Cheers!", "Best regards,"."""
    return len(text) <= 30 and bool(_VALEDICTION.match(text))


def signature(text: str) -> bool:
    """A name line under a valediction: one to four capitalised words ("Marta", "— Jo Park")."""
    t = text.strip().lstrip("-–—~ ").strip()
    toks = words(t)
    return (
        1 <= len(toks) <= 4
        and len(t) <= 40
        and not _SENTENCE_END_CHARS.intersection(t[-1:])
        and all(w[:1].isupper() or w.lower() in ("and", "&", "the", "de", "van") for w in toks)
    )


_SENTENCE_END_CHARS = frozenset(".!?:;")


# ---- dates and bylines -----------------------------------------------------------------------

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        1,
    )
    for m in names
}
# Month names of other Latin-script languages (fr, de, es, it, pt, nl), written out in full:
# "14 mars 2024", "14. März 2024", "14 de marzo de 2024", "3 maggio 2024".
_OTHER_MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "januar februar märz april mai juni juli august september oktober november dezember",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "januari februari maart april mei juni juli augustus september oktober november december",
)
_FOREIGN_MONTHS = {
    name: k for names in _OTHER_MONTHS for k, name in enumerate(names.split(), 1)
} | {"setiembre": 9}
for _name, _num in _FOREIGN_MONTHS.items():
    _MONTHS.setdefault(_name, _num)
_FOREIGN_ALT = "|".join(sorted(_FOREIGN_MONTHS, key=len, reverse=True))
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|" + _FOREIGN_ALT + r")\.?"
)
_DATE_PATTERNS = (
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b", re.I),
    re.compile(
        r"\b(?P<day>\d{1,2})(?:st|nd|rd|th|er|\.)?\s+(?:of\s+|de\s+)?"
        + _MONTH
        + r",?\s+(?:de\s+|del\s+)?(?P<year>\d{4})\b",
        re.I,
    ),
    re.compile(r"\b(?P<year>\d{4})-(?P<mnum>\d{1,2})-(?P<day>\d{1,2})\b"),
)
_DATE_WORDS = re.compile(
    r"^(?:(?:published|posted|updated|last updated|date|on)\b:?\s*|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s*|at\b|\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?|"
    r"[ap]\.?m\.?|utc|gmt|[a-z]{2,4}t|[|•·,\-–—/()]|\s|"
    # the same in other languages: "Publié le", "Veröffentlicht am", "Publicado el", weekdays
    r"(?:publié|mis à jour|veröffentlicht|aktualisiert|publicado|actualizado|pubblicato|"
    r"aggiornato|gepubliceerd|bijgewerkt|le|am|el|il|em|op|um|à|uhr|h)\b:?\s*|"
    r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|montag|dienstag|mittwoch|"
    r"donnerstag|freitag|samstag|sonntag|lunes|martes|miércoles|jueves|viernes|sábado|"
    r"domingo)\b,?\s*)+",
    re.I,
)


_YEAR = re.compile(r"\d{4}")  # every date pattern holds a four-digit year


def find_date(text: str) -> date | None:
    """The first calendar date written in a line (month names or ISO), else None."""
    if not _YEAR.search(text):
        return None
    for pattern in _DATE_PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        gd = m.groupdict()
        month = int(gd["mnum"]) if gd.get("mnum") else _MONTHS.get(gd["month"].lower().rstrip("."))
        try:
            return date(int(gd["year"]), month or 0, int(gd["day"]))
        except (ValueError, TypeError):
            continue
    return None


def dateline(text: str) -> date | None:
    """A line that is only a date (with weekday, time, 'Published:' and the like around it)."""
    if len(text) > 80:
        return None
    d = find_date(text)
    if d is None:
        return None
    rest = text
    for pattern in _DATE_PATTERNS:
        rest = pattern.sub(" ", rest)
    return d if not _DATE_WORDS.sub("", rest.lower()).strip() else None


_BYLINE = re.compile(
    r"^\s*(?i:by|written by|words by|posted by|author:?|reporting by|"
    r"von|par|por|door|auteur:|autor:|autore:|geschrieben von|écrit par|escrito por)\s+"
    r"(?P<name>[A-Z][\w.'’\-]*(?:\s+(?:[A-Z][\w.'’\-]*|de|da|del|van|von|der|la|le|bin|and|&))"
    r"{0,5})(?P<rest>.*)$",
    re.U,
)


_DATED_BYLINE = re.compile(
    r"^\s*(?i:posted|published|written|updated)(?:\s+on)?\s+(?P<when>.{6,40}?)\s+(?i:by)\s+(?P<by>.+)$"
)


def byline(text: str) -> tuple[str, date | None] | None:
    """'By Jane Doe | March 3, 2024' → ('Jane Doe', date(2024, 3, 3)); None when not a byline.

    'Posted on March 3, 2024 by Jane Doe' is one too (the date first)."""
    if len(text) > 140:
        return None
    m = _DATED_BYLINE.match(text)
    if m and dateline(m.group("when")):
        found = byline("By " + m.group("by"))
        if found and not found[1]:
            return found[0], dateline(m.group("when"))
    m = _BYLINE.match(text)
    if not m:
        return None
    name = m.group("name").strip(" .,")
    name = re.sub(r"\s+(?:and|&)$", "", name)
    rest = m.group("rest").strip()
    # "By the way, …" or "By 2030 we …": a sentence, not a byline
    sentence = len(words(rest)) > 3 or rest.endswith((".", "!", "?"))
    if rest and not re.match(r"^[|•·,\-–—(/]|^on\b|^\d", rest, re.I) and sentence:
        return None
    if len(name.split()) < 1 or name.lower() in STOPWORDS:
        return None
    return name, find_date(rest) if rest else None

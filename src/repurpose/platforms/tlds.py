"""Top-level domains the URL finder recognises (twitter-text style: a URL needs a known TLD).

All two-letter country-code TLDs, the internationalised country TLDs, and a compact list of the
generic TLDs seen in real links. Longer names come first so the alternation prefers them.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


CCTLDS = _words(
    "ac ad ae af ag ai al am an ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bl bm bn "
    "bo bq br bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj "
    "dk dm do dz ec ee eg eh er es et eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp "
    "gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh "
    "ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mf mg mh mk ml mm mn "
    "mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph "
    "pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr "
    "ss st su sv sx sy sz tc td tf tg th tj tk tl tm tn to tp tr tt tv tw tz ua ug uk um us uy "
    "uz va vc ve vg vi vn vu wf ws ye yt za zm zw "
    # internationalised country-code TLDs
    "мкд мон рф срб укр қаз бел бг ελ հայ ישראל الاردن الجزائر السعودية المغرب امارات ایران "
    "بھارت تونس سودان سورية عراق عمان فلسطين قطر مصر مليسيا موريتانيا پاکستان ڀارت भारत भारतम् "
    "भारोत বাংলা ভারত ਭਾਰਤ ભારત இந்தியா இலங்கை சிங்கப்பூர் భారత్ ಭಾರತ ഭാരതം ଭାରତ ලංකා ไทย გე "
    "中国 中國 台湾 台灣 新加坡 澳門 香港 한국 ευ ею"
)

GTLDS = _words(
    "com net org edu gov mil int info biz name pro aero asia cat coop jobs mobi museum post "
    "tel travel xxx arpa app dev blog shop store online site tech xyz club top news media "
    "agency digital email cloud design art page live life world today space website fun "
    "studio network solutions company group services systems center academy education "
    "training marketing social software support zone tools link click guru ninja rocks wiki "
    "work works events photography photos pics gallery video tv music audio radio film movie "
    "game games play express finance financial money bank capital fund investments insurance "
    "legal law lawyer attorney health care clinic dental doctor hospital fitness yoga coach "
    "consulting management business enterprises ventures holdings partners foundation "
    "charity ngo church community family kids school college university institute science "
    "research engineering energy solar green eco earth farm garden house home homes "
    "properties property realestate rent rentals apartments land build builders construction "
    "contractors plumbing repair cleaning supply supplies equipment industries parts "
    "shopping market markets sale sales deals discount coupons gift gifts fashion clothing "
    "shoes style boutique jewelry beauty hair makeup salon spa restaurant cafe coffee bar "
    "pub pizza kitchen recipes food wine beer vodka catering delivery tours holiday "
    "vacations cruises flights hotel hotels city town london nyc paris berlin tokyo "
    "amsterdam barcelona brussels wien quebec scot wales vegas miami boston africa lat "
    "google youtube android apple amazon microsoft windows bing yahoo aws azure one plus zip "
    "mov new now how foo baz moe meme lol wtf fail sucks rip technology computer data "
    "hosting host server domains codes tips guide help expert review reviews report press "
    "love dating singles wedding baby kim mom pink red blue black gold silver global "
    "international place direct run exchange trade immo icu cyou buzz bid win vip men lgbt "
    "gay fan fans team football soccer golf tennis hockey rugby racing bike cars car auto "
    "autos motorcycles boats taxi limo parking careers career job recruitment hiring ltd llc "
    "inc gmbh sarl srl corp webcam web sites pw onl ooo xin wang"
)

# twitter-text's "special" short domains: a bare domain with these ccTLDs counts without a path.
SPECIAL_CCTLDS = ("co", "tv")


def alternation(names) -> str:
    """A regex matching exactly the names, factored into a trie (fast with Python's re)."""
    import re

    trie: dict = {}
    for name in set(names):
        node = trie
        for ch in name:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return emit(trie)

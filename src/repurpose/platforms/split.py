"""Split prose into a thread: posts that fit a platform, broken where a reader expects.

Breaks fall at a paragraph, then a sentence, then a clause (; : — ,), then a word; never inside a
word, so never inside a URL, @mention, #hashtag, number (1,000.50, 3.5%) or emoji sequence. A line
`---` forces a break. A word longer than a whole post is cut at grapheme boundaries as a last
resort. Lengths are kept as running totals per word (each word counted once), so splitting a long
text costs one pass; each finished post is counted once more, whole, to be sure it fits.
"""

from __future__ import annotations

import bisect
import operator
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from repurpose.errors import PlatformError
from repurpose.platforms.rules import Platform, _grapheme_re
from repurpose.platforms.twitter_text import extract_emoji

# boundary strengths, strongest first
PARA, LINE, SENT, CLAUSE, WORD, WEAK, HARD = 6, 5, 4, 3, 2, 1, 0
# a boundary of this strength is taken only when the post is at least this full (share of limit)
_MIN_FILL = {PARA: 0.3, LINE: 0.4, SENT: 0.4, CLAUSE: 0.6, WORD: 0.0, WEAK: 0.0, HARD: 0.0}
# rebalancing the last two posts of a run: bonus per strength, minus their imbalance
_BONUS = {PARA: 1.0, LINE: 0.8, SENT: 0.6, CLAUSE: 0.35, WORD: 0.1, WEAK: 0.0, HARD: -1.0}

_BREAK_LINE = re.compile(r"(?m)^[ \t]*-{3,}[ \t]*$")
_CJK_STOPS = "。！？，、；："
# a word: a run of non-space characters, cut after a run of ideographic stops; the same tokens
# as "[^\s S]*[S]+|[^\s S]+" (S = the stops) without backtracking through every word
_TOKEN = f"[^\\s{_CJK_STOPS}]++[{_CJK_STOPS}]*+|[{_CJK_STOPS}]++"
_SPACED_TOKEN = re.compile(f"(\\s*)({_TOKEN})")
_CLOSERS = "\"'”’)]»"
CONNECTORS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "nor",
        "so",
        "yet",
        "for",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "as",
        "that",
        "which",
        "who",
        "if",
        "then",
        "than",
        "because",
        "while",
        "when",
        "into",
        "onto",
        "via",
        "per",
        "plus",
        "also",
    ]
)


@dataclass(frozen=True)
class SplitPost:
    text: str  # includes the numbering suffix
    chunk: int  # index of the chunk the post came from
    length: int  # the platform's length of `text`


@lru_cache(maxsize=8192)
def _is_filler(token: str) -> bool:
    """A connector word or bare punctuation: never a post on its own."""
    if token.lower().strip(_CLOSERS + ".,;:!?") in CONNECTORS:
        return True
    return not _HAS_ALNUM.search(token) and not extract_emoji(token)


_HAS_ALNUM = re.compile(r"[^\W_]")
_SENT_CHARS = frozenset(".!?…。！？")
_CLAUSE_CHARS = frozenset(",;:—–，、；：")
_DASHES = frozenset("—–-")


# whitespace the splitter would rewrite (it keeps " ", "\n" and "\n\n" between words): when a
# segment has none, the text of any range of its words is a plain slice of the segment
_STOPS = re.compile(f"[{_CJK_STOPS}]")
_SPACE_RUN = re.compile(r"\s+")
_ODD_SPACE = re.compile(r"[^\S \n]| \s|\n |\n\n\n")


@lru_cache(maxsize=8)
def _norm_sep(raw: str) -> str:
    if not raw:
        return ""
    newlines = raw.count("\n")
    return "\n\n" if newlines >= 2 else "\n" if newlines == 1 else " "


@lru_cache(maxsize=8192)
def _after_space(prev: str) -> int:
    """Strength of a plain-space boundary after the word `prev` (WORD may still become WEAK
    when the next word is a dash)."""
    core = prev.rstrip(_CLOSERS) or prev
    last = core[-1]
    if last in _SENT_CHARS:
        return SENT
    if last in _CLAUSE_CHARS or set(prev) <= _DASHES:
        return CLAUSE
    if prev.lower() in CONNECTORS if prev.isalpha() else _is_filler(prev):
        return WEAK
    return WORD


def _strengths(tokens: Sequence[str], raws: Sequence[str]) -> list[int]:
    """The strength of the boundary before each token."""
    after = map(_after_space, tokens)  # the strength of a plain space after each word
    return [
        PARA,
        *[
            st
            if raw == " " and (st != WORD or tok[0] not in _DASHES)
            else _strength(raw, prev, tok)
            for raw, st, prev, tok in zip(raws[1:], after, tokens, tokens[1:], strict=False)
        ],
    ]


def _strength(raw: str, prev: str, tok: str) -> int:
    if raw and "\n" not in raw:  # spaces
        strength = _after_space(prev)
        if strength == WORD and tok[0] in _DASHES and set(tok) <= _DASHES:
            strength = WEAK
        return strength
    if not raw:  # no space: after ideographic punctuation
        return SENT if prev[-1] in _SENT_CHARS else CLAUSE
    return PARA if raw.count("\n") >= 2 else LINE


def _cost_memo(platform: Platform) -> dict:
    """Costs of words already measured on this platform (costs do not depend on the limit)."""
    memo = platform.__dict__.get("_split_memo")
    if memo is None or len(memo) > 200_000:
        memo = platform.__dict__["_split_memo"] = {}
    return memo


class _Run:
    """The words of one forced-break segment with their separators and boundary strengths.

    Each word is counted once (costs are remembered per platform); the run's total is a sum, so
    a run that fits one post is done without prefix sums, boundary strengths or a join."""

    __slots__ = (
        "_ends",
        "_maxima",
        "_prefix",
        "_raws",
        "_sepvec",
        "_strengths",
        "body",
        "chunk",
        "clean",
        "costs",
        "plain_ready",
        "sep_costs",
        "seps",
        "src_costs",
        "src_tokens",
        "tokens",
        "totals",
    )

    def __init__(self, chunk: int, text: str):
        self.chunk = chunk
        self.body = body = text.strip()  # = the tokens joined by their raw separators
        self._raws: Sequence[str] | None  # the whitespace before each token, as written
        if _STOPS.search(body):  # ideographic stops end a token even without a space
            raws, self.src_tokens = zip(*_SPACED_TOKEN.findall(body), strict=True)
            self._raws = raws
            self.clean = not _ODD_SPACE.search(body)
        else:  # the same tokens, found faster; the separators only when needed
            self.src_tokens = tokens = body.split()
            self._raws = None
            self.clean = (
                body.count(" ") + body.count("\n") == len(body) - sum(map(len, tokens))
                and "  " not in body
                and " \n" not in body
                and "\n " not in body
                and "\n\n\n" not in body
            )
        self.src_costs: list | None = None
        self.plain_ready = False
        self._strengths: list[int] | None = None

    @property
    def raws(self) -> Sequence[str]:
        if self._raws is None:
            self._raws = ["", *_SPACE_RUN.findall(self.body)]
        return self._raws

    def _raw_counts(self) -> dict[str, int]:
        """How often each separator occurs between the source tokens."""
        if self._raws is None and self.clean:  # only " ", "\n" and "\n\n"
            body = self.body
            paras = body.count("\n\n")
            lines = body.count("\n") - 2 * paras
            return {" ": len(self.src_tokens) - 1 - paras - lines, "\n": lines, "\n\n": paras}
        return Counter(self.raws[1:])

    def _src_seps(self) -> list[str]:
        seps = list(map(_norm_sep, self.raws))
        seps[0] = ""
        return seps

    @property
    def strengths(self) -> list[int]:
        if self._strengths is None:
            self._strengths = _strengths(self.tokens, self.raws)
        return self._strengths

    def measure(self, platform: Platform, budget: tuple[int, ...], memo: dict) -> None:
        """Token costs (hard-splitting any word larger than a post) and the run's total."""
        dims = len(budget)
        src_tokens = self.src_tokens
        if self.src_costs is None:
            try:
                costs = list(map(memo.__getitem__, src_tokens))
            except KeyError:
                get = memo.get
                costs = [
                    get(tok) or memo.setdefault(tok, platform.costs(tok)) for tok in src_tokens
                ]
            self.src_costs = costs
        costs = self.src_costs
        if self.plain_ready and all(m <= b for m, b in zip(self._maxima, budget, strict=True)):
            return  # costs and totals do not depend on the budget
        cols = list(zip(*costs, strict=True))
        self._maxima = [max(col) for col in cols]
        if all(m <= b for m, b in zip(self._maxima, budget, strict=True)):
            too_big = []
        else:
            too_big = [
                k for k, c in enumerate(costs) if any(x > b for x, b in zip(c, budget, strict=True))
            ]
        self.plain_ready = not too_big
        self._prefix = None
        self._ends = None
        if too_big:
            src_seps = self._src_seps()
            src_strengths = _strengths(src_tokens, self.raws)
            tokens, seps, strengths, new_costs = [], [], [], []
            big = set(too_big)
            for k, tok in enumerate(src_tokens):
                if k not in big:
                    tokens.append(tok)
                    seps.append(src_seps[k])
                    strengths.append(src_strengths[k])
                    new_costs.append(costs[k])
                    continue
                for n, piece in enumerate(_hard_split(tok, platform, budget)):
                    tokens.append(piece)
                    seps.append(src_seps[k] if n == 0 else "")
                    strengths.append(src_strengths[k] if n == 0 else HARD)
                    new_costs.append(platform.costs(piece))
            costs = new_costs
            cols = list(zip(*costs, strict=True))
            self._strengths = strengths
        else:
            tokens, seps = src_tokens, None
            self._strengths = None
        self.tokens, self.seps, self.costs = tokens, seps, costs
        # the run's total in each dimension: its words plus the separators between them
        counts = self._raw_counts() if seps is None else Counter(seps[1:])
        sep_total = [0] * dims
        vec = self._sepvec = {}
        for raw, k in counts.items():
            sep = _norm_sep(raw)
            if sep:
                sc = vec[sep] = memo.get(sep) or memo.setdefault(sep, platform.costs(sep))
                for d in range(dims):
                    sep_total[d] += k * sc[d]
        self.totals = [sum(col) + st for col, st in zip(cols, sep_total, strict=True)]

    def fits_whole(self, budget: tuple[int, ...]) -> bool:
        return all(t <= b for t, b in zip(self.totals, budget, strict=True))

    @property
    def prefix(self) -> list[list[int]]:
        """Prefix sums of token + separator costs per dimension (built when the run is split)."""
        if self._prefix is None:
            seps = self.seps if self.seps is not None else self._src_seps()
            self.seps = seps
            self.sep_costs = []
            self._prefix = []
            for d, col in enumerate(zip(*self.costs, strict=True)):
                vec = {sep: sc[d] for sep, sc in self._sepvec.items()}
                vec[""] = 0
                sd = list(map(vec.__getitem__, seps))
                sd[0] = 0
                self.sep_costs.append(sd)
                self._prefix.append([0, *accumulate(map(operator.add, sd, col))])
        return self._prefix

    def cost(self, s: int, e: int, d: int) -> int:
        """Cost in dimension d of tokens s..e-1 joined with their separators."""
        p = self.prefix[d]
        return p[e] - p[s] - self.sep_costs[d][s]

    def text(self, s: int, e: int) -> str:
        if self.clean:
            if s == 0 and e == len(self.tokens):
                return self.body
            ends = self._ends
            if ends is None:
                seps = self.seps if self.seps is not None else self._src_seps()
                self.seps = seps
                ends = self._ends = list(
                    accumulate(map(operator.add, map(len, seps), map(len, self.tokens)))
                )
            return self.body[ends[s] - len(self.tokens[s]) : ends[e - 1]]
        parts = [self.tokens[s]]
        seps, tokens = self.seps if self.seps is not None else self._src_seps(), self.tokens
        self.seps = seps
        for j in range(s + 1, e):
            parts.append(seps[j])
            parts.append(tokens[j])
        return "".join(parts)


def _hard_split(token: str, platform: Platform, budget: tuple[int, ...]) -> list[str]:
    """Cut a word larger than a whole post at grapheme boundaries (last resort)."""
    pieces: list[str] = []
    current: list[str] = []
    for g in _grapheme_re().findall(token):
        trial = "".join([*current, g])
        if current and not all(x <= b for x, b in zip(platform.costs(trial), budget, strict=True)):
            pieces.append("".join(current))
            current = [g]
        else:
            current.append(g)
    if current:
        pieces.append("".join(current))
    return pieces


def _pack(run: _Run, platform: Platform, budget: tuple[int, ...]) -> list[tuple[int, int]]:
    """Greedy packing at the strongest boundary that leaves a reasonably full post."""
    n = len(run.tokens)
    if run.fits_whole(budget):  # the whole run is one post (what the loop below would find)
        return [(0, n)]
    dims = len(budget)
    main = budget[0]
    ranges: list[tuple[int, int]] = []
    strengths = run.strengths
    s = 0
    while s < n:
        e_max = n
        for d in range(dims):
            p = run.prefix[d]
            base = p[s] + run.sep_costs[d][s]
            e_max = min(e_max, bisect.bisect_right(p, base + budget[d], lo=s + 1) - 1)
        e_max = max(e_max, s + 1)
        if e_max == n:
            ranges.append((s, n))
            break
        # the strongest boundary that leaves the post full enough; only boundaries above 30%
        # of the limit can qualify, so only those are looked at (word level: the last one wins)
        p0 = run.prefix[0]
        base0 = p0[s] + run.sep_costs[0][s]
        low = max(s + 1, bisect.bisect_left(p0, base0 + 0.3 * main, lo=s + 1))
        best_by_level: dict[int, int] = {}
        for b in range(e_max, min(low, e_max) - 1, -1):
            lvl = strengths[b]
            if lvl not in best_by_level:
                best_by_level[lvl] = b
        choice = e_max
        for lvl in (PARA, LINE, SENT, CLAUSE, WORD, WEAK, HARD):
            b = best_by_level.get(lvl)
            if b is not None and p0[b] - base0 >= _MIN_FILL[lvl] * main:
                choice = b
                break
        ranges.append((s, choice))
        s = choice
    ranges = _merge_fillers(run, ranges, budget)
    return _rebalance_tail(run, ranges, budget)


def _filler_only(run: _Run, s: int, e: int) -> bool:
    return all(_is_filler(run.tokens[j]) for j in range(s, e))


def _fits(run: _Run, s: int, e: int, budget: tuple[int, ...]) -> bool:
    return all(run.cost(s, e, d) <= budget[d] for d in range(len(budget)))


def _merge_fillers(run: _Run, ranges: list[tuple[int, int]], budget) -> list[tuple[int, int]]:
    """A post made only of connector words or punctuation joins a neighbour when it fits."""
    out = list(ranges)
    k = 0
    while k < len(out):
        s, e = out[k]
        if _filler_only(run, s, e) and len(out) > 1:
            if k > 0 and _fits(run, out[k - 1][0], e, budget):
                out[k - 1] = (out[k - 1][0], e)
                del out[k]
                continue
            if k + 1 < len(out) and _fits(run, s, out[k + 1][1], budget):
                out[k + 1] = (s, out[k + 1][1])
                del out[k]
                continue
            b = _borrow(run, out, k, budget)
            if b is not None and b < s:
                out[k - 1], out[k] = (out[k - 1][0], b), (b, e)
            elif b is not None:
                out[k], out[k + 1] = (s, b), (b, out[k + 1][1])
        k += 1
    return out


def _borrow(run: _Run, out: list[tuple[int, int]], k: int, budget) -> int | None:
    """A filler-only post that cannot join a neighbour whole takes words from one instead: the
    new break (the strongest that leaves both posts fitting and neither filler-only), or None."""
    s, e = out[k]
    strengths = run.strengths
    best: tuple[int, int] | None = None
    if k > 0:  # move the break before the post earlier: the previous post's tail joins it
        a = out[k - 1][0]
        for b in range(s - 1, a, -1):
            if not _fits(run, b, e, budget):
                break
            ok = not _filler_only(run, b, s) and not _filler_only(run, a, b)
            if ok and (best is None or strengths[b] > best[0]):
                best = (strengths[b], b)
    if k + 1 < len(out):  # move the break after the post later: the next post's head joins it
        z = out[k + 1][1]
        for b in range(e + 1, z):
            if not _fits(run, s, b, budget):
                break
            ok = not _filler_only(run, e, b) and not _filler_only(run, b, z)
            if ok and (best is None or strengths[b] > best[0]):
                best = (strengths[b], b)
    return None if best is None else best[1]


def _rebalance_tail(run: _Run, ranges: list[tuple[int, int]], budget) -> list[tuple[int, int]]:
    """Avoid a full post followed by a stub: move the last break to even the two out."""
    if len(ranges) < 2:
        return ranges
    main = budget[0]
    a, mid = ranges[-2]
    _, end = ranges[-1]
    if run.cost(mid, end, 0) >= 0.35 * main:
        return ranges
    best, best_score = (
        mid,
        _BONUS[run.strengths[mid]] - abs(run.cost(a, mid, 0) - run.cost(mid, end, 0)) / main,
    )
    # the breaks b where both a..b and b..end fit form one interval (costs only grow with more
    # words): the left part fits up to `hi` (found by bisection), the right part from `lo` on
    prefix, sep_costs = run.prefix, run.sep_costs
    hi = end - 1
    for d, cap in enumerate(budget):
        p = prefix[d]
        hi = min(hi, bisect.bisect_right(p, cap + p[a] + sep_costs[d][a], lo=a + 1) - 1)
    lo = a + 1
    while lo <= hi and not all(
        prefix[d][end] - prefix[d][lo] - sep_costs[d][lo] <= cap for d, cap in enumerate(budget)
    ):
        lo += 1
    p0, s0, strengths = prefix[0], sep_costs[0], run.strengths
    left0 = p0[a] + s0[a]
    for b in range(lo, hi + 1):
        left, right = p0[b] - left0, p0[end] - p0[b] - s0[b]
        score = _BONUS[strengths[b]] - abs(left - right) / main
        if score > best_score and not _filler_only(run, a, b) and not _filler_only(run, b, end):
            best, best_score = b, score
    return [*ranges[:-2], (a, best), (best, end)]


def _suffix(numbering: str, i: int, n: int) -> str:
    return numbering.format(i=i, n=n) if numbering and n > 1 else ""


def split_thread(
    chunks: Sequence[str],
    platform: Platform,
    *,
    numbering: str = " {i}/{n}",
    max_posts: int | None = None,
) -> list[SplitPost]:
    """Posts for `platform` from `chunks`: each chunk starts a new post; a long chunk is split
    further; a line `---` forces a break; each post's text ends with the numbering suffix
    (`{i}` = position, `{n}` = count; "" for none; a single post is not numbered)."""
    if isinstance(chunks, str):
        chunks = [chunks]
    numbering = numbering or ""
    try:
        _suffix(numbering, 1, 2)
    except (KeyError, IndexError, ValueError) as exc:
        raise PlatformError(
            f"numbering format {numbering!r} is invalid: use {{i}} and {{n}}, e.g. ' {{i}}/{{n}}'"
        ) from exc
    runs = [
        _Run(ci, seg)
        for ci, chunk in enumerate(chunks)
        for seg in _BREAK_LINE.split(chunk or "")
        if seg.strip()
    ]
    if not runs:
        return []
    caps = platform.caps
    memo = _cost_memo(platform)
    # The post count the suffix width is reserved for: first the fewest posts the text can take
    # (its length over the limit, per forced-break segment), so the first pass never reserves
    # more room than needed; when the count found needs a wider suffix, it is split again with
    # that width (e.g. 9 posts of " 9/9" that become 10 need room for " 10/10").
    guess = 0
    for run in runs:
        run.measure(platform, caps, memo)
        guess += max(1, -(-run.totals[0] // caps[0]))
    if not numbering:
        guess = 1
    shrink = [0] * len(caps)
    narrowed = False
    for _ in range(12):
        reserve = (
            platform.costs(_suffix(numbering, guess, guess)) if guess > 1 else (0,) * len(caps)
        )
        budget = tuple(
            max(1, cap - r - extra) for cap, r, extra in zip(caps, reserve, shrink, strict=True)
        )
        bodies: list[tuple[int, str]] = []
        for run in runs:
            run.measure(platform, budget, memo)
            for s, e in _pack(run, platform, budget):
                bodies.append((run.chunk, run.text(s, e)))
        bodies = _merge_filler_runs(bodies, platform, budget)
        n = len(bodies)
        need = platform.costs(_suffix(numbering, n, n)) if n > 1 else (0,) * len(caps)
        if numbering and any(x > r for x, r in zip(need, reserve, strict=True)):
            guess = max(n, guess + 1)
            continue  # the count's suffix is wider than reserved: split again
        if numbering and n != guess and need != reserve and not narrowed:
            # the estimate reserved room for a wider suffix than this count needs: split again
            # with the width of the count found (once; posts only get fuller, so it fits)
            guess, narrowed = n, True
            continue
        if not numbering or n == 1:
            bodies = _dedupe(bodies, platform, budget)
            n = len(bodies)
        posts = [
            (chunk, body + _suffix(numbering, i, n)) for i, (chunk, body) in enumerate(bodies, 1)
        ]
        over = [platform.costs(t) for _, t in posts]
        excess = [max([0, *(c[d] - caps[d] for c in over)]) for d in range(len(caps))]
        if any(excess):  # a join counted more than its parts (rare): tighten and split again
            shrink = [s + x for s, x in zip(shrink, excess, strict=True)]
            continue
        break
    else:
        raise PlatformError(f"could not fit the text into {platform.label} posts")
    if max_posts is not None and len(posts) > max_posts:
        raise PlatformError(
            f"the text needs {len(posts)} {platform.label} posts, more than the {max_posts} allowed"
        )
    # costs(text)[0] is the platform's length(text): each post is counted once, whole
    return [SplitPost(text, chunk, c[0]) for (chunk, text), c in zip(posts, over, strict=True)]


def _merge_filler_runs(bodies, platform: Platform, budget) -> list[tuple[int, str]]:
    """A forced-break segment made only of connectors or punctuation joins the post before."""
    out: list[tuple[int, str]] = []
    for chunk, body in bodies:
        if out and out[-1][0] == chunk and all(_is_filler(t) for t in body.split()):
            joined = out[-1][1] + "\n" + body
            if _within(platform.costs(joined), budget):
                out[-1] = (chunk, joined)
                continue
        out.append((chunk, body))
    return out


def _within(costs, budget) -> bool:
    return all(c <= b for c, b in zip(costs, budget, strict=True))


def _dedupe(bodies, platform: Platform, budget) -> list[tuple[int, str]]:
    """No two identical posts in a thread (X refuses them): merge a repeat into a neighbour."""
    out = list(bodies)
    k = 0
    while k < len(out):
        seen = {b for _, b in out[:k]}
        chunk, body = out[k]
        if body not in seen:
            k += 1
            continue
        if k > 0 and _within(platform.costs(out[k - 1][1] + " " + body), budget):
            out[k - 1] = (out[k - 1][0], out[k - 1][1] + " " + body)
            del out[k]
            k = 0
            continue
        if k + 1 < len(out) and _within(platform.costs(body + " " + out[k + 1][1]), budget):
            out[k + 1] = (chunk, body + " " + out[k + 1][1])
            del out[k]
            k = 0
            continue
        raise PlatformError(
            f"two {platform.label} posts would be identical ({body[:40]!r}); "
            "turn numbering on or reword one"
        )
    return out

"""Benchmark the platform counters and the thread splitter (in-process, median of repeats).

    python bench/bench_platforms.py

Prints µs per count of a 280-character post (plain, and with a URL, emoji and accents; the same
post again and again, and 2,000 different posts once each) and ms per split of a 10,000-word
text. `run()` returns the same numbers for a benchmark harness.
Targets: a count under 20 µs, a 10,000-word split under 20 ms.
"""

from __future__ import annotations

import random
import statistics
import timeit

from repurpose.platforms import get_platform, split_thread

_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "it",
    "as",
    "was",
    "with",
    "be",
    "by",
    "on",
    "not",
    "he",
    "this",
    "are",
    "or",
    "his",
    "from",
    "at",
    "which",
    "but",
    "have",
    "an",
    "they",
    "you",
    "were",
    "her",
    "she",
    "there",
    "one",
    "all",
    "we",
    "their",
    "been",
    "has",
    "would",
    "when",
    "who",
    "will",
    "more",
    "no",
    "if",
    "out",
    "so",
    "what",
    "up",
    "said",
    "about",
    "into",
    "than",
    "them",
    "can",
    "only",
    "other",
    "new",
    "some",
    "could",
    "time",
    "these",
    "two",
    "may",
    "then",
    "first",
    "any",
    "like",
    "now",
    "my",
    "such",
    "make",
    "over",
    "our",
    "even",
    "most",
    "me",
    "state",
    "after",
    "also",
    "made",
    "many",
    "did",
    "must",
    "before",
    "back",
    "see",
    "through",
    "way",
    "where",
    "get",
    "much",
    "go",
    "well",
    "your",
    "know",
    "should",
    "down",
    "year",
    "work",
    "because",
    "come",
    "people",
    "just",
    "however",
    "while",
    "content",
    "article",
    "platform",
    "thread",
    "reader",
    "message",
    "launch",
    "newsletter",
    "audience",
    "campaign",
]


def _prose(n_words: int, seed: int = 7) -> str:
    """Deterministic prose: sentences, clauses, paragraphs, a URL, mention, hashtag, numbers."""
    rnd = random.Random(seed)
    out: list[str] = []
    sentence_len = 0
    for i in range(n_words):
        w = rnd.choice(_WORDS)
        if sentence_len == 0:
            w = w.capitalize()
        if i % 97 == 50:
            w = "https://example.com/guide/part-" + str(i)
        elif i % 131 == 7:
            w = "@alice"
        elif i % 151 == 9:
            w = "#launch"
        elif i % 173 == 11:
            w = "1,000.50"
        sentence_len += 1
        if sentence_len > rnd.randint(8, 22):
            w += "."
            sentence_len = 0
        elif rnd.random() < 0.06:
            w += ","
        out.append(w)
        out.append("\n\n" if sentence_len == 0 and rnd.random() < 0.2 else " ")
    return "".join(out).strip()


def _median(fn, number: int, repeat: int = 7) -> float:
    return statistics.median(timeit.repeat(fn, number=number, repeat=repeat)) / number


def _distinct(count, n: int = 2000) -> float:
    """Seconds per count over n different 280-character posts with a URL, emoji and accents
    (best of 3 rounds, each on posts never counted before)."""
    words = _prose(3000, seed=3).split()
    best = float("inf")
    for round_ in range(3):
        posts = [
            (
                f"Café ünïcode 🎉 {round_}.{i} 👨\u200d👩\u200d👧\u200d👦: see "
                f"https://example.com/launch/{round_}/{i}, "
                + " ".join(words[(i * 7) % 2500 : (i * 7) % 2500 + 60])
            )[:280]
            for i in range(n)
        ]
        start = timeit.default_timer()
        for post in posts:
            count(post)
        best = min(best, (timeit.default_timer() - start) / n)
    return best


def run() -> dict[str, float]:
    """Median timings: count_*_us (µs per 280-character post), split_*_ms (ms per 10,000 words)."""
    x = get_platform("x")
    plain = " ".join(w for w in _prose(80).split(" ") if "://" not in w)[:280]
    mixed = (
        "Café ünïcode 🎉 news 👨\u200d👩\u200d👧\u200d👦: see https://example.com/launch, "
        + _prose(60)
    )[:280]
    text = _prose(10_000)
    results = {
        "count_x_plain_us": _median(lambda: x.length(plain), 20_000) * 1e6,
        "count_x_mixed_us": _median(lambda: x.length(mixed), 5_000) * 1e6,
    }
    for name in ("bluesky", "mastodon", "linkedin", "threads"):
        p = get_platform(name)
        results[f"count_{name}_mixed_us"] = _median(lambda p=p: p.length(mixed), 5_000) * 1e6
    # the same text counted again hits the counters' word caches; a draft being edited does
    # not, so also count 2,000 different posts (each with its own URL) once each
    for name in ("x", "bluesky", "mastodon"):
        p = get_platform(name)
        results[f"count_{name}_mixed_distinct_us"] = _distinct(p.length) * 1e6
    for name in ("x", "bluesky"):
        p = get_platform(name)
        results[f"split_10k_words_{name}_ms"] = (
            _median(lambda p=p: split_thread([text], p), 3, repeat=5) * 1e3
        )
    return results


def main() -> None:
    for key, value in run().items():
        unit = "µs" if key.endswith("_us") else "ms"
        print(f"{key[:-3]:<30} {value:8.2f} {unit}")


if __name__ == "__main__":
    main()


def rows():
    """The same figures as result rows for bench/run.py (targets from the platform issue)."""
    from bench.common import Row

    out = []
    for key, value in run().items():
        unit = "µs" if key.endswith("_us") else "ms"
        target = 20.0
        name = key[:-3].replace("_", " ")
        out.append(Row.once("C", name, unit, target, value, op="<="))
    return out

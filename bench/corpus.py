"""Deterministic synthetic articles for throughput benchmarks (P3): varied length, headings in
the plain-text blank-line rhythm, lists and an FAQ on some. The words are generated, not copied."""

from __future__ import annotations

import random
from pathlib import Path

SUBJECTS = [
    "The team",
    "Our customers",
    "Every planner",
    "A small shop",
    "The new release",
    "Most readers",
    "The field crew",
    "Each region",
    "The pilot group",
    "Our editors",
]
VERBS = [
    "improved",
    "measured",
    "rebuilt",
    "simplified",
    "tested",
    "reviewed",
    "shipped",
    "scheduled",
    "compared",
    "documented",
]
OBJECTS = [
    "the weekly report",
    "its delivery routes",
    "the onboarding flow",
    "three pricing tiers",
    "the support backlog",
    "a shared calendar",
    "the spring catalogue",
    "every landing page",
    "the order dashboard",
    "two warehouse shifts",
]
TAILS = [
    "within a month",
    "without extra staff",
    "after a short trial",
    "before the holidays",
    "with clear results",
    "for the first time",
    "across all stores",
    "at a lower cost",
    "despite tight budgets",
    "using plain spreadsheets",
]
TOPICS = [
    "Planning",
    "Pricing",
    "Delivery",
    "Support",
    "Hiring",
    "Marketing",
    "Inventory",
    "Reporting",
    "Training",
    "Partnerships",
    "Logistics",
    "Design",
]


def sentence(rng: random.Random) -> str:
    s = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}"
    if rng.random() < 0.3:
        s += f", and {rng.choice(SUBJECTS).lower()} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    return s + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 6)))


def article(i: int) -> str:
    rng = random.Random(i)
    topic = rng.choice(TOPICS)
    lines = [f"{topic} Notes {i}: What We Learned This Quarter", "", paragraph(rng), ""]
    for s in range(rng.randint(2, 9)):
        lines += ["", f"{rng.choice(TOPICS)} Lessons From Week {s + 1}", ""]
        for _ in range(rng.randint(1, 4)):
            lines += [paragraph(rng), ""]
        if rng.random() < 0.3:
            lines += [f"- {sentence(rng)}" for _ in range(3)] + [""]
    if rng.random() < 0.4:
        lines += ["", "FAQ", ""]
        for q in range(1, rng.randint(2, 5)):
            lines += [f"{q}. How did {rng.choice(OBJECTS)} change?", paragraph(rng), ""]
    return "\n".join(lines) + "\n"


def write_corpus(directory: Path, count: int) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        p = directory / f"article-{i:04d}.txt"
        p.write_text(article(i), encoding="utf-8")
        paths.append(p)
    return paths

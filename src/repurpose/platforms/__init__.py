"""Exact platform rules (X, Bluesky, Mastodon, LinkedIn, Threads) and the thread splitter.

from repurpose.platforms import get_platform, split_thread
x = get_platform("x")                 # limit 280; get_platform("x", limit=25000) for premium
x.length("See example.org 🎉")        # 30: "See " 4 + the URL 23 + " " 1 + the emoji 2
split_thread([text], x)               # [SplitPost(text="… 1/3", chunk=0, length=…), …]
"""

from repurpose.platforms.rules import (
    PLATFORMS,
    Bluesky,
    LinkedIn,
    Mastodon,
    Platform,
    Threads,
    X,
    choose_platforms,
    count_lines,
    get_platform,
    parse_limits,
)
from repurpose.platforms.split import SplitPost, split_thread

__all__ = [
    "PLATFORMS",
    "Bluesky",
    "LinkedIn",
    "Mastodon",
    "Platform",
    "SplitPost",
    "Threads",
    "X",
    "choose_platforms",
    "count_lines",
    "get_platform",
    "parse_limits",
    "split_thread",
]

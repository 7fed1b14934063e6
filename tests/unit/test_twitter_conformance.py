"""twitter-text's own conformance suite (validate.yml), read from ../shared at test time.

Runs every case of the weighted-length sections: WeightedTweetsCounterTest (config v2: no emoji
parsing), WeightedTweetsWithDiscountedEmojiCounterTest (config v3) and
UnicodeDirectionalMarkerCounterTest (config v3), comparing weightedLength, valid, permillage and the
display/valid ranges (UTF-16 indices, as the JavaScript library reports them).
"""

from __future__ import annotations

import json

import pytest
import yaml

from repurpose.platforms import get_platform
from repurpose.platforms.twitter_text import CONFIG_V2, CONFIG_V3, Config, parse_tweet
from tests.conftest import SHARED

SUITE = SHARED / "conformance" / "twitter-text"
VALIDATE = SUITE / "validate.yml"
SECTIONS = {
    "WeightedTweetsCounterTest": "config-v2.json",
    "WeightedTweetsWithDiscountedEmojiCounterTest": "config-v3.json",
    "UnicodeDirectionalMarkerCounterTest": "config-v3.json",
}


def _cases(only: str | None = None):
    if not VALIDATE.exists():
        return [
            pytest.param(
                None,
                None,
                marks=pytest.mark.skip(reason=f"twitter-text conformance suite absent: {VALIDATE}"),
                id="suite-absent",
            )
        ]
    # The file uses YAML double-quoted escapes (\u202A, \U0001f431, \uFFFF); PyYAML decodes them.
    data = yaml.safe_load(VALIDATE.read_text(encoding="utf-8"))["tests"]
    out = []
    for section, config in SECTIONS.items():
        if only and config != only:
            continue
        for k, case in enumerate(data[section]):
            out.append(pytest.param(config, case, id=f"{section}-{k}-{case['description'][:40]}"))
    return out


def _config(name: str) -> Config:
    """Our embedded numbers, checked against the suite's config file."""
    ours = CONFIG_V2 if name == "config-v2.json" else CONFIG_V3
    theirs = json.loads((SUITE / name).read_text(encoding="utf-8"))
    assert theirs["maxWeightedTweetLength"] == ours.max_weighted_tweet_length
    assert theirs["scale"] == ours.scale
    assert theirs["defaultWeight"] == ours.default_weight
    assert theirs["transformedURLLength"] == ours.transformed_url_length
    assert bool(theirs.get("emojiParsingEnabled", False)) == ours.emoji_parsing_enabled
    assert [(r["start"], r["end"], r["weight"]) for r in theirs["ranges"]] == list(ours.ranges)
    return ours


@pytest.mark.parametrize("config_name,case", _cases())
def test_weighted_length_conformance(config_name, case):
    config = _config(config_name)
    assert parse_tweet(case["text"], config) == case["expected"], case["description"]


@pytest.mark.parametrize("config_name,case", _cases(only="config-v3.json"))
def test_platform_length_agrees_with_v3(config_name, case):
    """The X platform's fast counter (config v3) gives parseTweet's weightedLength."""
    assert get_platform("x").length(case["text"]) == case["expected"]["weightedLength"]

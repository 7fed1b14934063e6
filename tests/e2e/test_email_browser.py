"""The email digest in a real browser (headless Chromium): readable at phone and desktop widths."""

from __future__ import annotations

import pytest

from repurpose.config import Settings
from repurpose.render import render_composition
from tests.conftest import CHROMIUM_ARGS as LAUNCH_ARGS
from tests.unit._compositions import composition

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def email_html() -> str:
    settings = Settings(
        email={
            "unsubscribe_url": "https://blog.example.org/unsub?e={email}",
            "postal_address": "12 Harbour Road, Port Example",
        }
    )
    return render_composition(composition(), settings).files["email.html"]


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()


@pytest.mark.parametrize("width", [375, 600])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_email_renders_without_overflow(browser, email_html, width, scheme, tmp_path):
    page = browser.new_page(viewport={"width": width, "height": 800}, color_scheme=scheme)
    # Nothing may be fetched from the network: the email is self-contained apart from images.
    page.route("**/*", lambda route: route.abort())
    page.set_content(email_html, wait_until="load")
    metrics = page.evaluate(
        """() => ({
            scrollWidth: document.documentElement.scrollWidth,
            clientWidth: document.documentElement.clientWidth,
            text: document.body.innerText,
            bg: getComputedStyle(document.body).backgroundColor,
            h1: getComputedStyle(document.querySelector('h1')).color,
        })"""
    )
    assert metrics["scrollWidth"] <= metrics["clientWidth"], "horizontal overflow"
    assert "Power budget" in metrics["text"]
    assert "Unsubscribe" in metrics["text"]
    assert "<script>alert('x')</script>" in metrics["text"]  # shown as text, never run
    if scheme == "dark":
        assert metrics["bg"] == "rgb(17, 20, 24)"  # brand.dark_background_color
        assert metrics["h1"] == "rgb(230, 233, 238)"  # brand.dark_text_color
    shot = page.screenshot(full_page=True)
    path = tmp_path / f"email-{scheme}-{width}.png"
    path.write_bytes(shot)
    # not blank: a screenshot of a blank page has (almost) a single colour
    from io import BytesIO

    colours = _distinct_colours(BytesIO(shot))
    assert colours > 20, f"screenshot looks blank ({colours} colours)"
    page.close()


def _distinct_colours(png) -> int:
    """Count distinct colours in a PNG with the stdlib only (zlib + filter decoding)."""
    import struct
    import zlib

    data = png.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    height = bit_depth = color_type = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, bit_depth, color_type = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert bit_depth == 8 and color_type in (2, 6)
    bpp = 3 if color_type == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    colours: set[bytes] = set()
    i = 0
    for _ in range(height):
        f = raw[i]
        line = bytearray(raw[i + 1 : i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 0xFF
            elif f == 2:
                line[x] = (line[x] + b) & 0xFF
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 0xFF
        for x in range(0, stride, bpp * 4):  # sample every 4th pixel
            colours.add(bytes(line[x : x + 3]))
        prev = line
    return len(colours)

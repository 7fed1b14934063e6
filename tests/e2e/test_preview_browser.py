"""`repurpose preview` in headless Chromium: the server runs as a real subprocess on 127.0.0.1,
the browser is Debian's Chromium driven by Playwright."""

from __future__ import annotations

import base64
import http.client
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import EXAMPLES

pytestmark = pytest.mark.browser

LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTICLE = EXAMPLES / "product-update.md"
XSS_ARTICLE = """---
title: "Trains <script>window.__xss='title'</script> & <img src=x onerror=\\"window.__xss='img'\\">"
canonical_url: https://rail.example.org/night-trains
---

# Night trains are back <script>window.__xss='h1'</script>

Sleeper cars are back on the long routes. <img src=x onerror="window.__xss='p'; alert(1)"> Pack
one bag, bring earplugs and <b onmouseover="window.__xss='b'">book early</b>.

## Packing <svg onload="window.__xss='svg'">

Bring a small torch. A link: [click](javascript:window.__xss='link') and a real one:
https://rail.example.org/tips.

```html
<script>window.__xss='code'</script>
```

## FAQ

<details>
<summary>Is <script>window.__xss='faq'</script> safe?</summary>

Yes. <iframe src="javascript:window.top.__xss='frame'"></iframe> It is escaped.

</details>
"""


class Preview:
    def __init__(self, proc: subprocess.Popen, url: str, lines: queue.Queue, cwd: Path):
        self.proc, self.url, self.lines, self.cwd = proc, url, lines, cwd
        u = urlsplit(url)
        self.host, self.port = u.hostname, u.port

    def raw(self, path: str) -> tuple[int, str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=5)
        conn.putrequest("GET", path)  # sent as is: http.client does not normalise the path
        conn.endheaders()
        resp = conn.getresponse()
        body = resp.read().decode("utf-8", "replace")
        conn.close()
        return resp.status, body


def start_preview(cwd: Path, *args: str) -> Preview:
    proc = subprocess.Popen(
        [sys.executable, "-m", "repurpose", "preview", *args, "--port", "0", "--no-open"],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
        text=True,
    )
    lines: queue.Queue = queue.Queue()

    def drain():
        for line in proc.stderr:
            lines.put(line)

    threading.Thread(target=drain, daemon=True).start()
    deadline = time.monotonic() + 60
    seen = []
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            if proc.poll() is not None:
                break
            continue
        seen.append(line)
        m = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
        if m:
            return Preview(proc, m.group(1), lines, cwd)
    proc.kill()
    raise AssertionError("preview did not start:\n" + "".join(seen))


def stop(p: Preview) -> None:
    p.proc.terminate()
    try:
        p.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.proc.kill()


def bump(path: Path, text: str) -> None:
    """Save as editors do: write a temporary file, then rename it over the old one (one change
    for the watcher, never a half-written file), with an mtime clearly newer than before."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    st = path.stat() if path.exists() else tmp.stat()
    os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    os.replace(tmp, path)


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def workspace(tmp_path):
    article = tmp_path / "update.md"
    shutil.copy(ARTICLE, article)
    (tmp_path / "repurpose.toml").write_text(
        '[brand]\nname = "Lantern"\n[email]\nfrom_name = "Lantern News"\n'
        'from_address = "news@lantern.example.com"\n',
        encoding="utf-8",
    )
    (tmp_path / "my-templates").mkdir()
    return tmp_path, article


@pytest.fixture
def preview(workspace):
    cwd, article = workspace
    p = start_preview(cwd, str(article), "--templates", "my-templates")
    yield p
    stop(p)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.requests = []
    pg.dialogs = []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()


def wait_until(page, expr: str, timeout: float = 5.0) -> float:
    """Poll a JS expression from Python (the page's CSP forbids the eval that
    wait_for_function uses); returns the seconds waited."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        try:
            if page.evaluate(expr):
                return time.monotonic() - t0
        except Exception:  # the page is reloading
            pass
        time.sleep(0.03)
    raise AssertionError(f"timed out waiting for {expr}")


def visible_panels(page) -> list[str]:
    return page.eval_on_selector_all(
        ".tab-panel", "els => els.filter(e => !e.hidden).map(e => e.id)"
    )


def only_local(urls: list[str]) -> list[str]:
    return [u for u in urls if not u.startswith(("http://127.0.0.1:", "data:", "about:"))]


def test_pages_load_and_tabs_switch(preview, page):
    page.goto(preview.url)
    assert "Lantern 3.2" in page.inner_text("#doc-title")
    assert visible_panels(page) == ["email"]
    assert page.inner_text(".inbox-sender") == "Lantern News"
    for tab in ("threads", "faq", "calendar", "email"):
        page.click(f"#tab-{tab}")
        assert visible_panels(page) == [tab]
        assert page.get_attribute(f"#tab-{tab}", "aria-selected") == "true"
        assert page.evaluate("location.hash") == f"#{tab}"
    page.click("#tab-threads")
    assert page.locator(".platform-panel:not([hidden]) .post").count() >= 2
    page.click("#platform-mastodon")
    assert page.eval_on_selector_all(
        ".platform-panel", "els => els.filter(e => !e.hidden).map(e => e.dataset.platform)"
    ) == ["mastodon"]
    page.click("#tab-faq")
    assert "FAQPage" in page.inner_text("#faq-jsonld")
    page.click("#tab-calendar")
    assert "No outbox database yet" in page.inner_text("#calendar-view")
    # a reload keeps the tab (it is in the URL)
    page.reload()
    assert visible_panels(page) == ["calendar"]
    assert only_local(page.requests) == []


def test_width_and_dark_toggles(preview, page):
    page.goto(preview.url)
    frame_el = page.locator("#email-frame")
    for key, px in (("mobile", 375), ("tablet", 600), ("desktop", 1024)):
        page.click(f"#width-{key}")
        box = frame_el.bounding_box()
        assert abs(box["width"] - px) <= 1, (key, box)
        assert page.get_attribute(f"#width-{key}", "aria-pressed") == "true"
    frame = page.frame_locator("#email-frame")

    def card_bg():
        return frame.locator(".rp-card td").first.evaluate(
            "e => getComputedStyle(e).backgroundColor"
        )

    light = card_bg()
    page.click("#scheme-dark")
    wait_until(page, "document.body.dataset.emailScheme === 'dark'")
    frame.locator("body").wait_for()
    dark = card_bg()
    assert light != dark
    assert (
        page.evaluate("getComputedStyle(document.getElementById('email-frame')).colorScheme")
        == "dark"
    )
    # the choice survives a reload
    page.reload()
    assert page.evaluate("document.body.dataset.emailScheme") == "dark"
    assert page.evaluate("document.body.dataset.emailWidth") == "1024"
    page.click("#scheme-light")
    assert card_bg() == light


def test_live_reload_after_saving_the_article(preview, page, workspace):
    _, article = workspace
    page.goto(preview.url + "#threads")
    version = page.evaluate("document.body.dataset.version")
    wait_until(page, "document.body.dataset.connected === '1'")  # the EventSource is open
    t0 = time.monotonic()
    bump(
        article,
        article.read_text().replace("Lantern 3.2: offline drafts", "Lantern 3.3: offline drafts"),
    )
    wait_until(
        page,
        "document.getElementById('doc-title') && document.getElementById('doc-title').textContent.includes('Lantern 3.3')",
    )
    elapsed = time.monotonic() - t0
    print(f"live reload took {elapsed:.2f}s")
    assert elapsed < 1.5, f"reload took {elapsed:.2f}s"
    assert page.evaluate("document.body.dataset.version") != version
    assert visible_panels(page) == ["threads"]  # the open tab stays open


def test_template_change_and_error_panel(preview, page, workspace):
    cwd, _ = workspace
    page.goto(preview.url)
    wait_until(page, "document.body.dataset.connected === '1'")
    tdir = cwd / "my-templates" / "faq"
    tdir.mkdir()
    faq = tdir / "faq.html.j2"
    bump(
        faq,
        '<section class="custom-faq">{% for item in faq.items %}<h3>Q: {{ item.question }}</h3>'
        "<p>{{ item.answer }}</p>{% endfor %}</section>\n",
    )
    wait_until(
        page,
        "document.getElementById('faq-frame') && document.getElementById('faq-frame').srcdoc.includes('custom-faq')",
    )
    bump(faq, "{% for item in faq.items %}<h3>{{ item.question }</h3>{% endfor %}\n")
    page.wait_for_selector("#error-panel", timeout=5000)
    text = page.inner_text("#error-panel")
    assert "Template error" in text and "faq.html.j2" in text
    assert page.locator("#email-frame").count() == 1  # the last good render is still there
    assert preview.proc.poll() is None  # the server did not crash
    faq.unlink()
    wait_until(page, "!document.getElementById('error-panel')")


def test_xss_payload_in_the_article_stays_inert(browser, tmp_path):
    article = tmp_path / "trains.md"
    article.write_text(XSS_ARTICLE, encoding="utf-8")
    p = start_preview(tmp_path, str(article))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs, requests = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(p.url)
        assert "<script>" in page.inner_text("#doc-title")  # shown as text
        for tab in ("email", "threads", "faq", "calendar"):
            page.click(f"#tab-{tab}")
            page.mouse.move(300, 300)
        page.click("#tab-email")
        page.click("#scheme-dark")
        page.click("#width-mobile")
        page.check("#remote-images")
        page.wait_for_timeout(500)
        for frame in page.frames:
            assert frame.evaluate("typeof window.__xss") == "undefined", frame.url
        assert page.evaluate("typeof window.top.__xss") == "undefined"
        assert dialogs == []
        # the frames really are script-free sandboxes
        for sel in ("#email-frame", "#faq-frame"):
            assert "allow-scripts" not in (page.get_attribute(sel, "sandbox") or "")
        assert only_local(requests) == []
    finally:
        context.close()
        stop(p)


@pytest.mark.parametrize(
    "path",
    [
        "/../../etc/passwd",
        "/static/../../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/static/%252e%252e%252f%252e%252e%252fetc%252fpasswd",
        "/static/..\\..\\..\\etc\\passwd",
        "/files/..%2f..%2f..%2fetc%2fpasswd",
        "/etc/passwd",
    ],
)
def test_paths_outside_the_app_are_refused(preview, path):
    status, body = preview.raw(path)
    assert status in (403, 404)
    assert "root:" not in body


def _not_blank(browser, png: bytes) -> dict:
    """Decode the screenshot in the browser: how many distinct colours, how much is not white."""
    pg = browser.new_page()
    try:
        return pg.evaluate(
            """async (b64) => {
                const img = new Image();
                img.src = 'data:image/png;base64,' + b64;
                await img.decode();
                const c = document.createElement('canvas');
                c.width = img.width; c.height = img.height;
                const ctx = c.getContext('2d');
                ctx.drawImage(img, 0, 0);
                const d = ctx.getImageData(0, 0, c.width, c.height).data;
                const colours = new Set();
                let ink = 0;
                for (let i = 0; i < d.length; i += 4) {
                    colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
                    if (d[i] + d[i + 1] + d[i + 2] < 600) ink++;
                }
                return {w: c.width, h: c.height, colours: colours.size, ink: ink / (d.length / 4)};
            }""",
            base64.b64encode(png).decode(),
        )
    finally:
        pg.close()


@pytest.mark.parametrize("key,width", [("mobile", 375), ("tablet", 600)])
def test_email_screenshots_are_not_blank_and_fit(preview, page, browser, key, width, tmp_path):
    page.goto(preview.url)
    page.click(f"#width-{key}")
    frame = page.locator("#email-frame").element_handle().content_frame()
    frame.wait_for_load_state()
    metrics = frame.evaluate(
        "() => ({sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth, iw: window.innerWidth})"
    )
    assert metrics["iw"] == width
    assert metrics["sw"] <= width, metrics
    png = page.locator("#email-frame").screenshot(path=str(tmp_path / f"email-{width}.png"))
    stats = _not_blank(browser, png)
    assert abs(stats["w"] - width) <= 1  # sub-pixel placement may add one column
    assert stats["colours"] > 20 and stats["ink"] > 0.02, stats


def test_copy_button_puts_the_post_on_the_clipboard(preview, browser):
    origin = preview.url.rstrip("/")
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page = context.new_page()
    try:
        page.goto(preview.url + "#threads")
        first = page.locator(".platform-panel:not([hidden]) .post").nth(1)
        expected = first.locator("textarea.copy-src").input_value()
        first.locator("button.copy").click()
        wait_until(
            page,
            "document.querySelector('.platform-panel:not([hidden]) .post:nth-child(2) button.copy').textContent === 'Copied'",
        )
        assert page.evaluate("navigator.clipboard.readText()") == expected
        assert re.search(r"\d+/\d+$", expected)  # the numbering is part of what is copied
    finally:
        context.close()


def test_copy_falls_back_without_the_clipboard_api(preview, browser):
    context = browser.new_context()
    context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined});")
    page = context.new_page()
    try:
        page.goto(preview.url + "#threads")
        page.evaluate(
            "window.__copied = null; document.addEventListener('copy', () => { window.__copied = document.getSelection().toString(); });"
        )
        post = page.locator(".platform-panel:not([hidden]) .post").first
        post.locator("button.copy").click()
        assert page.evaluate("window.__copied") == post.locator("textarea.copy-src").input_value()
    finally:
        context.close()


def test_calendar_shows_the_planned_items_by_state(browser, workspace):
    from repurpose.schedule.store import NewItem, Outbox

    cwd, article = workspace
    db = f"sqlite:///{cwd / 'outbox.db'}"
    base = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0) + timedelta(days=2)
    items = [
        NewItem(
            article_slug="update",
            channel="x",
            kind="post",
            body={"text": f"post {i}"},
            due_at=base + timedelta(hours=i),
            tz="America/New_York",
            idempotency_key=f"k{i}",
            summary=f"post {i}",
            position=i,
        )
        for i in range(3)
    ] + [
        NewItem(
            article_slug="other-article",
            channel="email",
            kind="email",
            body={"subject": "s", "preheader": "p", "html": "<p>x</p>", "text": "x"},
            due_at=base + timedelta(days=1),
            tz="America/New_York",
            idempotency_key=f"e{i}",
            summary="Other news",
            recipient=f"r{i}@example.com",
        )
        for i in range(2)
    ]
    with Outbox.open(db) as box:
        ids = box.add_items(items).ids
        box.cancel(ids[2])
    p = start_preview(cwd, str(article), "--db", db)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(p.url + "#calendar")
        cal = page.locator("#calendar-view")
        assert "times in America/New_York" in cal.inner_text()
        chips = page.locator(".cal-period:not([hidden]) .chip")
        texts = chips.all_inner_texts()
        local = (base.astimezone(__import__("zoneinfo").ZoneInfo("America/New_York"))).strftime(
            "%H:%M"
        )
        assert any(t.startswith(f"{local} X post 1") for t in texts), texts
        assert page.locator(".cal-period:not([hidden]) .chip.state-cancelled").count() == 1
        assert page.locator(".cal-period:not([hidden]) .chip.state-scheduled").count() >= 2
        assert any("Email · Other news · 2 recipients" in t for t in texts)  # --db: every article
        page.click("[data-cal-view=week]")
        assert page.locator(".cal-period:not([hidden])").get_attribute("data-view") == "week"
        assert page.locator(".cal-period:not([hidden]) .chip").count() >= 3
    finally:
        context.close()
        stop(p)


def test_static_export_works_from_disk(browser, workspace, tmp_path):
    cwd, article = workspace
    out = tmp_path / "share"
    r = subprocess.run(
        [sys.executable, "-m", "repurpose", "preview", str(article), "--static", str(out)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    context = browser.new_context()
    page = context.new_page()
    requests = []
    page.on("request", lambda req: requests.append(req.url))
    try:
        page.goto((out / "index.html").as_uri())
        assert page.evaluate("document.body.classList.contains('js')")  # the script ran
        page.click("#tab-threads")
        assert visible_panels(page) == ["threads"]
        page.click("#tab-email")
        page.click("#width-mobile")
        assert abs(page.locator("#email-frame").bounding_box()["width"] - 375) <= 1
        assert [u for u in requests if not u.startswith(("file:", "data:", "about:"))] == []
    finally:
        context.close()

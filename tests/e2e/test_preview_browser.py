"""`repurpose preview` in headless Chromium: the server runs as a real subprocess on 127.0.0.1,
the browser is Debian's Chromium driven by Playwright."""

from __future__ import annotations

import base64
import http.client
import json
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
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.conftest import CHROMIUM_ARGS, EXAMPLES, ROOT, save_as_editor

pytestmark = pytest.mark.browser

# Every wait below ends on its event (a page load, an element, a server-side build); these are
# only the ceilings, generous so a loaded 2-core CI machine cannot turn slowness into a failure.
WAIT = 30.0
WAIT_MS = WAIT * 1000
# What the preview itself may add to a render before the open page shows the change: noticing
# the save (250 ms polls), telling the page (SSE) and the page reloading.
RELOAD_BUDGET = 1.0

LAUNCH_ARGS = [
    *CHROMIUM_ARGS,
    # Offline, as on a train: no name resolves except loopback. A request to anywhere else
    # still fires the request event (so the recorder below sees it), then fails at once.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
LOCAL = ("http://127.0.0.1:", "data:", "about:", "blob:", "file:")
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
        conn = http.client.HTTPConnection(self.host, self.port, timeout=WAIT)
        conn.putrequest("GET", path)  # sent as is: http.client does not normalise the path
        conn.endheaders()
        resp = conn.getresponse()
        body = resp.read().decode("utf-8", "replace")
        conn.close()
        return resp.status, body

    def status(self) -> dict:
        code, body = self.raw("/status.json")
        assert code == 200, body
        return json.loads(body)


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


class Traffic:
    """Every request of a browser context: the page, its frames (srcdoc emails included),
    workers. `external` is what went out to anywhere but the preview itself."""

    def __init__(self, context):
        self.requests: list = []
        context.on("request", lambda r: self.requests.append(r))

    @property
    def urls(self) -> list[str]:
        return [r.url for r in self.requests]

    @property
    def external(self) -> list[str]:
        out = []
        for r in self.requests:
            if r.url.startswith(LOCAL):
                continue
            r.response()  # waits for the outcome: a response, or a failure
            # Chromium announces a request its CSP then refuses (the email frame's remote
            # images while they are off); that one never reaches the network.
            if "csp" in (r.failure or "").lower():
                continue
            out.append(r.url)
        return out


def new_context(browser, **kwargs):
    context = browser.new_context(**kwargs)
    context.set_default_timeout(WAIT_MS)
    context.traffic = Traffic(context)
    context.dialogs = []
    context.on("dialog", lambda d: (context.dialogs.append(d.message), d.dismiss()))
    return context


@pytest.fixture
def page(browser):
    context = new_context(browser, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.traffic = context.traffic
    yield pg
    context.close()


def wait_until(page, expr: str, timeout: float = WAIT) -> float:
    """For the few states no element or event announces: poll a JS expression from Python (the
    page's CSP forbids the eval that wait_for_function uses); returns the seconds waited."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        try:
            if page.evaluate(expr):
                return time.monotonic() - t0
        except Exception:  # the page is reloading
            pass
        page.wait_for_timeout(30)  # lets Playwright deliver events meanwhile
    raise AssertionError(f"timed out waiting for {expr}")


def reload_after(page, preview: Preview, save) -> dict:
    """Run `save()` while the page is open and wait (event-driven: the page's next load event)
    until live reload has shown the result. Returns the timings: `total` from the save to the
    reloaded page, `build` the render the server did for it, `overhead` the preview's own share."""
    before = preview.status()["version"]
    assert page.evaluate("document.body.dataset.version") == str(before)
    with page.expect_event("load", timeout=WAIT_MS):
        t0 = time.monotonic()
        save()
    total = time.monotonic() - t0
    status = preview.status()
    shown = int(page.evaluate("document.body.dataset.version"))
    assert shown > before, "the page reloaded without a new render"
    timing = {"total": total, "build": status["build_seconds"]}
    timing["overhead"] = total - timing["build"]
    print(f"live reload: {timing}")
    return timing


def visible_panels(page) -> list[str]:
    return page.eval_on_selector_all(
        ".tab-panel", "els => els.filter(e => !e.hidden).map(e => e.id)"
    )


def test_pages_load_and_tabs_switch(preview, page):
    page.goto(preview.url)
    expect(page.locator("#doc-title")).to_contain_text("Lantern 3.2")
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


def test_nothing_is_fetched_from_the_network(preview, page):
    """Every request of the page and its frames is recorded while every tab and toggle is used;
    the browser is offline (only 127.0.0.1 resolves). Remote images in the email are fetched
    only once the reader ticks the box, which also proves the recorder sees the email frame."""
    page.goto(preview.url)
    for tab in ("threads", "faq", "calendar", "email"):
        page.click(f"#tab-{tab}")
    page.click("#tab-threads")
    for button in page.locator("[data-platform]:is(button)").all():
        button.click()
    page.click("#tab-email")
    for sel in ("#width-mobile", "#width-desktop", "#scheme-dark", "#scheme-light"):
        page.click(sel)
    frame = page.frame_locator("#email-frame")
    expect(frame.locator("body")).to_contain_text("offline drafts")
    page.wait_for_load_state("load")
    urls = page.traffic.urls
    assert any(u.endswith("/static/preview.css") for u in urls), urls  # the recorder works
    assert any(u.endswith("/events") for u in urls), urls
    assert page.traffic.external == []
    assert "Content-Security-Policy" in page.locator("#email-frame").get_attribute("srcdoc")

    remote = re.findall(r'<img[^>]+src="(https?://[^"]+)"', preview.raw("/files/email.html")[1])
    assert remote, "the example email has remote images"
    # the frame reloads with images allowed: its requests reach the recorder (and fail offline)
    with page.expect_request(lambda r: not r.url.startswith(LOCAL), timeout=WAIT_MS):
        page.check("#remote-images")
    assert page.traffic.external and set(page.traffic.external) <= set(remote)


def test_width_and_dark_toggles(preview, page):
    page.goto(preview.url)
    frame_el = page.locator("#email-frame")
    for key, px in (("mobile", 375), ("tablet", 600), ("desktop", 1024)):
        page.click(f"#width-{key}")
        box = frame_el.bounding_box()
        assert abs(box["width"] - px) <= 1, (key, box)
        assert page.get_attribute(f"#width-{key}", "aria-pressed") == "true"
    card = page.frame_locator("#email-frame").locator(".rp-card td").first
    light = card.evaluate("e => getComputedStyle(e).backgroundColor")
    page.click("#scheme-dark")
    assert page.evaluate("document.body.dataset.emailScheme") == "dark"
    # the frame gets a new document; wait for its card to turn dark (not for a fixed time)
    expect(card).not_to_have_css("background-color", light)
    assert (
        page.evaluate("getComputedStyle(document.getElementById('email-frame')).colorScheme")
        == "dark"
    )
    # the choice survives a reload
    page.reload()
    assert page.evaluate("document.body.dataset.emailScheme") == "dark"
    assert page.evaluate("document.body.dataset.emailWidth") == "1024"
    page.click("#scheme-light")
    expect(card).to_have_css("background-color", light)


def test_live_reload_after_saving_the_article(preview, page, workspace):
    _, article = workspace
    page.goto(preview.url + "#threads")
    text = article.read_text()
    assert "Lantern 3.2: offline drafts" in text
    timing = reload_after(
        page,
        preview,
        lambda: save_as_editor(
            article, text.replace("Lantern 3.2: offline drafts", "Lantern 3.3: offline drafts")
        ),
    )
    assert "Lantern 3.3" in page.inner_text("#doc-title")
    assert visible_panels(page) == ["threads"]  # the open tab stays open
    assert "Lantern 3.3" in page.locator(".platform-panel:not([hidden]) .post").first.inner_text()
    assert timing["overhead"] < RELOAD_BUDGET, timing


def test_live_reload_after_saving_the_config(preview, page, workspace):
    cwd, _ = workspace
    config = cwd / "repurpose.toml"
    page.goto(preview.url)
    assert page.inner_text(".inbox-sender") == "Lantern News"
    text = config.read_text()
    timing = reload_after(
        page,
        preview,
        lambda: save_as_editor(config, text.replace("Lantern News", "Lantern Weekly")),
    )
    assert page.inner_text(".inbox-sender") == "Lantern Weekly"
    assert timing["overhead"] < RELOAD_BUDGET, timing
    # a broken config: the page says so and keeps the last good render; the server lives on
    reload_after(page, preview, lambda: save_as_editor(config, "[email\nfrom_name = 'x'\n"))
    panel = page.locator("#error-panel")
    expect(panel).to_contain_text("Config error")
    expect(panel).to_contain_text("repurpose.toml")
    assert page.inner_text(".inbox-sender") == "Lantern Weekly"
    assert preview.proc.poll() is None


def test_template_change_and_error_panel(preview, page, workspace):
    cwd, _ = workspace
    page.goto(preview.url + "#faq")
    tdir = cwd / "my-templates" / "faq"
    tdir.mkdir()
    faq = tdir / "faq.html.j2"
    # a new override file that shadows the packaged template
    timing = reload_after(
        page,
        preview,
        lambda: save_as_editor(
            faq,
            '<section class="custom-faq">{% for item in faq.items %}<h3>Q: {{ item.question }}'
            "</h3><p>{{ item.answer }}</p>{% endfor %}</section>\n",
        ),
    )
    expect(page.frame_locator("#faq-frame").locator("section.custom-faq h3").first).to_contain_text(
        "Q: "
    )
    assert timing["overhead"] < RELOAD_BUDGET, timing
    # an edit to that template
    text = faq.read_text()
    timing = reload_after(
        page, preview, lambda: save_as_editor(faq, text.replace("Q: ", "Question: "))
    )
    expect(page.frame_locator("#faq-frame").locator("section.custom-faq h3").first).to_contain_text(
        "Question: "
    )
    assert timing["overhead"] < RELOAD_BUDGET, timing
    # a syntax error: shown in the page, over the last render that worked
    reload_after(
        page,
        preview,
        lambda: save_as_editor(
            faq, "{% for item in faq.items %}<h3>{{ item.question }</h3>{% endfor %}\n"
        ),
    )
    panel = page.locator("#error-panel")
    expect(panel).to_contain_text("Template error")
    expect(panel).to_contain_text("faq.html.j2")
    assert page.locator("#email-frame").count() == 1  # the last good render is still there
    assert "Question: " in page.locator("#faq-frame").get_attribute("srcdoc")
    assert preview.proc.poll() is None  # the server did not crash
    # removing the override goes back to the packaged template, without the panel
    reload_after(page, preview, faq.unlink)
    assert page.locator("#error-panel").count() == 0
    assert "custom-faq" not in page.locator("#faq-frame").get_attribute("srcdoc")


def test_xss_payload_in_the_article_stays_inert(browser, tmp_path):
    article = tmp_path / "trains.md"
    article.write_text(XSS_ARTICLE, encoding="utf-8")
    p = start_preview(tmp_path, str(article))
    context = new_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
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
        # wait until the email frame holds the document with images allowed, and every frame
        # has loaded (the payloads would have run by then: on parse, on load, on error)
        email = page.frame_locator("#email-frame")
        expect(email.locator('meta[http-equiv="Content-Security-Policy"]')).to_have_attribute(
            "content", re.compile("img-src data: http:")
        )
        for frame in page.frames:
            frame.wait_for_load_state("load")
        email.locator("body").hover()
        page.click("#tab-faq")
        page.frame_locator("#faq-frame").locator("body").hover()
        for frame in page.frames:
            assert frame.evaluate("typeof window.__xss") == "undefined", frame.url
        assert page.evaluate("typeof window.top.__xss") == "undefined"
        assert context.dialogs == []
        # the frames really are script-free sandboxes
        for sel in ("#email-frame", "#faq-frame"):
            assert "allow-scripts" not in (page.get_attribute(sel, "sandbox") or "")
        assert context.traffic.external == []
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
    context = new_context(browser, permissions=["clipboard-read", "clipboard-write"])
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page = context.new_page()
    try:
        page.goto(preview.url + "#threads")
        second = page.locator(".platform-panel:not([hidden]) .post").nth(1)
        expected = second.locator("textarea.copy-src").input_value()
        button = second.locator("button.copy")
        # The "Copied" label shows for 1.5 s: record every label the button takes, so a slow
        # machine cannot miss it.
        button.evaluate(
            "b => { window.__labels = []; new MutationObserver(() => "
            "window.__labels.push(b.textContent)).observe(b, {childList: true}); }"
        )
        button.click()
        expect(button).to_have_attribute("data-label", "Copy")  # the click was handled
        wait_until(page, "window.__labels.includes('Copied')")
        assert page.evaluate("navigator.clipboard.readText()") == expected
        assert re.search(r"\d+/\d+$", expected)  # the numbering is part of what is copied
    finally:
        context.close()


def test_copy_falls_back_without_the_clipboard_api(preview, browser):
    context = new_context(browser)
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


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    r = subprocess.run(
        [sys.executable, "-m", "repurpose", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert r.returncode == 0, (args, r.stderr)
    return r


def month_chips(page) -> list[dict]:
    """Every entry of the month grid (all months, shown or not): text and state."""
    return page.eval_on_selector_all(
        ".cal-period[data-view=month] .chip",
        "els => els.map(e => ({text: e.textContent, state: e.dataset.state}))",
    )


def test_calendar_tab_shows_what_repurpose_schedule_planned(browser, workspace):
    """The whole way a user gets there: `repurpose schedule` writes the outbox named in the
    config, `repurpose queue cancel` changes one item, the preview's calendar shows it."""
    cwd, article = workspace
    other = cwd / "other.md"
    other.write_text(article.read_text().replace("Lantern 3.2", "Lantern 3.1"), encoding="utf-8")
    (cwd / "audience.csv").write_text("email,name\nana@example.com,Ana\nbo@example.com,Bo\n")
    (cwd / "repurpose.toml").write_text(
        (cwd / "repurpose.toml").read_text() + '\n[outbox]\ndb = "sqlite:///plan.db"\n'
    )
    for path, start in ((article, "+1d 09:00"), (other, "+2d 09:00")):
        run_cli(cwd, "schedule", path.name, "-c", "launch", "--audience", "audience.csv",
                "--start", start)  # fmt: skip
    rows = json.loads(run_cli(cwd, "queue", "list", "--json").stdout)
    mine = [r for r in rows if r["article_slug"] == article.stem]
    assert mine and len(mine) < len(rows)
    linkedin = next(r for r in mine if r["channel"] == "linkedin")
    run_cli(cwd, "queue", "cancel", str(linkedin["id"]))
    # one entry per email send (all its recipients), one per post
    sends = {(r["due_at"], r["step"]) for r in mine if r["kind"] == "email"}
    expected = len(sends) + sum(r["kind"] != "email" for r in mine)
    zone = ZoneInfo("Europe/Berlin")  # the launch calendar's timezone
    first_x = next(r for r in mine if r["channel"] == "x" and r["position"] == 0)
    local = datetime.fromisoformat(first_x["due_at"]).astimezone(zone).strftime("%H:%M")

    context = new_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    p = start_preview(cwd, article.name)
    try:
        page.goto(p.url + "#calendar")
        head = page.inner_text("#calendar-view .cal-head")
        assert f"{expected} planned items for this article; times in Europe/Berlin" in head
        chips = month_chips(page)
        assert len(chips) == expected, chips
        assert [c["state"] for c in chips].count("cancelled") == 1
        assert any(c["text"].startswith(f"{local} X post 1 · Lantern 3.2") for c in chips), chips
        assert any(
            re.match(r"\d\d:\d\d LinkedIn post", c["text"]) and c["state"] == "cancelled"
            for c in chips
        )
        assert not any("Lantern 3.1" in c["text"] for c in chips)  # only this article
        # the colours differ by state
        colours = {
            s: page.locator(f".cal-period[data-view=month] .chip.state-{s}").first.evaluate(
                "e => getComputedStyle(e).backgroundColor"
            )
            for s in ("scheduled", "cancelled")
        }
        assert colours["scheduled"] != colours["cancelled"], colours
        page.click("[data-cal-view=week]")
        week = page.locator(".cal-period:not([hidden])")
        assert week.get_attribute("data-view") == "week"
        assert week.locator(".chip").count() >= 1
        assert context.traffic.external == []
    finally:
        stop(p)
    p = start_preview(cwd, article.name, "--db", "sqlite:///plan.db")
    try:
        page.goto(p.url + "#calendar")
        assert "for all articles" in page.inner_text("#calendar-view .cal-head")
        chips = month_chips(page)
        assert any("Lantern 3.1" in c["text"] and c["text"].endswith("· other") for c in chips)
        assert len(chips) > expected
    finally:
        context.close()
        stop(p)


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
    context = new_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(p.url + "#calendar")
        cal = page.locator("#calendar-view")
        assert "times in America/New_York" in cal.inner_text()
        # every month on the grid: the email a day later may fall in the next month
        chips = month_chips(page)
        texts = [c["text"] for c in chips]
        local = base.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M")
        assert any(t.startswith(f"{local} X post 1") for t in texts), texts
        assert [c["state"] for c in chips].count("cancelled") == 1
        assert [c["state"] for c in chips].count("scheduled") == 3
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
    context = new_context(browser)
    page = context.new_page()
    try:
        page.goto((out / "index.html").as_uri())
        assert page.evaluate("document.body.classList.contains('js')")  # the script ran
        page.click("#tab-threads")
        assert visible_panels(page) == ["threads"]
        page.click("#tab-email")
        page.click("#width-mobile")
        assert abs(page.locator("#email-frame").bounding_box()["width"] - 375) <= 1
        assert any(u.endswith("assets/preview.css") for u in context.traffic.urls)
        assert context.traffic.external == []
    finally:
        context.close()


README_SHOT = ROOT / "docs" / "preview.png"


def _pixel_difference(browser, a: bytes, b: bytes) -> dict:
    """Compare two PNGs in the browser: sizes, and the share of pixels that clearly differ."""
    pg = browser.new_page()
    try:
        return pg.evaluate(
            """async ([a, b]) => {
                const load = async (b64) => {
                    const img = new Image();
                    img.src = 'data:image/png;base64,' + b64;
                    await img.decode();
                    const c = document.createElement('canvas');
                    c.width = img.width; c.height = img.height;
                    const ctx = c.getContext('2d');
                    ctx.drawImage(img, 0, 0);
                    return ctx.getImageData(0, 0, c.width, c.height);
                };
                const x = await load(a), y = await load(b);
                if (x.width !== y.width || x.height !== y.height)
                    return {size: [x.width, x.height, y.width, y.height], share: 1};
                let off = 0;
                for (let i = 0; i < x.data.length; i += 4) {
                    const d = Math.max(Math.abs(x.data[i] - y.data[i]),
                        Math.abs(x.data[i + 1] - y.data[i + 1]), Math.abs(x.data[i + 2] - y.data[i + 2]));
                    if (d > 48) off++;
                }
                return {size: [x.width, x.height], share: off / (x.data.length / 4)};
            }""",
            [base64.b64encode(a).decode(), base64.b64encode(b).decode()],
        )
    finally:
        pg.close()


@pytest.mark.golden
def test_readme_screenshot_is_current(browser, workspace, update_golden):
    """docs/preview.png (in the README) is what the preview shows today: the example article,
    email tab at 375 px, 1280x860 window. Retake it with
    `pytest tests/e2e/test_preview_browser.py -k readme_screenshot --update-golden`."""
    cwd, _ = workspace
    shutil.copy(ARTICLE, cwd / ARTICLE.name)
    p = start_preview(cwd, ARTICLE.name)
    context = new_context(browser, viewport={"width": 1280, "height": 860})
    page = context.new_page()
    try:
        page.goto(p.url)
        page.click("#width-mobile")
        expect(page.frame_locator("#email-frame").locator("body")).to_contain_text("Lantern")
        page.wait_for_load_state("load")
        png = page.screenshot()
        assert context.traffic.external == []
    finally:
        context.close()
        stop(p)
    stats = _not_blank(browser, png)
    assert stats["colours"] > 20 and stats["ink"] > 0.02, stats
    if update_golden or not README_SHOT.exists():
        README_SHOT.write_bytes(png)
        return
    diff = _pixel_difference(browser, README_SHOT.read_bytes(), png)
    # 2% leaves room for font hinting between Chromium builds; a UI change moves far more.
    assert diff["share"] < 0.02, (
        f"docs/preview.png is out of date ({diff}); retake it with "
        "`pytest tests/e2e/test_preview_browser.py -k readme_screenshot --update-golden`"
    )

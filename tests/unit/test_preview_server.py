"""The preview server over real HTTP on 127.0.0.1, rendering through the real pipeline."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

import pytest

from repurpose.errors import RepurposeError
from repurpose.preview.server import Options, export_static, make_server
from tests.conftest import EXAMPLES, save_as_editor

ARTICLE = EXAMPLES / "product-update.md"
# Generous: a loaded CI machine may be slow to render; the waits end as soon as the event comes.
WAIT = 30.0


@pytest.fixture
def workspace(tmp_path):
    article = tmp_path / "update.md"
    shutil.copy(ARTICLE, article)
    templates = tmp_path / "my-templates"
    templates.mkdir()
    config = tmp_path / "repurpose.toml"
    config.write_text('[brand]\nname = "Lantern"\n[email]\nfrom_name = "Lantern News"\n')
    return tmp_path, article, templates, config


@pytest.fixture
def server(workspace):
    _tmp, article, templates, config = workspace
    opts = Options(article=str(article), config=str(config), templates=str(templates))
    srv, watcher = make_server(opts, host="127.0.0.1", port=0)
    watcher.interval = 0.05
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    yield srv
    srv.preview.stop()
    watcher.stop()
    srv.shutdown()
    srv.server_close()


def raw_get(srv, path: str, headers: dict | None = None, method: str = "GET"):
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=WAIT)
    conn.putrequest(method, path, skip_host=bool(headers and "Host" in headers))
    for k, v in (headers or {}).items():
        conn.putheader(k, v)
    conn.endheaders()
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, dict(resp.getheaders()), body.decode("utf-8", "replace")


def wait_version(srv, above: int, timeout: float = WAIT) -> int:
    """Block (on the server's own condition, no polling) until a build newer than `above`."""
    v = srv.preview.wait(above, timeout)
    if v <= above:
        raise AssertionError(f"version stayed at {above} for {timeout:.0f}s")
    return v


def test_index_is_the_preview_with_a_strict_csp(server):
    status, headers, body = raw_get(server, "/")
    assert status == 200
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Content-Type"].startswith("text/html")
    assert "Lantern 3.2" in body and 'data-live="1"' in body
    assert 'id="email-frame"' in body and 'id="threads"' in body
    assert raw_get(server, "/index.html")[0] == 200


def test_static_assets_by_exact_name_only(server):
    status, headers, body = raw_get(server, "/static/preview.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert "EventSource" in body
    assert raw_get(server, "/static/preview.css")[0] == 200
    assert raw_get(server, "/static/nope.js")[0] == 404
    assert raw_get(server, "/static/")[0] == 404


@pytest.mark.parametrize(
    "path",
    [
        "/../../etc/passwd",
        "/static/../../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2f..%2f..%2fetc%2fpasswd",
        "/static/%252e%252e%252f%252e%252e%252fetc%252fpasswd",
        "/static/..\\..\\..\\etc\\passwd",
        "/static/%5c..%5c..%5cetc%5cpasswd",
        "/files/..%2f..%2f..%2fetc%2fpasswd",
        "/files/%2fetc%2fpasswd",
        "//etc/passwd",
        "/etc/passwd",
        "/static//etc/passwd",
        "/static/%00preview.js",
        "/static/preview.js%00.png",
        "/static/./preview.js/../../server.py",
        "/static/../server.py",
        "/static/../../../pyproject.toml",
    ],
)
def test_paths_outside_the_app_are_refused(server, path):
    status, _, body = raw_get(server, path)
    assert status in (403, 404)
    assert "root:" not in body and "import" not in body and "[project]" not in body


def test_rendered_files_are_sandboxed_and_merged(server):
    status, headers, body = raw_get(server, "/files/email.html")
    assert status == 200
    assert headers["Content-Security-Policy"].startswith("sandbox")
    assert "%%" not in body  # merge tokens filled with the sample recipient
    assert raw_get(server, "/files/faq.jsonld")[1]["Content-Type"].startswith("application/ld+json")
    assert raw_get(server, "/files/manifest.json")[0] == 404


def test_other_host_names_and_methods_are_refused(server):
    assert raw_get(server, "/", {"Host": "evil.example:8000"})[0] == 403
    assert raw_get(server, "/", {"Host": f"localhost:{server.port}"})[0] == 200
    assert raw_get(server, "/", method="POST")[0] == 405
    assert raw_get(server, "/", method="HEAD")[0] == 200


def read_event(resp) -> tuple[str, str]:
    event, data = "", ""
    while True:
        line = resp.fp.readline().decode()
        if line in ("\n", ""):
            if event or data:
                return event, data
            continue
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            data = line.split(":", 1)[1].strip()


def test_events_announce_a_new_version_after_a_save(server, workspace):
    _, article, _, _ = workspace
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
    conn.request("GET", "/events")
    resp = conn.getresponse()
    assert resp.getheader("Content-Type").startswith("text/event-stream")
    event, first = read_event(resp)
    assert event == "version"
    text = article.read_text()
    assert "Every spring we pick" in text
    t0 = time.monotonic()
    save_as_editor(article, text.replace("Every spring we pick", "Every autumn we pick"))
    event, second = read_event(resp)
    elapsed = time.monotonic() - t0
    conn.close()
    assert event == "version" and int(second) > int(first)
    assert "Every autumn we pick" in raw_get(server, "/")[2]
    # The preview's own share (noticing the save, telling the page) stays well under a second;
    # the render itself is the pipeline's time, reported by the server.
    build = json.loads(raw_get(server, "/status.json")[2])["build_seconds"]
    assert elapsed - build < 1.0, (elapsed, build)


def test_template_error_shows_in_the_page_and_recovers(server, workspace):
    _, _, templates, _ = workspace
    v0 = json.loads(raw_get(server, "/status.json")[2])["version"]
    (templates / "email").mkdir()
    broken = templates / "email" / "digest.mjml.j2"
    save_as_editor(broken, "<mjml><mj-body>{% if %}</mj-body></mjml>\n")
    v1 = wait_version(server, v0)
    status, _, body = raw_get(server, "/")
    assert status == 200
    assert 'id="error-panel"' in body and "Template error" in body
    assert "digest.mjml.j2" in body
    assert "last render that worked" in body and 'id="email-frame"' in body
    broken.unlink()
    wait_version(server, v1)
    body = raw_get(server, "/")[2]
    assert 'id="error-panel"' not in body


def test_config_error_shows_in_the_page(server, workspace):
    _, _, _, config = workspace
    v0 = json.loads(raw_get(server, "/status.json")[2])["version"]
    save_as_editor(config, "[brand\nname = 'x'\n")
    wait_version(server, v0)
    body = raw_get(server, "/")[2]
    assert "Config error" in body and "malformed TOML" in body


def test_static_export_writes_a_shareable_folder(workspace, tmp_path):
    _, article, _, config = workspace
    out = tmp_path / "share"
    index = export_static(Options(article=str(article), config=str(config)), out)
    assert index == out / "index.html"
    doc = index.read_text()
    assert 'data-live="0"' in doc and 'src="assets/preview.js"' in doc
    assert (out / "assets" / "preview.js").is_file() and (out / "assets" / "preview.css").is_file()
    assert (out / "files" / "email.html").is_file() and (out / "files" / "faq.jsonld").is_file()
    for tag in re.findall(r"<(?:link|script|img)\b[^>]*>", re.sub(r'srcdoc="[^"]*"', "", doc)):
        assert "http:" not in tag and "https:" not in tag


def test_missing_article_is_one_line_error(cli, tmp_path):
    r = cli("preview", str(tmp_path / "nope.md"), "--no-open", "--port", "0")
    assert r.code == 1
    assert "nope.md: no such file" in r.err and "Traceback" not in r.err


def test_static_export_from_the_command_line(cli, workspace, tmp_path):
    _, article, _, config = workspace
    out = tmp_path / "site"
    r = cli("preview", str(article), "--config", str(config), "--static", str(out))
    assert r.code == 0, r.err
    assert (out / "index.html").is_file()


def test_static_export_fails_loudly_on_a_template_error(cli, workspace, tmp_path):
    _, article, templates, config = workspace
    (templates / "email").mkdir()
    (templates / "email" / "digest.mjml.j2").write_text("{% if %}")
    r = cli(
        "preview",
        str(article),
        "--config",
        str(config),
        "--templates",
        str(templates),
        "--static",
        str(tmp_path / "o"),
    )
    assert r.code == 1 and "Traceback" not in r.err
    # one line, naming the template and its line, worded as `repurpose render` words it
    assert r.err.count("\n") == 1 and "digest.mjml.j2:1: template syntax error" in r.err
    rendered = cli(
        "render",
        str(article),
        "--config",
        str(config),
        "--templates",
        str(templates),
        "-o",
        str(tmp_path / "r"),
    )
    assert rendered.code == 1 and r.err.strip().removeprefix("error: ") in rendered.err


def test_binds_to_loopback_unless_asked(workspace):
    from repurpose.commands.preview import command

    host = next(p for p in command.params if p.name == "host")
    assert host.default == "127.0.0.1"
    _, article, _, config = workspace
    srv, _ = make_server(Options(article=str(article), config=str(config)), port=0, watch=False)
    try:
        assert srv.server_address[0] == "127.0.0.1" and srv.url.startswith("http://127.0.0.1:")
    finally:
        srv.server_close()


def test_another_interface_only_on_request_and_with_a_warning(workspace):
    _, article, _, config = workspace
    args = ["preview", str(article), "--config", str(config), "--host", "0.0.0.0", "--port", "0"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "repurpose", *args],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        first, second = proc.stderr.readline(), proc.stderr.readline()
    finally:
        proc.terminate()
        proc.wait(timeout=WAIT)
    assert "reachable from other machines on 0.0.0.0" in first and "no login" in first
    assert "Preview of" in second


def test_a_busy_port_is_one_line_error(cli, workspace):
    _, article, _, config = workspace
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = cli("preview", str(article), "--config", str(config), "--port", str(port))
    assert r.code == 1 and r.err.count("\n") == 1 and "Traceback" not in r.err
    assert f"port {port} on 127.0.0.1 is already in use" in r.err and "--port 0" in r.err


def test_ipv6_loopback_when_asked(workspace):
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    _, article, _, config = workspace
    try:
        srv, _ = make_server(
            Options(article=str(article), config=str(config)), host="::1", port=0, watch=False
        )
    except RepurposeError as exc:
        pytest.skip(f"::1 cannot be bound here: {exc}")
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    try:
        assert srv.url.startswith("http://[::1]:")
        conn = http.client.HTTPConnection("::1", srv.port, timeout=WAIT)
        conn.request("GET", "/status.json")
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        srv.shutdown()
        srv.server_close()

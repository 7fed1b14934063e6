"""The preview web app: stdlib ThreadingHTTPServer, one page, live reload over Server-Sent Events.

Routes (nothing else is served; every other path is a 404, and a path that tries to climb out
with `..`, a backslash or a NUL, encoded or not, is a 403):
  /  /index.html        the preview page (rebuilt per request from the latest render)
  /static/<name>        an asset from preview/static/ (looked up by exact name, never joined)
  /files/<name>         a rendered file from the Bundle (email.html, faq.jsonld, …), from memory
  /events               Server-Sent Events: `version` each time the render changed
  /status.json          {"version", "error", "built_at", "build_seconds"} for scripts and tests
"""

from __future__ import annotations

import contextlib
import errno
import json
import threading
import time
import traceback
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from repurpose.errors import ConfigError, InputError, RepurposeError, TemplateError
from repurpose.preview import pages
from repurpose.preview.watcher import Watcher

STATIC_DIR = Path(__file__).resolve().parent / "static"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
CONTENT_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".jsonld": "application/ld+json; charset=utf-8",
}
# Rendered files are shown as documents of their own: sandboxed, no scripts, nothing remote.
FILE_CSP = "sandbox allow-popups; " + pages.FRAME_CSP_BLOCKED


def static_assets() -> dict[str, Path]:
    """The assets the app may serve: the files directly in static/, by name."""
    return {p.name: p for p in sorted(STATIC_DIR.iterdir()) if p.is_file()}


@dataclass
class Options:
    article: str
    config: str | None = None
    templates: str | None = None
    db: str | None = None  # given explicitly: the calendar shows every item in that outbox


def _error_info(exc: BaseException) -> pages.ErrorInfo:
    if isinstance(exc, RepurposeError):
        titles = (
            (TemplateError, "Template error"),
            (ConfigError, "Config error"),
            (InputError, "Article error"),
        )
        title = next((t for cls, t in titles if isinstance(exc, cls)), "Render error")
        return pages.ErrorInfo(title, exc.message, exc.path, exc.line)
    return pages.ErrorInfo(
        "Unexpected error",
        f"{type(exc).__name__}: {exc}",
        detail="".join(traceback.format_exception(exc)),
    )


class Preview:
    """Builds through pipeline.build, keeps the latest result and tells listeners it changed."""

    def __init__(self, opts: Options):
        self.opts = opts
        self.version = 0
        self.settings: Any = None
        self.bundle: Any = None  # the last good render
        self.error: pages.ErrorInfo | None = None
        self.exception: BaseException | None = None  # what `error` describes
        self.checks: list[tuple[str, str, str]] = []
        self.built_at = 0.0  # wall clock (time.time()) when the last build finished
        self.build_seconds = 0.0  # how long the last build took
        self.stopping = False
        self._cond = threading.Condition()
        self._build_lock = threading.Lock()

    # -- building ----------------------------------------------------------------------------

    def build(self) -> None:
        with self._build_lock:
            from repurpose.config import load_settings

            started = time.monotonic()
            error = exception = None
            try:
                settings = load_settings(self.opts.config)
                self.settings = settings
                bundle = self._pipeline_build(settings)
                checks = self._run_checks(bundle, settings)
            except Exception as exc:
                error, exception = _error_info(exc), exc
            else:
                self.bundle, self.checks = bundle, checks
            with self._cond:
                self.error, self.exception = error, exception
                self.version += 1
                self.built_at = time.time()
                self.build_seconds = time.monotonic() - started
                self._cond.notify_all()

    def _pipeline_build(self, settings: Any) -> Any:
        from repurpose import pipeline
        from repurpose.render import environment

        # Jinja's auto_reload notices an edited template but not a new override file that now
        # shadows a packaged one (its cache is keyed by name): start from fresh environments.
        environment.reset()

        return pipeline.build(self.opts.article, settings, templates=self.opts.templates)

    def _run_checks(self, bundle: Any, settings: Any) -> list[tuple[str, str, str]]:
        """The breaches `repurpose check` would report for this render."""
        from repurpose.render.checks import check_bundle

        return [("error", b.code, b.message) for b in check_bundle(bundle, settings)]

    def watched_paths(self) -> list[str]:
        paths = [self.opts.article]
        cwd = Path.cwd()
        config = Path(self.opts.config) if self.opts.config else cwd / "repurpose.toml"
        paths.append(str(config))
        dirs = []
        if self.opts.templates:
            dirs.append(Path(self.opts.templates))
        configured = getattr(self.settings, "templates", None)
        if configured:
            dirs += [config.parent / configured, cwd / configured]
        dirs.append(cwd / "templates")
        try:
            from repurpose.resources import data_dir

            dirs.append(data_dir("templates"))
        except FileNotFoundError:
            pass
        paths += [str(d) for d in dirs]
        return list(dict.fromkeys(paths))

    # -- reading -----------------------------------------------------------------------------

    def wait(self, version: int, timeout: float) -> int:
        """Block until the version differs from `version` (or timeout, or stop)."""
        with self._cond:
            self._cond.wait_for(lambda: self.version != version or self.stopping, timeout)
            return self.version

    def stop(self) -> None:
        with self._cond:
            self.stopping = True
            self._cond.notify_all()

    def calendar(self) -> pages.CalendarView:
        from repurpose.preview.calendar import load_calendar

        slug = getattr(self.bundle, "slug", None)
        db = self.opts.db or getattr(getattr(self.settings, "outbox", None), "db", None)
        return load_calendar(db, slug=slug, all_items=bool(self.opts.db), settings=self.settings)

    def page(self, *, live: bool, assets: str = "/static/", files: str = "/files/") -> str:
        with self._cond:
            bundle, error, version = self.bundle, self.error, self.version
            settings, checks = self.settings, list(self.checks)
        ctx = pages.PageContext(
            bundle=bundle,
            settings=settings,
            article_path=self.opts.article,
            version=version,
            live=live,
            error=error,
            stale=error is not None and bundle is not None,
            checks=checks,
            calendar=self.calendar() if bundle is not None else None,
            assets=assets,
            files=files,
        )
        return pages.render_page(ctx)

    def file(self, name: str) -> str | None:
        files = getattr(self.bundle, "files", None) or {}
        return files.get(name)


# ---- HTTP ---------------------------------------------------------------------------------------


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], preview: Preview, *, check_host: bool = True):
        self.preview = preview
        self.check_host = check_host
        self.assets = static_assets()
        if ":" in address[0]:  # an IPv6 address such as ::1
            import socket

            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        host = self.server_address[0]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}/"


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "repurpose-preview"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        from repurpose.ui import debug

        debug("preview: " + format % args)

    # -- plumbing ----------------------------------------------------------------------------

    def _send(
        self, status: int, body: bytes, ctype: str, *, csp: str | None = None, head: bool = False
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "SAMEORIGIN")
        if csp:
            self.send_header("Content-Security-Policy", csp)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _refuse(self, status: int, head: bool = False) -> None:
        phrase = HTTPStatus(status).phrase
        self._send(status, f"{status} {phrase}\n".encode(), "text/plain; charset=utf-8", head=head)

    def _host_ok(self) -> bool:
        """Refuse other Host names on a loopback bind (DNS rebinding)."""
        if not self.server.check_host:
            return True
        host = (self.headers.get("Host") or "").strip().lower()
        if not host:
            return True
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        name = name.strip("[]")
        return name in LOOPBACK

    def do_GET(self) -> None:
        self._route(head=False)

    def do_HEAD(self) -> None:
        self._route(head=True)

    def _method_not_allowed(self) -> None:
        self._refuse(405)

    do_POST = do_PUT = do_DELETE = do_PATCH = _method_not_allowed

    # -- routing -----------------------------------------------------------------------------

    def _route(self, *, head: bool) -> None:
        if not self._host_ok():
            return self._refuse(403, head)
        raw = urlsplit(self.path).path
        path = unquote(raw)
        # Decode once more: a double-encoded climb (%252e%252e) is refused too, not just missed.
        twice = unquote(path)
        for candidate in (path, twice):
            parts = candidate.replace("\\", "/").split("/")
            if ".." in parts or "\\" in candidate or "\x00" in candidate:
                return self._refuse(403, head)
        preview = self.server.preview
        if path in ("/", "/index.html"):
            body = preview.page(live=True).encode("utf-8")
            return self._send(200, body, CONTENT_TYPES[".html"], csp=pages.PAGE_CSP, head=head)
        if path == "/events":
            return self._events(head)
        if path == "/status.json":
            err = preview.error
            body = json.dumps(
                {
                    "version": preview.version,
                    "error": err.message if err else None,
                    "built_at": preview.built_at,
                    "build_seconds": round(preview.build_seconds, 4),
                }
            ).encode()
            return self._send(200, body, CONTENT_TYPES[".json"], head=head)
        if path.startswith("/static/"):
            asset = self.server.assets.get(path[len("/static/") :])
            if asset is None:
                return self._refuse(404, head)
            ctype = CONTENT_TYPES.get(asset.suffix, "application/octet-stream")
            return self._send(200, asset.read_bytes(), ctype, head=head)
        if path.startswith("/files/"):
            name = path[len("/files/") :]
            text = preview.file(name) if "/" not in name else None
            if text is None:
                return self._refuse(404, head)
            if name == "email.html":
                text = pages.email_base(text, preview.settings)
            ctype = CONTENT_TYPES.get(Path(name).suffix, "text/plain; charset=utf-8")
            return self._send(200, text.encode("utf-8"), ctype, csp=FILE_CSP, head=head)
        return self._refuse(404, head)

    def _events(self, head: bool) -> None:
        preview = self.server.preview
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Accel-Buffering", "no")
        self.end_headers()
        if head:
            return
        self.close_connection = True
        version = preview.version
        try:
            self.wfile.write(f"retry: 500\nevent: version\ndata: {version}\n\n".encode())
            self.wfile.flush()
            while not preview.stopping:
                new = preview.wait(version, timeout=15)
                if preview.stopping:
                    break
                if new != version:
                    version = new
                    self.wfile.write(f"event: version\ndata: {version}\n\n".encode())
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError):
            return


# ---- entry points -------------------------------------------------------------------------------


def _require_article(path: str) -> None:
    p = Path(path)
    if not p.exists():
        raise InputError("no such file", path=path)
    if p.is_dir():
        raise InputError("is a directory, not an article file", path=path)


def make_server(
    opts: Options, *, host: str = "127.0.0.1", port: int = 8000, watch: bool = True
) -> tuple[PreviewServer, Watcher | None]:
    """Build once, bind, and start the watcher; the caller runs serve_forever()."""
    _require_article(opts.article)
    preview = Preview(opts)
    preview.build()
    try:
        server = PreviewServer((host, port), preview, check_host=host in LOOPBACK)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise RepurposeError(
                f"port {port} on {host} is already in use; pass --port with another number "
                "(or --port 0 for any free port)"
            ) from None
        raise RepurposeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    watcher = None
    if watch:
        watcher = Watcher(preview.watched_paths, preview.build)
        watcher.start()
    return server, watcher


def serve(
    opts: Options,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
) -> None:
    from repurpose.ui import info, warn

    server, watcher = make_server(opts, host=host, port=port)
    if host not in LOOPBACK:
        warn(f"preview is reachable from other machines on {host}: it has no login")
    info(f"Preview of {opts.article} at {server.url} (watching for changes; Ctrl-C to stop)")
    if server.preview.error:
        warn(f"{server.preview.error.title}: {server.preview.error.message}")
    if open_browser:
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        info("preview stopped")
    finally:
        server.preview.stop()
        if watcher is not None:
            watcher.stop()
        with contextlib.suppress(Exception):
            server.server_close()


def export_static(opts: Options, outdir: str | Path) -> Path:
    """Write the preview as static files: index.html, assets/, files/ (the rendered pieces)."""
    _require_article(opts.article)
    preview = Preview(opts)
    preview.build()
    if preview.error is not None:
        # The same one-line message `repurpose render` gives for the same problem.
        if isinstance(preview.exception, RepurposeError):
            raise preview.exception
        err = preview.error
        raise RepurposeError(f"{err.title}: {err.message}", path=err.path, line=err.line)
    out = Path(outdir)
    try:
        (out / "assets").mkdir(parents=True, exist_ok=True)
        (out / "files").mkdir(exist_ok=True)
        for name, src in static_assets().items():
            (out / "assets" / name).write_bytes(src.read_bytes())
        for name, text in (preview.bundle.files or {}).items():
            if "/" in name or "\\" in name or name.startswith("."):
                continue
            if name == "email.html":
                text = pages.email_base(text, preview.settings)
            (out / "files" / name).write_text(text, encoding="utf-8")
        page = preview.page(live=False, assets="assets/", files="files/")
        (out / "index.html").write_text(page, encoding="utf-8")
    except OSError as exc:
        from repurpose.errors import RenderError

        raise RenderError(
            f"cannot write the static preview: {exc.strerror or exc}", path=out
        ) from None
    return out / "index.html"

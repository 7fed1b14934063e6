"""Dry-run sender: writes what would have been sent into the outbox directory.

Email rows become complete .eml files (the exact message the SMTP sender would send, dated at the
item's due time); posts and webhooks become request JSON. Names are deterministic
(`<channel>/<due time>-<article>-<item key hash>.<ext>`), so a repeated send rewrites the same
file instead of adding one. Writes are atomic (temporary file + rename). Nothing leaves the
machine, and no credentials are read.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from repurpose.config import Settings
from repurpose.deliver.base import Receipt
from repurpose.deliver.message import EmailBuilder
from repurpose.deliver.webhook import request_body
from repurpose.errors import DeliveryError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _safe(value: Any, limit: int = 60) -> str:
    return _UNSAFE.sub("-", str(value or "")).strip("-.")[:limit] or "item"


class FileSender:
    name = "files"
    dry_run = True

    def __init__(self, settings: Settings, directory: str | Path | None = None):
        self.settings = settings
        self.directory = Path(directory or settings.outbox.directory)
        self.builder = EmailBuilder(settings)

    def path_for(self, item: Any) -> Path:
        due = getattr(item, "due_at", None)
        stamp = due.strftime("%Y%m%dT%H%M%SZ") if isinstance(due, datetime) else "undated"
        key = hashlib.sha256(item.idempotency_key.encode("utf-8")).hexdigest()[:16]
        ext = "eml" if item.channel == "email" else "json"
        name = f"{stamp}-{_safe(getattr(item, 'article_slug', None))}-{key}.{ext}"
        return self.directory / _safe(item.channel, 30) / name

    def send(self, item: Any) -> Receipt:
        path = self.path_for(item)
        if item.channel == "email":
            due = getattr(item, "due_at", None)
            if isinstance(due, datetime) and due.tzinfo is None:
                due = due.replace(tzinfo=UTC)
            msg = self.builder.build(item, date=due)
            data, external = msg.data, msg.message_id
        else:
            doc = request_body(item)
            data = (json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
            external = f"dry-run:{path.stem}"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except OSError as exc:
            raise DeliveryError(
                f"cannot write the dry-run outbox: {exc}", path=path, transient=True
            ) from None
        return Receipt(external, f"dry-run: wrote {path}")

    def close(self) -> None:
        pass

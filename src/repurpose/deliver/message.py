"""Build one recipient's email (stdlib email only; shared by the SMTP and the dry-run sender).

Every header value that comes from data (subject, names) is stripped of control characters, so
a CR/LF in a title or a recipient's name can never start a new header. Message-ID is derived from
the item's idempotency key: a repeated send of the same item carries the same Message-ID.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from repurpose import merge
from repurpose.config import Settings
from repurpose.errors import DeliveryError

POLICY = policy.SMTP.clone(max_line_length=998)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
_ADDRESS = re.compile(r"^[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+\.[^@\s<>,;:\"()\[\]\\]+$")


def header_text(value: Any) -> str:
    """One line of header text: control characters (CR, LF, tab, …) become single spaces."""
    return _CONTROL.sub(" ", str(value or "")).strip()


def check_address(value: str | None, *, what: str) -> str:
    addr = (value or "").strip()
    if not _ADDRESS.match(addr) or _CONTROL.search(addr):
        raise DeliveryError(f"invalid {what} address {addr!r}", transient=False)
    return addr


def _addr(name: str, addr: str) -> Address:
    local, _, domain = addr.rpartition("@")
    return Address(display_name=header_text(name), username=local, domain=domain)


def message_id(idempotency_key: str, from_address: str) -> str:
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:32]
    domain = from_address.rpartition("@")[2] or "repurpose.invalid"
    return f"<{digest}.repurpose@{domain}>"


def unsubscribe_token(email: str, merge_fields: dict[str, Any]) -> str:
    for key in ("unsubscribe_token", "token"):
        if merge_fields.get(key):
            return str(merge_fields[key])
    return hashlib.sha256(f"unsubscribe:{email.lower()}".encode()).hexdigest()[:32]


def merge_values(item: Any, settings: Settings) -> dict[str, str]:
    fields = dict(getattr(item, "merge", None) or {})
    email = item.recipient or ""
    values = {str(k): str(v) for k, v in fields.items() if v is not None}
    values["email"] = email
    values["name"] = item.recipient_name or fields.get("name") or ""
    url = merge.unsubscribe_url(
        settings.email.unsubscribe_url, email=email, token_=unsubscribe_token(email, fields)
    )
    values["unsubscribe_url"] = url or ""
    return values


def _cte(text: str, eight_bit: bool) -> str:
    """8bit (no encoding work) when the server takes it and no line is too long for SMTP."""
    if eight_bit and max((len(ln.encode()) for ln in text.splitlines()), default=0) <= 990:
        return "8bit"
    return "quoted-printable"


def build_email(
    item: Any, settings: Settings, *, date: datetime | None = None, eight_bit: bool = True
) -> EmailMessage:
    """The complete message for one recipient row. `eight_bit`: the bodies may go as 8bit
    (the server announced 8BITMIME); otherwise quoted-printable keeps them 7-bit clean."""
    cfg = settings.email
    payload = item.payload or {}
    to = check_address(item.recipient, what="recipient")
    sender = check_address(cfg.from_address, what="sender (email.from_address)")
    values = merge_values(item, settings)

    msg = EmailMessage(policy=POLICY)
    msg["From"] = _addr(cfg.from_name, sender)
    msg["To"] = _addr(values["name"], to)
    if cfg.reply_to:
        msg["Reply-To"] = _addr("", check_address(cfg.reply_to, what="reply-to"))
    subject = header_text(merge.apply(str(payload.get("subject", "")), values, is_html=False))
    msg["Subject"] = subject
    when = date or datetime.now(UTC)
    msg["Date"] = format_datetime(when if when.tzinfo else when.replace(tzinfo=UTC))
    msg["Message-ID"] = message_id(item.idempotency_key, sender)
    unsub = []
    if values["unsubscribe_url"]:
        unsub.append(f"<{header_text(values['unsubscribe_url'])}>")
    if cfg.unsubscribe_mailto:
        mailto = header_text(cfg.unsubscribe_mailto)
        if not mailto.startswith("mailto:"):
            mailto = f"mailto:{mailto}"
        unsub.append(f"<{mailto}?subject=unsubscribe>" if "?" not in mailto else f"<{mailto}>")
    if unsub:
        msg["List-Unsubscribe"] = ", ".join(unsub)
        if values["unsubscribe_url"].startswith("https://"):
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["MIME-Version"] = "1.0"

    text = merge.apply(str(payload.get("text", "")), values, is_html=False)
    html = payload.get("html")
    msg.set_content(text, subtype="plain", charset="utf-8", cte=_cte(text, eight_bit))
    if html:
        html = merge.apply(str(html), values, is_html=True)
        msg.add_alternative(html, subtype="html", charset="utf-8", cte=_cte(html, eight_bit))
    return msg


def to_bytes(msg: EmailMessage) -> bytes:
    return msg.as_bytes(policy=POLICY)

"""Build one recipient's email (stdlib email only; shared by the SMTP and the dry-run sender).

Every header value that comes from data (subject, names) is stripped of control characters, so
a CR/LF in a title or a recipient's name can never start a new header. Message-ID is derived from
the item's idempotency key: a repeated send of the same item carries the same Message-ID.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import json
import re
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy, quoprimime
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


# ---- the per-recipient fast path ----------------------------------------------------------------
#
# build_email above is the reference: one full stdlib EmailMessage per recipient. For a mailing of
# thousands, most of that work repeats: the payload is the same, only To, the merge fields, Date,
# Message-ID and List-Unsubscribe change. EmailBuilder keeps, per payload, the merge templates
# split at their tokens and the headers that do not change (folded once by the same policy), and
# writes each recipient's message directly. Data-derived header values still go through
# header_text and the policy's own folding; bodies use the same transfer encodings. Tests parse
# both outputs and compare them header by header and part by part.

_CRLF = b"\r\n"


@dataclass(frozen=True)
class Rendered:
    message_id: str
    data: bytes
    eight_bit: bool  # some part is sent as 8bit: announce BODY=8BITMIME


class _Template:
    """A merge template split at its tokens: filling it is one join."""

    __slots__ = ("is_html", "parts")

    def __init__(self, text: str, *, is_html: bool):
        self.parts = merge.TOKEN.split(text)  # literal, name, literal, name, …, literal
        self.is_html = is_html

    def fill(self, values: dict[str, str]) -> str:
        parts = self.parts
        if len(parts) == 1:
            return parts[0]
        out = parts[:]
        for k in range(1, len(out), 2):
            name = out[k]
            if name in values:
                value = values[name]
                out[k] = html_lib.escape(value, quote=True) if self.is_html else value
            else:
                out[k] = f"%%{name}%%"  # not ours: left as it is, like merge.apply
        return "".join(out)


def _header(name: str, value: Any) -> bytes:
    """One header line (with CRLF). Plain ASCII values that fit a line are written as they are;
    anything else is parsed and folded by the policy (RFC 2047 for non-ASCII text)."""
    direct = isinstance(value, str) and value.isascii() and len(name) + len(value) < 990
    if direct and not _CONTROL.search(value):
        return f"{name}: {value}".encode("ascii") + _CRLF
    name, parsed = POLICY.header_store_parse(name, value)
    return POLICY.fold_binary(name, parsed)


_ATOMS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?: [A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


def _to(name: str, addr: str) -> bytes:
    """The To line: a plain name of atoms (no quoting needed) and an ASCII address are written
    as they are; anything else goes through the policy (quoting, RFC 2047)."""
    if addr.isascii() and (not name or _ATOMS.fullmatch(name)) and len(name) + len(addr) < 980:
        return (f"To: {name} <{addr}>" if name else f"To: {addr}").encode("ascii") + _CRLF
    return _header("To", _addr(name, addr))


def _encode_body(text: str, eight_bit: bool) -> tuple[str, bytes]:
    lines = text.encode("utf-8").splitlines()
    if eight_bit and max(map(len, lines), default=0) <= 990:
        return "8bit", _CRLF.join(lines) + _CRLF
    qp = quoprimime.body_encode((b"\n".join(lines) + b"\n").decode("latin-1"), 76)
    return "quoted-printable", qp.encode("ascii").replace(b"\n", _CRLF).rstrip(_CRLF) + _CRLF


class _Payload:
    """What one payload's messages share."""

    def __init__(self, payload: dict, settings: Settings, sender: str):
        cfg = settings.email
        self.subject = _Template(str(payload.get("subject", "")), is_html=False)
        self.text = _Template(str(payload.get("text", "")), is_html=False)
        html = payload.get("html")
        self.html = _Template(str(html), is_html=True) if html else None
        self.fixed_subject = (
            _header("Subject", header_text(self.subject.parts[0]))
            if len(self.subject.parts) == 1
            else None
        )
        self.from_ = _header("From", _addr(cfg.from_name, sender))
        self.reply_to = (
            _header("Reply-To", _addr("", check_address(cfg.reply_to, what="reply-to")))
            if cfg.reply_to
            else b""
        )
        mailto = ""
        if cfg.unsubscribe_mailto:
            mailto = header_text(cfg.unsubscribe_mailto)
            if not mailto.startswith("mailto:"):
                mailto = f"mailto:{mailto}"
            mailto = f"<{mailto}?subject=unsubscribe>" if "?" not in mailto else f"<{mailto}>"
        self.mailto = mailto
        seed = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        self.boundary = f"==rp-{hashlib.sha256(seed).hexdigest()[:24]}=="


class EmailBuilder:
    """Builds one recipient's message bytes per item; caches what a payload's messages share.

    Same content as build_email (the reference); falls back to it in the one case the direct
    writer does not handle (a merged value that contains the MIME boundary)."""

    def __init__(self, settings: Settings, *, size: int = 16):
        self.settings = settings
        self.size = size
        self._cache: OrderedDict[tuple, _Payload] = OrderedDict()

    def _payload(self, payload: dict, sender: str) -> _Payload:
        key = (payload.get("subject"), payload.get("text"), payload.get("html"), sender)
        got = self._cache.get(key)
        if got is None:
            got = self._cache[key] = _Payload(payload, self.settings, sender)
            if len(self._cache) > self.size:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return got

    def build(self, item: Any, *, eight_bit: bool = True, date: datetime | None = None) -> Rendered:
        cfg = self.settings.email
        to = check_address(item.recipient, what="recipient")
        sender = check_address(cfg.from_address, what="sender (email.from_address)")
        shared = self._payload(item.payload or {}, sender)
        values = merge_values(item, self.settings)
        when = date or datetime.now(UTC)
        mid = message_id(item.idempotency_key, sender)

        text_cte, text = _encode_body(shared.text.fill(values), eight_bit)
        parts = [(text_cte, "plain", text)]
        if shared.html is not None:
            html_cte, html = _encode_body(shared.html.fill(values), eight_bit)
            parts.append((html_cte, "html", html))
        boundary = shared.boundary.encode("ascii")
        if len(parts) > 1 and any(boundary in body for _, _, body in parts):
            msg = build_email(item, self.settings, date=date, eight_bit=eight_bit)
            return Rendered(msg["Message-ID"], to_bytes(msg), eight_bit and _any_8bit(msg))

        head = [shared.from_, _to(header_text(values["name"]), to), shared.reply_to]
        if shared.fixed_subject is not None:
            head.append(shared.fixed_subject)
        else:
            head.append(_header("Subject", header_text(shared.subject.fill(values))))
        head.append(
            _header("Date", format_datetime(when if when.tzinfo else when.replace(tzinfo=UTC)))
        )
        head.append(_header("Message-ID", mid))
        unsub = []
        if values["unsubscribe_url"]:
            unsub.append(f"<{header_text(values['unsubscribe_url'])}>")
        if shared.mailto:
            unsub.append(shared.mailto)
        if unsub:
            head.append(_header("List-Unsubscribe", ", ".join(unsub)))
            if values["unsubscribe_url"].startswith("https://"):
                head.append(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n")
        head.append(b"MIME-Version: 1.0\r\n")

        def part_head(cte: str, subtype: str) -> bytes:
            return (
                f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
                f"Content-Transfer-Encoding: {cte}\r\n"
            ).encode("ascii")

        if len(parts) == 1:
            cte, subtype, body = parts[0]
            data = b"".join(head) + part_head(cte, subtype) + _CRLF + body
        else:
            delim = b"--" + boundary
            chunks = [
                *head,
                b'Content-Type: multipart/alternative; boundary="' + boundary + b'"\r\n',
                _CRLF,
            ]
            for k, (cte, subtype, body) in enumerate(parts):
                # the CRLF before a delimiter belongs to the delimiter, not to the part
                chunks += [_CRLF if k else b"", delim, _CRLF, part_head(cte, subtype), _CRLF, body]
            chunks += [_CRLF, delim, b"--", _CRLF]
            data = b"".join(chunks)
        return Rendered(mid, data, eight_bit and any(cte == "8bit" for cte, _, _ in parts))


def _any_8bit(msg: EmailMessage) -> bool:
    return any(part.get("Content-Transfer-Encoding") == "8bit" for part in msg.walk())

"""Email audiences (CSV: email, name, further merge fields) and the suppression list."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from repurpose.errors import InputError

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
_MERGE_KEY = re.compile(r"^[a-z_][a-z0-9_]*$")


class AudienceError(InputError):
    """An audience or suppression file has rows that cannot be used."""


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    line: int = 0

    @property
    def key(self) -> str:
        return self.email.lower()


def valid_email(address: str) -> bool:
    return len(address) <= 320 and bool(_EMAIL.match(address)) and ".." not in address


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AudienceError(f"{what} file not found", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AudienceError(f"cannot read {what}: {exc}", path=path) from None


def load_audience(path: str | Path) -> list[Recipient]:
    """Every row checked: a bad address or a duplicate (case-insensitive) is an error naming the
    file and line; all problems are counted in the message."""
    p = Path(path)
    text = _read(p, "audience")
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise AudienceError(
            "audience file is empty (expected a header: email,name,…)", path=p
        ) from None
    cols = [h.strip().lower() for h in header]
    if "email" not in cols:
        raise AudienceError(
            "audience header has no `email` column (expected: email,name,…)", path=p, line=1
        )
    for c in cols:
        if c and not _MERGE_KEY.match(c):
            raise AudienceError(
                f"column {c!r} is not a usable merge field name (letters, digits, _)",
                path=p,
                line=1,
            )
    problems: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    out: list[Recipient] = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(cols):
            problems.append((line, f"{len(row)} fields but the header has {len(cols)}"))
            continue
        values = {c: (row[k].strip() if k < len(row) else "") for k, c in enumerate(cols) if c}
        email = values.pop("email")
        name = values.pop("name", "")
        if not valid_email(email):
            problems.append((line, f"invalid email address {email!r}"))
            continue
        if email.lower() in seen:
            problems.append(
                (line, f"duplicate address {email} (first on line {seen[email.lower()]})")
            )
            continue
        seen[email.lower()] = line
        out.append(Recipient(email=email, name=name, fields=values, line=line))
    if problems:
        line, msg = problems[0]
        more = f" (and {len(problems) - 1} more bad rows)" if len(problems) > 1 else ""
        raise AudienceError(
            f"audience row: {msg}{more}; fix the file and schedule again", path=p, line=line
        )
    if not out:
        raise AudienceError("audience has no recipients", path=p)
    return out


def load_suppression(path: str | Path | None) -> set[str]:
    """Addresses never to mail: a CSV with an `email` column, or one address per line (# comments)."""
    if not path:
        return set()
    p = Path(path)
    text = _read(p, "suppression list")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        return set()
    first = [c.strip().lower() for c in next(csv.reader([lines[0]]))]
    out: set[str] = set()
    if "email" in first:
        col = first.index("email")
        for row in csv.reader(lines[1:]):
            if len(row) > col and row[col].strip():
                out.add(row[col].strip().lower())
    else:
        for ln in lines:
            cell = next(csv.reader([ln]))[0].strip()
            if cell:
                out.add(cell.lower())
    return out


def apply_suppression(
    recipients: list[Recipient], suppressed: set[str]
) -> tuple[list[Recipient], int]:
    kept = [r for r in recipients if r.key not in suppressed]
    return kept, len(recipients) - len(kept)

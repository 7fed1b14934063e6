"""Per-recipient merge fields in rendered email.

Render leaves tokens such as %%unsubscribe_url%% in the email it writes (one rendering serves
every recipient); the sender fills them per recipient. Values are escaped for the part they land
in, so a recipient's name can never inject markup.
"""

from __future__ import annotations

import html
import re

FIELDS = ("name", "email", "unsubscribe_url")
TOKEN = re.compile(r"%%([a-z_][a-z0-9_]*)%%")


def token(name: str) -> str:
    return f"%%{name}%%"


def apply(text: str, values: dict[str, str], *, is_html: bool) -> str:
    """Replace every known token; unknown tokens are left as they are (they are not ours)."""

    def sub(m: re.Match[str]) -> str:
        if m.group(1) not in values:
            return m.group(0)
        value = values[m.group(1)]
        return html.escape(value, quote=True) if is_html else value

    return TOKEN.sub(sub, text)


def unsubscribe_url(pattern: str | None, *, email: str, token_: str) -> str | None:
    """Fill an unsubscribe URL pattern from config ({email}, {token})."""
    if not pattern:
        return None
    from urllib.parse import quote

    return pattern.replace("{email}", quote(email, safe="@")).replace("{token}", quote(token_))

"""Where the packaged default templates and calendars are: inside the wheel, or at the top of a
source checkout (editable installs)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """`templates` or `schedules`, whichever copy exists."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"packaged {name}/ folder not found next to {_PACKAGE}")

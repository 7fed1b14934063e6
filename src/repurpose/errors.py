"""Errors a user can act on.

Every layer raises a subclass of RepurposeError with a message a marketer understands. The CLI
turns them into one line on stderr and a non-zero exit code; only `-v/--verbose` shows a traceback.
"""

from __future__ import annotations

from pathlib import Path


class RepurposeError(Exception):
    """Root of every expected failure. `path` names the file the problem is in, when there is one."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path if self.line is None else f"{self.path}:{self.line}"
            where += ": "
        return f"{where}{self.message}"


class InputError(RepurposeError):
    """The article could not be read or holds no article."""


class ConfigError(RepurposeError):
    """repurpose.toml or the environment is invalid."""


class PlatformError(RepurposeError):
    """Unknown platform or a text that cannot be fitted to a platform."""


class TemplateError(RepurposeError):
    """A Jinja or MJML template failed: syntax error, missing variable, compile error."""


class RenderError(RepurposeError):
    """Writing the rendered pieces failed."""


class CheckFailed(RepurposeError):
    """`repurpose check` found a breach."""


class CalendarError(RepurposeError):
    """A publishing calendar (YAML) is invalid."""


class StoreError(RepurposeError):
    """The outbox database cannot be reached or is in an unexpected state."""


class DeliveryError(RepurposeError):
    """A sender failed. `transient` says whether a later retry may succeed."""

    def __init__(self, message: str, *, transient: bool = False, **kwargs):
        super().__init__(message, **kwargs)
        self.transient = transient

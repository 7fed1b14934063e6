"""Bytes → text: BOMs, UTF-8, UTF-16, legacy 8-bit encodings; binary and empty input refused."""

from __future__ import annotations

import codecs
import re

from repurpose.errors import InputError

_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# control characters that mark a binary file: below 32 except tab, newline, \v, \f (\r is gone)
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0d-\x1f]")
MAX_BYTES = 10 * 1024 * 1024  # an article is never this long; a file this size is something else

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Magic numbers of formats people drop on the command line by mistake.
_BINARY_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or a .docx/.xlsx file)",
    b"\x1f\x8b": "a gzip archive",
    b"\x7fELF": "a program",
    b"RIFF": "a media file",
}


def decode(data: bytes, *, path: str) -> str:
    """Decode an article file, or raise InputError naming the file and the problem."""
    if len(data) > MAX_BYTES:
        raise InputError(
            f"file is {len(data) / 1_048_576:.1f} MB; an article must be under "
            f"{MAX_BYTES // 1_048_576} MB",
            path=path,
        )
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"this is {what}, not an article", path=path)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"invalid {encoding} text at byte {exc.start}", path=path
                ) from None
            return _checked(text, path)
    if b"\x00" in data[:4096]:
        raise InputError("binary file (contains NUL bytes), not an article", path=path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _legacy(data, path)
    return _checked(text, path)


def _legacy(data: bytes, path: str) -> str:
    """Not UTF-8: detect an 8-bit encoding, refusing what looks like binary."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise InputError(
            "not valid UTF-8 and no text encoding fits; is this a binary file?", path=path
        )
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        raise InputError(
            f"not valid UTF-8 and could not be decoded as {best.encoding}", path=path
        ) from None


def _checked(text: str, path: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("file is empty" if not text else "file holds only whitespace", path=path)
    head = text[:20_000]
    controls = len(_BINARY_CONTROLS.findall(head))
    if controls > max(8, len(head) // 100):
        raise InputError("binary file (control characters), not an article", path=path)
    # a few stray control characters (form feeds, escape codes) are noise: readers never see them
    return _CONTROLS.sub("", text).replace("\f", "\n").replace("\v", "\n")

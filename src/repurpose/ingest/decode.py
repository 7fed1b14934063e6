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
    except UnicodeDecodeError as exc:
        if _mostly_utf8(data):
            line = data.count(b"\n", 0, exc.start) + 1
            raise InputError(
                f"invalid UTF-8 at byte {exc.start} (line {line}): the file is UTF-8 with "
                "damaged bytes; re-save it as UTF-8",
                path=path,
            ) from None
        text = _legacy(data, path)
    return _checked(text, path)


# well-formed UTF-8 sequences of two to four bytes
_UTF8_SEQ = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_HIGH = re.compile(rb"[\x80-\xff]")


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few damaged bytes (not a legacy 8-bit file): most bytes above 127 belong to
    well-formed UTF-8 sequences. Legacy text (é as one byte 0xE9) has almost none."""
    sample = data[:200_000]
    high = len(_HIGH.findall(sample))
    valid = sum(len(m) for m in _UTF8_SEQ.findall(sample))
    return valid >= 4 and valid >= 0.6 * high


def _legacy(data: bytes, path: str) -> str:
    """Not UTF-8: detect an 8-bit encoding, refusing what looks like binary."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise InputError(
            "not valid UTF-8 and no text encoding fits; is this a binary file?", path=path
        )
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        raise InputError(
            f"not valid UTF-8 and could not be decoded as {best.encoding}", path=path
        ) from None
    return _windows_1252(data, text, best.encoding) or text


_IN_WORD = frozenset("’'‘ʼ-‐‑")  # apostrophes and hyphens belong inside words


def _odd(text: str) -> int:
    """Symbols between two letters ("³" in "M³ody", "ô" is fine): the mark of a wrong code page."""
    return sum(
        1
        for i in range(1, len(text) - 1)
        if ord(text[i]) > 127
        and not text[i].isalpha()
        and text[i] not in _IN_WORD
        and text[i - 1].isalpha()
        and text[i + 1].isalpha()
    )


def _windows_1252(data: bytes, guess: str, encoding: str) -> str | None:
    """Windows-1252 or -1250 instead of the detector's guess when the guess reads worse: short
    files fool the detector into DOS, Baltic or Windows-1252 code pages (smart quotes read as
    'ô…ö', 'Młody' as 'M³ody'). A guess in another script (Cyrillic, Greek, Hebrew, Arabic …) is
    kept. The fewest symbols inside words wins; on a tie Windows-1252, the commonest, then the
    guess."""
    if any(c.isalpha() and ord(c) > 0x24F for c in guess):
        return None
    best, best_odd = None, _odd(guess)
    for enc in ("cp1252", "cp1250"):
        if enc == encoding.lower().replace("-", "_"):
            continue
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue  # a byte undefined in this code page
        odd = _odd(text)
        if odd < best_odd or (odd == best_odd and enc == "cp1252" and best is None):
            best, best_odd = text, odd
    return best


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

"""Text normalization shared by every stage.

Submissions arrive in both scripts (the reference documents mix Simplified and Traditional),
with full-width ASCII, odd whitespace and PDF extraction debris. Stages compare the
normalized text; the original is kept beside it for evidence.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .errors import InputFileError

_WS = re.compile(r"[ \t\u00a0\u3000\u2000-\u200b\ufeff]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_PUNCT_FOR_KEYS = re.compile(r"[\s\W_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text) if text else text


def halfwidth_ascii(text: str) -> str:
    """Full-width ASCII letters, digits and signs become half-width; CJK punctuation stays."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E and not _is_cjk_punct(ch):
            out.append(chr(code - 0xFEE0))
        elif code == 0x3000:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _is_cjk_punct(ch: str) -> bool:
    # Chinese prose keeps its full-width comma, colon, brackets etc.; only letters/digits fold.
    return ch in "，。：；！？（）【】、“”‘’《》"


def normalize(text: str) -> str:
    """Simplified script, half-width ASCII, NFC, collapsed spaces, trimmed lines."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = halfwidth_ascii(to_simplified(text))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_WS.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def match_key(text: str) -> str:
    """A key for fuzzy matching of names: no spaces or punctuation, one script, lower case."""
    return _PUNCT_FOR_KEYS.sub("", normalize(text)).lower()


def char_len(text: str) -> int:
    """Length as the notice counts it (字): characters without whitespace."""
    return len(re.sub(r"\s+", "", text or ""))


_BOMS = (("utf-8-sig", b"\xef\xbb\xbf"), ("utf-16", b"\xff\xfe"), ("utf-16", b"\xfe\xff"))


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """Decode bytes, trying UTF-8 strictly first: GBK decoders accept much UTF-8 as garbage."""
    for enc, bom in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputFileError(path, "无法识别文本编码 (cannot detect the text encoding; save it as UTF-8)")
    return str(best), best.encoding

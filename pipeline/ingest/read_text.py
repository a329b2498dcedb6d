"""Plain text and Markdown, in UTF-8 or GBK/GB18030 (detected)."""
from __future__ import annotations

from ..errors import InputFileError
from ..text import decode_text
from .blocks import Block, RawDocument

def read_text(data: bytes, path: str) -> RawDocument:
    text, _ = decode_text(data, path)
    if "\x00" in text:
        raise InputFileError(path, "不是文本文件 (binary content in a text file)")
    blocks = [Block((line,)) for line in text.splitlines() if line.strip()]
    return RawDocument(path=path, kind="txt", blocks=blocks)

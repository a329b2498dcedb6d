"""Find the input files of a batch: a file, a folder (recursive) or a zip of either.

Zips are opened in memory with limits on member count, total size, compression ratio and
nesting, and members whose paths escape the archive are refused: a hostile upload must not
exhaust the machine or write outside the batch. Every refusal becomes a failed manifest
entry; nothing is dropped silently.
"""
from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..config import IngestSettings
from ..records import ManifestEntry

SUPPORTED = {".docx", ".pdf", ".xlsx", ".xlsm", ".xls", ".csv", ".txt", ".md", ".doc", ".wps", ".zip"}
_SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class InputFile:
    """One file to read. ``path`` names it for people (``batch.zip!城市/表.docx`` inside a zip)."""

    path: str
    data: bytes
    kind: str  # the sniffed type: docx, pdf, xlsx, xls, csv, txt, doc, zip, ...
    named_kind: str  # what the extension says


def sniff_kind(data: bytes, suffix: str) -> str:
    """Type from the content's magic bytes, falling back to the extension for text formats."""
    named = suffix.lower().lstrip(".")
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return named if named in ("docx", "xlsx", "xlsm", "zip") else "zip"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # OLE2: legacy .doc/.xls/.wps, or an encrypted OOXML file (Office puts those in OLE2).
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data[:65536] or \
                b"EncryptedPackage" in data:
            return "encrypted-office"
        return named if named in ("doc", "xls", "wps") else "doc"
    if named == "md":
        return "txt"
    return named


def _unsafe_member_name(name: str) -> str | None:
    p = PurePosixPath(name.replace("\\", "/"))
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "压缩包内路径为绝对路径 (absolute path in zip)"
    if ".." in p.parts:
        return "压缩包内路径越出解压目录 (path escapes the archive: '..')"
    return None


class Discovery:
    """Collects input files and failed entries while walking the batch."""

    def __init__(self, settings: IngestSettings):
        self.settings = settings
        self.files: list[InputFile] = []
        self.failed: list[ManifestEntry] = []
        self.containers: list[ManifestEntry] = []

    def fail(self, path: str, reason: str, *, kind: str = "", size: int = 0, data: bytes = b"") -> None:
        digest = hashlib.sha256(data).hexdigest() if data else ""
        self.failed.append(ManifestEntry(path=path, status="failed", kind=kind, size=size, sha256=digest,
                                         reason=reason))

    def add_path(self, root: Path) -> None:
        if not root.exists():
            self.fail(str(root), "文件或文件夹不存在 (no such file or folder)")
        elif root.is_dir():
            for p in sorted(root.rglob("*")):
                if p.is_file() and p.name not in _SKIP_NAMES and not p.name.startswith("~$"):
                    self._add_file(p, str(p))
        else:
            self._add_file(root, str(root))

    def _add_file(self, p: Path, shown: str) -> None:
        size = p.stat().st_size
        limit = self.settings.max_file_mb * 1024 * 1024
        if size > limit:
            self.fail(shown, f"文件过大 ({size / 1048576:.1f} MB > {self.settings.max_file_mb} MB; "
                             f"raise ingest.max_file_mb if it is genuine)", size=size)
            return
        self.add_bytes(shown, p.read_bytes(), p.suffix, depth=0)

    def add_bytes(self, shown: str, data: bytes, suffix: str, depth: int) -> None:
        named = suffix.lower().lstrip(".")
        if not data:
            self.fail(shown, "空文件 (empty file)", kind=named)
            return
        kind = sniff_kind(data, suffix)
        if kind == "zip" and named in ("zip", ""):
            self._add_zip(shown, data, depth)
            return
        if f".{named}" not in SUPPORTED and f".{kind}" not in SUPPORTED:
            self.fail(shown, f"不支持的文件类型 '.{named}' (supported: docx, pdf, xlsx, xls, csv, txt, md, doc, wps, zip)",
                      kind=named, size=len(data), data=data)
            return
        self.files.append(InputFile(shown, data, kind, named))

    def _add_zip(self, shown: str, data: bytes, depth: int) -> None:
        s = self.settings
        if depth >= s.max_zip_depth:
            self.fail(shown, f"压缩包嵌套过深 (zip nested deeper than {s.max_zip_depth})", kind="zip", size=len(data))
            return
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            infos = [i for i in zf.infolist() if not i.is_dir()]
        except (zipfile.BadZipFile, OSError) as exc:
            self.fail(shown, f"压缩包损坏 (corrupt zip: {exc})", kind="zip", size=len(data), data=data)
            return
        if len(infos) > s.max_zip_members:
            self.fail(shown, f"压缩包文件数 {len(infos)} 超过上限 {s.max_zip_members} (ingest.max_zip_members)",
                      kind="zip", size=len(data), data=data)
            return
        budget = int(s.max_zip_total_mb * 1024 * 1024)
        members = 0
        for info in infos:
            name = _decode_member_name(info)
            member_path = f"{shown}!{name}"
            if PurePosixPath(name).name in _SKIP_NAMES or name.startswith("__MACOSX/"):
                continue
            reason = _unsafe_member_name(name)
            if reason is None and info.flag_bits & 0x1:
                reason = "压缩包内文件已加密 (encrypted zip member)"
            if reason is None and info.compress_size and info.file_size / max(info.compress_size, 1) > s.max_zip_ratio:
                reason = (f"压缩比 {info.file_size / max(info.compress_size, 1):.0f}:1 异常，疑似压缩炸弹 "
                          f"(zip bomb suspected; ingest.max_zip_ratio={s.max_zip_ratio:g})")
            if reason is None and info.file_size > s.max_file_mb * 1024 * 1024:
                reason = f"文件过大 ({info.file_size / 1048576:.1f} MB > {s.max_file_mb} MB)"
            if reason is None and info.file_size > budget:
                reason = f"压缩包解压总量超过上限 {s.max_zip_total_mb} MB (zip bomb suspected)"
            if reason:
                self.fail(member_path, reason, kind=PurePosixPath(name).suffix.lstrip("."), size=info.file_size)
                continue
            try:
                content = _read_limited(zf, info, min(budget, int(s.max_file_mb * 1024 * 1024)))
            except _TooLarge:
                self.fail(member_path, "解压后大小超过声明值或上限，疑似压缩炸弹 (zip bomb: content larger than declared)",
                          size=info.file_size)
                continue
            except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, Exception) as exc:
                self.fail(member_path, f"压缩包内文件损坏 (corrupt member: {type(exc).__name__})", size=info.file_size)
                continue
            budget -= len(content)
            members += 1
            self.add_bytes(member_path, content, PurePosixPath(name).suffix, depth + 1)
        self.containers.append(ManifestEntry(path=shown, status="processed", kind="zip", size=len(data),
                                             sha256=hashlib.sha256(data).hexdigest(),
                                             reason=f"{members} 个文件已解出"))


class _TooLarge(Exception):
    pass


def _read_limited(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    # The header's sizes can lie: count what actually comes out.
    out = io.BytesIO()
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            out.write(chunk)
            if out.tell() > limit or out.tell() > info.file_size:
                raise _TooLarge()
    return out.getvalue()


def _decode_member_name(info: zipfile.ZipInfo) -> str:
    # Zips made on Chinese Windows store GBK names without the UTF-8 flag; zipfile then gives cp437.
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def discover(inputs: list[Path], settings: IngestSettings) -> Discovery:
    found = Discovery(settings)
    for p in inputs:
        found.add_path(Path(p))
    return found

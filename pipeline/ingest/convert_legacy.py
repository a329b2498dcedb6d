"""Legacy Word (.doc) and WPS (.wps) files, converted to DOCX with LibreOffice headless."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import InputFileError


def convert_to_docx(data: bytes, path: str, *, soffice: str = "soffice", timeout: int = 120) -> bytes:
    exe = shutil.which(soffice)
    if exe is None:
        raise InputFileError(path, "旧版 .doc/.wps 文件需要 LibreOffice 转换，本机未安装 (install libreoffice-writer, "
                                   "or save the file as .docx)")
    suffix = Path(path.split("!")[-1]).suffix or ".doc"
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"input{suffix}"
        src.write_bytes(data)
        try:
            subprocess.run([exe, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
                            "--convert-to", "docx", "--outdir", tmp, str(src)],
                           check=True, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise InputFileError(path, f"LibreOffice 转换超时 ({timeout}s)") from None
        except subprocess.CalledProcessError as exc:
            raise InputFileError(path, f"LibreOffice 转换失败: {exc.stderr.decode(errors='replace')[:200]}") from None
        out = Path(tmp) / "input.docx"
        if not out.exists():
            raise InputFileError(path, "LibreOffice 未能转换该文件 (corrupt or not a Word document)")
        return out.read_bytes()

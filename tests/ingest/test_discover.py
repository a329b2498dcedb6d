"""Bad input: every kind yields a clear per-file failure, and the batch goes on."""
import io
import zipfile

import pytest

from pipeline.config import load_settings
from pipeline.forms_writer import write_form3
from pipeline.ingest import ingest


@pytest.fixture
def good_docx(tmp_path, form3_data):
    p = tmp_path / "good.docx"
    write_form3(form3_data, p)
    return p


def _run(paths, **overrides):
    s = load_settings(overrides=[f"ingest.{k}={v}" for k, v in overrides.items()]).ingest
    return ingest(paths, s)


def _failed(result):
    return {m.path.split("/")[-1]: m.reason for m in result.manifest if m.status == "failed"}


def test_discover_empty_file_fails_clearly_and_batch_goes_on(tmp_path, good_docx):
    (tmp_path / "empty.docx").write_bytes(b"")
    r = _run([tmp_path])
    assert "空文件" in _failed(r)["empty.docx"]
    assert len(r.submissions) == 1


def test_discover_corrupt_docx(tmp_path, good_docx):
    (tmp_path / "bad.docx").write_bytes(b"PK\x03\x04" + b"garbage" * 100)
    assert "bad.docx" in _failed(_run([tmp_path]))


def test_discover_truncated_docx(tmp_path, good_docx):
    data = good_docx.read_bytes()
    (tmp_path / "cut.docx").write_bytes(data[: len(data) // 2])
    reason = _failed(_run([tmp_path]))["cut.docx"]
    assert reason


def test_discover_oversized_file(tmp_path, good_docx):
    (tmp_path / "big.txt").write_bytes(b"x" * 2_000_000)
    reason = _failed(_run([tmp_path], max_file_mb=1))["big.txt"]
    assert "文件过大" in reason and "max_file_mb" in reason


def test_discover_unsupported_type(tmp_path):
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0JFIF")
    assert "不支持的文件类型" in _failed(_run([tmp_path]))["photo.jpg"]


def test_discover_encrypted_office_file(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512
    (tmp_path / "locked.docx").write_bytes(ole)
    assert "加密" in _failed(_run([tmp_path]))["locked.docx"]


def test_discover_wrong_extension_is_read_by_content(tmp_path, good_docx):
    (tmp_path / "form.pdf").write_bytes(good_docx.read_bytes())
    good_docx.unlink()
    r = _run([tmp_path])
    assert len(r.submissions) == 1
    entry = next(m for m in r.manifest if m.path.endswith("form.pdf"))
    assert entry.status == "processed" and "不符" in entry.reason


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_discover_zip_bomb_and_path_escape_refused(tmp_path, good_docx):
    (tmp_path / "batch.zip").write_bytes(_zip({
        "bomb.docx": b"\0" * (20 * 1024 * 1024),
        "../../escape.docx": good_docx.read_bytes(),
        "/abs/path.docx": good_docx.read_bytes(),
        "城市/ok.docx": good_docx.read_bytes(),
    }))
    good_docx.unlink()
    r = _run([tmp_path / "batch.zip"])
    failed = {m.path: m.reason for m in r.manifest if m.status == "failed"}
    assert any("bomb.docx" in p and "压缩炸弹" in why for p, why in failed.items())
    assert any("escape.docx" in p and "越出" in why for p, why in failed.items())
    assert any("path.docx" in p and "绝对路径" in why for p, why in failed.items())
    assert len(r.submissions) == 1
    assert any(m.path.endswith("batch.zip!城市/ok.docx") and m.status == "processed" for m in r.manifest)


def test_discover_zip_lying_about_its_size_is_stopped(tmp_path):
    data = bytearray(_zip({"a.txt": b"A" * 400_000}))
    # Make the central directory claim a tiny file: the real content must still be capped.
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24:cd + 28] = (10).to_bytes(4, "little")
    (tmp_path / "liar.zip").write_bytes(bytes(data))
    r = _run([tmp_path / "liar.zip"])
    assert [m for m in r.manifest if m.status == "failed"], r.manifest


def test_discover_nested_zip_depth_limit(tmp_path, good_docx):
    inner = _zip({"f.docx": good_docx.read_bytes()})
    middle = _zip({"inner.zip": inner})
    (tmp_path / "outer.zip").write_bytes(_zip({"middle.zip": middle}))
    good_docx.unlink()
    r = _run([tmp_path / "outer.zip"], max_zip_depth=2)
    assert any("嵌套过深" in m.reason for m in r.manifest if m.status == "failed")


def test_discover_encrypted_zip_member(tmp_path, good_docx):
    data = bytearray(_zip({"secret.docx": good_docx.read_bytes()}))
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):  # set the 'encrypted' flag bit in both headers
        i = data.find(sig)
        off = 6 if sig == b"PK\x03\x04" else 8
        data[i + off] |= 0x1
    (tmp_path / "enc.zip").write_bytes(bytes(data))
    r = _run([tmp_path / "enc.zip"])
    assert any("加密" in m.reason for m in r.manifest if m.status == "failed")


def test_discover_gbk_zip_member_names(tmp_path, good_docx):
    # Windows zip tools write GBK names without the UTF-8 flag: patch the raw bytes in.
    gbk = "申报表.docx".encode("gbk")
    placeholder = b"x" * (len(gbk) - 5) + b".docx"
    raw = _zip({placeholder.decode(): good_docx.read_bytes()}).replace(placeholder, gbk)
    buf = io.BytesIO(raw)
    (tmp_path / "gbk.zip").write_bytes(buf.getvalue())
    r = _run([tmp_path / "gbk.zip"])
    assert any(m.path.endswith("!申报表.docx") for m in r.manifest)


def test_discover_missing_path_is_reported(tmp_path):
    r = _run([tmp_path / "nope"])
    assert r.manifest[0].status == "failed" and "不存在" in r.manifest[0].reason


def test_discover_every_input_in_manifest(tmp_path, good_docx):
    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("随便写点什么", encoding="utf-8")
    r = _run([tmp_path])
    paths = {m.path.split("/")[-1] for m in r.manifest}
    assert paths == {"good.docx", "empty.pdf", "notes.txt"}

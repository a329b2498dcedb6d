"""Shared fixtures: hand-built form contents, DOCX/PDF writers, the sample batch."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.config import load_settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


@pytest.fixture
def settings():
    return load_settings()


@pytest.fixture
def form3_data() -> dict:
    return {
        "name": "基于机器视觉的纺织面料瑕疵在线检测",
        "applicant": "浙江越纺智能科技有限公司",
        "location": "绍兴市柯桥区齐贤街道",
        "authority": "省经信厅",
        "ticks": ["manufacturing"],
        "other": None,
        "goals": "在12条坯布产线部署高速线阵相机与缺陷识别模型，实现断经、破洞、油污等27类瑕疵在线检出。",
        "foundation": "已完成两条产线试点，累计标注瑕疵样本18万张，与高校联合开发检测模型。",
        "is_open": True,
        "open_text": "已向柯桥区印染园区内9家中小织造企业开放试用。",
        "effects": "漏检率由8.5%降至1.2%，每条产线减少验布工4人，年节约人工成本约260万元。",
        "problems": "小样本瑕疵识别仍不稳定，跨品种迁移需重新标注。",
        "next_steps": "2026年底前推广至园区30家企业，形成行业级瑕疵样本库。",
    }


@pytest.fixture
def form4_data(form3_data) -> dict:
    return {
        "name": form3_data["name"],
        "owner": form3_data["applicant"],
        "location": form3_data["location"],
        "authority": "省经信厅",
        "background": "柯桥是全国最大的纺织面料集散地，坯布质检长期依赖人工目测，效率低、标准不一。",
        "plan": "分三期建设：一期完成两条产线试点；二期扩展到12条产线。项目总投资860万元，其中企业自筹620万元。",
        "targets": "形成可复制的面料AI质检方案，三年内覆盖区内50家织造企业。",
    }


def soffice() -> str | None:
    return shutil.which("soffice")


@pytest.fixture(scope="session")
def to_pdf(tmp_path_factory):
    """Convert office files with LibreOffice headless (to PDF by default), as applicants' 'save as' does."""
    exe = soffice()
    if exe is None:
        pytest.fail("LibreOffice is required for the PDF tests: apt-get install libreoffice-writer-nogui "
                    "fonts-noto-cjk (.ci/run installs it)")
    profile = tmp_path_factory.mktemp("lo-profile")

    def convert(docx: Path, target: str = "pdf") -> Path:
        subprocess.run([exe, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", target,
                        "--outdir", str(docx.parent), str(docx)], check=True, capture_output=True, timeout=180)
        return docx.with_suffix(f".{target}")

    return convert

"""Tiny hand-built submissions for the score tests (no sample batch, no model)."""
from __future__ import annotations

import pytest

from pipeline.config import ScoreSettings
from pipeline.records import DeclaredArea, Prediction, SourceRef, SubAreaScore, Submission
from pipeline.score.rubric import load_rubric
from pipeline.score.terms import load_terms

STRONG_FIELDS = {
    "goals": "基于机器视觉和深度学习构建缺陷检测模型，结合知识图谱实现工艺参数推荐，缺陷检出率不低于99%。",
    "foundation": "2024年起累计标注缺陷图像41万张，已建成检测工位18个，申请发明专利3项。",
    "open_status": "已向园区12家中小企业开放检测模型和数据集，提供SaaS服务，其中5家民营企业已部署。",
    "effects": "系统上线14个月，累计检测286万件，缺陷检出率由91%提升至99.6%，综合废品率由4.8%降至3.1%，"
               "质检人员由每班26人减至8人，年节约成本约820万元。",
    "problems": "内部缺陷仍依赖X射线，数据授权机制尚不完善。",
    "next_steps": "牵头制定视觉检测团体标准，推广至省内30家压铸企业。",
    "background": "压铸件质检依赖人工目检，漏检率高。",
    "plan": "项目总投资2350万元，其中设备1310万元、软件640万元，资金来源为企业自筹。数据脱敏后在本地部署训练，模型定期再训练。",
    "targets": "形成团体标准1项，向省内30家中小企业提供服务，综合废品率降至3%以下。",
}

WEAK_FIELDS = {
    "goals": "建设企业信息化管理平台和生产数据库，实现管理数字化、智能化，提高管理水平。",
    "foundation": "企业高度重视，成立了领导小组，已购置ERP系统。",
    "open_status": "条件成熟时向行业内企业推广。",
    "effects": "平台建成后，管理更加规范，生产效率明显提高，取得了较好的经济效益。",
    "problems": "资金不足，人才缺乏。",
    "next_steps": "继续完善平台功能。",
    "background": "数字化转型是企业发展的必然选择。",
    "plan": "建设信息化管理平台、数据库和可视化大屏，逐步引入人工智能技术。项目总投资约300万元，全部由企业自筹。",
    "targets": "建成数字化车间，为行业提供借鉴。",
}


def make_sub(sid: str = "S1", fields: dict | None = None, **kw) -> Submission:
    defaults = dict(id=sid, name=f"场景{sid}", fields=dict(fields if fields is not None else STRONG_FIELDS),
                    is_open=True, funding_wan=2350.0, declared=DeclaredArea(sub_areas=("manufacturing",)))
    defaults.update(kw)
    return Submission(**defaults)


def make_prediction(sid: str, sub_area: str = "manufacturing", unit: str = "jxt", **kw) -> Prediction:
    defaults = dict(submission_id=sid, sub_area=sub_area, sub_area_name="先进制造业", domain="industry",
                    domain_name="人工智能+产业升级类应用场景", unit=unit, unit_name="省经信厅", probability=0.9,
                    unit_probability=0.9, top=(SubAreaScore(sub_area=sub_area, name="先进制造业", probability=0.9),),
                    route_by_hand=False)
    defaults.update(kw)
    return Prediction(**defaults)


@pytest.fixture
def rubric():
    return load_rubric()


@pytest.fixture
def terms():
    return load_terms()


@pytest.fixture
def cfg():
    return ScoreSettings()


@pytest.fixture
def strong():
    return make_sub("S1", STRONG_FIELDS)


@pytest.fixture
def weak():
    return make_sub("S2", WEAK_FIELDS, is_open=False, funding_wan=300.0)


__all__ = ["make_sub", "make_prediction", "STRONG_FIELDS", "WEAK_FIELDS", "SourceRef"]

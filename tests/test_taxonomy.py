import pytest
import yaml

from pipeline.config import KNOWLEDGE_DIR
from pipeline.errors import KnowledgeFileError
from pipeline.taxonomy import load_taxonomy, parse_taxonomy

TAX = load_taxonomy()


def test_taxonomy_has_six_domains_and_22_sub_areas():
    assert len(TAX.domains) == 6
    assert len(TAX.sub_areas) == 22


def test_taxonomy_hierarchy_is_consistent():
    for did, dom in TAX.domains.items():
        for sid in dom.sub_areas:
            assert TAX.domain_of(sid) == did
    assert sum(len(d.sub_areas) for d in TAX.domains.values()) == len(TAX.sub_areas)


@pytest.mark.parametrize("name,sid", [("公共安全", "public_security"), ("公安安全", "public_security"),
                                      ("养老托育", "elderly_care"), ("养老服务", "elderly_care"),
                                      ("智慧交通", "transport"), ("多领域业态融合", "cross_fusion"), ("金融科技", "fintech")])
def test_taxonomy_form_aliases(name, sid):
    assert TAX.find_sub_area(name) == sid


@pytest.mark.parametrize("sid,unit", [("manufacturing", "省经信厅"), ("logistics", "省经信厅"), ("transport", "省交通运输厅"),
                                      ("gov_services", "省数据局"), ("cross_fusion", "省数据局"), ("fintech", "省委金融办"),
                                      ("employment", "省人社厅"), ("convenience", "省人社厅"), ("international", "省商务厅"),
                                      ("urban_governance", "省建设厅"), ("elderly_care", "省民政厅")])
def test_taxonomy_responsible_units_follow_the_notice(sid, unit):
    assert TAX.unit_of(sid).name == unit


@pytest.mark.parametrize("written,uid", [("省人社保厅", "rst"), ("浙江省住房和城乡建设厅", "jst"), ("嘉兴市交通运输局", "jtt"),
                                         ("宁波市农业农村局", "nynct"), ("某某科技有限公司", None), ("", None)])
def test_taxonomy_unit_names_and_local_bureaus(written, uid):
    assert TAX.find_unit(written) == uid


def _data():
    return yaml.safe_load((KNOWLEDGE_DIR / "taxonomy.yaml").read_text(encoding="utf-8"))


def test_taxonomy_unknown_unit_is_named_in_the_error():
    data = _data()
    data["domains"][0]["sub_areas"][0]["unit"] = "nobody"
    with pytest.raises(KnowledgeFileError, match="names unit 'nobody'"):
        parse_taxonomy(data)


def test_taxonomy_duplicate_sub_area_rejected():
    data = _data()
    data["domains"][1]["sub_areas"].append(dict(data["domains"][1]["sub_areas"][0]))
    with pytest.raises(KnowledgeFileError, match="appears twice"):
        parse_taxonomy(data)


def test_taxonomy_missing_key_and_ambiguous_alias_rejected():
    data = _data()
    del data["domains"][0]["sub_areas"][0]["description"]
    with pytest.raises(KnowledgeFileError, match="lacks 'description'"):
        parse_taxonomy(data)
    data = _data()
    data["domains"][0]["sub_areas"][1]["aliases"].append("先进制造业")
    with pytest.raises(KnowledgeFileError, match="alias"):
        parse_taxonomy(data)
    with pytest.raises(KnowledgeFileError, match="missing top-level key"):
        parse_taxonomy({"version": 1, "units": []})


def test_taxonomy_missing_file(tmp_path):
    with pytest.raises(KnowledgeFileError, match="not found"):
        load_taxonomy(tmp_path / "none.yaml")

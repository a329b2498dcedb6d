"""Reading batches (submissions.jsonl, id,text CSV/JSONL) and writing results."""
from __future__ import annotations

import csv
import json

import pytest
from dedup_texts import ELDERLY_FALL, FACTORY_QC, make_sub

from pipeline.dedup import find_duplicates
from pipeline.dedup.io import read_batch, read_ids, write_result
from pipeline.errors import InputFileError
from pipeline.records import DuplicatePair


def test_io_reads_csv_with_selected_column(tmp_path):
    path = tmp_path / "batch.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["ID", "text", "selected"])
        w.writerow(["a", "智能　质检，提升良率", "是"])
        w.writerow(["b", "養老機構智慧安防", ""])
        w.writerow(["", "no id", ""])
    batch = read_batch(path)
    assert [s.id for s in batch.submissions] == ["a", "b"]
    assert batch.submissions[1].fields["text"] == "养老机构智慧安防"  # normalized to simplified script
    assert batch.selected == {"a"}
    assert [f.code for f in batch.findings] == ["dedup_bad_line"]


def test_io_reads_submissions_and_plain_jsonl_and_records_bad_lines(tmp_path):
    path = tmp_path / "submissions.jsonl"
    sub = make_sub("s1", goals=FACTORY_QC, applicant="某公司")
    path.write_text("\n".join([sub.model_dump_json(), json.dumps({"id": "p1", "text": ELDERLY_FALL}),
                               "{not json", json.dumps([1, 2])]) + "\n", encoding="utf-8")
    batch = read_batch(path)
    assert [s.id for s in batch.submissions] == ["s1", "p1"]
    assert batch.submissions[0] == sub
    assert len(batch.findings) == 2 and all(f.path.startswith(str(path)) for f in batch.findings)


def test_io_unreadable_inputs_raise_input_file_error(tmp_path):
    with pytest.raises(InputFileError, match="file not found"):
        read_batch(tmp_path / "missing.csv")
    (tmp_path / "x.docx").write_bytes(b"PK")
    with pytest.raises(InputFileError, match="unsupported"):
        read_batch(tmp_path / "x.docx")
    (tmp_path / "cols.csv").write_text("name,desc\na,b\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="id and text"):
        read_batch(tmp_path / "cols.csv")
    (tmp_path / "gbk.csv").write_bytes("id,text\n1,智能质检\n".encode("gbk"))
    with pytest.raises(InputFileError, match="UTF-8"):
        read_batch(tmp_path / "gbk.csv")


def test_io_read_ids_from_text_csv_and_jsonl(tmp_path):
    (tmp_path / "ids.txt").write_text("# selected\na\n\nb\n", encoding="utf-8")
    (tmp_path / "ids.csv").write_text("id,note\nc,x\n", encoding="utf-8")
    (tmp_path / "ids.jsonl").write_text('{"id": "d"}\n', encoding="utf-8")
    assert read_ids(tmp_path / "ids.txt") == {"a", "b"}
    assert read_ids(tmp_path / "ids.csv") == {"c"}
    assert read_ids(tmp_path / "ids.jsonl") == {"d"}


def test_io_writes_pairs_and_clusters_csv_and_jsonl(tmp_path, settings):
    subs = [make_sub("a", ELDERLY_FALL), make_sub("b", ELDERLY_FALL.replace("，", ","))]
    result = find_duplicates(subs, settings)
    written = write_result(result, subs, tmp_path / "out")
    assert set(written) >= {"pairs.csv", "pairs.jsonl", "clusters.csv", "clusters.jsonl", "history.csv",
                            "summary.json"}
    line = (tmp_path / "out" / "pairs.jsonl").read_text(encoding="utf-8").splitlines()[0]
    assert DuplicatePair.model_validate_json(line) == result.pairs[0]
    with (tmp_path / "out" / "pairs.csv").open(encoding="utf-8-sig") as fh:
        (row,) = list(csv.DictReader(fh))
    assert (row["a_id"], row["b_id"], row["kind"]) == ("a", "b", "exact")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["kinds"] == {"exact": 1} and "fingerprint" in summary["timings"]

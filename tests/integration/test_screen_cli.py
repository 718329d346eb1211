"""`sanctions-graph screen FILE` on both servers: columns by header or --columns, CSV and Excel in and out, the
summary, the rejects file and --json."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from graph.settings import Settings
from sanctions_graph import demo
from sanctions_graph.cli import main

KIM = "ofac-43377"  # KIM, Sang Man, DOB 25 Apr 1965, nationality Korea, North; holds 1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ


@pytest.fixture(params=["embedded", "neo4j"])
def loaded(request: pytest.FixtureRequest, store_settings: dict[str, Settings], monkeypatch: pytest.MonkeyPatch) -> str:
    settings = store_settings[request.param]
    monkeypatch.setenv("SANCTIONS_GRAPH_HOME", str(settings.home))
    monkeypatch.setenv("SANCTIONS_GRAPH_STORE", settings.store)
    assert main(["load", "ofac-sdn", str(demo.ofac_dir()), "--no-progress"]) == 0
    return str(request.param)


ROWS = [
    {"Ref": "r1", "Counterparty": "Gim Sang-man", "Type": "individual", "Nationality": "KP", "DOB": "1965-04-25"},
    {"Ref": "r2", "Counterparty": "Kim Sang-man", "Type": "person", "Nationality": "KR", "DOB": "1990-01-01"},
    {"Ref": "r3", "Counterparty": "Tasman Fresh Foods Ltd", "Type": "company", "Nationality": "NZ", "DOB": ""},
    {"Ref": "r4", "Counterparty": "Somebody", "Type": "person", "Nationality": "", "DOB": "last spring"},
]


def test_screen_csv_to_csv_with_summary_and_rejects(
    loaded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "counterparties.csv"
    pd.DataFrame(ROWS).to_csv(source, index=False)
    out = tmp_path / "results.csv"
    capsys.readouterr()
    assert main(["screen", str(source), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "screened 3 row(s)" in printed and "1 match(es)" in printed and "1 unusable row(s)" in printed
    assert "line 4: birth date 'last spring' is not a date" in printed
    results = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(results["row_id"]) == ["r1", "r2", "r3"]
    first = results.iloc[0]
    assert (first["label"], first["hit_1_id"], first["hit_1_sanctioned"]) == ("match", KIM, "True")
    assert "gim ~ kim" in first["hit_1_explanation"] and "birth date 1965-04-25 agrees" in first["hit_1_explanation"]
    assert results.iloc[1]["label"] != "match"  # the same name, another birth year and country
    rejects = pd.read_csv(tmp_path / "results.rejects.csv")
    assert rejects.to_dict(orient="records") == [
        {"line": 4, "row_id": "r4", "name": "Somebody", "reason": "birth date 'last spring' is not a date "
         "(YYYY-MM-DD, YYYY-MM, YYYY or DD.MM.YYYY)"}
    ]  # fmt: skip


def test_screen_excel_with_columns_and_json(loaded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "book.xlsx"
    frame = pd.DataFrame(
        [
            {"Party": "Kim Sang Man", "Digital asset": "1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ"},
            {"Party": "", "Digital asset": "1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ"},
        ]
    )
    frame.to_excel(source, index=False)
    capsys.readouterr()
    assert main(["screen", str(source), "--columns", "name=Party,wallet=Digital asset", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["screened"] == 2 and data["summary"]["matches"] == 2
    assert data["summary"]["columns"] == {"name": "Party", "wallet": "Digital asset"}
    wallet_row = data["results"][1]
    assert wallet_row["results"][0]["id"] == KIM and "holds wallet" in wallet_row["results"][0]["explanation"]
    out = tmp_path / "out.xlsx"
    assert main(["screen", str(source), "--columns", "name=Party,wallet=Digital asset", "-o", str(out)]) == 0
    assert pd.read_excel(out)["hit_1_id"].tolist() == [KIM, KIM]


def test_screen_errors_are_sentences(loaded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "c.csv"
    pd.DataFrame([{"foo": "x"}]).to_csv(source, index=False)
    capsys.readouterr()
    assert main(["screen", str(source)]) == 1
    assert "no name, identifier or wallet column among foo" in capsys.readouterr().err
    assert main(["screen", str(source), "--columns", "name"]) == 1
    assert "--columns: 'name' is not FIELD=HEADER" in capsys.readouterr().err
    text = tmp_path / "c.txt"
    text.write_text("x")
    assert main(["screen", str(text)]) == 1
    assert "not a .csv or .xlsx file" in capsys.readouterr().err

"""The crypto transfer loader without a database: built-in and TOML mappings over tests/fixtures/transfers."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph.errors import SourceFormatError
from graph.ids import rel_id, wallet_id
from graph.vocabulary import NodeKind, Prop, RelType
from loaders.common.mapping import MappingError
from loaders.framework import LoadReport, run_load
from loaders.sources.transfers import ETHERSCAN, TRACER, TransfersSource, load_transfer_mapping
from sanctions_graph.cli import main
from tests.doubles import RecordingStore

FIXTURES = Path(__file__).parent.parent / "fixtures" / "transfers"
OFAC_WALLET = "0x97b1043abd9e6fc31681635166d430a458d14f9c"


def load(
    path: Path, mapping: str | Path, tmp_path: Path, dataset: str = "transfers"
) -> tuple[LoadReport, RecordingStore, list[dict[str, str]]]:
    writer = RecordingStore()
    rejects = tmp_path / "rejects.csv"
    report = run_load(TransfersSource(mapping, dataset), [path], writer, rejects_path=rejects)
    rows = list(csv.DictReader(rejects.open(encoding="utf-8"))) if rejects.exists() else []
    return report, writer, rows


def test_tracer_export(tmp_path: Path) -> None:
    report, w, rejected = load(FIXTURES / "tracer.csv", "tracer", tmp_path)
    assert rejected == [] and report.warnings == []
    assert report.records_read == 5
    assert report.nodes == {"Wallet": 7} and report.relationships == {"TRANSFERRED": 5}
    source, target = wallet_id(OFAC_WALLET), wallet_id("0xdbb835dc0ca6b146ee4580a04be096691512cfde")
    (first,) = w.rel(RelType.TRANSFERRED, source, target)
    tx = "0x8321195282f38e1a96b155c1e0be09a5bf42afff979adac34fea08ff74286cd4"
    assert first.props == {
        Prop.AMOUNT: 14.2,
        Prop.ASSET: "eth",
        Prop.VALUE_USD: 26300.0,
        Prop.TIMESTAMP: "2023-04-04T10:12:00Z",
        Prop.TX_HASH: tx,
        Prop.DATASETS: ["transfers"],
        Prop.SOURCE_IDS: [f"transfers:{tx}:1"],
    }
    assert first.id == rel_id(RelType.TRANSFERRED, source, target, tx, "1")
    wallet = w.nodes[source]  # written in upper case in the file: normalised onto the SDN list's wallet id
    assert wallet.kind is NodeKind.WALLET
    assert wallet.props == {
        Prop.NAME: OFAC_WALLET,
        Prop.LOOKUP_KEYS: [OFAC_WALLET],
        Prop.CURRENCIES: ["ETH"],
        Prop.DATASETS: ["transfers"],
        Prop.CHAIN: "evm",
        Prop.ALIASES: ["Fictional Cluster 7"],
    }
    assert w.nodes[wallet_id("0x90f7b7db319bd5108655e705960512775edc1c73")].props[Prop.ALIASES] == [
        "Example Mixer Pool"
    ]


def test_one_transaction_with_two_legs_gives_two_transfers(tmp_path: Path) -> None:
    _, w, _ = load(FIXTURES / "tracer.csv", "tracer", tmp_path)
    tx = "9d979c42fb43e972a9a6e373e4b546c9209e990fc83f099724d2fa7cabc8456f"
    legs = sorted((r for r in w.rels.values() if r.props[Prop.TX_HASH] == tx), key=lambda r: r.props[Prop.AMOUNT])
    assert [r.props[Prop.SOURCE_IDS] for r in legs] == [[f"transfers:{tx}:2"], [f"transfers:{tx}:1"]]
    assert [r.props[Prop.VALUE_USD] for r in legs] == [21590.0, 96456655.0]
    bech32 = "bc1q77hjxjky2qrvvfve4re5kdyc434f90rp3xztk5"  # written in upper case: bech32 compares lower-case
    assert legs[0].target == wallet_id(bech32)
    sender = w.nodes[wallet_id("1EU9hY4JCP7nQMrYpkZKVGgyrtLoLaCWmq")].props  # base58: case kept
    assert sender[Prop.CHAIN] == "bitcoin" and sender[Prop.ALIASES] == ["Example Exchange Hot Wallet"]
    last = next(r for r in w.rels.values() if r.props[Prop.TX_HASH].startswith("5ad1a27e"))
    assert last.props[Prop.AMOUNT] == 1200.25 and Prop.VALUE_USD not in last.props


def test_reloading_gives_the_same_ids(tmp_path: Path) -> None:
    writer = RecordingStore()
    first = run_load(TransfersSource("tracer"), [FIXTURES / "tracer.csv"], writer)
    second = run_load(TransfersSource("tracer"), [FIXTURES / "tracer.csv"], writer)
    assert (first.nodes_created, first.relationships_created) == (7, 5)
    assert (second.nodes_created, second.relationships_created) == (0, 0)


def test_etherscan_export_skips_failed_and_zero_value_transactions_with_a_reason(tmp_path: Path) -> None:
    report, w, rejected = load(FIXTURES / "etherscan.csv", "etherscan", tmp_path)
    assert report.warnings == []  # every column is used or ignored, CurrentValue @ $… included
    assert [(r["line"], r["field"], r["reason"]) for r in rejected] == [
        ("4", "ErrCode", "failed transaction: Status 'Error(0)', ErrCode 'Out of gas' (nothing moved)"),
        ("5", "Value_IN(ETH)", "zero value: no coin moved (a contract call?)"),
    ]
    incoming = w.rel(
        RelType.TRANSFERRED, wallet_id("0x6ba66175b3c7c1d7f1f890163732ba1fa98c3889"), wallet_id(OFAC_WALLET)
    )
    assert incoming[0].props[Prop.AMOUNT] == 2.5
    assert incoming[0].props[Prop.VALUE_USD] == 4630.28  # 2.5 x Historical $Price/Eth 1852.11
    assert incoming[0].props[Prop.TIMESTAMP] == "2023-04-04T10:12:00Z"  # UnixTimestamp 1680603120
    assert incoming[0].props[Prop.ASSET] == "eth"
    outgoing = w.rel(
        RelType.TRANSFERRED, wallet_id(OFAC_WALLET), wallet_id("0xf28bcccdc2c504c595a9d4144ee6793fd54eca0d")
    )
    assert outgoing[0].props[Prop.AMOUNT] == 2.4  # Value_OUT


def test_etherscan_variants_old_header_and_contract_creation(tmp_path: Path) -> None:
    path = tmp_path / "export-bsc.csv"
    path.write_text(
        '"Txhash","Blockno","UnixTimestamp","DateTime","From","To","ContractAddress","Value_IN(BNB)",'
        '"Value_OUT(BNB)","CurrentValue @ $590/BNB","TxnFee(BNB)","TxnFee(USD)","Historical $Price/BNB","Status",'
        '"ErrCode"\n'
        '"0x06c565ef071acdbcdb49d1c689336b9a5679e7078c6ad0ab566b4a9b3120a306","1","1700000000","","0x6ba66175b3c7c1d'
        '7f1f890163732ba1fa98c3889","","0xc36a03bccd975296e3116db45cda190e995bb96f","0","1.5","885","0.01","5","300",'
        '"",""\n',
        encoding="utf-8",
    )
    report, w, rejected = load(path, "etherscan", tmp_path)
    assert rejected == [] and report.warnings == []
    (rel,) = w.rels.values()
    assert rel.target == wallet_id("0xc36a03bccd975296e3116db45cda190e995bb96f")  # the created contract
    assert rel.props[Prop.ASSET] == "bnb" and rel.props[Prop.VALUE_USD] == 450.0
    assert rel.props[Prop.TIMESTAMP] == "2023-11-14T22:13:20Z"


def test_custom_toml_mapping(tmp_path: Path) -> None:
    report, w, rejected = load(FIXTURES / "custom.csv", FIXTURES / "custom.toml", tmp_path, dataset="case_tron")
    assert rejected == [] and report.warnings == []  # Block is listed in ignore
    first = w.rel(
        RelType.TRANSFERRED,
        wallet_id("THq4eXQJGCaDb27ZebyqZrkcWq2n7NUibL"),
        wallet_id("TMDbBq2UNXnSavCAB3muycLkc6ZkeTHciQ"),
    )[0]
    assert first.props[Prop.TIMESTAMP] == "2023-06-05T14:30:00Z"  # 05/06/2023 14:30, day first
    assert first.props[Prop.ASSET] == "usdt" and first.props[Prop.AMOUNT] == 50000.0
    assert first.props[Prop.DATASETS] == ["case_tron"]
    broker = w.nodes[wallet_id("THq4eXQJGCaDb27ZebyqZrkcWq2n7NUibL")].props
    assert broker[Prop.CHAIN] == "tron" and broker[Prop.ALIASES] == ["Placeholder Broker"]
    assert broker[Prop.CURRENCIES] == ["USDT"]


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        (
            '[columns]\nto = "b"\namount = "c"\ntx_hash = "d"\ntimestamp = "e"\nasset = "f"\nsender = "x"\n',
            ["columns.sender: unknown key", "columns.from: missing (required)"],
        ),
        (
            'asset = "eth"\ntimestamp_format = "dd/mm/yyyy"\n[columns]\nfrom = "a"\nto = "b"\namount = "c"\n'
            'tx_hash = "d"\ntimestamp = "e"\nasset = "f"\n',
            ["asset: give one of columns.asset", "timestamp_format: 'dd/mm/yyyy' is neither iso, unix, unix_ms nor"],
        ),
        (
            'colour = 1\ntx_hash_pattern = "(["\n[columns]\nfrom = "a"\nto = "b"\namount = 3\ntx_hash = "d"\n'
            'timestamp = "e"\n',
            [
                "colour: unknown key",
                "columns.amount: must be a column name or a list of alternative names, not 3",
                "asset: missing: give columns.asset",
                "tx_hash_pattern: not a regular expression",
            ],
        ),
    ],
)
def test_custom_mapping_errors_name_their_key(tmp_path: Path, text: str, problems: list[str]) -> None:
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_transfer_mapping(path)
    assert len(caught.value.problems) == len(problems)
    for got, expected in zip(sorted(caught.value.problems), sorted(problems), strict=True):
        assert got.startswith(expected)
    assert str(caught.value).startswith(f"{path}: ")


def test_builtin_mappings_and_a_missing_mapping_file(tmp_path: Path) -> None:
    assert load_transfer_mapping("tracer") is TRACER and load_transfer_mapping("etherscan") is ETHERSCAN
    with pytest.raises(SourceFormatError, match=r"no such mapping file \(built-in mappings: tracer, etherscan\)"):
        load_transfer_mapping(tmp_path / "nope.toml")


# --- bad files ----------------------------------------------------------------------------------------------------


def test_bad_rows_are_rejected_with_line_field_and_reason_and_valid_rows_load(tmp_path: Path) -> None:
    report, w, rejected = load(FIXTURES / "malformed.csv", "tracer", tmp_path)
    assert [(r["line"], r["field"], r["reason"]) for r in rejected] == [
        ("3", "Value", "not a number: 'one point five'"),
        ("4", "Timestamp", "not a timestamp in the format ISO 8601: '2023-13-45 00:00:00'"),
        ("5", "From", "missing address"),
        ("6", "Txn Hash", "malformed tx hash: '0xNOTAHASH' (expected ^(0x)?[0-9a-fA-F]{64}$)"),
        (
            "7",
            "From",
            "malformed address: '0xdbb835dc0ca6b146ee4580a04be09669' starts with 0x but is not 0x followed by 40 hex "
            "digits",
        ),
        (
            "8",
            "To",
            "malformed address: '1myLtcyJgBPRRY36e3FJ4bLibqakAEprvj' is not an evm address, but the asset is eth",
        ),
        ("9", "Value", "negative amount: '-2'"),
    ]
    assert all(r["file"] == str(FIXTURES / "malformed.csv") and r["raw"].startswith("2023-") for r in rejected)
    assert report.records_read == 9 and report.rejected == 7
    assert report.relationships == {"TRANSFERRED": 2}
    amounts = sorted(r.props[Prop.AMOUNT] for r in w.rels.values())
    assert amounts == [0.5, 1.5]


def test_a_file_cut_mid_row_rejects_the_cut_row_and_loads_the_rest(tmp_path: Path) -> None:
    report, w, rejected = load(FIXTURES / "truncated.csv", "tracer", tmp_path)
    assert [(r["line"], r["reason"]) for r in rejected] == [
        ("3", "not valid CSV: a quoted field is not closed before the end of the file (file truncated?)")
    ]
    assert rejected[0]["raw"].endswith(',eth,"$1,9')
    assert len(w.rels) == 1
    assert report.warnings == [
        f"{FIXTURES / 'truncated.csv'}: the file does not end with a line break; its last record may have been cut off"
    ]


def test_cp1252_labels_in_a_utf8_file_are_decoded_with_a_fallback_and_warned_about(tmp_path: Path) -> None:
    report, w, rejected = load(FIXTURES / "cp1252.csv", "tracer", tmp_path)
    assert rejected == [] and len(w.rels) == 2
    assert w.nodes[wallet_id("0xdbb835dc0ca6b146ee4580a04be096691512cfde")].props[Prop.ALIASES] == ["Café Exchange"]
    assert w.nodes[wallet_id("0x90f7b7db319bd5108655e705960512775edc1c73")].props[Prop.ALIASES] == ["Prêt à Porter OTC"]
    assert report.warnings == [
        f"{FIXTURES / 'cp1252.csv'}: 1 record(s) are not valid UTF-8 (line 2); their bad bytes were read as cp1252 - "
        "check accented names"
    ]


def test_a_missing_required_column_stops_the_load_before_anything_is_written() -> None:
    writer = RecordingStore()
    with pytest.raises(SourceFormatError) as caught:
        run_load(TransfersSource("tracer"), [FIXTURES / "tracer.csv", FIXTURES / "missing-column.csv"], writer)
    assert str(caught.value) == (
        f"{FIXTURES / 'missing-column.csv'}, line 1, field 'Txn Hash': missing required column 'Txn Hash' (tx_hash, "
        "mapping tracer; the header has: Timestamp, From Label, From, To Label, To, Value, Asset, Value USD)"
    )
    assert writer.upserts == 0  # tracer.csv is valid, but no file is read before every header is checked


def test_missing_optional_columns_and_unknown_ones_are_warned_about_and_the_rows_load(tmp_path: Path) -> None:
    report, w, rejected = load(FIXTURES / "no-labels.csv", "tracer", tmp_path)
    assert rejected == [] and len(w.rels) == 1
    file = FIXTURES / "no-labels.csv"
    assert report.warnings == [
        f"{file}: no column 'Value USD' (value_usd of mapping tracer): not loaded",
        f"{file}: no column 'From Label' (from_label of mapping tracer): not loaded",
        f"{file}: no column 'To Label' (to_label of mapping tracer): not loaded",
        f"{file}: column(s) not used by mapping tracer, not loaded: Gas Used",
    ]


def test_upper_case_0x_prefix_is_the_same_wallet(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    tx = "f" * 64
    path.write_text(
        "Timestamp,From,To,Value,Asset,Txn Hash\n"
        f"2023-01-01T00:00:00+02:00,0X97B1043ABD9E6FC31681635166D430A458D14F9C,{OFAC_WALLET},1,eth,{tx}\n",
        encoding="utf-8",
    )
    report, w, _ = load(path, "tracer", tmp_path)
    (rel,) = w.rels.values()
    assert rel.source == rel.target == wallet_id(OFAC_WALLET)
    assert rel.props[Prop.TIMESTAMP] == "2022-12-31T22:00:00Z"  # zones are turned into UTC
    assert report.notes["transfers from a wallet to itself"] == 1


def test_a_file_with_no_valid_transfer_fails_the_expected_counts(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Timestamp,From,To,Value,Asset,Txn Hash\n2023-01-01,,,1,eth,\n", encoding="utf-8")
    with pytest.raises(Exception, match="expected at least 1 TRANSFERRED, got 0"):
        run_load(TransfersSource("tracer"), [path], None)


def test_cli_dry_run(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["load", "transfers", str(FIXTURES / "custom.csv"), "--mapping", str(FIXTURES / "custom.toml")]
    assert main([*args, "--dry-run", "--no-progress", "--dataset", "case_tron"]) == 0
    assert "TRANSFERRED         2" in capsys.readouterr().out
    assert main(["load", "transfers", str(FIXTURES / "tracer.csv"), "--mapping", "nope", "--dry-run"]) == 1
    assert "no such mapping file (built-in mappings: tracer, etherscan)" in capsys.readouterr().err

"""graph.cases.snapshot.without_dataset: what a full publication takes off an entity another dataset also asserts."""

from __future__ import annotations

from graph import Designation, Prop, without_dataset


def _designation(authority: str, programs: tuple[str, ...], record_id: str | None) -> str:
    return Designation(authority=authority, programs=programs, record_id=record_id).to_json()


def test_only_the_datasets_claims_go() -> None:
    ofac = _designation("US OFAC", ("DPRK", "DPRK2"), "12211")
    eu = _designation("EU", ("DPRK",), "EU.1")
    props = {
        Prop.DATASETS: ["us_ofac_sdn", "eu_fsf"],
        Prop.SOURCE_IDS: ["us_ofac_sdn:12211", "eu_fsf:EU.1"],
        Prop.DESIGNATIONS: [ofac, eu],
        Prop.PROGRAMS: ["DPRK", "DPRK2"],
        Prop.SANCTIONED: True,
    }
    assert without_dataset("us_ofac_sdn", props) == {
        Prop.DATASETS: ["eu_fsf"],
        Prop.SOURCE_IDS: ["eu_fsf:EU.1"],
        Prop.DESIGNATIONS: [eu],
        Prop.PROGRAMS: ["DPRK"],  # DPRK2 only the removed designation named
        Prop.SANCTIONED: True,  # the EU still designates it
    }


def test_no_designation_left_is_no_longer_sanctioned_unless_a_topic_says_so() -> None:
    props = {
        Prop.DATASETS: ["us_ofac_sdn", "other"],
        Prop.SOURCE_IDS: ["us_ofac_sdn:1"],
        Prop.DESIGNATIONS: [_designation("US OFAC", ("SDGT",), "1")],
        Prop.PROGRAMS: ["SDGT"],
        Prop.SANCTIONED: True,
    }
    out = without_dataset("us_ofac_sdn", props)
    assert out[Prop.SANCTIONED] is False and out[Prop.PROGRAMS] == [] and out[Prop.DESIGNATIONS] == []
    assert without_dataset("us_ofac_sdn", {**props, Prop.TOPICS: ["sanction"]})[Prop.SANCTIONED] is True
    # a sanctioned mark the dataset's designations did not make stays (nothing of the dataset's was dropped)
    other = {Prop.DATASETS: ["us_ofac_sdn", "other"], Prop.SANCTIONED: True}
    assert without_dataset("us_ofac_sdn", other)[Prop.SANCTIONED] is True

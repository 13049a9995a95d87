"""Open States people YAML: the real Bay Area files, as a directory and one by one."""
from datetime import date

import pytest

from imports import REGISTRY, FormatError, detect

FOLDER = "openstates-people-yaml/ca"
WICKS = "openstates-people-yaml/ca/legislature/Buffy-Wicks-8230907e-9ae3-4ae9-b52a-c8464a157f64.yml"
BUTT = "openstates-people-yaml/ca/municipalities/Thomas-K-Butt-e4b6eb7c-27bc-4d82-aba1-0ba1d2318fb5.yml"


def parse(path):
    [batch] = list(REGISTRY["openstates-yaml"].parse(path))
    return batch


def test_directory(realdata):
    batch = parse(realdata / FOLDER)
    people = batch.tables["people"]
    assert len(people) == 10
    assert sorted(people["name"]) == ["Barbara Lee", "Buffy Wicks", "Daniel Lurie", "Jesse Arreguin", "Jesse Arreguín",
                                      "London Breed", "Matt Mahan", "Mia Bonta", "Thomas K. Butt", "Tim Grayson"]
    assert len(batch.tables["terms"]) == 13
    assert people["person_key"].is_unique  # the two Arreguín files carry two Open States ids
    assert (batch.tables["identifiers"]["scheme"] == "ocd_person").sum() == 10
    assert batch.errors == []


def test_legislator_terms(realdata):
    batch = parse(realdata / WICKS)
    [wicks] = batch.tables["people"].to_dict("records")
    assert wicks == {"person_key": "ocd_person:ocd-person/8230907e-9ae3-4ae9-b52a-c8464a157f64", "name": "Buffy Wicks",
                     "sort_name": "Wicks, Buffy", "given_name": "Buffy", "family_name": "Wicks", "party": "Democratic",
                     "line": 1}
    terms = batch.tables["terms"].to_dict("records")
    assert terms == [
        {"person_key": wicks["person_key"], "body": "CA lower chamber", "office": "Member (lower chamber)",
         "district": "14", "party": "Democratic", "start_on": date(2022, 12, 5), "end_on": None},
        {"person_key": wicks["person_key"], "body": "CA lower chamber", "office": "Member (lower chamber)",
         "district": "15", "party": "Democratic", "start_on": date(2018, 12, 3), "end_on": date(2022, 12, 5)},
    ]


def test_former_mayor(realdata):
    batch = parse(realdata / BUTT)
    [term] = batch.tables["terms"].to_dict("records")
    assert term == {"person_key": "ocd_person:ocd-person/e4b6eb7c-27bc-4d82-aba1-0ba1d2318fb5", "body": "Richmond, CA",
                    "office": "Mayor", "district": None, "party": None, "start_on": None, "end_on": date(2023, 1, 23)}


def test_detected(realdata):
    assert detect(realdata / WICKS, "people").name == "openstates-yaml"
    assert detect(realdata / BUTT, "people").name == "openstates-yaml"


def test_not_a_person_file(tmp_path):
    path = tmp_path / "x.yml"
    path.write_text("name: Somebody\n")
    with pytest.raises(FormatError, match="not an Open States person file"):
        parse(path)


def test_bad_file_in_directory_is_a_row_error(realdata, tmp_path):
    import shutil
    shutil.copy(realdata / WICKS, tmp_path)
    (tmp_path / "broken.yml").write_text("id: ocd-person/x\nname: [unclosed\n")
    batch = parse(tmp_path)
    assert len(batch.tables["people"]) == 1
    [error] = batch.errors
    assert "broken.yml" in error.message and "not valid YAML" in error.message

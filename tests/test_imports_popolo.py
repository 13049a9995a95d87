"""Popolo JSON (EveryPolitician): the real Senate of Zimbabwe file."""
from datetime import date

import pytest

from imports import REGISTRY, FormatError, detect

FILE = "popolo-everypolitician/zimbabwe-senate-ep-popolo-v1.0.json"


def parse(path):
    [batch] = list(REGISTRY["popolo"].parse(path))
    return batch


def test_zimbabwe_senate(realdata):
    batch = parse(realdata / FILE)
    people, identifiers, terms = (batch.tables[k] for k in ("people", "identifiers", "terms"))
    assert len(people) == 67 and people["person_key"].is_unique
    first = people.iloc[0].to_dict()
    assert first == {"person_key": "popolo:bc8a1be7-b0f5-4a8a-a3b2-f89b09f77bfd", "name": "Address Matiirira",
                     "sort_name": "Matiirira, Address", "given_name": None, "family_name": None,
                     "party": "ZANU PF", "line": 16}
    assert identifiers.query("person_key == @first['person_key']")[["scheme", "value"]].values.tolist() == [
        ["popolo", "bc8a1be7-b0f5-4a8a-a3b2-f89b09f77bfd"], ["kuvakazim", "315"]]
    assert len(terms) == 68
    assert terms["party"].value_counts().to_dict() == {"ZANU PF": 39, "MDC-T": 26, "MDC": 3}
    term = terms[terms["person_key"] == "popolo:068e9451-6c1d-4add-bd66-1b0d78817ae6"].iloc[0].to_dict()
    assert term == {"person_key": "popolo:068e9451-6c1d-4add-bd66-1b0d78817ae6", "body": "Senate", "office": "member",
                    "district": "Mashonaland East", "party": "MDC-T", "start_on": date(2013, 9, 17), "end_on": None}


def test_detected(realdata):
    assert detect(realdata / FILE, "people").name == "popolo"


def test_not_popolo(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"people": []}')
    with pytest.raises(FormatError, match="no 'persons' list"):
        parse(path)

"""congress-legislators CSV and YAML rosters: real files, exact values."""
from datetime import date

import pytest

from imports import REGISTRY, FormatError, detect

CURRENT = "congress-legislators/legislators-current.csv"
HISTORICAL = "congress-legislators/legislators-historical-senators-in-vote_108_2_00213.csv"
YAML = "congress-legislators/legislators-current-CA-VT.yaml"


def parse(name, path):
    [batch] = list(REGISTRY[name].parse(path))
    return batch


def test_current_csv(realdata):
    batch = parse("congress-legislators-csv", realdata / CURRENT)
    people, identifiers, terms = (batch.tables[k] for k in ("people", "identifiers", "terms"))
    assert len(people) == 537 and people["person_key"].is_unique
    cantwell = people.iloc[0].to_dict()
    assert cantwell == {"person_key": "bioguide:C000127", "name": "Maria Cantwell", "sort_name": "Cantwell, Maria",
                        "given_name": "Maria", "family_name": "Cantwell", "party": "Democrat", "line": 2}
    ids = identifiers[identifiers["person_key"] == "bioguide:C000127"]
    assert sorted(map(tuple, ids[["scheme", "value"]].values.tolist())) == sorted([
        ("bioguide", "C000127"), ("lis", "S275"), ("icpsr", "39310"), ("fec_candidate", "S8WA00194"),
        ("fec_candidate", "H2WA01054"), ("govtrack", "300018"), ("opensecrets", "N00007836"), ("thomas", "00172"),
        ("votesmart", "27122"), ("cspan", "26137"), ("wikipedia", "Maria Cantwell"), ("ballotpedia", "Maria Cantwell"),
    ])
    liccardo = terms[terms["person_key"] == "bioguide:L000607"].iloc[0].to_dict()
    assert liccardo == {"person_key": "bioguide:L000607", "body": "U.S. House of Representatives", "office": "Representative",
                        "district": "CA-16", "party": "Democrat", "start_on": None, "end_on": None}
    assert (identifiers["scheme"] == "bioguide").sum() == 537
    assert len(terms) == 537 and terms["body"].value_counts().to_dict() == {
        "U.S. House of Representatives": 437, "U.S. Senate": 100}
    assert batch.errors == [] and "no term dates" in batch.notes[0]


def test_historical_senators_cover_the_2004_vote(realdata):
    batch = parse("congress-legislators-csv", realdata / HISTORICAL)
    assert len(batch.tables["people"]) == 87
    lis = batch.tables["identifiers"].query("scheme == 'lis'")
    assert len(lis) == 87
    [reid_key] = lis.query("value == 'S198'")["person_key"]
    reid = batch.tables["people"].set_index("person_key").loc[reid_key]
    assert (reid_key, reid["name"]) == ("bioguide:R000146", "Harry Reid")
    [vote] = list(REGISTRY["senate-xml"].parse(realdata / "senate-lis-vote-xml/vote_108_2_00213.xml"))
    voter_ids = set(vote.tables["positions"]["voter_id"])
    assert set(lis["value"]) <= voter_ids  # the file was cut to the senators of that vote


def test_yaml_every_term_with_dates(realdata):
    batch = parse("congress-legislators-yaml", realdata / YAML)
    people, identifiers, terms = (batch.tables[k] for k in ("people", "identifiers", "terms"))
    assert len(people) == 56
    sanders = people.iloc[0].to_dict()
    assert sanders == {"person_key": "bioguide:S000033", "name": "Bernard Sanders", "sort_name": "Sanders, Bernard",
                       "given_name": "Bernard", "family_name": "Sanders", "party": "Independent", "line": 1}
    ids = identifiers[identifiers["person_key"] == "bioguide:S000033"].set_index("scheme")["value"]
    assert ids["lis"] == "S313" and ids["icpsr"] == "29147" and ids["thomas"] == "01010" and ids["wikidata"] == "Q359442"
    assert sorted(identifiers.query("person_key == 'bioguide:S000033' and scheme == 'fec_candidate'")["value"]) == [
        "H8VT01016", "S4VT00033"]
    sanders_terms = terms[terms["person_key"] == "bioguide:S000033"]
    first = sanders_terms.iloc[0].to_dict()
    assert first == {"person_key": "bioguide:S000033", "body": "U.S. House of Representatives", "office": "Representative",
                     "district": "VT-0", "party": "Independent", "start_on": date(1991, 1, 3), "end_on": date(1993, 1, 3)}
    assert sanders_terms.iloc[-1]["body"] == "U.S. Senate" and sanders_terms.iloc[-1]["district"] == "VT"
    assert people.iloc[1]["line"] == 151


def test_detection(realdata):
    assert detect(realdata / CURRENT, "people").name == "congress-legislators-csv"
    assert detect(realdata / HISTORICAL, "people").name == "congress-legislators-csv"
    assert detect(realdata / YAML, "people").name == "congress-legislators-yaml"


def test_csv_missing_columns(tmp_path):
    path = tmp_path / "legislators.csv"
    path.write_text("last_name,first_name,bioguide_id\nSmith,Jo,S000001\n")
    with pytest.raises(FormatError, match="missing required column.*full_name, type, state, district, party"):
        parse("congress-legislators-csv", path)


def test_csv_row_without_bioguide_is_an_error(realdata, tmp_path):
    lines = (realdata / CURRENT).read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("K000367", "")
    path = tmp_path / "legislators.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    batch = parse("congress-legislators-csv", path)
    assert len(batch.tables["people"]) == 536
    [error] = batch.errors
    assert (error.line, error.field) == (3, "bioguide_id")
    # The rows after the dropped one keep their own values (no shift between columns).
    sanders = batch.tables["people"].iloc[1].to_dict()
    assert (sanders["person_key"], sanders["sort_name"], sanders["line"]) == ("bioguide:S000033", "Sanders, Bernard", 4)
    assert batch.tables["terms"].iloc[1]["district"] == "VT"


def test_yaml_syntax_error_names_line(tmp_path):
    path = tmp_path / "legislators.yaml"
    path.write_text("- id:\n    bioguide: S000033\n  name: [unclosed\n")
    with pytest.raises(FormatError, match="not valid YAML") as error:
        parse("congress-legislators-yaml", path)
    assert error.value.line is not None


def test_csv_lines_count_quoted_newlines(realdata, tmp_path):
    lines = (realdata / CURRENT).read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("511 Hart Senate Office Building Washington DC 20510",
                                '"511 Hart Senate Office Building\nWashington DC 20510"')
    path = tmp_path / "legislators.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    people = parse("congress-legislators-csv", path).tables["people"]
    assert people["line"].tolist()[:3] == [2, 4, 5]

"""Every parser: an empty file, undecodable bytes, or a file of another format give a FormatError
that names the file (and the line where one is known)."""
import pytest

from imports import REGISTRY, FormatError

# parser -> (file name to use, siblings a multi-file format needs beside it)
FILES = {
    "house-xml": ("roll1.xml", {}),
    "senate-xml": ("vote_1.xml", {}),
    "congress-json": ("data.json", {}),
    "legistar": ("events.json", {}),
    "ocd-json": ("vote_event.json", {}),
    "ocd-csv": ("CA_2025_votes.csv", {"CA_2025_vote_people.csv": "id,vote_event_id,option,voter_name,voter_id,note\n"}),
    "voteview": ("H1_votes.csv", {"H1_rollcalls.csv": "congress,chamber,rollnumber,date\n",
                                  "H1_members.csv": "congress,chamber,icpsr,bioname\n"}),
    "congress-legislators-csv": ("legislators.csv", {}),
    "congress-legislators-yaml": ("legislators.yaml", {}),
    "openstates-yaml": ("person.yml", {}),
    "popolo": ("popolo.json", {}),
}


OWN_MODULES = {"house_xml", "senate_xml", "congress_json", "legistar", "ocd_json", "ocd_csv", "voteview",
               "congress_legislators", "openstates_people", "popolo"}


def test_every_parser_of_these_modules_is_covered():
    # The generic CSV parsers (vote_csv, people_csv) are tested with their loader.
    assert set(FILES) == {name for name, parser in REGISTRY.items()
                          if type(parser).__module__.rsplit(".", 1)[-1] in OWN_MODULES}


def _write(tmp_path, parser_name, content: bytes):
    name, siblings = FILES[parser_name]
    for sibling, text in siblings.items():
        (tmp_path / sibling).write_text(text)
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("parser_name", sorted(FILES))
def test_empty_file(tmp_path, parser_name):
    path = _write(tmp_path, parser_name, b"")
    with pytest.raises(FormatError, match="the file is empty") as error:
        list(REGISTRY[parser_name].parse(path))
    assert FILES[parser_name][0] in str(error.value)


@pytest.mark.parametrize("parser_name", sorted(FILES))
def test_latin1_bytes(tmp_path, parser_name):
    content = {
        "house-xml": b'<?xml version="1.0" encoding="UTF-8"?>\n<rollcall-vote>\n<vote-desc>Bogot\xe1</vote-desc>',
        "senate-xml": b'<?xml version="1.0" encoding="UTF-8"?>\n<roll_call_vote>\n<vote_title>Bogot\xe1</vote_title>',
        "ocd-csv": b"id,motion_text,start_date,result\n1,Bogot\xe1,2025-01-01,pass\n",
        "voteview": b"congress,chamber,rollnumber,icpsr,cast_code\n1,House,1,1,1\n1,House,1,2,\xe1\n",
        "congress-legislators-csv": b"last_name,first_name\nBogot\xe1,Ana\n",
        "congress-legislators-yaml": b"- id:\n    bioguide: X\n  name:\n    last: Bogot\xe1\n",
        "openstates-yaml": b"id: ocd-person/1\nname: Bogot\xe1\n",
    }.get(parser_name, b'{"name":\n "Bogot\xe1"}')
    path = _write(tmp_path, parser_name, content)
    with pytest.raises(FormatError, match=r"cannot be decoded as UTF-8: byte 0xe1 at offset \d+") as error:
        list(REGISTRY[parser_name].parse(path))
    assert error.value.line in (2, 3, 4)


@pytest.mark.parametrize("parser_name", sorted(FILES))
def test_file_of_another_format(tmp_path, parser_name, realdata):
    foreign = (realdata / "fec-bulk/cm_header_file.csv").read_bytes()  # an FEC header line
    if parser_name.endswith("-xml"):
        foreign = b'<?xml version="1.0"?>\n<feed><entry/></feed>\n'
    elif parser_name in ("congress-json", "legistar", "ocd-json", "popolo"):
        foreign = b'{"results": [], "pagination": {"page": 1}}'
    elif parser_name.endswith("yaml"):
        foreign = b"just: a mapping\n"
    path = _write(tmp_path, parser_name, foreign)
    with pytest.raises(FormatError) as error:
        list(REGISTRY[parser_name].parse(path))
    assert FILES[parser_name][0] in str(error.value) or "legislators" in str(error.value)

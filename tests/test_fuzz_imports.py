"""Every importer on mutated real files (seeds and mutations: tests/fuzz_imports.py).

The property: a file is imported cleanly, or refused with a FormatError naming the file (and the
line and field where known), or its bad rows come back as RowErrors on the batch; never another
exception. Through the ingest pipeline (real loaders, the test database): the import succeeds or is
rejected, never "failed" (an unexpected exception), and a rejected import leaves no row behind.

`make test` runs a few hundred cases; `make fuzz` (FUZZ_EXAMPLES=10000) runs ten thousand and
writes the counts to bench/results/fuzz_imports.json.
"""
import io
import json
import math
import numbers
import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from imports import Batch, FormatError, RowError, detect, get_parser
from tests.fuzz_imports import mutated, seed_id, seeds

# Cases for the parser tests in all (shared out over the seeds) and for the pipeline tests.
TOTAL = int(os.environ.get("FUZZ_EXAMPLES", "400"))
PIPELINE_TOTAL = int(os.environ.get("FUZZ_PIPELINE_EXAMPLES", max(60, TOTAL // 20)))
SEEDS = seeds()
PIPELINE_SEEDS = [s for s in SEEDS if seed_id(s) in {
    "votes:house-xml", "votes:legistar:nyc", "votes:csv", "people:congress-legislators-csv", "people:openstates-yaml:Buffy",
    "contributions:fec-itcont", "contributions:form460:A", "committees:fec-cm", "alignments:alignments_csv",
    "excusals:excusals_csv"}]
# Tables a rejected import may write: its own ImportRun, its row errors, its progress.
RUN_TABLES = {"import_run", "import_row_error", "import_progress"}
OUTCOMES: Counter = Counter()


def _examples(seed, total: int, seeds_count: int) -> int:
    share = math.ceil(total / seeds_count)
    return max(2, share // 10) if seed.shape == "xlsx" else share  # an Excel case takes ~2 s


def _settings(examples: int):
    return settings(max_examples=examples, deadline=None, derandomize=TOTAL <= 1000,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module", autouse=True)
def report():
    yield OUTCOMES
    target = os.environ.get("FUZZ_REPORT")
    if target:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_text(json.dumps({"cases": sum(v for k, v in OUTCOMES.items() if not k.startswith("mutation:")),
                                            "outcomes": dict(sorted(OUTCOMES.items()))}, indent=1))


def check_parse(parser, path: Path, written: set[str]) -> str:
    """Parse ``path`` fully; the outcome (clean, row_errors, format_error) or an AssertionError."""
    try:
        batches = list(parser.parse(path))
    except FormatError as error:
        assert Path(error.path).name in written, error.path
        assert str(error).startswith(Path(error.path).name) and error.reason
        assert error.line is None or (isinstance(error.line, numbers.Integral) and error.line >= 1), error.line
        return "format_error"
    outcome = "clean"
    for batch in batches:
        assert isinstance(batch, Batch)
        assert all(isinstance(table, pd.DataFrame) for table in batch.tables.values())
        for row_error in batch.errors:
            assert isinstance(row_error, RowError) and row_error.message
            assert row_error.line is None or isinstance(row_error.line, numbers.Integral), row_error
            outcome = "row_errors"
    return outcome


def check_detect(path: Path, kind: str) -> None:
    try:
        detect(path, kind)
    except FormatError:
        pass


@pytest.mark.parametrize("seed", SEEDS, ids=seed_id)
def test_parser_survives_mutations(seed):
    parser = get_parser(seed.parser, seed.kind)

    @_settings(_examples(seed, TOTAL, len(SEEDS)))
    @given(case=mutated(seed))
    def run(case):
        data, applied = case
        folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
        try:
            path = seed.write(folder, data)
            check_detect(path, seed.kind)
            outcome = check_parse(parser, path, {p.name for p in folder.iterdir()})
        finally:
            shutil.rmtree(folder)
        OUTCOMES[f"parser:{outcome}"] += 1
        for name in applied:
            OUTCOMES[f"mutation:{name}"] += 1

    run()


def test_every_registered_parser_has_a_seed():
    from imports import PARSERS
    assert {(s.kind, s.parser) for s in SEEDS} == set(PARSERS)


@pytest.mark.parametrize("seed", SEEDS, ids=seed_id)
def test_seeds_import_cleanly(seed, tmp_path):
    """The unmutated seeds are good files: every one gives rows and no error."""
    path = seed.write(tmp_path)
    batches = list(get_parser(seed.parser, seed.kind).parse(path))
    assert sum(len(t) for b in batches for t in b.tables.values()) >= 3
    assert [e for b in batches for e in b.errors] == []


# ------------------------------------------------------------------------------ through the pipeline

@pytest.fixture(scope="module", params=["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else []))
def pipeline_app(request, tmp_path_factory):
    from tests.conftest import _make_app
    from tracker.extensions import db

    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    app = _make_app(request.param, tmp_path_factory.mktemp("fuzzdb"), worker)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _row_counts() -> dict[str, int]:
    from tracker.extensions import db
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables if table.name not in RUN_TABLES}


def _import(org, seed, path: Path, fmt: str, strict: bool):
    from tracker.services import ingest, jobs, scores
    if seed.kind == "alignments":
        return scores.import_alignments(org, path, strict=strict)
    if seed.kind == "excusals":
        return scores.import_excusals(org, path, strict=strict)
    return ingest.run_import(org, seed.kind, path, jobs.LOADERS[seed.kind], ingest.ImportOptions(fmt=fmt, strict=strict))


@pytest.mark.parametrize("seed", PIPELINE_SEEDS, ids=seed_id)
def test_pipeline_survives_mutations(pipeline_app, seed):
    from tests.factories import make_org
    from tracker.extensions import db

    org = make_org()

    @_settings(_examples(seed, PIPELINE_TOTAL, len(PIPELINE_SEEDS)))
    @given(case=mutated(seed), fmt=st.sampled_from([seed.parser, "auto"]), strict=st.booleans())
    def run(case, fmt, strict):
        data, applied = case
        folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
        try:
            path = seed.write(folder, data)
            before = _row_counts()
            result = _import(org, seed, path, fmt, strict)
            assert result.status in ("succeeded", "rejected"), (result.status, result.message)
            if result.status == "rejected":
                assert result.message and result.imported == 0
                assert _row_counts() == before, "a rejected import left rows behind"
        finally:
            db.session.rollback()
            shutil.rmtree(folder)
        OUTCOMES[f"pipeline:{result.status}"] += 1

    run()


# ------------------------------------------------------------------ regressions: bugs the fuzzer found

def _seed(key: str):
    return next(s for s in SEEDS if seed_id(s) == key)


def _parse(seed, tmp_path, data: bytes, siblings: dict | None = None):
    path = seed.write(tmp_path, data, siblings)
    return list(get_parser(seed.parser, seed.kind).parse(path))


def _json_edit(seed, edit) -> bytes:
    tree = json.loads(seed.data)
    edit(tree)
    return json.dumps(tree, indent=2).encode()


def test_congress_json_voter_name_that_is_a_list_is_a_row_error(tmp_path):
    seed = _seed("votes:congress-json:h240")
    data = _json_edit(seed, lambda tree: tree["votes"]["Yea"][11].update(display_name=[]))
    [batch] = _parse(seed, tmp_path, data)
    assert len(batch.tables["positions"]) == 429
    [error] = batch.errors
    assert error.field == "voter_name" and "'Yea'" in error.message


def test_legistar_vote_person_name_that_is_a_list_is_a_row_error(tmp_path):
    seed = _seed("votes:legistar:nyc")
    data = _json_edit(seed, lambda tree: tree[0]["items"][0]["Votes"][0].update(VotePersonName=[]))
    [batch] = _parse(seed, tmp_path, data)
    assert len(batch.tables["roll_calls"]) == 0 and len(batch.errors) == 1
    assert batch.errors[0].field == "voter_name" and "32035" in batch.errors[0].message


def test_ocd_json_vote_that_is_text_is_a_row_error(tmp_path):
    seed = _seed("votes:ocd-json")
    data = _json_edit(seed, lambda tree: tree["votes"].__setitem__(0, "yes"))
    [batch] = _parse(seed, tmp_path, data)
    assert batch.tables["roll_calls"].empty
    assert "AttributeError" in batch.errors[0].message and batch.errors[0].message.startswith("vote event ")


def test_popolo_membership_with_a_list_for_person_id_is_a_row_error(tmp_path):
    seed = _seed("people:popolo")
    data = _json_edit(seed, lambda tree: tree["memberships"][0].update(person_id=["x"]))
    [batch] = _parse(seed, tmp_path, data)
    assert len(batch.tables["people"]) == 67 and len(batch.tables["terms"]) == 67
    assert [e.message.split(" (")[0] for e in batch.errors] == ["membership has a value of the wrong type"]


def test_congress_legislators_yaml_item_that_is_text_is_a_row_error(tmp_path):
    seed = _seed("people:congress-legislators-yaml")
    [batch] = _parse(seed, tmp_path, seed.data + b"- just text\n")
    assert len(batch.tables["people"]) == 6
    assert batch.errors[0].line is not None and "AttributeError" in batch.errors[0].message


def test_openstates_roles_that_are_text_refuse_the_file(tmp_path):
    seed = _seed("people:openstates-yaml:Thomas")
    import yaml
    person = yaml.safe_load(seed.data)
    person["roles"] = ["mayor"]
    data = yaml.safe_dump(person).encode()
    with pytest.raises(FormatError, match="person has a value of the wrong type"):
        _parse(seed, tmp_path, data)


def test_voteview_repeated_members_header_still_imports(tmp_path):
    seed = _seed("votes:voteview:H119_members.csv")
    header = seed.data.split(b"\n", 1)[0] + b"\n"
    [batch] = _parse(seed, tmp_path, header + seed.data)
    assert len(batch.tables["positions"]) == 8 and set(batch.tables["positions"]["party"]) >= {"Democrat"}


@pytest.mark.parametrize("name", ["H119_votes.csv", "H119_members.csv"])
def test_voteview_tripled_bom_is_a_missing_column(tmp_path, name):
    seed = _seed(f"votes:voteview:{name}")
    with pytest.raises(FormatError, match="cannot read|missing required column"):
        _parse(seed, tmp_path, b"\xef\xbb\xbf" * 3 + seed.data)


@pytest.mark.parametrize("key", ["votes:voteview:H119_rollcalls.csv", "contributions:form460:A"])
def test_first_row_longer_than_header_is_refused(tmp_path, key):
    """pandas used to shift every value one column right, silently."""
    seed = _seed(key)
    header, first, rest = seed.data.split(b"\n", 2)
    with pytest.raises(FormatError, match="more fields than the header"):
        _parse(seed, tmp_path, header + b"\n" + first + b",extra\n" + rest)


@pytest.mark.parametrize("key", ["votes:ocd-csv:votes.csv", "excusals:excusals_csv"])
def test_field_over_the_csv_module_limit_is_a_format_error(tmp_path, key):
    seed = _seed(key)
    header, first, rest = seed.data.split(b"\n", 2)
    huge = header + b"\n" + first + b"x" * 200_000 + b"\n" + rest
    with pytest.raises(FormatError, match="not a well-formed CSV file: field larger than field limit") as error:
        _parse(seed, tmp_path, huge)
    assert error.value.line == 2


def test_congress_legislators_csv_row_with_extra_fields_names_its_line(tmp_path):
    seed = _seed("people:congress-legislators-csv")
    lines = seed.data.split(b"\n")
    lines[5] = lines[5].rstrip(b"\r") + b",x,y,z\r"  # the file has CRLF line ends
    with pytest.raises(FormatError, match="Expected 36 fields in line 6, saw 39") as error:
        _parse(seed, tmp_path, b"\n".join(lines))
    assert error.value.line == 6


def test_congress_legislators_csv_blank_line_keeps_line_numbers(tmp_path):
    seed = _seed("people:congress-legislators-csv")
    lines = seed.data.split(b"\n")
    [batch] = _parse(seed, tmp_path, b"\n".join(lines[:3] + [b""] + lines[3:]))
    assert batch.tables["people"]["line"].tolist()[:4] == [2, 3, 5, 6]


def test_people_csv_bad_row_raw_text_with_a_parsed_date(tmp_path):
    seed = _seed("people:csv")
    lines = seed.data.split(b"\n")
    lines[1] = lines[1].replace(b"Maria Cantwell,", b",")  # no name: a row error
    [batch] = _parse(seed, tmp_path, b"\n".join(lines))
    [error] = batch.errors
    assert error.line == 2 and "bioguide,C000127" in error.raw


@pytest.mark.parametrize("key", ["contributions:fec-itcont", "contributions:fec-itoth"])
def test_fec_file_number_beyond_int64_reads_as_no_version(tmp_path, key):
    """FILE_NUM "1e999" made the int64 cast raise; now the line imports with version rank 0."""
    seed = _seed(key)
    first, rest = seed.data.split(b"\n", 1)
    fields = first.split(b"|")
    fields[17] = b"1e999"
    [batch] = _parse(seed, tmp_path, b"|".join(fields) + b"\n" + rest)
    assert len(batch.tables["contributions"]) == 30 and batch.errors == []
    assert batch.tables["contributions"]["version_rank"].iloc[0] == 0


def test_amount_beyond_what_cents_can_hold_is_a_row_error(tmp_path):
    seed = _seed("contributions:fec-itcont")
    first, rest = seed.data.split(b"\n", 1)
    fields = first.split(b"|")
    fields[14] = b"1e999"
    [batch] = _parse(seed, tmp_path, b"|".join(fields) + b"\n" + rest)
    assert [(e.line, e.field) for e in batch.errors] == [(1, "TRANSACTION_AMT")]


def test_openstates_person_without_a_name_is_refused(tmp_path):
    """It reached the database and failed its NOT NULL constraint (import status "failed")."""
    import yaml
    seed = _seed("people:openstates-yaml:Buffy")
    person = yaml.safe_load(seed.data)
    person["name"] = None
    with pytest.raises(FormatError, match="person without a name") as error:
        _parse(seed, tmp_path, yaml.safe_dump(person).encode())
    assert error.value.field == "name"


def test_form460_line_without_recipient_through_the_pipeline(pipeline_app, tmp_path):
    """The loader compared a missing recipient as NA and crashed (import status "failed")."""
    from tests.factories import make_org
    seed = _seed("contributions:form460:A")
    lines = seed.data.split(b"\n")
    lines[1:] = [b"," + line.split(b",", 1)[1] if line else line for line in lines[1:]]  # no Filer_ID
    path = seed.write(tmp_path, b"\n".join(lines))
    result = _import(make_org(), seed, path, "form460", strict=False)
    assert result.status in ("succeeded", "rejected"), result.message


def test_nul_byte_is_refused_before_the_database(pipeline_app, tmp_path):
    """PostgreSQL text cannot hold NUL: the import failed in the database ("failed"); now it is
    rejected with the line of the byte."""
    from tests.factories import make_org
    seed = _seed("excusals:excusals_csv")
    header, rest = seed.data.split(b"\n", 1)
    path = seed.write(tmp_path, header + b"\n\x00" + rest)
    result = _import(make_org(), seed, path, "excusals_csv", strict=False)
    assert result.status == "rejected" and "NUL byte" in result.message and result.errors[-1].line == 2


def test_voteview_roll_number_beyond_int64_is_a_row_error(tmp_path):
    seed = _seed("votes:voteview:H119_rollcalls.csv")
    header, first, rest = seed.data.split(b"\n", 2)
    fields = first.split(b",")
    fields[header.split(b",").index(b"rollnumber")] = b"99999999999999999999999"
    [batch] = _parse(seed, tmp_path, header + b"\n" + b",".join(fields) + b"\n" + rest)
    assert (batch.errors[0].line, batch.errors[0].field) == (2, "congress/chamber/rollnumber")


@pytest.mark.parametrize("key", ["people:csv", "votes:csv"])
def test_generic_csv_column_named_twice_is_refused(tmp_path, key):
    seed = _seed(key)
    lines = seed.data.split(b"\n")
    first = lines[0].split(b",")[0]
    data = b"\n".join([lines[0] + b"," + first] + [line + b",x" for line in lines[1:] if line]) + b"\n"
    with pytest.raises(FormatError, match="appear more than once") as error:
        _parse(seed, tmp_path, data)
    assert error.value.line == 1

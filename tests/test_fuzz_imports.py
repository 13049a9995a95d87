"""Every importer on mutated real files (seeds and mutations: tests/fuzz_imports.py).

The property: a file is imported cleanly, or refused with a FormatError naming the file (and the
line and field where known), or its bad rows come back as RowErrors on the batch; never another
exception. Through the ingest pipeline (real loaders, the test database): the import succeeds or is
rejected, never "failed" (an unexpected exception), and a rejected import leaves no row behind.

`make test` runs a few hundred cases; `make fuzz` (FUZZ_EXAMPLES=10000) runs ten thousand and
writes the counts to bench/results/fuzz_imports.json.
"""
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
TOTAL = int(os.environ.get("FUZZ_EXAMPLES", "300"))
PIPELINE_TOTAL = int(os.environ.get("FUZZ_PIPELINE_EXAMPLES", max(40, TOTAL // 20)))
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

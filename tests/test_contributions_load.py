"""The contribution and committee loaders, on SQLite and PostgreSQL, with the real FEC / Form 460 files."""
import csv
import io
import json
from collections import Counter
from datetime import datetime

from sqlalchemy import func, select

from tests.factories import make_person
from tracker.extensions import db
from tracker.models import Committee, Contribution, ImportRun
from tracker.services import contributions as service

FEC = "fec-bulk"


def count(*conditions):
    return db.session.scalar(select(func.count(Contribution.id)).where(*conditions))


def load_committees(org, realdata):
    for name in ("cm.txt", "cn.txt", "ccl.txt"):
        result = service.import_committees(org, realdata / FEC / name)
        assert result.status == "succeeded", result.summary()


def test_committee_files_load_and_reload_as_no_ops(app, org, realdata):
    result = service.import_committees(org, realdata / FEC / "cm.txt")
    assert result.summary()["format"] == "fec-cm" and (result.read, result.imported, result.duplicates) == (392, 392, 0)
    corporate = db.session.scalar(select(Committee).where(Committee.committee_id == "C00078451"))
    assert corporate.org_type == "C" and corporate.raw["CMTE_NM"] == corporate.name
    for name in ("cn.txt", "ccl.txt"):
        assert service.import_committees(org, realdata / FEC / name).status == "succeeded"
    again = [service.import_committees(org, realdata / FEC / n) for n in ("cm.txt", "cn.txt", "ccl.txt")]
    assert [(r.imported, r.duplicates) for r in again] == [(0, 392), (0, 194), (0, 266)]
    assert len(again[1].report["candidates_without_principal_committee"]) == 1  # reported, not lost
    # Hoyer's principal committee carries the cn row and the ccl link.
    hoyer = db.session.scalar(select(Committee).where(Committee.committee_id == "C00140715"))
    assert hoyer.candidate_id == "H2MD05155" and hoyer.raw["candidate"]["name"].startswith("HOYER")


def test_committees_are_linked_to_people_by_identifier(app, org, realdata):
    person = make_person(org, "Steny Hoyer", ids={"fec_candidate": "H2MD05155"}, tracked=True)
    db.session.commit()
    load_committees(org, realdata)
    linked = db.session.scalars(select(Committee.committee_id).where(Committee.person_id == person.id)).all()
    assert "C00140715" in linked


def test_itpas2_import_classifies_by_committee_codes_and_reimport_is_a_no_op(app, org, realdata):
    load_committees(org, realdata)
    result = service.import_contributions(org, realdata / FEC / "itpas2.txt")
    assert result.status == "succeeded", result.summary()
    assert (result.read, result.imported, result.duplicates, len(result.errors)) == (475, 475, 0, 0)
    general_dynamics = db.session.scalars(select(Contribution).where(
        Contribution.donor_committee_id == "C00078451", Contribution.transaction_type == "24K")).all()
    assert general_dynamics and {c.donor_class for c in general_dynamics} == {"corporate_pac"}
    assert {c.confidence for c in general_dynamics} == {"confirmed"}
    assert general_dynamics[0].donor_name.startswith("GENERAL DYNAMICS CORPORATION POLITICAL ACTION COMMITTEE")
    assert count(Contribution.receipt_kind == "independent_expenditure") == 18
    before = db.session.execute(select(Contribution.id, Contribution.amount_cents, Contribution.donor_class)
                                .order_by(Contribution.id)).all()
    again = service.import_contributions(org, realdata / FEC / "itpas2.txt")
    assert (again.imported, again.duplicates) == (0, 475)
    after = db.session.execute(select(Contribution.id, Contribution.amount_cents, Contribution.donor_class)
                               .order_by(Contribution.id)).all()
    assert before == after


def test_itcont_and_form460_together(app, org, realdata):
    service.import_committees(org, realdata / FEC / "cm.txt")
    itcont = service.import_contributions(org, realdata / FEC / "itcont.txt")
    assert (itcont.summary()["format"], itcont.imported) == ("fec-itcont", 1300)
    oakland = service.import_contributions(org, realdata / "ca-netfile-form460" / "oakland_2016_measure_jj_A-Contributions.csv")
    assert (oakland.summary()["format"], oakland.imported) == ("form460", 129)
    assert count(Contribution.source == "form460", Contribution.donor_class == "individual") == 98
    self_money = db.session.scalars(select(Contribution.donor_class).where(Contribution.transaction_type == "15C")).all()
    assert set(self_money) == {"candidate_self"} and len(self_money) == 13
    # 53 22Y lines, 3 other negative itcont lines (15 "CHECK LOST", 15C), the returned Oakland gift.
    assert count(Contribution.receipt_kind == "refund") == 53 + 3 + 1


def _itcont_line(amount, file_num, tran_id="TX1", sub_id="9000000000000000001"):
    return (f"C00140715|A|Q1|P|201904159000000001|15|IND|DOE, JANE|BALTIMORE|MD|21201|ACME|ENGINEER|"
            f"02012019|{amount}||{tran_id}|{file_num}|||{sub_id}\n")


def test_amendment_replaces_the_earlier_version_and_older_files_change_nothing(app, org, tmp_path):
    original, amended = tmp_path / "itcont_original.txt", tmp_path / "itcont_amended.txt"
    original.write_text(_itcont_line(1000, 1300001))
    amended.write_text(_itcont_line(1500, 1300099, sub_id="9000000000000000002"))
    assert service.import_contributions(org, original).imported == 1
    result = service.import_contributions(org, amended)
    assert (result.imported, result.duplicates) == (1, 0) and result.report["replaced_by_amendment"] == 1
    rows = db.session.scalars(select(Contribution)).all()
    assert [(r.amount_cents, r.filing_id, r.sub_id) for r in rows] == [(150_000, "1300099", "9000000000000000002")]
    assert rows[0].donor_class == "individual"  # the new version is classified afresh
    stale = service.import_contributions(org, original)
    assert (stale.imported, stale.duplicates) == (0, 1)
    assert db.session.scalar(select(Contribution.amount_cents)) == 150_000
    # Both versions in one file: the newest wins, the other is a duplicate.
    both = tmp_path / "itcont_both.txt"
    both.write_text(_itcont_line(700, 1400002, tran_id="TX2") + _itcont_line(900, 1400001, tran_id="TX2"))
    result = service.import_contributions(org, both)
    assert (result.imported, result.duplicates) == (1, 1)
    assert db.session.scalar(select(Contribution.amount_cents).where(Contribution.tran_id == "TX2")) == 70_000


def test_bad_rows_are_skipped_and_reported_strict_rejects_dry_run_writes_nothing(app, org, tmp_path):
    path = tmp_path / "itcont.txt"
    path.write_text(_itcont_line(100, 1) + _itcont_line("abc", 1, tran_id="TX9") + "C00140715|too|few\n")
    result = service.import_contributions(org, path, "fec-itcont")  # too damaged for auto-detection
    assert result.status == "succeeded" and result.imported == 1, result.summary()
    summary = result.summary()
    assert summary["errors"] == 2
    assert [(e["line"], e["field"]) for e in summary["error_samples"]] == [(2, "TRANSACTION_AMT"), (3, None)]
    run = db.session.get(ImportRun, result.run_id)
    assert run.error_count == 2 and any(e.raw and "abc" in e.raw for e in run.errors)

    strict = service.import_contributions(org, path, "fec-itcont", strict=True)
    assert strict.status == "rejected" and strict.imported == 0 and count() == 1
    tmp = tmp_path / "itcont2.txt"
    tmp.write_text(_itcont_line(300, 5, tran_id="NEW"))
    dry = service.import_contributions(org, tmp, dry_run=True)
    assert dry.status == "dry_run" and dry.imported == 1 and count() == 1


def test_header_only_497_is_rejected_with_a_clear_message(app, org, realdata):
    result = service.import_contributions(org, realdata / "ca-netfile-form460" / "oakland_2016_measure_jj_497.csv")
    assert result.status == "rejected"
    assert "Form 497 late-contribution report with a header and no rows" in result.message
    assert count() == 0


def test_only_tracked_keeps_rows_of_tracked_people(app, org, realdata):
    make_person(org, "Steny Hoyer", ids={"fec_candidate": "H2MD05155"}, tracked=True)
    make_person(org, "Untracked", ids={"fec_candidate": "S4CO00395"}, tracked=False)
    db.session.commit()
    load_committees(org, realdata)
    result = service.import_contributions(org, realdata / FEC / "itpas2.txt", only_tracked=True)
    assert result.status == "succeeded"
    candidates = set(db.session.scalars(select(Contribution.candidate_id)))
    assert candidates == {"H2MD05155"}
    assert result.imported == count() > 0 and result.report["skipped_untracked"] == 475 - result.imported


def test_export_has_the_contract_columns_and_amounts_in_dollars(app, org, realdata):
    service.import_committees(org, realdata / FEC / "cm.txt")
    service.import_contributions(org, realdata / FEC / "itcont.txt")
    handle = io.StringIO()
    assert service.export_contributions(org.id, handle, "csv") == 1300
    rows = list(csv.DictReader(io.StringIO(handle.getvalue())))
    assert list(rows[0])[:18] == service.EXPORT_COLUMNS[:18]
    first = rows[0]
    assert (first["sub_id"], first["amount"], first["date"], first["memo"]) == ("4021320191639407455", "500.00", "2019-01-18", "False")
    voided = [r for r in rows if r["sub_id"] == "4021320191639407453"][0]
    assert voided["amount"] == "-500.00"  # a number, not neutralized text
    assert Counter(r["memo"] for r in rows)["True"] == sum(1 for r in rows if r["memo"] == "True") > 0
    assert all(r["donor_class"] for r in rows)
    as_json = io.StringIO()
    service.export_contributions(org.id, as_json, "json")
    data = json.loads(as_json.getvalue())
    assert len(data) == 1300 and isinstance(data[0]["evidence"], dict)


def test_export_neutralizes_formula_cells(app, org, tmp_path):
    path = tmp_path / "money.csv"
    path.write_text("recipient_committee_id,donor_name,amount,date,transaction_id\nC1,=HYPERLINK(\"x\"),10,2024-01-01,T1\n")
    service.import_contributions(org, path)
    handle = io.StringIO()
    service.export_contributions(org.id, handle, "csv")
    row = next(csv.DictReader(io.StringIO(handle.getvalue())))
    assert row["donor_name"].startswith("'=")


def test_cli_import_and_export(app, org, realdata, runner, tmp_path):
    result = runner.invoke(args=["import", "committees", str(realdata / FEC / "cm.txt"), "--format", "fec-cm", "--json"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["import", "contributions", str(realdata / FEC / "itpas2.txt"), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads([line for line in result.output.splitlines() if line.startswith("{")][-1])
    assert {k: summary[k] for k in ("format", "read", "imported", "duplicates", "errors")} == {
        "format": "fec-itpas2", "read": 475, "imported": 475, "duplicates": 0, "errors": 0}
    bad = tmp_path / "itcont.txt"
    bad.write_text(_itcont_line("abc", 1))
    result = runner.invoke(args=["import", "contributions", str(bad), "--strict", "--json"])
    assert result.exit_code == 2
    out = tmp_path / "out.csv"
    result = runner.invoke(args=["export", "contributions", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0 and len(out.read_text().splitlines()) == 476


def test_cli_committees_option_loads_cm_first_and_dry_run_writes_nothing(app, org, realdata, runner):
    dry = runner.invoke(args=["import", "contributions", str(realdata / FEC / "itpas2.txt"), "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    assert count() == 0
    result = runner.invoke(args=["import", "contributions", str(realdata / FEC / "itpas2.txt"),
                                 "--committees", str(realdata / FEC / "cm.txt"), "--json"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Committee.id))) == 392
    assert count(Contribution.donor_class == "corporate_pac") > 0
    rejected = runner.invoke(args=["import", "contributions", str(realdata / "ca-netfile-form460" / "oakland_2016_measure_jj_497.csv"), "--json"])
    assert rejected.exit_code == 2
    summary = json.loads([line for line in rejected.output.splitlines() if line.startswith("{")][-1])
    assert summary["status"] == "rejected" and "header and no rows" in summary["message"]


def test_versions_of_one_transaction_in_different_blocks(app, org, tmp_path):
    from tracker.services.ingest import ImportOptions, run_import

    path = tmp_path / "itcont.txt"
    lines = [_itcont_line(100 + i, 1000 + i, tran_id=f"K{i}", sub_id=str(9_100_000_000_000_000_000 + i)) for i in range(30)]
    lines.append(_itcont_line(999, 5000, tran_id="K3", sub_id="9199999999999999999"))  # K3 amended, far below
    path.write_text("".join(lines))
    result = run_import(org, "contributions", path, service.ContributionLoader,
                        ImportOptions(fmt="fec-itcont", params={"block_bytes": 600}))  # about 3 lines a block
    assert result.status == "succeeded", result.summary()
    assert (result.read, result.imported, count()) == (31, 31, 30)
    assert result.report["replaced_by_amendment"] == 1
    assert db.session.scalar(select(Contribution.amount_cents).where(Contribution.tran_id == "K3")) == 99_900


def test_key_hashes_remember_every_batch_across_merges():
    """The in-memory set of stored keys finds every key added, through both kinds of merge."""
    import numpy as np

    from tracker.services.contributions import KeyHashes

    known = KeyHashes()
    known.MERGE_EVERY = 1_000
    rng = np.random.default_rng(7)
    batches = [rng.integers(0, 2**63, 97, dtype=np.uint64) for _ in range(30)]
    for batch in batches:
        known.add(batch)
        assert len(known.recent) <= known.MAX_RECENT + 1
    assert known.contains(np.concatenate(batches)).all()
    absent = np.setdiff1d(rng.integers(0, 2**63, 500, dtype=np.uint64), np.concatenate(batches))
    assert not known.contains(absent).any()


def test_classification_after_import_goes_slice_by_slice(app, org, realdata, monkeypatch):
    """An import classifies what it wrote a slice at a time (constant memory for a full-cycle file):
    with 100-row slices, the 475 real itpas2 lines come out exactly as in one go."""
    from tracker.services import flags

    load_committees(org, realdata)
    monkeypatch.setattr(flags, "CLASSIFY_SLICE", 100)
    loads = []
    original = flags.load_contributions
    monkeypatch.setattr(flags, "load_contributions", lambda *a, **k: loads.append(1) or original(*a, **k))
    result = service.import_contributions(org, realdata / FEC / "itpas2.txt")
    assert result.report["classified"]["rows"] == 475 and len(loads) == 5
    sliced = result.report["classified"]["by_class"]
    assert count(Contribution.donor_class.is_(None)) == 0
    monkeypatch.setattr(flags, "CLASSIFY_SLICE", 100_000)
    whole = flags.classify_contributions(org)
    assert len(loads) == 6  # one more load: everything at once
    assert whole["by_class"] == sliced and sliced["corporate_pac"] == 211


def test_planner_statistics_follow_a_growing_import(app, org, realdata, monkeypatch):
    """PostgreSQL: statistics refreshed inside the import, so its key lookups seek the unique
    index instead of filtering every row inserted so far (a 2M-row import took 3x a 1M-row one).
    SQLite needs no refresh and gets none."""
    from sqlalchemy import text

    from tracker.services import bulk

    monkeypatch.setattr(bulk.PlannerStatistics, "MINIMUM_GROWTH", 100)
    analyzed = []
    real_refresh = bulk.PlannerStatistics.refresh_if_stale
    monkeypatch.setattr(bulk.PlannerStatistics, "refresh_if_stale",
                        lambda self: analyzed.append(real_refresh(self)) or analyzed[-1])
    result = service.import_contributions(org, realdata / FEC / "itcont.txt")
    assert result.imported == 1300
    if app.config["DB_KIND"] == "sqlite":
        assert analyzed and not any(analyzed)
        return
    assert any(analyzed)
    reltuples = db.session.scalar(text("SELECT reltuples FROM pg_class WHERE oid = 'contribution'::regclass"))
    assert reltuples == 1300  # counted by the ANALYZE inside the import, committed with it
    plan = "\n".join(db.session.scalars(text(
        "EXPLAIN SELECT id FROM contribution WHERE organization_id = :org AND source = 'fec-itcont' "
        "AND source_key IN ('fec:a', 'fec:b')"), {"org": org.id}))
    index_conditions = [line for line in plan.splitlines() if "Index Cond" in line]
    assert index_conditions and "source_key" in index_conditions[0], plan


def _import_in_blocks(org, path, block_bytes=20_000):
    from tracker.services.ingest import ImportOptions, run_import

    return run_import(org, "contributions", path, service.ContributionLoader,
                      ImportOptions(fmt="fec-itcont", params={"block_bytes": block_bytes}))


def test_batches_stream_through_one_copy(app, org, realdata, monkeypatch):
    """The real itcont file in 20 kB blocks: every line lands; on PostgreSQL through one COPY."""
    from tracker.services import bulk

    opened, batches = [], []
    real_open = bulk.CopyStream._open
    monkeypatch.setattr(bulk.CopyStream, "_open", lambda self, columns: opened.append(columns) or real_open(self, columns))
    real_write = service.ContributionLoader.write
    monkeypatch.setattr(service.ContributionLoader, "write",
                        lambda self, batch, context: batches.append(1) or real_write(self, batch, context))
    result = _import_in_blocks(org, realdata / FEC / "itcont.txt")
    assert result.status == "succeeded" and result.imported == 1300
    assert count() == 1300
    assert len(batches) >= 8  # the import's 20 kB blocks, not the loader's default
    assert len(opened) == (1 if app.config["DB_KIND"] == "postgresql" else 0)
    assert _import_in_blocks(org, realdata / FEC / "itcont.txt").duplicates == 1300  # still a no-op


def test_a_row_the_database_refuses_late_in_the_file_writes_nothing(app, org, realdata, monkeypatch):
    """The third batch carries a value the database's CHECK refuses (on PostgreSQL, inside a COPY
    already holding two batches): the import fails, nothing is written, the connection is usable."""
    calls = []
    real_kinds = service._receipt_kinds

    def kinds_with_one_bad_value(frame):
        calls.append(1)
        kinds = real_kinds(frame)
        if len(calls) == 3:
            kinds.iloc[0] = "not-a-kind"
        return kinds

    monkeypatch.setattr(service, "_receipt_kinds", kinds_with_one_bad_value)
    result = _import_in_blocks(org, realdata / FEC / "itcont.txt")
    assert len(calls) >= 3 and result.status == "failed" and result.imported == 0
    assert count() == 0
    monkeypatch.setattr(service, "_receipt_kinds", real_kinds)
    assert _import_in_blocks(org, realdata / FEC / "itcont.txt").imported == 1300


def test_a_crash_while_a_copy_is_open_writes_nothing(app, org, realdata, monkeypatch):
    """A failure in our own code between batches ends the open COPY, then rolls back."""
    calls = []
    real_enrich = service.ContributionLoader._enrich

    def enrich_then_crash(self, frame):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk on fire")
        return real_enrich(self, frame)

    monkeypatch.setattr(service.ContributionLoader, "_enrich", enrich_then_crash)
    result = _import_in_blocks(org, realdata / FEC / "itcont.txt")
    assert result.status == "failed" and "disk on fire" in result.message
    assert count() == 0
    monkeypatch.setattr(service.ContributionLoader, "_enrich", real_enrich)
    assert _import_in_blocks(org, realdata / FEC / "itcont.txt").imported == 1300


NETFILE_A = "oakland_2016_measure_jj_A-Contributions.csv"
# The real report of filer 1364564 for 2016-09-25..2016-10-22 (amendment 001, filed 2017-05-15, 65 lines).
REPORT = {"Filer_ID": "1364564", "From_Date": "2016-09-25", "Thru_Date": "2016-10-22"}


def _netfile_amendment(realdata, folder, dropped_tran_id):
    """The real report re-filed as amendment 002 (a later Rpt_Date) without one of its lines."""
    with open(realdata / "ca-netfile-form460" / NETFILE_A, newline="", encoding="latin-1") as handle:
        reader = csv.DictReader(handle)
        lines = [row for row in reader if all(row[k] == v for k, v in REPORT.items())]
        header = reader.fieldnames
    assert len(lines) == 65 and any(row["Tran_ID"] == dropped_tran_id for row in lines)
    path = folder / "oakland_amendment_002_A-Contributions.csv"
    with open(path, "w", newline="", encoding="latin-1") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows({**row, "Report_Num": "002", "Rpt_Date": "2017-06-01"} for row in lines
                         if row["Tran_ID"] != dropped_tran_id)
    return path


def test_a_line_the_amendment_no_longer_lists_stops_counting(app, org, realdata, tmp_path):
    """METHOD F08 on real Form 460 lines: the amendment of a report drops Enterprise Community
    Investment, Inc.'s $5,000 (INC471): it leaves the totals, the export and the pledge verdicts."""
    from tests.test_flags_service import add_pledge
    from tracker.models import Flag

    person = make_person(org, "Yes on JJ candidate")
    db.session.add(Committee(organization_id=org.id, source="ca", committee_id="1364564", name="Yes on JJ",
                             person_id=person.id))
    add_pledge(org, person, kind="no_corporate_money", signed_at=datetime(2016, 1, 1))
    db.session.commit()
    original = service.import_contributions(org, realdata / "ca-netfile-form460" / NETFILE_A)
    assert original.imported == 129 and "dropped_by_amendment" not in original.report
    enterprise = db.session.scalar(select(Contribution).where(Contribution.tran_id == "INC471"))
    assert (enterprise.donor_name, enterprise.amount_cents, enterprise.report_id) == (
        "Enterprise Community Investment, Inc.", 500_000, "460:1364564:2016-09-25:2016-10-22:A")
    assert db.session.scalar(select(Flag).where(Flag.contribution_id == enterprise.id)).status == "violation"
    total = db.session.scalar(select(func.sum(Contribution.amount_cents)).where(Contribution.superseded.is_(False)))

    amendment = _netfile_amendment(realdata, tmp_path, "INC471")
    result = service.import_contributions(org, amendment)
    assert (result.imported, result.duplicates) == (64, 0), result.summary()
    assert result.report["replaced_by_amendment"] == 64 and result.report["dropped_by_amendment"] == 1
    db.session.refresh(enterprise)
    assert enterprise.superseded and enterprise.filing_id == "1364564/2017-05-15/001"
    assert count(Contribution.superseded.is_(True)) == 1  # the other reports are untouched
    assert db.session.scalar(select(func.sum(Contribution.amount_cents)).where(
        Contribution.superseded.is_(False))) == total - 500_000
    assert db.session.scalar(select(Flag).where(Flag.contribution_id == enterprise.id)) is None
    exported = io.StringIO()
    assert service.export_contributions(org.id, exported, "csv") == 128
    assert "INC471" not in exported.getvalue() and "INC491" in exported.getvalue()

    # Either file again changes nothing; the dropped line stays dropped.
    again = service.import_contributions(org, amendment)
    assert (again.imported, again.duplicates) == (0, 64) and "dropped_by_amendment" not in again.report
    stale = service.import_contributions(org, realdata / "ca-netfile-form460" / NETFILE_A)
    assert (stale.imported, stale.duplicates) == (0, 129) and "dropped_by_amendment" not in stale.report
    assert count(Contribution.superseded.is_(True)) == 1 and count() == 129


def test_the_original_imported_after_its_amendment_does_not_bring_a_dropped_line_back(app, org, tmp_path):
    """Generic CSV with its `report` column: amendment 2 first, then the original (amendment 1);
    the original's line T2, absent from amendment 2, is stored but never counted."""
    header = "recipient_committee_id,donor_name,amount,date,transaction_id,amendment,report\n"
    amended, original = tmp_path / "amended.csv", tmp_path / "original.csv"
    amended.write_text(header + "CMTE1,\"DOE, JANE\",150.00,2024-03-01,T1,2,Q1-2024\n")
    original.write_text(header + "CMTE1,\"DOE, JANE\",100.00,2024-03-01,T1,1,Q1-2024\n"
                                 "CMTE1,ACME LLC,900.00,2024-03-02,T2,1,Q1-2024\n"
                                 "CMTE1,\"ROE, RICHARD\",50.00,2024-04-02,T9,1,Q2-2024\n")
    assert service.import_contributions(org, amended, "csv").imported == 1
    result = service.import_contributions(org, original, "csv")
    assert (result.imported, result.duplicates, result.report["dropped_by_amendment"]) == (2, 1, 1)
    counted = db.session.execute(select(Contribution.tran_id, Contribution.amount_cents)
                                 .where(Contribution.superseded.is_(False)).order_by(Contribution.tran_id)).all()
    assert counted == [("T1", 15_000), ("T9", 5_000)]  # Q2's report has a single version: untouched



def test_an_original_filed_without_an_amendment_number_loses_the_lines_its_amendment_drops(app, org, tmp_path):
    """Generic CSV: the original names no amendment (its lines have no version id), amendment 1
    of the same report lists only T1; T2 of the original stops counting, the other report stays."""
    header = "recipient_committee_id,donor_name,amount,date,transaction_id,amendment,report\n"
    original, amended = tmp_path / "original.csv", tmp_path / "amended.csv"
    original.write_text(header + "CMTE1,\"DOE, JANE\",100.00,2024-03-01,T1,,Q1-2024\n"
                                 "CMTE1,ACME LLC,900.00,2024-03-02,T2,,Q1-2024\n"
                                 "CMTE1,\"ROE, RICHARD\",50.00,2024-04-02,T9,,Q2-2024\n")
    amended.write_text(header + "CMTE1,\"DOE, JANE\",150.00,2024-03-01,T1,1,Q1-2024\n")
    assert service.import_contributions(org, original, "csv").imported == 3
    result = service.import_contributions(org, amended, "csv")
    assert (result.report["replaced_by_amendment"], result.report["dropped_by_amendment"]) == (1, 1)
    counted = db.session.execute(select(Contribution.tran_id, Contribution.amount_cents)
                                 .where(Contribution.superseded.is_(False)).order_by(Contribution.tran_id)).all()
    assert counted == [("T1", 15_000), ("T9", 5_000)]

def test_calaccess_amendment_replaces_its_filing(app, org, tmp_path):
    """CAL-ACCESS: AMEND_ID 1 of filing 2001234 corrects A1 and no longer lists A2."""
    from tests.test_imports_form460 import RCPT_CD_HEADER, rcpt_cd_line

    original, amended = tmp_path / "rcpt_original.tsv", tmp_path / "rcpt_amended.tsv"
    original.write_text(RCPT_CD_HEADER + rcpt_cd_line(0, "A1", "IND", "DOE", "JANE", "250.00", "3/1/2024")
                        + rcpt_cd_line(0, "A2", "OTH", "ACME BUILDERS, INC.", "", "1000.00", "3/2/2024"))
    amended.write_text(RCPT_CD_HEADER + rcpt_cd_line(1, "A1", "IND", "DOE", "JANE", "200.00", "3/1/2024"))
    first = service.import_contributions(org, original)
    assert first.imported == 2 and "names no filer" in first.report["notes"][0]
    result = service.import_contributions(org, amended)
    assert (result.imported, result.report["replaced_by_amendment"], result.report["dropped_by_amendment"]) == (1, 1, 1)
    counted = db.session.execute(select(Contribution.tran_id, Contribution.amount_cents, Contribution.filing_id)
                                 .where(Contribution.superseded.is_(False))).all()
    assert counted == [("A1", 20_000, "2001234//1")]


FILER_FILINGS_HEADER = ("FILER_ID\tFILING_ID\tPERIOD_ID\tFORM_ID\tFILING_SEQUENCE\tFILING_DATE\tSTMNT_TYPE\tSTMNT_STATUS"
                        "\tSESSION_ID\tUSER_ID\tSPECIAL_AUDIT\tFINE_AUDIT\tRPT_START\tRPT_END\tRPT_DATE\tFILING_TYPE\n")


def filer_filings(path, *links):
    """FILER_FILINGS_CD rows in the dump's layout: (filer, filing, version) each."""
    path.write_text(FILER_FILINGS_HEADER + "".join(
        f"{filer}\t{filing}\t3260\tF460\t{version}\t3/15/2024 12:00:00 AM\t10001\t11001\t2023\tSYSTEM\t\t\t"
        f"1/1/2024 12:00:00 AM\t2/17/2024 12:00:00 AM\t3/15/2024 12:00:00 AM\t22006\n" for filer, filing, version in links))
    return path


def test_calaccess_lines_reach_their_committee_through_filer_filings(app, org, tmp_path):
    """RCPT_CD names filings; FILER_FILINGS_CD names their filer. Whichever arrives first, the lines
    end up with the filer as recipient, so a person linked by `state_filer` sees them."""
    from tests.test_imports_form460 import RCPT_CD_HEADER, rcpt_cd_line

    person = make_person(org, "Council Candidate", ids={"state_filer": "1364564"}, tracked=True)
    committee = Committee(organization_id=org.id, source="ca", committee_id="1364564", name="Candidate for Council 2024")
    db.session.add(committee)
    db.session.commit()
    receipts = tmp_path / "RCPT_CD.TSV"
    receipts.write_text(RCPT_CD_HEADER + rcpt_cd_line(0, "A1", "IND", "DOE", "JANE", "250.00", "3/1/2024")
                        + rcpt_cd_line(0, "A2", "OTH", "ACME BUILDERS, INC.", "", "1000.00", "3/2/2024"))
    # Receipts first: the recipient is the filing until the links arrive.
    assert service.import_contributions(org, receipts).imported == 2
    assert set(db.session.scalars(select(Contribution.recipient_committee_id))) == {"2001234"}
    links = filer_filings(tmp_path / "FILER_FILINGS_CD.TSV", ("1364564", "2001234", 0), ("1364564", "2001234", 1),
                          ("1400000", "2009999", 0))
    result = service.import_committees(org, links)
    assert (result.summary()["format"], result.imported, result.duplicates) == ("calaccess-filings", 2, 1), result.summary()
    assert result.report["contributions_linked_to_filers"] == 2
    assert set(db.session.execute(select(Contribution.recipient_committee_id, Contribution.committee_pk))) == {
        ("1364564", committee.id)}
    assert service.person_committee_ids(person)[0] == ["1364564"]
    assert service.person_money(person)["total_cents"] == 125_000
    # Both files again: nothing changes.
    assert (service.import_committees(org, links).imported, service.import_contributions(org, receipts).duplicates) == (0, 2)
    assert set(db.session.scalars(select(Contribution.recipient_committee_id))) == {"1364564"}
    # Links first: a new filing's lines get their filer on the way in, and --only-tracked keeps them.
    service.import_committees(org, filer_filings(tmp_path / "more_links.tsv", ("1364564", "2005555", 0)))
    later = tmp_path / "RCPT_CD_2.TSV"
    later.write_text(RCPT_CD_HEADER + rcpt_cd_line(0, "B1", "IND", "ROE", "RICHARD", "75.00", "4/1/2024")
                     .replace("2001234", "2005555"))
    assert service.import_contributions(org, later, only_tracked=True).imported == 1
    assert db.session.scalar(select(Contribution.recipient_committee_id).where(Contribution.tran_id == "B1")) == "1364564"


def test_filer_filings_bad_rows_and_conflicts_are_reported(app, org, tmp_path):
    links = filer_filings(tmp_path / "links.tsv", ("1364564", "2001234", 0), ("abc", "2001235", 0))
    result = service.import_committees(org, links)
    assert (result.imported, [(e.line, e.field) for e in result.errors]) == (1, [(3, "FILER_ID")])
    conflict = service.import_committees(org, filer_filings(tmp_path / "other.tsv", ("1999999", "2001234", 0)))
    assert conflict.imported == 0 and "linked to filer 1364564 already" in conflict.errors[0].message

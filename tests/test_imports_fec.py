"""FEC bulk parsers on the real samples in ../shared/realdata/fec-bulk (no app, no database)."""
from collections import Counter
from datetime import date

import pandas as pd
import pytest

from imports import FormatError, detect
from imports.base import PARSERS
from imports.money_common import CONTRIBUTION_COLUMNS

KIND = {"fec-itcont": "contributions", "fec-itpas2": "contributions", "fec-itoth": "contributions",
        "fec-cm": "committees", "fec-cn": "committees", "fec-ccl": "committees"}


def frames(parser_name, path, table, **options):
    batches = list(PARSERS[(KIND[parser_name], parser_name)].parse(path, **options))
    frame = pd.concat([b.tables[table] for b in batches], ignore_index=True)
    return frame, batches


@pytest.mark.parametrize("name, kind, expected", [
    ("itcont.txt", "contributions", "fec-itcont"),
    ("itpas2.txt", "contributions", "fec-itpas2"),
    ("cm.txt", "committees", "fec-cm"),
    ("cn.txt", "committees", "fec-cn"),
    ("ccl.txt", "committees", "fec-ccl"),
])
def test_every_sample_is_detected(realdata, name, kind, expected):
    assert detect(realdata / "fec-bulk" / name, kind).name == expected


def test_detection_does_not_cross_kinds_or_formats(realdata, tmp_path):
    fec = realdata / "fec-bulk"
    # cm and cn both have 15 columns: the id shape tells them apart.
    assert not PARSERS[(KIND["fec-cn"], "fec-cn")].sniff((fec / "cm.txt").read_bytes()[:65536], fec / "cm.txt")
    assert not PARSERS[(KIND["fec-cm"], "fec-cm")].sniff((fec / "cn.txt").read_bytes()[:65536], fec / "cn.txt")
    # itcont lines are not itpas2 (21 vs 22 columns), and a renamed itcont is still itcont, not itoth.
    assert not PARSERS[(KIND["fec-itpas2"], "fec-itpas2")].sniff((fec / "itcont.txt").read_bytes()[:65536], fec / "itcont.txt")
    renamed = tmp_path / "receipts.txt"
    renamed.write_bytes((fec / "itcont.txt").read_bytes())
    assert detect(renamed, "contributions").name == "fec-itcont"
    with pytest.raises(FormatError, match="not a contributions format"):
        detect(fec / "cm.txt", "contributions")


def test_itcont_rows_and_values(realdata):
    frame, batches = frames("fec-itcont", realdata / "fec-bulk" / "itcont.txt", "contributions")
    assert list(frame.columns) == CONTRIBUTION_COLUMNS
    assert len(frame) == sum(b.read for b in batches) == 1300
    assert not any(b.errors for b in batches)
    assert Counter(frame["donor_entity_type"]) == {"IND": 1227, "ORG": 59, "CAN": 14}
    assert Counter(frame["transaction_type"]) == {"15": 1108, "10": 78, "15E": 48, "22Y": 53, "15C": 13}
    first = frame.iloc[0]
    assert first["source_key"] == "fec:C00432906:SB20A.55756"
    assert first["sub_id"] == "4021320191639407455" and first["source_line"] == 1
    assert first["donor_name"] == "LEMUNYON, GLENN" and first["amount_cents"] == 50_000
    assert first["received_on"] == date(2019, 1, 18) and first["receipt_kind"] == "refund"
    third = frame.iloc[2]  # 15C: the candidate's own money; OTHER_ID is the candidate id
    assert third["transaction_type"] == "15C" and third["candidate_id"] == "H8CA39133"
    assert third["donor_committee_id"] is None and third["amount_cents"] == 3_500_000
    assert third["memo_text"] == "CONVERTING PRIMARY LOAN TO CONTRIBUTION"
    memo = frame[frame["sub_id"] == "4021520191640360172"].iloc[0]
    assert bool(memo["memo"]) and memo["memo_text"].startswith("* IN-KIND")
    assert frame["source_key"].is_unique and frame["raw_sha256"].str.len().eq(64).all()


def test_itpas2_donor_is_the_filer_and_ies_are_kept_apart(realdata):
    frame, _ = frames("fec-itpas2", realdata / "fec-bulk" / "itpas2.txt", "contributions")
    assert len(frame) == 475
    assert Counter(frame["transaction_type"]) == {"24K": 457, "24E": 18}
    # A negative 24K line takes money back (METHOD.md 6.5 step 3 nets it): kind refund, as money.receipt_kinds says.
    assert Counter(frame["receipt_kind"]) == {"receipt": 442, "refund": 15, "independent_expenditure": 18}
    hoyer = frame.iloc[0]
    assert hoyer["donor_committee_id"] == "C00046474"  # CMTE_ID gave
    assert hoyer["recipient_committee_id"] == "C00140715" and hoyer["candidate_id"] == "H2MD05155"
    assert hoyer["amount_cents"] == 250_000 and hoyer["received_on"] == date(2019, 1, 29)
    ie = frame[frame["transaction_type"] == "24E"].iloc[0]
    assert ie["donor_committee_id"] == "C00552851" and ie["candidate_id"] == "H2PA04135"
    assert ie["amount_cents"] == 533_900


def test_committee_master_candidates_and_links(realdata):
    fec = realdata / "fec-bulk"
    cm, _ = frames("fec-cm", fec / "cm.txt", "committees")
    assert len(cm) == 392
    assert Counter(cm["org_type"].dropna()) == {"C": 75, "T": 34, "M": 12, "L": 5, "V": 3, "W": 2}
    machinists = cm[cm["committee_id"] == "C00002469"].iloc[0]
    assert machinists["org_type"] == "L" and machinists["designation"] == "B" and machinists["committee_type"] == "Q"
    assert machinists["raw"]["TRES_NM"] == "CERVANTES, DORA MS."
    cn, _ = frames("fec-cn", fec / "cn.txt", "candidates")
    assert len(cn) == 195
    assert cn.iloc[0][["candidate_id", "name", "principal_committee_id"]].tolist() == ["H0AR03055", "WOMACK, STEVE", "C00477745"]
    ccl, _ = frames("fec-ccl", fec / "ccl.txt", "links")
    assert len(ccl) == 266 and ccl.iloc[1][["candidate_id", "committee_id", "designation"]].tolist() == ["H0AR03055", "C00497149", "J"]


def test_streaming_in_small_blocks_gives_the_same_rows(realdata):
    path = realdata / "fec-bulk" / "itcont.txt"
    whole, _ = frames("fec-itcont", path, "contributions")
    streamed, batches = frames("fec-itcont", path, "contributions", block_bytes=20_000)
    assert len(batches) > 10
    progress = [b.progress for b in batches]
    assert progress == sorted(progress) and progress[-1] == 1.0
    pd.testing.assert_frame_equal(whole, streamed)
    assert streamed["source_line"].tolist() == list(range(1, 1301))


def test_bad_lines_are_reported_with_line_and_field(realdata, tmp_path):
    lines = (realdata / "fec-bulk" / "itcont.txt").read_text(encoding="latin-1").splitlines()[:6]
    lines[1] = lines[1] + "|extra"                     # 22 fields
    fields = lines[3].split("|")
    fields[14] = "12x"                                 # amount
    lines[3] = "|".join(fields)
    fields = lines[4].split("|")
    fields[13] = "13452019"                            # month 13
    lines[4] = "|".join(fields)
    fields = lines[5].split("|")
    fields[7] = "MÜLLER, ANNA"                         # Latin-1 name survives
    lines[5] = "|".join(fields)
    path = tmp_path / "itcont.txt"
    path.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    frame, batches = frames("fec-itcont", path, "contributions")
    errors = [e for b in batches for e in b.errors]
    assert [(e.line, e.field) for e in errors] == [(2, None), (4, "TRANSACTION_AMT"), (5, "TRANSACTION_DT")]
    assert "expected 21 fields" in errors[0].message and errors[0].raw == lines[1]
    assert "'12x'" in errors[1].message
    assert frame["source_line"].tolist() == [1, 3, 6]
    assert frame.iloc[2]["donor_name"] == "MÜLLER, ANNA"
    assert sum(b.read for b in batches) == 6


def test_empty_file_is_a_format_error(tmp_path):
    path = tmp_path / "itcont.txt"
    path.write_bytes(b"")
    with pytest.raises(FormatError, match="empty"):
        list(PARSERS[(KIND["fec-itcont"], "fec-itcont")].parse(path))


@pytest.mark.parametrize("parser_name, name", [("fec-itcont", "itcont.txt"), ("fec-itpas2", "itpas2.txt")])
def test_arrow_text_rows_hold_the_same_values(realdata, parser_name, name):
    """``arrow_text`` (what the PostgreSQL loader asks for) changes how text is held, not what it says:
    blanks are missing either way, and every value matches the Python-string frame's."""
    plain, _ = frames(parser_name, realdata / "fec-bulk" / name, "contributions")
    arrow, _ = frames(parser_name, realdata / "fec-bulk" / name, "contributions", arrow_text=True)
    assert list(arrow.columns) == CONTRIBUTION_COLUMNS and len(arrow) == len(plain)
    text_columns = [c for c in arrow.columns if isinstance(arrow[c].dtype, pd.StringDtype)]
    assert {"employer", "occupation", "memo_text", "tran_id", "filing_id"} <= set(text_columns)
    for column in CONTRIBUTION_COLUMNS:
        as_objects = arrow[column].astype(object).where(arrow[column].notna(), None)
        assert as_objects.tolist() == plain[column].tolist(), column
    assert plain["memo_text"].isna().any()  # the sample has blank memo texts: both frames miss them

"""FEC bulk data files: itcont, itpas2, itoth (contributions) and cm, cn, ccl (committees).

The files are pipe-delimited, without a header, Latin-1, one record per line; the columns are the
ones FEC publishes in its *_header_file.csv files (copied below). They are read in blocks of about
32 MB (≈150k itcont lines) so a multi-GB file streams in constant memory: each block is parsed by
pyarrow, checked and normalized with vectorized pandas, and yielded as one Batch.

Which committee is the donor and which the recipient depends on the file (FEC file descriptions):
- itcont: CMTE_ID is the committee that RECEIVED the contribution; NAME is the contributor;
  OTHER_ID is the contributor's FEC id when it is a committee (or a candidate, for 15C).
- itpas2: CMTE_ID is the committee that GAVE (the filer); OTHER_ID is the recipient committee
  (24K direct, 24Z in-kind) and CAND_ID the candidate. 24E/24A are independent expenditures for /
  against CAND_ID: the candidate never received them (receipt_kind independent_expenditure).
- itoth: CMTE_ID is the filer; for receipts (types 1x) it is the recipient and OTHER_ID the donor,
  for disbursements (2x) the reverse.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from imports.base import Batch, FormatError, Parser, RowError, prefetch, register
from imports.money_common import (whole_numbers, blank_to_missing, blank_to_none, finish_frame, parse_amount_cents, parse_dates,
                                  receipt_kind_for, sha256_lines)

INDIV_COLUMNS = ["CMTE_ID", "AMNDT_IND", "RPT_TP", "TRANSACTION_PGI", "IMAGE_NUM", "TRANSACTION_TP",
                 "ENTITY_TP", "NAME", "CITY", "STATE", "ZIP_CODE", "EMPLOYER", "OCCUPATION",
                 "TRANSACTION_DT", "TRANSACTION_AMT", "OTHER_ID", "TRAN_ID", "FILE_NUM", "MEMO_CD",
                 "MEMO_TEXT", "SUB_ID"]
PAS2_COLUMNS = INDIV_COLUMNS[:16] + ["CAND_ID"] + INDIV_COLUMNS[16:]
CM_COLUMNS = ["CMTE_ID", "CMTE_NM", "TRES_NM", "CMTE_ST1", "CMTE_ST2", "CMTE_CITY", "CMTE_ST", "CMTE_ZIP",
              "CMTE_DSGN", "CMTE_TP", "CMTE_PTY_AFFILIATION", "CMTE_FILING_FREQ", "ORG_TP",
              "CONNECTED_ORG_NM", "CAND_ID"]
CN_COLUMNS = ["CAND_ID", "CAND_NAME", "CAND_PTY_AFFILIATION", "CAND_ELECTION_YR", "CAND_OFFICE_ST",
              "CAND_OFFICE", "CAND_OFFICE_DISTRICT", "CAND_ICI", "CAND_STATUS", "CAND_PCC", "CAND_ST1",
              "CAND_ST2", "CAND_CITY", "CAND_ST", "CAND_ZIP"]
CCL_COLUMNS = ["CAND_ID", "CAND_ELECTION_YR", "FEC_ELECTION_YR", "CMTE_ID", "CMTE_TP", "CMTE_DSGN", "LINKAGE_ID"]

BLOCK_BYTES = 2 << 20  # ≈ 13k itcont lines: about 30 MB of Python objects per block in flight
COMMITTEE_ID = re.compile(r"^C\d{8}$")
CANDIDATE_ID = re.compile(r"^[HSP][0-9A-Z]{8}$")
DATE8 = re.compile(r"^(\d{8})?$")
ENTITY_CODES = {"CAN", "CCM", "COM", "IND", "ORG", "PAC", "PTY", ""}


# ---------------------------------------------------------------- reading pipe-delimited blocks

class _Block:
    """One block of whole lines, parsed: the good rows, their line numbers and raw bytes, the bad rows."""

    def __init__(self, frame, lines, raws, errors, read, progress):
        self.frame, self.lines, self.raws, self.errors = frame, lines, raws, errors
        self.read, self.progress = read, progress


def _byte_blocks(path: Path, block_bytes: int) -> Iterator[tuple[bytes, float]]:
    """Blocks of whole lines and the fraction of the file consumed after each."""
    size = max(path.stat().st_size, 1)
    consumed = 0
    rest = b""
    with open(path, "rb") as handle:
        while True:
            data = handle.read(block_bytes)
            if not data:
                if rest:
                    consumed += len(rest)
                    yield rest, consumed / size
                return
            data = rest + data
            cut = data.rfind(b"\n")
            if cut < 0:
                rest = data
                continue
            block, rest = data[: cut + 1], data[cut + 1:]
            consumed += len(block)
            yield block, consumed / size


def read_pipe_file(path: Path, columns: list[str], block_bytes: int = BLOCK_BYTES) -> Iterator[_Block]:
    """Stream an FEC pipe file: each block's rows as a DataFrame of strings ('' for empty fields),
    with their 1-based line numbers and raw bytes; lines with the wrong number of fields are
    returned as RowErrors (line, message, raw text), not parsed."""
    first_line = 1
    for block, progress in _byte_blocks(path, block_bytes):
        raw_lines = block.split(b"\n")
        if raw_lines and raw_lines[-1] == b"":
            raw_lines.pop()
        if b"\r" in block:
            raw_lines = [line.rstrip(b"\r") for line in raw_lines]
        line_numbers = np.arange(first_line, first_line + len(raw_lines), dtype=np.int64)
        first_line += len(raw_lines)
        keep = np.ones(len(raw_lines), dtype=bool)
        if b"\n\n" in block or block.startswith(b"\n") or b"\n\r\n" in block:
            keep &= np.fromiter((bool(line.strip()) for line in raw_lines), dtype=bool, count=len(raw_lines))
        bad_texts: list[str] = []

        def on_invalid(row):  # a line with the wrong number of fields
            bad_texts.append(row.text)
            return "skip"

        text = block.decode("latin-1").encode("utf-8")  # FEC files are Latin-1; pyarrow wants UTF-8
        try:
            table = pacsv.read_csv(
                pa.py_buffer(text),
                read_options=pacsv.ReadOptions(column_names=columns),
                parse_options=pacsv.ParseOptions(delimiter="|", quote_char=False, double_quote=False,
                                                 invalid_row_handler=on_invalid),
                convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in columns},
                                                     strings_can_be_null=False, quoted_strings_can_be_null=False),
            )
        except pa.ArrowInvalid as error:
            raise FormatError(path, f"cannot be read as a pipe-delimited FEC file: {error}", line=int(line_numbers[0]) if len(line_numbers) else None)
        errors: list[RowError] = []
        if bad_texts:
            wanted = set(bad_texts)
            decoded = [line.decode("latin-1") for line in raw_lines]
            for index, line in enumerate(decoded):
                if keep[index] and line in wanted:
                    keep[index] = False
                    count = line.count("|") + 1
                    errors.append(RowError(int(line_numbers[index]), None,
                                           f"expected {len(columns)} fields separated by '|', found {count}", line))
        good = np.flatnonzero(keep)
        if len(good) != table.num_rows:
            raise FormatError(path, f"could not match {table.num_rows} parsed rows to {len(good)} lines",
                              line=int(line_numbers[0]))
        frame = table.to_pandas()
        raws = [raw_lines[i] for i in good] if len(good) != len(raw_lines) else raw_lines
        yield _Block(frame, line_numbers[good], raws, errors, len(raw_lines) - int((~keep).sum()) + len(errors), progress)


def _sample_rows(head: bytes, limit: int = 200) -> list[list[str]]:
    lines = head.decode("latin-1").split("\n")
    if len(lines) > 1:
        lines = lines[:-1]  # the last one may be cut
    return [line.rstrip("\r").split("|") for line in lines[:limit] if line.strip()]


def _share(rows, test) -> float:
    return sum(1 for r in rows if test(r)) / len(rows) if rows else 0.0


def _looks_like_transactions(rows, width: int) -> bool:
    return (_share(rows, lambda r: len(r) == width) >= 0.95
            and _share(rows, lambda r: len(r) == width and COMMITTEE_ID.match(r[0])
                       and DATE8.match(r[13]) and r[-1].strip().isdigit()) >= 0.9)


# ---------------------------------------------------------------- contributions

class _FecTransactions(Parser):
    kind = "contributions"
    columns: list[str] = INDIV_COLUMNS
    extensions = (".txt",)

    def parse(self, path: Path, **options) -> Iterator[Batch]:
        """Yield one Batch per block: {"contributions": DataFrame of CONTRIBUTION_COLUMNS}."""
        path = Path(path)
        if path.stat().st_size == 0:
            raise FormatError(path, "the file is empty")
        yield from prefetch(self._batches(path, options.get("block_bytes", BLOCK_BYTES),
                                          bool(options.get("arrow_text", False))))

    def _batches(self, path: Path, block_bytes: int, arrow_text: bool = False) -> Iterator[Batch]:
        for block in read_pipe_file(path, self.columns, block_bytes):
            frame, errors = self._normalize(block, path, arrow_text)
            yield Batch(tables={"contributions": frame}, errors=sorted(block.errors + errors, key=lambda e: e.line or 0),
                        read=block.read, progress=block.progress)

    def _normalize(self, block: _Block, path: Path, arrow_text: bool = False) -> tuple[pd.DataFrame, list[RowError]]:
        """The block as CONTRIBUTION_COLUMNS. ``arrow_text`` (asked for by the PostgreSQL loader):
        text columns stay in pandas' Arrow-backed string dtype instead of Python strings."""
        blank = blank_to_missing if arrow_text else blank_to_none
        raw = block.frame
        lines = block.lines
        errors: list[RowError] = []
        cents, amount_errors, amount_ok = parse_amount_cents(raw["TRANSACTION_AMT"], lines, "TRANSACTION_AMT", block.raws)
        dates, date_errors, date_ok = parse_dates(raw["TRANSACTION_DT"], "%m%d%Y", lines, "TRANSACTION_DT", block.raws)
        cmte = raw["CMTE_ID"].str.strip()
        cmte_ok = cmte.str.match(COMMITTEE_ID.pattern).fillna(False).to_numpy()
        errors += [RowError(int(lines[i]), "CMTE_ID", f"committee id {cmte.iloc[i]!r} is not an FEC committee id (C + 8 digits)",
                            block.raws[i].decode("latin-1")) for i in np.flatnonzero(~cmte_ok)]
        tran_id = blank(raw["TRAN_ID"])
        sub_id = blank(raw["SUB_ID"])
        ident_ok = (pd.notna(tran_id) | pd.notna(sub_id)).to_numpy()
        errors += [RowError(int(lines[i]), "SUB_ID", "neither TRAN_ID nor SUB_ID: the line cannot be identified",
                            block.raws[i].decode("latin-1")) for i in np.flatnonzero(~ident_ok)]
        errors += amount_errors + date_errors
        ok = amount_ok & date_ok & cmte_ok & ident_ok
        errors.sort(key=lambda e: e.line or 0)

        out = pd.DataFrame(index=raw.index)
        out["source"] = self.name
        out["source_file"] = path.name
        out["source_line"] = lines
        out["tran_id"] = tran_id
        out["sub_id"] = sub_id
        has_tran = pd.notna(tran_id).to_numpy()
        out["source_key"] = np.where(has_tran, "fec:" + cmte + ":" + raw["TRAN_ID"].str.strip(),
                                     "fec-sub:" + raw["SUB_ID"].str.strip())
        out["filing_id"] = blank(raw["FILE_NUM"])
        out["version_rank"] = whole_numbers(raw["FILE_NUM"])
        out["amendment_indicator"] = blank(raw["AMNDT_IND"])
        out["transaction_type"] = blank(raw["TRANSACTION_TP"])
        out["image_num"] = blank(raw["IMAGE_NUM"])
        other = raw["OTHER_ID"].str.strip()
        other_is_committee = other.str.match(COMMITTEE_ID.pattern).fillna(False)
        other_is_candidate = other.str.match(CANDIDATE_ID.pattern).fillna(False)
        self._parties(out, raw, cmte, other, other_is_committee, other_is_candidate)
        out["employer"] = blank(raw["EMPLOYER"])
        out["occupation"] = blank(raw["OCCUPATION"])
        out["city"] = blank(raw["CITY"])
        out["state"] = blank(raw["STATE"])
        out["zip_code"] = blank(raw["ZIP_CODE"])
        out["amount_cents"] = cents
        out["received_on"] = dates
        out["memo"] = (raw["MEMO_CD"].str.strip().str.upper() == "X").fillna(False).to_numpy()
        out["memo_text"] = blank(raw["MEMO_TEXT"])
        out["receipt_kind"] = receipt_kind_for(raw["TRANSACTION_TP"].str.strip(), cents)
        out["raw_sha256"] = sha256_lines(block.raws)
        return finish_frame(out[ok], arrow_text), errors

    def _parties(self, out, raw, cmte, other, other_is_committee, other_is_candidate) -> None:
        # itcont: the filer received; the contributor is NAME (a committee when OTHER_ID says so).
        out["recipient_committee_id"] = cmte
        out["candidate_id"] = other.where(other_is_candidate & (raw["ENTITY_TP"].str.strip() == "CAN"), None).astype(object)
        out["donor_committee_id"] = other.where(other_is_committee, None).astype(object)
        out["donor_name"] = raw["NAME"].str.strip()
        out["donor_entity_type"] = blank_to_none(raw["ENTITY_TP"])


@register
class FecItcont(_FecTransactions):
    """FEC individual contributions (itcont.txt / indiv bulk file), 21 columns."""

    name = "fec-itcont"
    label = "FEC bulk: contributions from individuals (itcont)"

    def sniff(self, head: bytes, path: Path) -> bool:
        rows = _sample_rows(head)
        if not _looks_like_transactions(rows, 21):
            return False
        if "itoth" in path.name.lower():
            return False
        if "itcont" in path.name.lower() or "indiv" in path.name.lower():
            return True
        # The itoth layout is the same; individuals' files are mostly IND / CAN / ORG contributors.
        return _share(rows, lambda r: r[6] in ("IND", "CAN", "ORG", "")) >= 0.5


@register
class FecItoth(_FecTransactions):
    """FEC transactions between committees (itoth.txt), 21 columns, same layout as itcont."""

    name = "fec-itoth"
    label = "FEC bulk: committee-to-committee transactions (itoth)"

    def sniff(self, head: bytes, path: Path) -> bool:
        rows = _sample_rows(head)
        if not _looks_like_transactions(rows, 21):
            return False
        if "itoth" in path.name.lower():
            return True
        if "itcont" in path.name.lower() or "indiv" in path.name.lower():
            return False
        return _share(rows, lambda r: r[6] in ("IND", "CAN", "ORG", "")) < 0.5

    def _parties(self, out, raw, cmte, other, other_is_committee, other_is_candidate) -> None:
        # Receipts (1x) were received by the filer; disbursements (2x) were given by the filer.
        given = raw["TRANSACTION_TP"].str.strip().str.startswith("2").fillna(False).to_numpy()
        out["recipient_committee_id"] = np.where(given & other_is_committee.to_numpy(), other, cmte)
        out["donor_committee_id"] = pd.Series(np.where(given, cmte, other.where(other_is_committee, None)),
                                              index=raw.index, dtype=object)
        out["donor_name"] = np.where(given, cmte, raw["NAME"].str.strip())
        out["donor_entity_type"] = pd.Series(np.where(given, "COM", raw["ENTITY_TP"].str.strip()), index=raw.index)
        out["donor_entity_type"] = blank_to_none(out["donor_entity_type"])
        out["candidate_id"] = other.where(other_is_candidate, None).astype(object)


@register
class FecItpas2(_FecTransactions):
    """FEC contributions from committees to candidates and independent expenditures (itpas2.txt), 22 columns."""

    name = "fec-itpas2"
    label = "FEC bulk: committee contributions to candidates (itpas2)"
    columns = PAS2_COLUMNS

    def sniff(self, head: bytes, path: Path) -> bool:
        rows = _sample_rows(head)
        return (_share(rows, lambda r: len(r) == 22) >= 0.95
                and _share(rows, lambda r: len(r) == 22 and COMMITTEE_ID.match(r[0]) and DATE8.match(r[13])
                           and r[21].strip().isdigit()) >= 0.9)

    def _parties(self, out, raw, cmte, other, other_is_committee, other_is_candidate) -> None:
        # The filer GAVE: it is the donor committee; OTHER_ID is the committee that received (24K/24Z).
        candidate = raw["CAND_ID"].str.strip()
        out["recipient_committee_id"] = np.where(other_is_committee.to_numpy(), other, cmte)
        out["candidate_id"] = candidate.mask(candidate == "").astype(object).where(candidate != "", None)
        out["donor_committee_id"] = cmte.astype(object)
        out["donor_name"] = cmte  # the loader puts the committee's name here when the cm row is known
        out["donor_entity_type"] = "COM"


# ---------------------------------------------------------------- committees, candidates, links

class _FecMaster(Parser):
    kind = "committees"
    extensions = (".txt",)
    columns: list[str]
    table: str

    def parse(self, path: Path, **options) -> Iterator[Batch]:
        """Yield Batches of {table: DataFrame} (committees, candidates or links); every row keeps
        its line number and the master row as filed (``raw``)."""
        path = Path(path)
        if path.stat().st_size == 0:
            raise FormatError(path, "the file is empty")
        for block in read_pipe_file(path, self.columns, options.get("block_bytes", BLOCK_BYTES)):
            raw = block.frame.apply(lambda column: column.str.strip())
            id_column = self.columns[0]
            pattern = COMMITTEE_ID if self.table == "committees" else CANDIDATE_ID
            ok = raw[id_column].str.match(pattern.pattern).fillna(False).to_numpy()
            errors = [RowError(int(block.lines[i]), id_column, f"{raw[id_column].iloc[i]!r} is not an FEC {self.table[:-1]} id",
                               block.raws[i].decode("latin-1")) for i in np.flatnonzero(~ok)]
            frame = self._normalize(raw)
            frame["source_line"] = block.lines
            frame["raw"] = raw.to_dict("records")
            yield Batch(tables={self.table: frame[ok].reset_index(drop=True)}, errors=block.errors + errors,
                        read=block.read, progress=block.progress)

    def _normalize(self, raw: pd.DataFrame) -> pd.DataFrame:
        raise NotImplementedError


def _none(series: pd.Series) -> pd.Series:
    return blank_to_none(series)


@register
class FecCm(_FecMaster):
    """FEC committee master (cm.txt), 15 columns: committee type, designation, ORG_TP, sponsor."""

    name = "fec-cm"
    label = "FEC bulk: committee master (cm)"
    columns = CM_COLUMNS
    table = "committees"

    def sniff(self, head: bytes, path: Path) -> bool:
        rows = _sample_rows(head)
        return _share(rows, lambda r: len(r) == 15 and COMMITTEE_ID.match(r[0]) and len(r[9]) <= 1) >= 0.9

    def _normalize(self, raw):
        return pd.DataFrame({
            "committee_id": raw["CMTE_ID"], "name": raw["CMTE_NM"], "committee_type": _none(raw["CMTE_TP"]),
            "designation": _none(raw["CMTE_DSGN"]), "org_type": _none(raw["ORG_TP"]),
            "connected_org": _none(raw["CONNECTED_ORG_NM"]), "party": _none(raw["CMTE_PTY_AFFILIATION"]),
            "candidate_id": _none(raw["CAND_ID"]),
        })


@register
class FecCn(_FecMaster):
    """FEC candidate master (cn.txt), 15 columns: candidate id, name, party, office, principal committee."""

    name = "fec-cn"
    label = "FEC bulk: candidate master (cn)"
    columns = CN_COLUMNS
    table = "candidates"

    def sniff(self, head: bytes, path: Path) -> bool:
        rows = _sample_rows(head)
        return _share(rows, lambda r: len(r) == 15 and CANDIDATE_ID.match(r[0]) and r[5] in ("H", "S", "P")) >= 0.9

    def _normalize(self, raw):
        return pd.DataFrame({
            "candidate_id": raw["CAND_ID"], "name": raw["CAND_NAME"], "party": _none(raw["CAND_PTY_AFFILIATION"]),
            "office": _none(raw["CAND_OFFICE"]), "state": _none(raw["CAND_OFFICE_ST"]),
            "district": _none(raw["CAND_OFFICE_DISTRICT"]), "election_year": _none(raw["CAND_ELECTION_YR"]),
            "principal_committee_id": _none(raw["CAND_PCC"]),
        })


@register
class FecCcl(_FecMaster):
    """FEC candidate-committee linkage (ccl.txt), 7 columns."""

    name = "fec-ccl"
    label = "FEC bulk: candidate-committee linkage (ccl)"
    columns = CCL_COLUMNS
    table = "links"

    def sniff(self, head: bytes, path: Path) -> bool:
        rows = _sample_rows(head)
        return _share(rows, lambda r: len(r) == 7 and CANDIDATE_ID.match(r[0]) and COMMITTEE_ID.match(r[3])) >= 0.9

    def _normalize(self, raw):
        return pd.DataFrame({
            "candidate_id": raw["CAND_ID"], "committee_id": raw["CMTE_ID"], "election_year": _none(raw["CAND_ELECTION_YR"]),
            "committee_type": _none(raw["CMTE_TP"]), "designation": _none(raw["CMTE_DSGN"]),
            "linkage_id": _none(raw["LINKAGE_ID"]),
        })

"""Seeds and mutations for fuzzing every importer (tests/test_fuzz_imports.py, `make fuzz`).

A seed is a real public file from ../shared/realdata (cut to its first records, so a case parses in
milliseconds) or, for the formats with no real sample there, real records written out in that
format's columns (the generic CSVs, CAL-ACCESS filings) or the fixtures under tests/fixtures. The
mutations are what goes wrong with files people upload: cut short, columns swapped, another
encoding (Latin-1, stray bytes that are not UTF-8, a BOM, UTF-16), a huge field, missing values,
header lines dropped or repeated, lines dropped or repeated, other line ends, values of the wrong
type (JSON, YAML, XML, Excel).
"""
from __future__ import annotations

import copy
import csv
import functools
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from hypothesis import strategies as st

REALDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
KEEP_LINES = 30  # data lines kept from a long delimited file: enough variety, fast to parse


@dataclass(frozen=True)
class Seed:
    parser: str  # the --format name
    kind: str  # votes | people | contributions | committees | alignments | excusals
    name: str  # file name (parsers of multi-file formats find siblings by name)
    data: bytes
    shape: str  # csv | tsv | pipe | json | xml | yaml | xlsx
    siblings: dict = field(default_factory=dict)  # other files of a multi-file format: name -> bytes
    key: str = ""  # a label for reports

    def write(self, folder: Path, data: bytes | None = None, siblings: dict | None = None) -> Path:
        for name, content in (siblings if siblings is not None else self.siblings).items():
            (folder / name).write_bytes(content)
        path = folder / self.name
        path.write_bytes(self.data if data is None else data)
        return path


def _read(relative: str) -> bytes:
    return (REALDATA / relative).read_bytes()


def _head_lines(data: bytes, lines: int) -> bytes:
    return b"".join(data.splitlines(keepends=True)[:lines])


def _csv_bytes(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _house_positions() -> list[tuple[str, str, str]]:
    """(bioguide id, name, vote) of roll 240 of 2025, read from the Clerk's XML with a regex (a
    seed must not depend on the parser under test)."""
    text = _read("house-clerk-rollcall-xml/roll240_2025.xml").decode()
    return re.findall(r'<legislator name-id="(\w+)"[^>]*>([^<]+)</legislator><vote>([^<]+)</vote>', text)


def _itcont_rows() -> list[list[str]]:
    return [line.split("|") for line in _read("fec-bulk/itcont.txt").decode("latin-1").splitlines()[:KEEP_LINES]]


def _legislator_rows() -> list[dict]:
    return list(csv.DictReader(io.StringIO(_read("congress-legislators/legislators-current.csv").decode())))[:KEEP_LINES]


def _generic_seeds() -> list[Seed]:
    """The generic CSV formats and CAL-ACCESS filings, holding real records."""
    positions = _house_positions()[:KEEP_LINES]
    votes = _csv_bytes(["body", "date", "motion_id", "title", "result", "person", "option", "person_id"],
                       [["U.S. House", "2025-09-08", "h240-2025", "H.R. 3424", "Passed", name, vote, f"bioguide:{bid}"]
                        for bid, name, vote in positions])
    people = _csv_bytes(["name", "scheme", "id", "body", "office", "district", "party", "start", "end"],
                        [[r["full_name"], "bioguide", r["bioguide_id"], "U.S. " + ("House" if r["type"] == "rep" else "Senate"),
                          r["type"], r["district"], r["party"], "2025-01-03", ""] for r in _legislator_rows()])
    itcont = _itcont_rows()
    money = _csv_bytes(["recipient_committee_id", "donor_name", "amount", "date", "transaction_id", "employer", "occupation"],
                       [[r[0], r[7], r[14], f"{r[13][4:]}-{r[13][:2]}-{r[13][2:4]}" if len(r[13]) == 8 else r[13], r[16], r[11], r[12]]
                        for r in itcont])
    schedule_a = _csv_bytes(["committee_id", "contributor_name", "contribution_receipt_amount",
                             "contribution_receipt_date", "sub_id", "contributor_employer", "entity_type"],
                            [[r[0], r[7], r[14], f"{r[13][4:]}-{r[13][:2]}-{r[13][2:4]}" if len(r[13]) == 8 else r[13],
                              r[20], r[11], r[6]] for r in itcont])
    filings = ("FILER_ID\tFILING_ID\tPERIOD_ID\tFORM_ID\tFILING_SEQUENCE\tFILING_DATE\n" + "".join(
        f"{r[0][1:]}\t{r[4][:9]}\t3260\tF460\t0\t3/15/2024 12:00:00 AM\n" for r in itcont)).encode()
    alignments = _csv_bytes(["roll_call_source_id", "plank", "pro_position", "weight", "rationale"],
                            [["house-2025-240", "Housing", "yes", "2", "H.R. 3424"], ["house-2025-240", "Health", "no", "1", ""],
                             ["senate-2025-1", "Housing", "Yea", "", "first vote of the year"]])
    excusals = _csv_bytes(["roll_call_source_id", "person_id", "reason"],
                          [["house-2025-240", f"bioguide:{bid}", "medical leave"] for bid, _, _ in positions[:8]])
    return [
        Seed("csv", "votes", "votes.csv", votes, "csv"),
        Seed("csv", "people", "people.csv", people, "csv"),
        Seed("csv", "contributions", "contributions.csv", money, "csv"),
        Seed("fec-schedule-a", "contributions", "schedule_a.csv", schedule_a, "csv"),
        Seed("calaccess-filings", "committees", "FILER_FILINGS_CD.TSV", filings, "tsv"),
        Seed("alignments_csv", "alignments", "alignments.csv", alignments, "csv"),
        Seed("excusals_csv", "excusals", "excusals.csv", excusals, "csv"),
    ]


def _yaml_records(data: bytes, records: int) -> bytes:
    starts = [m.start() for m in re.finditer(rb"(?m)^- ", data)]
    return data[:starts[records]] if len(starts) > records else data


@functools.cache
def seeds() -> tuple[Seed, ...]:
    fec = lambda name: _head_lines(_read(f"fec-bulk/{name}"), KEEP_LINES)  # noqa: E731
    legislators = "congress-legislators/legislators-current.csv"
    openstates = sorted((REALDATA / "openstates-people-yaml/ca").rglob("*.yml"))
    ocd = {p.name: p.read_bytes() for p in (FIXTURES / "ocd_csv").glob("*.csv")}
    voteview = {p.name: p.read_bytes() for p in (FIXTURES / "voteview").glob("*.csv")}
    found = [
        Seed("house-xml", "votes", "roll240.xml", _read("house-clerk-rollcall-xml/roll240_2025.xml"), "xml"),
        Seed("senate-xml", "votes", "vote_108_2_00213.xml", _read("senate-lis-vote-xml/vote_108_2_00213.xml"), "xml"),
        Seed("congress-json", "votes", "data.json", _read("us-congress-votes-json/119_votes_2025_s1/data.json"), "json", key="s1"),
        Seed("congress-json", "votes", "data.json", _read("us-congress-votes-json/119_votes_2025_h240/data.json"), "json", key="h240"),
        Seed("legistar", "votes", "sanjose.json", _read("legistar-api-json/sanjose.json"), "json"),
        Seed("legistar", "votes", "nyc.json", (FIXTURES / "legistar/nyc_style_labels.json").read_bytes(), "json", key="nyc"),
        Seed("ocd-json", "votes", "vote_event.json", (FIXTURES / "ocd_json/vote_event_5b3f1c2e-scraped.json").read_bytes(), "json"),
        Seed("ocd-json", "votes", "bill.json", (FIXTURES / "ocd_json/api_v3_bill_with_votes.json").read_bytes(), "json", key="bill"),
        *[Seed("ocd-csv", "votes", name, ocd[name], "csv", {k: v for k, v in ocd.items() if k != name}, key=name.split("_", 2)[2])
          for name in ("CA_20252026_votes.csv", "CA_20252026_vote_people.csv")],
        *[Seed("voteview", "votes", name, voteview[name], "csv", {k: v for k, v in voteview.items() if k != name}, key=name)
          for name in sorted(voteview)],
        Seed("congress-legislators-csv", "people", "legislators-current.csv", _head_lines(_read(legislators), KEEP_LINES + 1), "csv"),
        Seed("congress-legislators-csv", "people", "legislators-historical.csv",
             _head_lines(_read("congress-legislators/legislators-historical-senators-in-vote_108_2_00213.csv"), KEEP_LINES + 1),
             "csv", key="historical"),
        Seed("congress-legislators-yaml", "people", "legislators-current.yaml",
             _yaml_records(_read("congress-legislators/legislators-current-CA-VT.yaml"), 6), "yaml"),
        *[Seed("openstates-yaml", "people", path.name, path.read_bytes(), "yaml", key=path.stem.split("-")[0])
          for path in openstates[:1] + openstates[-2:]],
        Seed("popolo", "people", "popolo.json", _read("popolo-everypolitician/zimbabwe-senate-ep-popolo-v1.0.json"), "json"),
        Seed("fec-itcont", "contributions", "itcont.txt", fec("itcont.txt"), "pipe"),
        Seed("fec-itoth", "contributions", "itoth.txt", fec("itcont.txt"), "pipe"),  # same 21 columns as itcont
        Seed("fec-itpas2", "contributions", "itpas2.txt", fec("itpas2.txt"), "pipe"),
        Seed("fec-cm", "committees", "cm.txt", fec("cm.txt"), "pipe"),
        Seed("fec-cn", "committees", "cn.txt", fec("cn.txt"), "pipe"),
        Seed("fec-ccl", "committees", "ccl.txt", fec("ccl.txt"), "pipe"),
        Seed("form460", "contributions", "A-Contributions.csv",
             _head_lines(_read("ca-netfile-form460/oakland_2016_measure_jj_A-Contributions.csv"), KEEP_LINES + 1), "csv",
             key="A"),
        Seed("form460", "contributions", "C-Contributions.csv",
             _read("ca-netfile-form460/oakland_2016_measure_jj_C-Contributions.csv"), "csv", key="C"),
        Seed("form460", "contributions", "efile_BRK_2018.xlsx", _read("ca-netfile-form460/efile_BRK_2018.xlsx"), "xlsx",
             key="xlsx"),
        *_generic_seeds(),
    ]
    return tuple(found)


def seed_id(seed: Seed) -> str:
    return f"{seed.kind}:{seed.parser}" + (f":{seed.key}" if seed.key else "")


# ------------------------------------------------------------------------------------- mutations
# Each mutation takes (draw, data bytes, seed) and returns new bytes.

BAD_BYTES = [b"\xff", b"\xfe", b"\xc3", b"\xe2\x82", b"\x80", b"\xed\xa0\x80", b"\xc0\xaf", b"\x00", b"\xe9"]
HUGE_SIZES = [5_000, 70_000, 1_100_000, 2_500_000]  # the last two straddle a 1 MB read block
DELIMITERS = {"csv": b",", "tsv": b"\t", "pipe": b"|"}


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def _position(draw, data) -> int:
    """A place in ``data`` drawn as a fraction of its length: openpyxl writes the time into a
    saved workbook, so its length varies between a case and its replay (hypothesis needs the
    same draws)."""
    return draw(st.integers(0, 1 << 20)) * len(data) >> 20


def truncate(draw, data, seed):
    return data[:min(_position(draw, data), max(len(data) - 1, 0))]


def truncate_line_end(draw, data, seed):
    lines = _lines(data)
    return b"".join(lines[:draw(st.integers(0, len(lines)))])


def latin1(draw, data, seed):
    """Re-saved as Latin-1 (accents become single bytes), with an accented name inserted."""
    text = data.decode("utf-8", errors="replace").replace("\ufffd", "?")
    at = draw(st.integers(0, len(text)))
    text = text[:at] + "Bogotá Muñoz" + text[at:]
    return text.encode("latin-1", errors="replace")


def bad_bytes(draw, data, seed):
    at = _position(draw, data)
    return data[:at] + draw(st.sampled_from(BAD_BYTES)) + data[at:]


def bom(draw, data, seed):
    choice = draw(st.sampled_from(["utf8", "utf8-twice", "utf16"]))
    if choice == "utf16":
        return data.decode("utf-8", errors="replace").encode("utf-16")
    return b"\xef\xbb\xbf" * (2 if choice == "utf8-twice" else 1) + data


def line_ends(draw, data, seed):
    ending = draw(st.sampled_from([b"\r\n", b"\r"]))
    return data.replace(b"\r\n", b"\n").replace(b"\n", ending)


def drop_line(draw, data, seed):
    lines = _lines(data)
    del lines[draw(st.integers(0, len(lines) - 1))]
    return b"".join(lines)


def duplicate_line(draw, data, seed):
    lines = _lines(data)
    index = draw(st.integers(0, len(lines) - 1))
    to = draw(st.integers(0, len(lines)))
    lines.insert(to, lines[index] if lines[index].endswith(b"\n") else lines[index] + b"\n")
    return b"".join(lines)


def drop_header(draw, data, seed):
    return b"".join(_lines(data)[1:])


def repeat_header(draw, data, seed):
    lines = _lines(data)
    header = lines[0] if lines[0].endswith(b"\n") else lines[0] + b"\n"
    lines.insert(draw(st.integers(1, len(lines))), header)
    return b"".join(lines)


def nul_bytes(draw, data, seed):
    at = draw(st.integers(0, len(data)))
    return data[:at] + b"\x00" * draw(st.integers(1, 4)) + data[at:]


def garbage_line(draw, data, seed):
    lines = _lines(data)
    junk = draw(st.sampled_from([b'"unclosed quote,\n', b",,,,,,,,,,,,,,,,,,,,,,,,,,,,\n", b"\n", b"   \n",
                                 b"<not-closed>\n", b"{]\n", b"- : -\n", b"\t\t\t\n", b"|||\n"]))
    lines.insert(draw(st.integers(0, len(lines))), junk)
    return b"".join(lines)


def _split(line: bytes, delimiter: bytes) -> tuple[list[bytes], bytes]:
    ending = line[len(line.rstrip(b"\r\n")):]
    return line.rstrip(b"\r\n").split(delimiter), ending


def _field_edit(draw, data, seed, edit):
    delimiter = DELIMITERS[seed.shape]
    lines = _lines(data)
    index = draw(st.integers(0, len(lines) - 1))
    fields, ending = _split(lines[index], delimiter)
    column = draw(st.integers(0, len(fields) - 1))
    fields[column] = edit(fields[column])
    lines[index] = delimiter.join(fields) + ending
    return b"".join(lines)


def huge_field_delimited(draw, data, seed):
    size = draw(st.sampled_from(HUGE_SIZES))
    filler = draw(st.sampled_from([b"x", b"9", b"\xc3\xa9", b" "]))
    return _field_edit(draw, data, seed, lambda _: filler * (size // len(filler)))


def blank_fields(draw, data, seed):
    """Values missing: one column emptied on some rows (or every row)."""
    delimiter = DELIMITERS[seed.shape]
    lines = _lines(data)
    width = len(_split(lines[0], delimiter)[0])
    column = draw(st.integers(0, max(width - 1, 0)))
    every = draw(st.booleans())
    rows = range(1, len(lines)) if every else [draw(st.integers(0, len(lines) - 1))]
    for index in rows:
        fields, ending = _split(lines[index], delimiter)
        if column < len(fields):
            fields[column] = draw(st.sampled_from([b"", b" ", b"NA", b"null", b"-"])) if not every else b""
            lines[index] = delimiter.join(fields) + ending
    return b"".join(lines)


def short_row(draw, data, seed):
    delimiter = DELIMITERS[seed.shape]
    lines = _lines(data)
    index = draw(st.integers(0, len(lines) - 1))
    fields, ending = _split(lines[index], delimiter)
    keep = draw(st.integers(0, len(fields) + 2))
    fields = fields[:keep] + [b"extra"] * max(0, keep - len(fields))
    lines[index] = delimiter.join(fields) + ending
    return b"".join(lines)


def swap_columns(draw, data, seed):
    """Two columns swapped: on every line (a file in another column order) or on the data lines only
    (values under the wrong heading)."""
    delimiter = DELIMITERS[seed.shape]
    lines = _lines(data)
    width = len(_split(lines[0], delimiter)[0])
    if width < 2:
        return data
    a, b = draw(st.lists(st.integers(0, width - 1), min_size=2, max_size=2, unique=True))
    start = draw(st.sampled_from([0, 1]))
    for index in range(start, len(lines)):
        fields, ending = _split(lines[index], delimiter)
        if max(a, b) < len(fields):
            fields[a], fields[b] = fields[b], fields[a]
            lines[index] = delimiter.join(fields) + ending
    return b"".join(lines)


def bad_value_text(draw, data, seed):
    """A number or date field given text of the wrong kind."""
    value = draw(st.sampled_from([b"-1", b"1e999", b"NaN", b"12/31/9999", b"2025-13-45", b"0x1F", b"1,000.00",
                                  b"$5", b"99999999999999999999999", b"\xe2\x80\x94", b"TRUE", b"=1+1"]))
    return _field_edit(draw, data, seed, lambda _: value)


# -- structured formats: JSON and YAML are loaded, one value changed, and written back

WRONG_VALUES = [None, "", " ", 0, -1, 1e308, True, [], {}, [None], {"": None}, "not a date", "1970-01-01",
                "x" * 300, ["nested", {"deeper": [1]}]]


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value[:20]):
            yield from _paths(item, prefix + (index,))


def _tree_edit(draw, tree, huge_sizes=HUGE_SIZES):
    paths = [p for p in _paths(tree) if p]
    if not paths:
        return copy.deepcopy(draw(st.sampled_from(WRONG_VALUES + [[tree]])))
    path = draw(st.sampled_from(paths))
    parent = tree
    for step in path[:-1]:
        parent = parent[step]
    action = draw(st.sampled_from(["replace", "delete", "huge"]))
    if action == "delete":
        del parent[path[-1]]
    elif action == "huge":
        parent[path[-1]] = "y" * draw(st.sampled_from(huge_sizes))
    else:
        parent[path[-1]] = copy.deepcopy(draw(st.sampled_from(WRONG_VALUES)))
    return tree


def json_edit(draw, data, seed):
    tree = json.loads(data)
    for _ in range(draw(st.integers(1, 3))):
        tree = _tree_edit(draw, tree)
    return json.dumps(tree, indent=draw(st.sampled_from([None, 2]))).encode()


YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def yaml_edit(draw, data, seed):
    tree = yaml.load(data, Loader=YAML_LOADER)
    for _ in range(draw(st.integers(1, 3))):
        tree = _tree_edit(draw, tree, HUGE_SIZES[:2])  # writing megabytes of YAML takes seconds
    return yaml.dump(tree, Dumper=YAML_DUMPER, allow_unicode=True, sort_keys=False).encode()


def yaml_syntax(draw, data, seed):
    """YAML that is valid but not data: tags, anchors, a document stream, deep nesting."""
    extra = draw(st.sampled_from([b"!!python/object:os.system {}\n", b"--- \n- a\n--- \n- b\n", b"a: &x [*x]\n",
                                  b"[" * 200 + b"]" * 200 + b"\n", b"? [complex, key]\n: value\n", b"%TAG ! tag:x,2000:\n---\n"]))
    return draw(st.sampled_from([extra + data, data + extra, extra]))


# -- XML: elements emptied, removed or given huge text; entities that must not expand

def xml_edit(draw, data, seed):
    elements = list(re.finditer(rb"<([A-Za-z][\w.-]*)([^>/]*)>([^<]*)</\1>", data))
    if not elements:
        return data
    match = draw(st.sampled_from(elements))
    action = draw(st.sampled_from(["empty", "remove", "huge", "text", "attribute"]))
    if action == "empty":
        replacement = b"<%s%s></%s>" % (match[1], match[2], match[1])
    elif action == "remove":
        replacement = b""
    elif action == "huge":
        replacement = b"<%s%s>%s</%s>" % (match[1], match[2], b"z" * draw(st.sampled_from(HUGE_SIZES)), match[1])
    elif action == "attribute":
        replacement = b"<%s%s>%s</%s>" % (match[1], re.sub(rb'"[^"]*"', b'""', match[2]), match[3], match[1])
    else:
        text = draw(st.sampled_from([b"-1", b"Yea & Nay", b"&amp;", b"\xc2\xa0", b"9999999999999999999999", b"]]>"]))
        replacement = b"<%s%s>%s</%s>" % (match[1], match[2], text, match[1])
    return data[:match.start()] + replacement + data[match.end():]


def xml_entities(draw, data, seed):
    """A DOCTYPE with entities (billion laughs, external file): defusedxml must refuse it."""
    doctype = draw(st.sampled_from([
        b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n',
        b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n',
        b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/dtd">\n']))
    declaration = re.match(rb"<\?xml[^>]*\?>\s*", data)
    at = declaration.end() if declaration else 0
    return data[:at] + doctype + data[at:]


# -- Excel: cells edited through openpyxl

def xlsx_edit(draw, data, seed):
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[draw(st.sampled_from(book.sheetnames[:6]))]
    action = draw(st.sampled_from(["blank", "huge", "wrong", "drop_header", "swap", "repeat_header"]))
    rows, columns = max(sheet.max_row, 1), max(sheet.max_column, 1)
    row, column = draw(st.integers(1, rows)), draw(st.integers(1, columns))
    if action == "blank":
        sheet.cell(row, column).value = None
    elif action == "huge":
        sheet.cell(row, column).value = "w" * draw(st.sampled_from([5_000, 32_000]))  # Excel's cell limit is 32,767
    elif action == "wrong":
        sheet.cell(row, column).value = draw(st.sampled_from([-1, 1e300, "not a date", True, "=1/0", "", "#N/A"]))
    elif action == "drop_header":
        sheet.delete_rows(1)
    elif action == "repeat_header":
        sheet.insert_rows(2)
        for c in range(1, columns + 1):
            sheet.cell(2, c).value = sheet.cell(1, c).value
    else:
        other = draw(st.integers(1, columns))
        for r in range(1, rows + 1):
            a, b = sheet.cell(r, column), sheet.cell(r, other)
            a.value, b.value = b.value, a.value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


TEXT_MUTATIONS = [truncate, truncate_line_end, latin1, bad_bytes, bom, line_ends, drop_line, duplicate_line,
                  drop_header, repeat_header, nul_bytes, garbage_line]
DELIMITED_MUTATIONS = [huge_field_delimited, blank_fields, short_row, swap_columns, bad_value_text]
MUTATIONS = {
    "csv": TEXT_MUTATIONS + DELIMITED_MUTATIONS * 2,
    "tsv": TEXT_MUTATIONS + DELIMITED_MUTATIONS * 2,
    "pipe": TEXT_MUTATIONS + DELIMITED_MUTATIONS * 2,
    "json": TEXT_MUTATIONS + [json_edit] * 8,
    "yaml": TEXT_MUTATIONS + [yaml_edit] * 6 + [yaml_syntax],
    "xml": TEXT_MUTATIONS + [xml_edit] * 6 + [xml_entities],
    "xlsx": [truncate, bad_bytes] + [xlsx_edit] * 6,
}
# Structured edits need the seed to still be whole: they go first, then the byte-level ones.
STRUCTURED = {json_edit, yaml_edit, xlsx_edit}


@st.composite
def mutated(draw, seed: Seed):
    """(bytes of the mutated file, names of the mutations applied) from one seed."""
    chosen = draw(st.lists(st.sampled_from(MUTATIONS[seed.shape]), min_size=1, max_size=3))
    chosen.sort(key=lambda m: m not in STRUCTURED)
    data, applied = seed.data, []
    for index, mutation in enumerate(chosen):
        if mutation in STRUCTURED and index > 0:
            continue  # the file is no longer whole JSON/YAML/Excel
        data = mutation(draw, data, seed)
        applied.append(mutation.__name__)
    return data, applied

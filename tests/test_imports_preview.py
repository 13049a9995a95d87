"""The preview page reads only the head of a large upload (IMPORT_PREVIEW_BYTES), not all of it."""
import re

from tests.test_importing_pages import preview_url, start, upload, wait_for
from tracker.services import ingest

HEADER = "body,date,motion_id,title,result,person,option,person_id\n"
LIMIT = 64 * 1024


def _big_file() -> tuple[bytes, int]:
    """~6 MB: good rows for the first LIMIT bytes and well past them, then rows with bad dates
    (a preview that read them would report them). Returns the bytes and the rows in the head."""
    good = "".join(f"City Council,2024-03-01,M-{i},Budget,passed,Ann Jones,Aye,\n" for i in range(2000))
    bad = "".join(f"City Council,03/01/2024,X-{i},Budget,passed,Ann Jones,Aye,\n" for i in range(100_000))
    data = (HEADER + good + bad).encode()
    head = data[:LIMIT]
    return data, head[:head.rfind(b"\n") + 1].count(b"\n") - 1


def test_preview_of_a_large_file_reads_only_its_head(app, client, login, monkeypatch):
    app.config["IMPORT_PREVIEW_BYTES"] = LIMIT
    login("admin")
    data, head_rows = _big_file()
    assert len(data) > 5_000_000 and 0 < head_rows < 2000
    seen = []
    real_run_import = ingest.run_import

    def spy(organization, kind, path, *args, **kwargs):
        seen.append((path.name, path.stat().st_size))
        return real_run_import(organization, kind, path, *args, **kwargs)

    monkeypatch.setattr(ingest, "run_import", spy)
    html = client.get(preview_url(upload(client, data, "council.csv"))).get_data(as_text=True)
    assert len(seen) == 1 and seen[0][0].endswith("council.csv") and seen[0][1] <= LIMIT
    assert f'<th scope="row">Rows read</th><td class="num">{head_rows}</td>' in html
    assert f'<td class="num">{head_rows}</td>' in html  # new records: each row of the head
    assert re.search(r"Bad rows \(skipped\)</th><td class=\"num\">0</td>", html)
    assert "the preview read only its first" in html and "The import reads the whole file" in html
    assert "Detected format: <strong>csv</strong>" in html

    # The import itself still reads the whole file (and finds the bad rows past the head).
    monkeypatch.setattr(ingest, "run_import", real_run_import)
    run_id = int(start(client, html).headers["Location"].rstrip("/").split("/")[-1])
    run = wait_for(run_id)
    assert (run.status, run.read_count, run.error_count) == ("succeeded", 102_000, 100_000)


def test_a_file_within_the_limit_is_previewed_whole(app, client, login, monkeypatch):
    app.config["IMPORT_PREVIEW_BYTES"] = LIMIT
    login("admin")
    data = (HEADER + "City Council,2024-03-01,M-1,Budget,passed,Ann Jones,Aye,\n"
            "City Council,03/01/2024,M-2,Budget,passed,Ann Jones,Aye,\n").encode()
    html = client.get(preview_url(upload(client, data, "council.csv"))).get_data(as_text=True)
    assert '<th scope="row">Rows read</th><td class="num">2</td>' in html
    assert "preview read only" not in html


def test_head_sample_cuts_after_the_last_whole_line(tmp_path):
    path = tmp_path / "votes.csv"
    path.write_bytes(b"a,b\n1,2\n3,4\n5,6")
    folder = tmp_path / "sample"
    folder.mkdir()
    assert ingest.head_sample(path, 10, folder).read_bytes() == b"a,b\n1,2\n"
    assert ingest.head_sample(path, 10, folder).name == "votes.csv"


def test_a_large_xml_file_cannot_be_previewed_in_part_but_can_be_imported(app, client, login, realdata):
    from tests.test_importing_pages import HOUSE_XML
    app.config["IMPORT_PREVIEW_BYTES"] = 4096
    login("admin")
    html = client.get(preview_url(upload(client, (realdata / HOUSE_XML).read_bytes(), "roll240_2025.xml"))) \
        .get_data(as_text=True)
    assert "Detected format: <strong>house-xml</strong>" in html
    assert "the preview read only its first" in html and "Reading that part alone gave:" in html
    run = wait_for(int(start(client, html).headers["Location"].rstrip("/").split("/")[-1]))
    assert (run.status, run.imported_count) == ("succeeded", 430)

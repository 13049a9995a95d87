"""The CSV that PostgreSQL COPY reads: missing values are NULL, empty strings stay empty."""
import csv
import io
from datetime import date

import pandas as pd

from tracker.services.bulk import _csv_bytes


def _rows(payload: bytes) -> list[str]:
    return payload.decode("utf-8").splitlines()


def test_missing_is_an_unquoted_empty_field_and_empty_text_is_quoted():
    records = pd.DataFrame({
        "voter_name": ["Ana", "", None, 'O"Neil, Jr.'],
        "person_id": pd.array([7, None, 9, 10], dtype="Int64"),
        "memo": [True, False, True, False],
        "received_on": [date(2024, 1, 2), None, date(2024, 3, 4), None],
    })
    lines = _rows(_csv_bytes(records))
    assert lines[0] == '"Ana",7,true,2024-01-02'
    assert lines[1] == '"",,false,'  # empty text quoted (stays ''), missing number and date unquoted (NULL)
    assert lines[2] == ",9,true,2024-03-04"
    assert next(csv.reader(io.StringIO(lines[3])))[0] == 'O"Neil, Jr.'


def test_columns_pyarrow_cannot_type_fall_back_to_pandas():
    records = pd.DataFrame({"mixed": [1, "two", None], "n": [1, 2, 3]})
    lines = _rows(_csv_bytes(records))
    assert lines == ["1,1", "two,2", ",3"]

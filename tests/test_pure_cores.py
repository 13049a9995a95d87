"""The pure cores load without Flask, SQLAlchemy or a database session."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_scoring_money_ballots_and_parsers_import_no_web_or_database_code():
    code = ("import sys, tracker.scoring, tracker.money, tracker.ballots, tracker.vocabulary, imports; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'flask_sqlalchemy', 'werkzeug')); "
            "print(','.join(bad)); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"pure cores pulled in: {result.stdout} {result.stderr[-500:]}"

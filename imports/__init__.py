"""Parsers of public data formats. Explicit list: adding a format is one module plus one line here.

This package never imports tracker (it is pure: file in, normalized records out).
"""
import importlib

from imports.base import (PARSERS, REGISTRY, Batch, FormatError, Parser, RowError, detect,  # noqa: F401
                          get_parser, parsers_of)

# Vote formats (issue: roll-call votes)
_VOTE_MODULES: list[str] = [
    "house_xml", "senate_xml", "congress_json", "legistar", "ocd_csv", "ocd_json", "voteview", "vote_csv",
]
# People rosters
_PEOPLE_MODULES: list[str] = [
    "congress_legislators", "openstates_people", "popolo", "people_csv",
]
# Money formats (issue: campaign money)
_MONEY_MODULES: list[str] = ["fec", "fec_schedule_a", "form460", "money_csv", "calaccess_filings"]
# Scoring inputs (issue: scoring): alignments and excused absences
_SCORING_MODULES: list[str] = ["alignments_csv", "excusals_csv"]

for _module in _VOTE_MODULES + _PEOPLE_MODULES + _MONEY_MODULES + _SCORING_MODULES:
    importlib.import_module(f"imports.{_module}")

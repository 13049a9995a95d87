"""Flask commands. Each parses its arguments and calls a service; none has logic of its own."""
import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.extensions import db


@click.group("import")
def import_group():
    """Import public records (votes, people, contributions, committees, alignments, excusals)."""


@click.group("export")
def export_group():
    """Export data as CSV or JSON, so anyone can recompute what the site shows."""


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default=None, help="Display name (defaults to the e-mail).")
@click.option("--organization", "org_name", default="Our Organization", show_default=True,
              help="Organization to create if the database has none yet.")
@click.password_option(help="The password (prompted, twice, when not given).")
@with_appcontext
def create_admin(email, name, org_name, password):
    """Create an admin account (and the organization, on first run)."""
    from tracker.services import accounts

    org = accounts.ensure_organization(org_name, slug=_slug(org_name))
    try:
        member = accounts.create_member(org, email, name or email, password, role="admin")
    except accounts.AccountError as error:
        raise click.ClickException(str(error))
    click.echo(f"Created admin {member.email} in {org.name}.")


@click.command("demo")
@click.option("--seed", default=2026, show_default=True, help="Random seed; the same seed builds the same data.")
@with_appcontext
def demo_command(seed):
    """Build (or rebuild from scratch) the demo organization."""
    from tracker.services import demo

    summary = demo.build(seed=seed)
    for key, value in summary.items():
        click.echo(f"{key}: {value}")
    click.echo("Demo sign-in: admin@demo.example / demo-password-1 (also committee@ and member@).")


def command_organization():
    """The organization a command acts for; on a fresh database, the one create-admin would make."""
    from tracker.services import accounts, jobs

    organization = jobs.default_organization()
    if organization is None:
        organization = accounts.ensure_organization()
        db.session.commit()
        click.echo(f"Created the organization {organization.name!r} (no organization existed yet).", err=True)
    return organization


def write_export(out: str | None, what: str, write) -> None:
    """Run ``write(handle)`` (it returns how many rows it wrote) on the file ``out``, or on
    standard output when there is none; say what was written to a file on stderr."""
    if not out:
        write(sys.stdout)
        return
    with open(out, "w", encoding="utf-8", newline="") as handle:
        count = write(handle)
    click.echo(f"Wrote {count} {what} to {out}.", err=True)


def emit_import_result(result, as_json: bool) -> None:
    """Print an import's outcome (one JSON object on stdout with --json; messages on stderr) and
    exit 0 ok, 2 rejected, 1 failed."""
    summary = result.summary()
    if as_json:
        click.echo(json.dumps(summary, default=str))
    else:
        click.echo(f"{summary['status']}: read {result.read}, imported {result.imported}, "
                   f"duplicates {result.duplicates}, errors {len(result.errors)}"
                   + (f" (import run {result.run_id})" if result.run_id else ""))
        if result.message:
            click.echo(result.message, err=True)
        for error in result.errors[:20]:
            click.echo(f"  line {error.line}, field {error.field}: {error.message}", err=True)
        report = result.report or {}
        for item in report.get("review_labels", [])[:20]:
            click.echo(f"  line {item['line']}: unknown vote label {item['label']!r} on {item['roll_call']} "
                       "(stored as unknown; roll call flagged for review)", err=True)
        if report.get("unmatched_voters"):
            click.echo(f"  {report['unmatched_voters']} voters wait in the review queue (/admin/review)", err=True)
    if result.status == "rejected":
        sys.exit(2)
    if result.status == "failed":
        sys.exit(1)


def run_import_command(kind: str, path, fmt: str, params: dict, dry_run: bool, strict: bool, loader):
    """Run one file through the import pipeline for a command: say which format auto-detection
    chose, and show a progress bar on stderr (stdout stays free for --json)."""
    from imports import FormatError
    from tracker.services import ingest

    organization = command_organization()
    try:
        parser = ingest.resolve_parser(path, kind, fmt)
        if fmt in (None, "", "auto"):
            click.echo(f"Detected format: {parser.name} ({parser.label})", err=True)
    except FormatError:
        pass  # run_import reports it as a rejected file
    with click.progressbar(length=1000, label=f"Importing {kind}", file=sys.stderr) as bar:
        done = [0]

        def advance(fraction: float) -> None:
            step = int(fraction * 1000) - done[0]
            if step > 0:
                bar.update(step)
                done[0] += step

        options = ingest.ImportOptions(fmt=fmt, strict=strict, dry_run=dry_run, params=params, on_progress=advance)
        return ingest.run_import(organization, kind, path, loader, options)


def _slug(name: str) -> str:
    return "-".join("".join(c.lower() if c.isalnum() else " " for c in name).split()) or "org"


def init_app(app) -> None:
    # One module per area adds its commands to the groups (explicit list: no auto-discovery).
    from tracker.cli import ballots, money, operations, scoring, votes

    for area in (votes, money, scoring, ballots, operations):
        area.register(app, import_group, export_group)
    for command in (import_group, export_group, create_admin, demo_command):
        app.cli.add_command(command)

    @app.shell_context_processor
    def shell_context():
        from tracker import models
        return {"db": db, "models": models, "app": current_app}

"""Commands for roll calls, people rosters, the review queue, Legistar sync."""
import click
from flask.cli import with_appcontext

from tracker.cli import command_organization, emit_import_result, run_import_command, write_export

FORMAT_HELP = "auto (recognize the file), or a format name"
VOTE_FORMATS = ["auto", "legistar", "ocd-csv", "ocd-json", "house-xml", "senate-xml", "congress-json", "voteview", "csv"]
PEOPLE_FORMATS = ["auto", "congress-legislators-csv", "congress-legislators-yaml", "openstates-yaml", "popolo", "csv"]


def _run(kind, path, fmt, params, dry_run, strict, as_json):
    from tracker.services import jobs

    emit_import_result(run_import_command(kind, path, fmt, params, dry_run, strict, jobs.LOADERS[kind]), as_json)


@click.command("votes")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(VOTE_FORMATS), default="auto", show_default=True, help=FORMAT_HELP)
@click.option("--body", default=None, help="Name of the voting body (overrides the file's).")
@click.option("--dry-run", is_flag=True, help="Read and count everything, write nothing.")
@click.option("--strict", is_flag=True, help="Reject the whole file if any row is bad.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the counts.")
@with_appcontext
def import_votes(path, fmt, body, dry_run, strict, as_json):
    """Import roll-call votes. Exit 0 ok, 2 file rejected, 1 crash.

    The generic CSV has the columns body, date, motion_id, title, result, person, option
    (+ optional person_id as scheme:id)."""
    _run("votes", path, fmt, {"body": body} if body else {}, dry_run, strict, as_json)


@click.command("people")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(PEOPLE_FORMATS), default="auto", show_default=True, help=FORMAT_HELP)
@click.option("--body", default=None, help="Body of every term in the file (overrides the file's).")
@click.option("--dry-run", is_flag=True, help="Read and count everything, write nothing.")
@click.option("--strict", is_flag=True, help="Reject the whole file if any row is bad.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the counts.")
@with_appcontext
def import_people(path, fmt, body, dry_run, strict, as_json):
    """Import a roster of people: external ids, names, terms. Import it before the votes, so
    voters match by id. The generic CSV has name, scheme, id, body, office, district, party, start, end."""
    _run("people", path, fmt, {"body": body} if body else {}, dry_run, strict, as_json)


@click.command("votes")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None, help="File to write (default: stdout).")
@with_appcontext
def export_votes(fmt, out):
    """Export every recorded position: one row per voter per roll call, with the raw label as filed."""
    from tracker.services import votes

    organization = command_organization()
    write_export(out, "positions", lambda handle: votes.export_votes(organization.id, handle, fmt))


@click.group("sync")
def sync_group():
    """Fetch public records from an online source and import them."""


@sync_group.command("legistar")
@click.argument("client")
@click.option("--since", default=None, help="Only events changed since this date (YYYY-MM-DD); default: since the last sync.")
@click.option("--body", default=None, help="Only this body (Legistar EventBodyName), and store the votes under it.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the counts.")
@with_appcontext
def sync_legistar(client, since, body, as_json):
    """Import the votes of a Legistar CLIENT (e.g. sanjose) from the public Legistar Web API."""
    from tracker.services import legistar_sync

    organization = command_organization()
    try:
        result = legistar_sync.sync(organization, client, since=since, body=body)
    except legistar_sync.SyncError as error:
        raise click.ClickException(str(error))
    emit_import_result(result, as_json)


def register(app, import_group, export_group) -> None:
    """Add this area's commands to `flask import`, `flask export` and the top level."""
    import_group.add_command(import_votes)
    import_group.add_command(import_people)
    export_group.add_command(export_votes)
    app.cli.add_command(sync_group)

"""Commands for contributions, committees, classification, pledge flags."""
import click
from flask.cli import with_appcontext

from tracker.cli import command_organization, emit_import_result, run_import_command, write_export
from tracker.vocabulary import DONOR_LISTS

CONTRIBUTION_FORMATS = ["auto", "fec-itcont", "fec-itpas2", "fec-itoth", "fec-schedule-a", "form460", "csv"]
COMMITTEE_FORMATS = ["auto", "fec-cm", "fec-cn", "fec-ccl", "calaccess-filings"]


def _emit(result, as_json: bool) -> None:
    """The shared outcome, plus the money report's totals (on stderr) when not --json."""
    if not as_json:
        for key, value in (result.report or {}).items():
            if key != "notes":
                click.echo(f"  {key}: {value}", err=True)
    emit_import_result(result, as_json)


@click.command("contributions")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(CONTRIBUTION_FORMATS), default="auto", show_default=True,
              help="auto (recognize the file), or a format name.")
@click.option("--committees", "committees_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="An FEC committee master file (cm) to import first, so donor committees are known.")
@click.option("--only-tracked", is_flag=True, help="Keep only rows whose committees are linked to tracked people.")
@click.option("--no-classify", is_flag=True, help="Load only; classify later (large files).")
@click.option("--dry-run", is_flag=True, help="Read and count everything, write nothing.")
@click.option("--strict", is_flag=True, help="Reject the whole file if any row is bad.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the counts.")
@with_appcontext
def import_contributions(path, fmt, committees_path, only_tracked, no_classify, dry_run, strict, as_json):
    """Import contributions: FEC bulk itcont / itpas2 / itoth, FEC Schedule A CSV, California Form
    460 (NetFile Excel or CSV, CAL-ACCESS) or the generic CSV (columns in the README).

    Amendments replace the earlier version of a transaction; importing the same file again changes
    nothing. Rows are classified (donor class, rule, evidence) and pledges re-evaluated after the load."""
    from tracker.services.contributions import CommitteeLoader, ContributionLoader

    if committees_path:
        first = run_import_command("committees", committees_path, "auto", {}, dry_run, strict, CommitteeLoader)
        if not first.ok:
            _emit(first, as_json)
    params = {}
    if only_tracked:
        params["only_tracked"] = True
    if no_classify:
        params["classify"] = False
    _emit(run_import_command("contributions", path, fmt, params, dry_run, strict, ContributionLoader), as_json)


@click.command("committees")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(COMMITTEE_FORMATS), default="auto", show_default=True,
              help="fec-cm (committee master), fec-cn (candidate master), fec-ccl (linkage), "
                   "calaccess-filings (CAL-ACCESS FILER_FILINGS_CD), or auto.")
@click.option("--dry-run", is_flag=True, help="Read and count everything, write nothing.")
@click.option("--strict", is_flag=True, help="Reject the whole file if any row is bad.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the counts.")
@with_appcontext
def import_committees(path, fmt, dry_run, strict, as_json):
    """Import FEC committees (cm), candidates (cn) or candidate-committee links (ccl), or CAL-ACCESS
    filer filings (which committee made each filing: RCPT_CD lines then reach their committee);
    committees are linked to people through their fec_candidate / fec_committee / state_filer ids."""
    from tracker.services.contributions import CommitteeLoader

    _emit(run_import_command("committees", path, fmt, {}, dry_run, strict, CommitteeLoader), as_json)


@click.command("contributions")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None, help="File to write (default: stdout).")
@with_appcontext
def export_contributions(fmt, out):
    """Export every current contribution (replaced amendment versions excluded) with its class,
    rule, confidence and evidence; amount in dollars, dates ISO."""
    from tracker.services import contributions

    organization = command_organization()
    write_export(out, "contributions", lambda handle: contributions.export_contributions(organization.id, handle, fmt))


@click.command("classification")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None, help="File to write (default: stdout).")
@with_appcontext
def export_classification(fmt, out):
    """How many contributions and dollars fell into each donor class, by the rule that decided
    them (columns: donor_class, rule, confidence, lines, amount, cash)."""
    from tracker.services import flags

    organization = command_organization()
    write_export(out, "rows", lambda handle: flags.export_classification(organization, handle, fmt))


@click.group("donor-list")
def donor_list_group():
    """The lists the classifier uses: known_corporate, exceptions, company_list, lobbyists."""


LIST_NAMES = click.Choice(list(DONOR_LISTS))


@donor_list_group.command("show")
@click.argument("list_name", type=LIST_NAMES)
@with_appcontext
def donor_list_show(list_name):
    """Print the list, one name per line."""
    from tracker.services import donor_lists

    for name in donor_lists.names(command_organization().id, list_name):
        click.echo(name)


@donor_list_group.command("set")
@click.argument("list_name", type=LIST_NAMES)
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--add", "add_only", is_flag=True, help="Add the file's names; keep the names already listed.")
@click.option("--yes", is_flag=True, help="Remove names missing from the file without asking.")
@with_appcontext
def donor_list_set(list_name, path, add_only, yes):
    """Replace a list with the names of PATH (UTF-8 text, one name per line), then reclassify every
    contribution and judge the pledges again."""
    from tracker.services import donor_lists

    organization = command_organization()
    try:
        wanted = donor_lists.read_file(path)
    except donor_lists.ListError as error:
        raise click.ClickException(str(error)) from None
    current = donor_lists.names(organization.id, list_name)
    if add_only:
        wanted = current + wanted
    removing = donor_lists.removed_names(current, wanted)
    if removing and not yes:
        click.echo(f"This removes {len(removing)} name(s) from {list_name}: {'; '.join(removing[:10])}"
                   + (" ..." if len(removing) > 10 else ""), err=True)
        click.confirm("Remove them?", abort=True, err=True)
    summary = donor_lists.replace(organization, list_name, wanted)
    click.echo(f"{list_name}: {summary['added']} added, {summary['removed']} removed, {summary['size']} names; "
               f"{summary['classified']} contributions reclassified")


@click.group("flags")
def flags_group():
    """Pledge flags: publication after the candidate's notice period (METHOD.md 6.5 step 7)."""


@flags_group.command("publish-due")
@with_appcontext
def flags_publish_due():
    """Publish every notified flag whose notice period has ended and judge those pledges again
    (run it daily, e.g. from cron)."""
    from tracker.extensions import db
    from tracker.services import flags

    count = flags.publish_due(command_organization())
    db.session.commit()
    click.echo(f"{count} flag{'s' if count != 1 else ''} published")


def register(app, import_group, export_group) -> None:
    """Add this area's commands to `flask import`, `flask export` and the top level."""
    import_group.add_command(import_contributions)
    import_group.add_command(import_committees)
    export_group.add_command(export_contributions)
    export_group.add_command(export_classification)
    app.cli.add_command(donor_list_group)
    app.cli.add_command(flags_group)

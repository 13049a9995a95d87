"""Commands for alignments, excusals, scoring options, recompute, score exports."""
import json
from pathlib import Path

import click
from flask.cli import with_appcontext

ORG_OPTION = click.option("--organization", "org_slug", default=None,
                          help="Slug of the organization (needed only when there are several).")
FORMAT_OPTION = click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
OUT_OPTION = click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), default=None,
                          help="Write to this file instead of standard output.")


def _organization(slug):
    from tracker.services import scores

    try:
        return scores.find_organization(slug)
    except LookupError as error:
        raise click.ClickException(str(error))


@click.command("recompute")
@ORG_OPTION
@with_appcontext
def recompute_command(org_slug):
    """Recompute and store every score (all organizations, or the one named)."""
    from tracker.services import scores

    targets = [_organization(org_slug)] if org_slug else scores.organizations()
    for org in targets:
        summary = scores.recompute(org)
        click.echo(f"{org.slug}: {summary['scores']} scores for {summary['people']} people from "
                   f"{summary['roll_calls']} scored roll calls ({summary['positions']} positions) "
                   f"in {summary['seconds']} s; rule set {summary['rule_set']}")


def _comma_list(ctx, param, value):
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


@click.command("scoring-options")
@ORG_OPTION
@click.option("--absence-policy", type=click.Choice(["exclude", "count_against", "half_credit"]), default=None)
@click.option("--counted-against", callback=_comma_list, default=None,
              help="Comma-separated positions that count against when absences are not excluded "
                   "(not_voting, absent, present, abstain, excused, recused, paired).")
@click.option("--min-counted-votes", type=int, default=None, help="Fewest counted roll calls for a score.")
@click.option("--overall-mode", type=click.Choice(["pooled", "plank_average"]), default=None)
@click.option("--crucial-swing-max", type=int, default=None, help="A vote is crucial when this many switches flip it.")
@click.option("--lifetime-excludes-insufficient-sessions/--lifetime-pools-all-sessions", default=None)
@click.option("--bands", default=None, help='Word bands, e.g. "90:keeps the program,70:mostly,0:breaks it".')
@click.option("--json", "as_json", is_flag=True, help="Print the options as JSON.")
@with_appcontext
def scoring_options_command(org_slug, absence_policy, counted_against, min_counted_votes, overall_mode,
                            crucial_swing_max, lifetime_excludes_insufficient_sessions, bands, as_json):
    """Show the scoring options, or change them (audited, then every score is recomputed)."""
    from tracker.services import scores

    org = _organization(org_slug)
    changes = {name: value for name, value in (
        ("absence_policy", absence_policy), ("counted_against", counted_against),
        ("min_counted_votes", min_counted_votes), ("overall_mode", overall_mode),
        ("crucial_swing_max", crucial_swing_max),
        ("lifetime_excludes_insufficient_sessions", lifetime_excludes_insufficient_sessions),
        ("bands", bands)) if value is not None}
    if changes:
        try:
            summary = scores.set_options(org, changes)
        except scores.OptionsError as error:
            raise click.ClickException(str(error))
        if summary:
            click.echo(f"Options changed; recomputed {summary['scores']} scores.", err=as_json)
        else:
            click.echo("Nothing changed.", err=as_json)
    options = scores.get_options(org)
    shown = {**options.to_dict(), "bands": org.score_bands or [], "rule_set": options.rule_set_name()}
    if as_json:
        click.echo(json.dumps(shown, indent=1))
        return
    for key, value in shown.items():
        if key == "bands":
            value = ", ".join(f"{b['min']}: {b['label']}" for b in value) or "(none)"
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        click.echo(f"{key}: {value}")


def _report(result, as_json):
    summary = result.summary()
    if as_json:
        click.echo(json.dumps(summary, default=str))
    else:
        click.echo(f"{summary['status']}: read {summary['read']}, imported {summary['imported']}, "
                   f"unchanged {summary['duplicates']}, bad rows {summary['errors']}")
        for error in summary["error_samples"]:
            click.echo(f"  line {error['line']}, field {error['field']}: {error['message']}", err=True)
        if summary.get("message"):
            click.echo(summary["message"], err=True)
        recomputed = (summary.get("report") or {}).get("recompute")
        if recomputed:
            click.echo(f"recomputed {recomputed['scores']} scores")
    if not result.ok:
        raise SystemExit(1)


@click.command("alignments")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@ORG_OPTION
@click.option("--plank", "plank_id", default=None, help="Apply this plank id to every row.")
@click.option("--json", "as_json", is_flag=True, help="Print the import summary as JSON.")
@click.option("--strict", is_flag=True, help="Reject the whole file if any row is bad.")
@click.option("--dry-run", is_flag=True, help="Check and count, write nothing.")
@with_appcontext
def import_alignments_command(path, org_slug, plank_id, as_json, strict, dry_run):
    """Import alignments: CSV roll_call_source_id, plank, pro_position, weight, rationale."""
    from tracker.services import scores

    result = scores.import_alignments(_organization(org_slug), path, plank_id=plank_id, strict=strict, dry_run=dry_run)
    _report(result, as_json)


@click.command("excusals")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@ORG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the import summary as JSON.")
@click.option("--strict", is_flag=True, help="Reject the whole file if any row is bad.")
@click.option("--dry-run", is_flag=True, help="Check and count, write nothing.")
@with_appcontext
def import_excusals_command(path, org_slug, as_json, strict, dry_run):
    """Import excused absences: CSV roll_call_source_id, person_id (scheme:id), reason."""
    from tracker.services import scores

    result = scores.import_excusals(_organization(org_slug), path, strict=strict, dry_run=dry_run)
    _report(result, as_json)


def _write(text, out):
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@click.command("scores")
@ORG_OPTION
@FORMAT_OPTION
@OUT_OPTION
@with_appcontext
def export_scores_command(org_slug, fmt, out):
    """Export every stored score (person_name, person_ids, scope, window, score_exact, ...)."""
    from tracker.services import scores

    _write(scores.export_scores(_organization(org_slug), fmt), out)


@click.command("alignments")
@ORG_OPTION
@FORMAT_OPTION
@OUT_OPTION
@with_appcontext
def export_alignments_command(org_slug, fmt, out):
    """Export every alignment (roll_call_source_id, plank_id, pro_position, weight, approved, ...)."""
    from tracker.services import scores

    _write(scores.export_alignments(_organization(org_slug), fmt), out)


def register(app, import_group, export_group) -> None:
    """Add this area's commands to `flask import`, `flask export` and the top level."""
    import_group.add_command(import_alignments_command)
    import_group.add_command(import_excusals_command)
    export_group.add_command(export_scores_command)
    export_group.add_command(export_alignments_command)
    app.cli.add_command(recompute_command)
    app.cli.add_command(scoring_options_command)

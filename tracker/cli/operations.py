"""Operations commands: cleanup-imports (for cron)."""
import click
from flask.cli import with_appcontext


@click.command("cleanup-imports")
@click.option("--days", type=int, default=None,
              help="Remove uploads older than this many days (default: UPLOAD_RETENTION_DAYS).")
@with_appcontext
def cleanup_imports(days):
    """Mark failed the imports whose worker died, and remove old uploaded files."""
    from tracker.services import ingest, jobs

    failed = ingest.fail_abandoned_runs()
    removed = jobs.remove_old_uploads(days)
    click.echo(f"imports marked failed: {len(failed)}{' (' + ', '.join(map(str, failed)) + ')' if failed else ''}")
    click.echo(f"uploads removed: {len(removed)}")


def register(app, import_group, export_group) -> None:
    app.cli.add_command(cleanup_imports)

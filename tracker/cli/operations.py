"""Operations commands: cleanup-imports, backup, restore (for cron and moving a deployment)."""
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


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(path):
    """Back up the whole database to PATH (SQLite: a database file; PostgreSQL: pg_dump -Fc)."""
    from tracker.services import backup

    try:
        written = backup.backup(path)
    except backup.BackupError as error:
        raise click.ClickException(str(error))
    click.echo(f"Backed up the database to {written} ({written.stat().st_size} bytes).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask: replace the database's contents.")
@with_appcontext
def restore_command(path, yes):
    """Replace the database's contents with the backup at PATH (made by `backup`)."""
    from tracker.services import backup

    if not yes:
        click.confirm("This replaces everything in the database with the backup. Go on?", abort=True)
    try:
        backup.restore(path)
    except backup.BackupError as error:
        raise click.ClickException(str(error))
    click.echo(f"Restored the database from {path}.")


def register(app, import_group, export_group) -> None:
    for command in (cleanup_imports, backup_command, restore_command):
        app.cli.add_command(command)

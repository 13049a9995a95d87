"""`flask send-notifications`: fan out new events and send what is due (for cron)."""
import json

import click
from flask.cli import with_appcontext


@click.command("send-notifications")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@with_appcontext
def send_notifications(as_json):
    """Fan out new events to their followers and send the due messages (immediate and digests).
    Without MAIL_SERVER the messages wait in the outbox (admins see them under Admin > Notifications)."""
    from flask import current_app

    from tracker.services import notifications

    result = notifications.send_due()
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(f"fanned out {result['fanned_out']} deliveries; sent {result['messages']} messages "
               f"({result['deliveries']} deliveries); failed {result['failed']}; held {result['held']}; "
               f"waiting {result['waiting']}")
    if not current_app.config.get("MAIL_SERVER"):
        click.echo("MAIL_SERVER is not set: messages wait in the outbox.", err=True)


def register(app, import_group, export_group) -> None:
    app.cli.add_command(send_notifications)

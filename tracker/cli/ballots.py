"""Ballot and program commands: `flask ballot tally` counts a file of paper ballots with the code
online ballots use; `flask ballot close-due` (cron) opens and closes ballots whose time has come;
`flask export program` writes an adopted version with its canonical text and SHA-256."""
import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from tracker import ballots


@click.group("ballot")
def ballot_group():
    """Member ballots (BALLOTS.md): count ranked paper ballots; open and close ballots on time."""


@ballot_group.command("close-due")
@with_appcontext
def close_due_command():
    """Open the ballots whose opening time has come and close (count, publish, apply) those whose
    closing time has passed. Safe to run from cron every minute, beside the web workers: each
    ballot is closed exactly once, whoever gets there first."""
    from tracker.services import ballots as ballot_service

    opened = ballot_service.open_due()
    closed = ballot_service.close_due()
    click.echo(f"Opened {opened} ballot{'s' if opened != 1 else ''}; closed {len(closed)}"
               + (f" ({', '.join(map(str, closed))})." if closed else "."))


@click.command("program")
@click.option("--version", "number", type=int, default=None,
              help="The version number (default: the adopted version in force).")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
@click.option("--out", default=None, help="Write to this file instead of standard output.")
@with_appcontext
def export_program_command(number, fmt, out):
    """Export a program version. The JSON carries version, adopted_at, planks, canonical_text and
    sha256 (the hex SHA-256 of canonical_text as UTF-8), so anyone can recompute the hash."""
    from tracker.cli import command_organization, write_export
    from tracker.services import program as program_service

    organization = command_organization()
    version = (program_service.version_by_number(organization.id, number) if number is not None
               else program_service.adopted_version(organization.id))
    if version is None:
        raise click.ClickException(f"No program version {number} in {organization.name}." if number is not None
                                   else f"{organization.name} has no adopted program version yet.")

    def write(handle) -> int:
        handle.write(program_service.export_version(version, fmt))
        return len(version.planks)

    write_export(out, "planks", write)


@ballot_group.command("tally")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(ballots.BALLOT_FORMATS), default=None,
              help="The file's format (default: from its extension, else from its first line).")
@click.option("--default", "default", default=None, metavar="NAME",
              help='The default option (e.g. "keep the current text"); one of the file\'s options.')
@click.option("--quorum", type=click.IntRange(min=0), default=0, show_default=True,
              help="Ballots needed (weights summed); fewer gives \"no quorum\".")
@click.option("--majority", type=click.Choice(ballots.MAJORITIES), default="simple", show_default=True,
              help="The majority an option needs over the default option.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
def tally_command(path, fmt, default, quorum, majority, as_json):
    """Count ranked paper ballots in FILE (CSV: options as header, one row of ranks per ballot;
    or BLT) by the Schulze method, and print d, p, the dropped options, winners and ranking."""
    try:
        options, ranks, weights = ballots.read_ballot_file(path.read_bytes(), path.name, fmt)
    except ballots.BallotFileError as error:
        click.echo(str(error), err=True)
        sys.exit(2)
    except OSError as error:
        click.echo(f"{path.name}: cannot be read ({error.strerror})", err=True)
        sys.exit(2)
    if default is not None and default not in options:
        raise click.BadParameter(f"{default!r} is not one of the file's options: {', '.join(map(repr, options))}",
                                 param_hint="--default")
    result = ballots.tally_ranked(options, ranks, weights=weights, default=default, quorum=quorum,
                                  majority=majority)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        click.echo("\n".join(summary_lines(result)))


def _matrix_lines(numbers: dict[str, int], table: dict[str, dict[str, int]]) -> list[str]:
    """A pairwise table, rows and columns labelled by option number."""
    names = list(table)
    width = max([len(str(v)) for row in table.values() for v in row.values()] + [len(str(len(numbers))), 1]) + 2
    lines = ["      " + "".join(f"{numbers[y]:>{width}}" for y in names)]
    for x in names:
        cells = "".join(f"{'-' if x == y else table[x][y]:>{width}}" for y in names)
        lines.append(f"  {numbers[x]:>4}{cells}")
    return lines


def summary_lines(result: ballots.RankedResult) -> list[str]:
    """The result in words and tables, for people reading a terminal."""
    numbers = {option: number for number, option in enumerate(result.options, start=1)}
    lines = [f"{result.ballots} ballots; quorum {result.quorum}; majority {result.majority}; "
             + (f"default option {result.default!r}." if result.default else "no default option."),
             "Options:"]
    lines += [f"  {numbers[o]:>4}  {o}" for o in result.options]
    lines += ["Pairwise preferences d[X,Y]: ballots ranking X (row) above Y (column)"]
    lines += _matrix_lines(numbers, result.pairwise)
    if result.result == "no quorum":
        lines.append(f"Result: no quorum ({result.ballots} ballots, {result.quorum} needed); nothing is decided.")
        return lines
    lines.append("Dropped (not preferred to the default by the majority):" if result.dropped else "Dropped: none")
    lines += [f"  {numbers[d['option']]:>4}  {d['option']}: {d['reason']}" for d in result.dropped]
    lines.append("Strongest paths p[X,Y] over the options left (X beats Y when p[X,Y] > p[Y,X])")
    lines += _matrix_lines(numbers, result.strongest_paths)
    lines.append("Winners: " + ", ".join(result.winners))
    lines.append("Ranking: " + ", ".join(f"{place}. {o}" for place, o in enumerate(result.ranking, start=1)))
    if result.result == "winner":
        lines.append(f"Result: winner {result.winner!r}")
    elif result.result == "default":
        lines.append(f"Result: default {result.winner!r} (nothing changes)")
    else:
        lines.append("Result: tie between " + ", ".join(map(repr, result.winners)) + " (nothing changes)")
    return lines


def register(app, import_group, export_group) -> None:
    """Add `flask ballot` (its own group: ballots are neither imports nor exports) and
    `flask export program`."""
    app.cli.add_command(ballot_group)
    export_group.add_command(export_program_command)

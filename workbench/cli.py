"""The `workbench` command: init, serve, rates, and Flask's own (db, routes, shell).

Flask, the database and the heavy libraries (WeasyPrint, DuckDB, vl-convert) are imported by the
commands that use them, and the app is built only for a command that needs it, so `--help` and
`rates` answer at once (benchmarks/cli.py).
"""

import functools
import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from workbench import create_app
from workbench.config import default_instance_path, load_settings
from workbench.errors import WorkbenchError
from workbench.vocabulary import DocumentKind, PaymentModel, Role, TornadoOutput

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

USAGE_ERROR = 2
# Flask's and Flask-Migrate's commands, found in the app when one of them is run.
FLASK_COMMANDS = {
    "db": "Perform database migrations (Flask-Migrate).",
    "routes": "Show the routes for the app.",
    "shell": "Run a shell in the app context.",
}


def create_command_app():
    """The app a command runs in: its output is for a person, so no JSON log lines on stderr."""
    return create_app({"WORKBENCH_JSON_LOGS": False})


def with_app(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command inside the app's context, building the app first if nobody has."""

    @click.pass_context
    @functools.wraps(function)
    def run(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        from flask import current_app
        from flask.cli import ScriptInfo

        if not current_app:
            info = ctx.find_object(ScriptInfo) or ScriptInfo(create_app=create_command_app)
            ctx.with_resource(info.load_app().app_context())
        return ctx.invoke(function, *args, **kwargs)

    return run


def refusals_exit_2(function: Callable[..., Any]) -> Callable[..., Any]:
    """Print a refusal (a WorkbenchError) on stderr, each problem on its line, and exit 2."""

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except WorkbenchError as error:
            command = "workbench " + click.get_current_context().command_path.partition(" ")[2]
            problems = [str(problem) for problem in error.problems]
            if len(problems) == 1:
                fail(f"{command}: {problems[0]}")
            fail(
                [f"{command}: nothing was written; fix {len(problems)} problem(s):"]
                + [f"  {problem}" for problem in problems]
            )

    return run


class AppGroup(click.Group):
    """Commands that run in the app's context unless they say `with_appcontext=False`; a
    refusal they raise ends them with status 2."""

    def command(self, *args: Any, with_appcontext: bool = True, **kwargs: Any) -> Callable:
        register = super().command(*args, **kwargs)

        def decorate(function: Callable[..., Any]) -> click.Command:
            function = refusals_exit_2(function)
            return register(with_app(function) if with_appcontext else function)

        return decorate

    def group(self, *args: Any, **kwargs: Any) -> Callable:
        return super().group(*args, cls=AppGroup, **kwargs)


class WorkbenchGroup(AppGroup):
    """The top-level command: ours, and Flask's own, which are looked up in the app when run."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *FLASK_COMMANDS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in FLASK_COMMANDS:
            return super().get_command(ctx, name)
        from flask.cli import FlaskGroup, ScriptInfo

        if not isinstance(ctx.obj, ScriptInfo):
            ctx.obj = ScriptInfo(create_app=create_command_app)
        return FlaskGroup(create_app=create_command_app).get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands without building the app to ask it for Flask's."""
        ours = {name: AppGroup.get_command(self, ctx, name) for name in self.commands}
        rows = [
            (name, FLASK_COMMANDS.get(name) or ours[name].get_short_help_str())
            for name in self.list_commands(ctx)
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=WorkbenchGroup)
def cli() -> None:
    """Prepare payer negotiations for an integrated behavioral-health program."""


def fail(lines: list[str] | str) -> None:
    """Print the problems on stderr and exit with status 2 (the user's input was wrong)."""
    for line in [lines] if isinstance(lines, str) else lines:
        click.echo(line, err=True)
    sys.exit(USAGE_ERROR)


@cli.command("init")
@click.option(
    "--profiles",
    "profiles_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of stakeholder profiles (with reference/ inside); default: the repository's.",
)
@click.option("--force", is_flag=True, help="Overwrite rows edited in the app with the files.")
def init_command(profiles_dir: Path | None, force: bool) -> None:
    """Create or upgrade the database and load the profiles and reference data."""
    from flask import current_app

    from workbench.extensions import db
    from workbench.services.accounts import create_first_administrator
    from workbench.services.setup import initialise
    from workbench.services.unit_of_work import unit_of_work

    folder = profiles_dir or current_app.config["WORKBENCH_PROFILES_DIR"]
    with unit_of_work(db.session) as session:
        report = initialise(session, folder, force=force)
        administrator = create_first_administrator(session)
    click.echo(f"Database ready ({current_app.config['SQLALCHEMY_DATABASE_URI'].split('://')[0]}).")
    click.echo(f"Loaded {folder}: {report.summary()}.")
    if administrator is not None:
        email, password = administrator
        click.echo(
            f"Created the first administrator. Sign in at http://127.0.0.1:8000/login as {email}\n"
            f"with the password {password} (shown only now; change it under Account),\n"
            "then create accounts for your contracting leads and executives under Accounts."
        )


@cli.group("users")
def users_group() -> None:
    """Manage accounts from the command line."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(Role.values()))
@click.option("--name", default="", help="Display name (default: the email's name part).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create_command(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Create an account; the password comes from stdin (never a command-line argument)."""
    from workbench.extensions import db
    from workbench.services.accounts import create_user
    from workbench.services.unit_of_work import unit_of_work

    if not password_stdin:
        fail("workbench users create: pass --password-stdin and pipe the password in")
    password = sys.stdin.readline().rstrip("\r\n")
    with unit_of_work(db.session) as session:
        user = create_user(session, email, password, Role(role), name)
    click.echo(f"Created {user.email} ({user.role}).")


@cli.group("audit")
def audit_group() -> None:
    """Check the audit trail."""


@audit_group.command("verify")
def audit_verify_command() -> None:
    """Check the audit trail's hash chain: exit 0 if intact, 2 naming the first bad event."""
    from workbench.extensions import db
    from workbench.services.audit import verify_chain

    checked, broken = verify_chain(db.session)
    if broken is None:
        click.echo(f"The audit trail is intact: {checked} events checked.")
        return
    where = f"event {broken.event_id}: " if broken.event_id else ""
    fail(f"workbench audit verify: {where}{broken.reason}; {checked} events before it are intact")


@cli.command("serve", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    envvar="WORKBENCH_WORKERS",
    type=click.IntRange(1, 64),
    help="Processes; keep 1 on the embedded SQLite, more on PostgreSQL (and Redis).",
)
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
def serve_command(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the workbench with gunicorn."""
    from workbench.config import check_shared_counters

    check_shared_counters(workers, os.environ.get("WORKBENCH_REDIS_URL") or None)
    os.environ["WORKBENCH_WORKERS"] = str(workers)  # the app checks it again in each worker
    arguments = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--access-logfile",
        "-",
        "workbench:create_app()",
    ]
    click.echo(f"Serving the workbench on http://{host}:{port}/ (Ctrl-C to stop)")
    os.execv(sys.executable, arguments)  # nosec B606 # gunicorn with our own argument list, no shell


@cli.command("worker")
@click.option("--burst", is_flag=True, help="Run the queued jobs, then stop.")
@click.option(
    "--slot",
    type=click.Choice(["all", "render", "claims"]),
    default="all",
    show_default=True,
    help="Which jobs: document renders, claims sizings, or both (renders first).",
)
def worker_command(burst: bool, slot: str) -> None:
    """Run background jobs from the Redis queues (when WORKBENCH_REDIS_URL is set)."""
    from flask import current_app
    from rq import SimpleWorker

    from workbench.log import install_log_format
    from workbench.services.jobs import SLOTS, job_queue, sweep_stale_jobs

    if not current_app.config.get("WORKBENCH_REDIS_URL"):
        fail("workbench worker: set WORKBENCH_REDIS_URL; without it, jobs run inside `serve`")
    install_log_format(current_app.config["WORKBENCH_LOG_LEVEL"])  # a service: JSON lines
    sweep_stale_jobs(current_app)
    queues = [job_queue(current_app, name) for name in SLOTS if slot in ("all", name)]
    names = " and ".join(repr(queue.name) for queue in queues)
    click.echo(f"Working on the {names} queue{'s' if len(queues) > 1 else ''} (Ctrl-C to stop)")
    # A SimpleWorker runs each job in this process, under the app context this command holds.
    SimpleWorker(queues, connection=queues[0].connection).work(burst=burst)


@cli.command("backup")
@click.argument("archive", type=click.Path(path_type=Path, dir_okay=False))
def backup_command(archive: Path) -> None:
    """Back up the database, the files on disk and the secret key into one archive."""
    from flask import current_app

    from workbench.extensions import db
    from workbench.services.backup import create_backup

    manifest = create_backup(current_app, db.engine, archive)
    rows = sum(manifest.row_counts.values())
    click.echo(
        f"{archive}: {manifest.database} at schema {manifest.schema_version}, "
        f"{rows:,} rows in {len(manifest.row_counts)} tables, {len(manifest.sha256)} files."
    )


@cli.command("restore")
@click.argument("archive", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that already holds rows.")
def restore_command(archive: Path, force: bool) -> None:
    """Restore a backup onto this instance, then migrate it to this version's schema."""
    from flask import current_app
    from flask_migrate import upgrade

    from workbench import MIGRATIONS_DIR
    from workbench.extensions import db
    from workbench.services.backup import restore_backup

    manifest = restore_backup(current_app, db.engine, archive, force=force)
    upgrade(directory=str(MIGRATIONS_DIR))
    rows = sum(manifest.row_counts.values())
    click.echo(
        f"Restored {archive}: {rows:,} rows, schema {manifest.schema_version} migrated to the "
        "current one; the secret key is in the instance folder."
    )


@cli.command("rates", with_appcontext=False)
@click.argument("scenario_file", type=click.Path(path_type=Path))
@click.option("--model", type=click.Choice(PaymentModel.values()), help="Use this payment model.")
@click.option("--compare", is_flag=True, help="All four payment models side by side.")
@click.option("--tornado", "with_tornado", is_flag=True, help="Add the sensitivity tornado.")
@click.option(
    "--tornado-output",
    type=click.Choice(TornadoOutput.values()),
    default=TornadoOutput.PROVIDER_NET.value,
    show_default=True,
    help="The figure the tornado swings (method 1; method 2 prints both of its tornados).",
)
@click.option("--monte-carlo", "draws", type=click.IntRange(1, 1_000_000), help="Add N draws.")
@click.option("--seed", default=0, show_default=True, type=int, help="Monte Carlo seed.")
@click.option("--breakeven", is_flag=True, help="Add the break-even caseload per FTE.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--offer",
    type=click.STRING,
    metavar="RATE",
    help="Method 2: what this level PMPM (case rate under bundled) means, terms fixed at it.",
)
@click.option(
    "--upgrade",
    "upgrade_file",
    is_flag=True,
    help="Print the method-1 file as a method-2 file; say on stderr which figures change.",
)
def rates_command(
    scenario_file: Path,
    model: str | None,
    compare: bool,
    with_tornado: bool,
    tornado_output: str,
    draws: int | None,
    seed: int,
    breakeven: bool,
    as_json: bool,
    offer: str | None,
    upgrade_file: bool,
) -> None:
    """Compute the proposed rates for a scenario file of rate method 1 or 2 (docs/)."""
    from workbench.engine import ScenarioError
    from workbench.services.rates import RatesRequest, build_offer_report, build_rates_report

    scenario = read_scenario_file(scenario_file)
    if upgrade_file:
        upgrade_scenario(scenario)
        return
    request = RatesRequest(
        model=model,
        compare=compare,
        tornado=with_tornado,
        tornado_output=tornado_output,
        draws=draws,
        seed=seed,
        breakeven=breakeven,
    )
    try:
        if offer is None:
            report = build_rates_report(scenario, request)
        else:
            report = build_offer_report(scenario, offer_rate(offer), model)
    except ScenarioError as error:
        fail([f"{scenario_file}:"] + [f"  {line}" for line in error.errors])
    click.echo(json.dumps(report.data, indent=2) if as_json else report.text)


def offer_rate(text: str):
    """Read an offered rate as an exact Decimal, or exit 2 naming the option."""
    from decimal import Decimal, InvalidOperation

    try:
        rate = Decimal(text)
    except InvalidOperation:
        rate = None
    if rate is None or not rate.is_finite() or rate < 0:
        fail(f"--offer: {text!r} must be a rate of at least 0, such as 0.30")
    return rate


def upgrade_scenario(scenario) -> None:
    """Print a method-1 scenario as method 2 on stdout; list what changes on stderr."""
    from workbench.engine.contract import ContractScenario, upgrade

    if isinstance(scenario, ContractScenario):
        fail("--upgrade: the file is method 2 already")
    upgraded = upgrade(scenario)
    click.echo(upgraded.text, nl=False)
    click.echo("Method 2 changes these figures (one contract year, no trends, no lag):", err=True)
    for line in upgraded.changes or ["none"]:
        click.echo(f"  {line}", err=True)


@cli.command("render")
@click.option(
    "--scenario",
    "scenario_file",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The scenario file (YAML or JSON).",
)
@click.option(
    "--document", "kind", required=True, help=f"One of {', '.join(DocumentKind.slugs())}."
)
@click.option(
    "--stakeholder", "stakeholders", multiple=True, help="A profile key; repeat for several."
)
@click.option("--out", required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--html", "html_out", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--prepared-by", help="Who the document is from (default: our organization).")
def render_command(
    scenario_file: Path,
    kind: str,
    stakeholders: tuple[str, ...],
    out: Path,
    html_out: Path | None,
    prepared_by: str | None,
) -> None:
    """Render a proposal, brief, executive summary or meeting packet to PDF."""
    from workbench.documents.render import render_html
    from workbench.extensions import db
    from workbench.services.documents import (
        UNNAMED_PROVIDER,
        build_document_request,
        generate_document,
        preview_context,
    )
    from workbench.services.unit_of_work import unit_of_work

    scenario = read_scenario_file(scenario_file)
    with unit_of_work(db.session) as session:
        request = build_document_request(session, kind, stakeholders, prepared_by)
        artifact, created = generate_document(session, scenario, request)
        if html_out is not None:
            context = preview_context(session, scenario, request)
            html_out.write_text(render_html(context, standalone=True))
    out.write_bytes(artifact.pdf)
    state = "rendered" if created else "served from storage"
    click.echo(f"{out}: {artifact.page_count} pages, sha256 {artifact.sha256[:12]}, {state}.")
    if request.prepared_by == UNNAMED_PROVIDER:
        click.echo(f"Note: it says it is from {UNNAMED_PROVIDER!r}; use --prepared-by.", err=True)


# -- claims sizing ------------------------------------------------------------------------------

PROGRESS_WIDTH = 40


@cli.group("claims")
def claims_group() -> None:
    """Size a payer's claims extract: baseline PMPM, comorbidity cost, savings range."""


@claims_group.command("size", with_appcontext=False)
@click.option(
    "--members",
    "members_file",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Eligibility, one row per member-month: member_id, payer, month (CSV or Parquet).",
)
@click.option(
    "--claims",
    "claims_file",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Claim lines: claim_id, member_id, payer, service_date, setting, allowed_amount, "
    "dx_codes (CSV or Parquet).",
)
@click.option("--payer", help="Size this payer only.")
@click.option("--memory-limit", help="DuckDB's memory cap, e.g. 4GB (default 2GB).")
@click.option(
    "--temp-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where DuckDB spills past the memory cap (default: a temporary folder).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def claims_size_command(
    members_file: Path,
    claims_file: Path,
    payer: str | None,
    memory_limit: str | None,
    temp_dir: Path | None,
    as_json: bool,
) -> None:
    """Size a claims extract against its eligibility file."""
    from workbench.claims import format_result
    from workbench.services.claims import size_extract, sizing_options

    progress = terminal_progress()
    try:
        with settings_and_session() as (settings, session):
            sized = size_extract(
                session,
                members_file,
                claims_file,
                sizing_options(settings, payer, memory_limit, temp_dir),
                settings["WORKBENCH_PROFILES_DIR"],
                progress,
            )
    finally:
        # The progress line is wiped before anything else is printed, the error included.
        if progress is not None:
            click.echo("\r" + " " * PROGRESS_WIDTH + "\r", err=True, nl=False)
    if as_json:
        click.echo(json.dumps(sized.result.to_json(), indent=2))
    else:
        click.echo(format_result(sized.result))
        click.echo(f"\nSavings rates from {sized.evidence_source}.")


@contextmanager
def settings_and_session() -> Iterator[tuple[Mapping[str, Any], "Session"]]:
    """The settings and a database session for a command that needs no web app.

    `workbench claims size` reads only the savings evidence, so it skips building the app
    (blueprints, extensions, templates): a second or so that would count against a sizing run
    as a whole process. A caller that brings an app (`app.test_cli_runner()`) gets that app's.
    """
    from flask.cli import ScriptInfo

    info = click.get_current_context().find_object(ScriptInfo)
    if info is not None:
        from workbench.extensions import db

        with info.load_app().app_context():
            yield info.load_app().config, db.session
        return
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    settings = load_settings(default_instance_path())
    engine = create_engine(
        settings["SQLALCHEMY_DATABASE_URI"], **settings["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    try:
        with Session(engine) as session:
            yield settings, session
    finally:
        engine.dispose()


def terminal_progress():
    """Return a callback drawing progress on stderr when it is a terminal, else None."""
    if not sys.stderr.isatty():
        return None

    def show(stage: str, done: float) -> None:
        click.echo(f"\r{stage}: {done:4.0%}".ljust(PROGRESS_WIDTH), err=True, nl=False)

    return show


def read_scenario_file(path: Path):
    """Read and validate a scenario file, or exit 2 with what is wrong."""
    from workbench.engine import ScenarioError, ScenarioFileError, scenario_from_text

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except IsADirectoryError:
        fail(f"{path}: is a folder, not a scenario file")
    except UnicodeDecodeError:
        fail(f"{path}: not a YAML or JSON text file (not UTF-8 text)")
    except OSError as error:
        fail(f"{path}: cannot be read ({error.__class__.__name__})")
    try:
        return scenario_from_text(text)
    except ScenarioFileError as error:
        fail(f"{path}: {error}")
    except ScenarioError as error:
        fail([f"{path}: the scenario is not valid:"] + [f"  {line}" for line in error.errors])


def main() -> None:
    """Run the `workbench` command."""
    cli(prog_name="workbench")

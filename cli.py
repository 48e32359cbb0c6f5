"""Command line: seed the demo, collect, schedule, import and export; team accounts and the audit trail.

Every command honours DATABASE_URL (the store) and MONITOR_CONFIG / --config (the config).
Problems with the config or the database print one clear message and exit non-zero.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from config import Config, ConfigError, load_config
from store.engine import StoreError, make_engine

if TYPE_CHECKING:
    from sqlalchemy import Engine, Select

app = typer.Typer(
    help="Social media engagement monitor: collect, seed, schedule, import, export.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
state: dict[str, Any] = {"config": None}


def fail(message: str, code: int = 2) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn config and store problems into one message and exit code 2, never a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ConfigError as exc:
            fail(f"config error: {exc}")
        except StoreError as exc:
            fail(f"database error: {exc}")
        except PermissionError as exc:
            fail(f"permission denied: {exc.filename or exc}")

    return wrapper


def context() -> tuple[Config, Engine]:
    """The config and the engine every command works with."""
    config = load_config(state["config"])
    return config, make_engine()


@app.callback()
def main(
    config: Annotated[
        str | None,
        typer.Option(
            "--config",
            "-c",
            help="monitor.toml path (else MONITOR_CONFIG, else ./monitor.toml, else the built-in demo config)",
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="log progress")] = False,
) -> None:
    state["config"] = config
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


@app.command("seed-demo")
@friendly
def seed_demo_command(
    mentions: Annotated[int, typer.Option(min=1, help="about how many mentions")] = 5000,
    days: Annotated[int, typer.Option(min=1, max=3650, help="spread over this many days up to now")] = 60,
    seed: Annotated[int, typer.Option(help="random seed; the same seed gives the same data")] = 7,
) -> None:
    """Fill the store with the realistic demo data set (no credentials needed)."""
    from pipeline.seed import seed_demo

    config, engine = context()
    started = time.perf_counter()
    result = seed_demo(engine, config, mentions=mentions, days=days, seed=seed)
    typer.echo(
        f"demo data: {result.fetched} mentions generated, {result.new} new, {result.updated} already stored, "
        f"{result.replies_linked} brand replies linked in {time.perf_counter() - started:.1f} s"
    )


@app.command()
@friendly
def collect(source: Annotated[str | None, typer.Option(help="only this configured source")] = None) -> None:
    """Run the configured sources once: a line per source; exit 1 if any failed."""
    from pipeline.runner import run_all

    config, engine = context()
    if not config.sources:
        fail("no sources configured: add [[sources]] to monitor.toml (see monitor.example.toml)")
    try:
        summaries = run_all(engine, config, only=source)
    except KeyError as exc:
        fail(str(exc.args[0]))
    for summary in summaries:
        typer.echo(summary.line())
    if any(s.status == "error" for s in summaries):
        raise typer.Exit(1)


@app.command()
@friendly
def schedule(
    reports: Annotated[
        bool,
        typer.Option(
            "--reports/--no-reports",
            help="also write the weekly report (config [reports]; a missed one is written at start)",
        ),
    ] = True,
    grace: Annotated[
        float,
        typer.Option(
            min=0,
            help="seconds runs going on may finish after Ctrl-C / SIGTERM; "
            "runs still going then are closed as interrupted",
        ),
    ] = 5.0,
    backoff_cap: Annotated[
        float,
        typer.Option(
            min=1, help="longest wait, in seconds, between tries of a failing source (never shorter than its `every`)"
        ),
    ] = 3600.0,
    warm: Annotated[
        bool,
        typer.Option(
            "--warm/--no-warm",
            help="also fill the pages' part cache ahead of the first visitor (`cli.py warm` in a low-priority "
            "child process at start and every hour)",
        ),
    ] = True,
) -> None:
    """Run the enabled sources at their `every` and the weekly report, until Ctrl-C or SIGTERM."""
    from pipeline.scheduler import serve

    config, engine = context()
    sources = [s for s in config.sources if s.enabled]
    if not sources and not reports:
        fail("nothing to schedule: no enabled sources in the config, and --no-reports")
    for handler in logging.getLogger().handlers:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger("pipeline.scheduler").setLevel(logging.INFO)
    settings = config.reports
    typer.echo(
        f"scheduler: {len(sources)} source(s): "
        + (", ".join(f"{s.name} every {s.every_seconds} s" for s in sources) or "none")
        + (
            f"; weekly report {settings.weekday} {settings.time} {settings.timezone} -> {settings.dir}/<YYYY-Www>"
            if reports
            else ""
        )
        + ". Ctrl-C stops it."
    )
    raise typer.Exit(serve(engine, config, reports=reports, grace=grace, cap=backoff_cap, warm=warm))


@app.command()
@friendly
def warm(
    brand: Annotated[
        list[str] | None, typer.Option(help="only this brand (repeatable); default every brand, own brands first")
    ] = None,
    page: Annotated[
        list[str] | None, typer.Option(help="only this page (repeatable): overview, sentiment, engagement, queue")
    ] = None,
) -> None:
    """Compute the pages' closed days for each brand's default selection ahead of the first visitor, and keep
    them in the store's part cache (the scheduler runs this at its start and every hour)."""
    from store.engine import database_url

    # outside a server Streamlit's caches live in this process's memory, as they should here (each cached
    # function says so when it is defined and used): not worth a warning
    logging.getLogger("streamlit.runtime.caching.cache_data_api").addFilter(
        lambda record: not str(record.msg).startswith("No runtime found")
    )
    from ui import warm as warming

    config, engine = context()  # config checked and schema migrated
    engine.dispose()
    pages = list(page) if page else list(warming.PAGES)
    unknown = [p for p in pages if p not in warming.PAGES]
    if unknown:
        fail(f"unknown page(s): {', '.join(unknown)} (known: {', '.join(warming.PAGES)})")
    configured = [b.name for b in config.brands]
    missing = [b for b in (brand or []) if b not in configured]
    if missing:
        fail(f"unknown brand(s): {', '.join(missing)} (configured: {', '.join(configured)})")
    started = time.perf_counter()
    done = warming.run(database_url(), state["config"], brand or None, pages)
    for (name, which), seconds in done.seconds.items():
        failed = done.failed.get((name, which))
        typer.echo(f"{name} {which}: {seconds:.1f} s" + (f" (failed: {failed})" if failed else ""))
    typer.echo(f"warmed in {time.perf_counter() - started:.1f} s")


@app.command()
@friendly
def export(
    week: Annotated[str | None, typer.Option(help="ISO week, e.g. 2026-W47 (default: the last full week)")] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="folder to write to (default: <[reports] dir>/<week>, with --brand <week>-<brand>)"),
    ] = None,
    brand: Annotated[
        str | None, typer.Option(help="only this brand, named exactly as in the config (e.g. Acme)")
    ] = None,
) -> None:
    """Write a week's mentions.csv, summary.csv and notes.txt (see docs/reports.md).

    The files are written to a temporary folder and then renamed into place: an existing report
    is replaced only by a complete one.
    """
    from datetime import UTC, datetime

    from analysis.reports import default_week, parse_week
    from pipeline.export import export_week

    week = week or default_week(datetime.now(UTC))
    try:
        parse_week(week)
    except ValueError as exc:
        fail(str(exc))
    config, engine = context()
    try:
        result = export_week(engine, config, week, out, brand)
    except ValueError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write the report: {exc.strerror or exc} ({exc.filename or out})")
    typer.echo(
        f"{result.week}: {result.mentions} mentions, {result.summary_rows} summary rows written to {result.out_dir}"
    )
    if result.empty:
        typer.echo("no mentions in this week: the CSV files hold only their headers")


@app.command("import")
@friendly
def import_command(
    path: Annotated[Path, typer.Argument(help="a CSV, JSON or JSON Lines export of another tool")],
    platform: Annotated[
        str | None,
        typer.Option(
            help="platform of every row (default: a platform column, else csv); "
            "aliases such as twitter (x) and hn (hackernews) are understood"
        ),
    ] = None,
    brand: Annotated[
        str | None,
        typer.Option(
            help="brand of every row (default: a brand column, else the "
            "brand whose keywords the text names, else the first own brand)"
        ),
    ] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", help="COLUMN=FIELD[,COLUMN=FIELD...] for columns not named as usual; repeatable"),
    ] = None,
    encoding: Annotated[str | None, typer.Option(help="the file's encoding (default: detected)")] = None,
    timezone: Annotated[str, typer.Option(help="zone of times written without one")] = "UTC",
) -> None:
    """Import an export file: rows are scored and flagged like collected ones; importing again adds nothing.

    Exits 1 when rows were read but every one was skipped, 2 when the file cannot be used at all.
    """
    from pipeline.filereaders import ImportFileError
    from pipeline.importer import import_file, parse_mapping

    config, engine = context()
    try:
        result = import_file(
            engine,
            config,
            path,
            platform=platform,
            brand=brand,
            mapping=parse_mapping(map_),
            encoding=encoding,
            timezone=timezone,
        )
    except ImportFileError as exc:
        fail(f"cannot import {path}: {exc}")
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")
    for line in result.lines():
        typer.echo(line)
    if result.nothing_stored:
        raise typer.Exit(1)


@app.command("run")
@friendly
def run_command(
    port: Annotated[int, typer.Option(min=1, max=65535, help="dashboard port")] = 8501,
    scheduler: Annotated[bool, typer.Option("--scheduler/--no-scheduler", help="also run the scheduler")] = True,
) -> None:
    """Start the dashboard and the scheduler together; Ctrl-C stops both."""
    from pipeline.scheduler import supervise
    from pipeline.seed import seed_if_first_start

    config, engine = context()  # config checked and schema migrated once, before two processes start
    if seed_if_first_start(engine, config):
        typer.echo("first start: demo data stored (no source with credentials yet)")
    first_start_admin(engine)
    here = Path(__file__).resolve().parent
    commands = {
        "dashboard": [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(here / "app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            # one address printed, and no look-up of this machine's external IP (a monitor must not phone home)
            "--browser.serverAddress",
            "localhost",
            "--browser.gatherUsageStats",
            "false",
        ]
    }
    if scheduler:
        options = ["--config", state["config"]] if state["config"] else []
        commands["scheduler"] = [sys.executable, str(here / "cli.py"), *options, "schedule"]
    typer.echo(
        f"dashboard: http://localhost:{port}"
        + ("  scheduler: on" if scheduler else "")
        + ". Ctrl-C stops "
        + ("both." if scheduler else "it.")
    )
    logging.getLogger("pipeline.scheduler").setLevel(logging.INFO)
    raise typer.Exit(supervise(commands))


alerts_app = typer.Typer(help="Alerts: evaluate the [[alerts]] rules and deliver them.", no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")


@alerts_app.command("check")
@friendly
def alerts_check(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="show what would fire; store and send nothing")] = False,
) -> None:
    """Evaluate every alert rule once and deliver what is due: a line per alert (fired, delivered, failed, suppressed)."""
    from datetime import UTC, datetime

    from pipeline.alerts import check

    config, engine = context()
    if not config.alerts:
        fail("no alert rules configured: add [[alerts]] to monitor.toml (see README, Alerts)")
    lines = check(engine, config, datetime.now(UTC), dry_run=dry_run)
    for line in lines or ["nothing to alert"]:
        typer.echo(line)
    if any(line.startswith(("failed", "error")) for line in lines):
        raise typer.Exit(1)


# ---------------------------------------------------------------------------------------------- accounts

users = typer.Typer(help="Team accounts: add, list, set-role, disable, enable, reset-password.", no_args_is_help=True)
app.add_typer(users, name="users")


def cli_actor() -> str:
    """Who acts from the command line, for the audit trail: cli:<operating system user>."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def read_password(from_stdin: bool) -> str:
    """One line of standard input (--password-stdin), else asked twice without echo."""
    if from_stdin:
        line = sys.stdin.readline()
        return line.removesuffix("\n").removesuffix("\r")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def account_change(change: Callable[[Any], Any]) -> Any:
    """Run an account change in one transaction; bad input is one message, exit 2, nothing changed."""
    from store.accounts import AccountError

    _, engine = context()
    try:
        with engine.begin() as conn:
            return change(conn)
    except AccountError as exc:
        fail(str(exc))


PASSWORD_STDIN = typer.Option("--password-stdin", help="read the password from one line of standard input")


@users.command("add")
@friendly
def users_add(
    name: Annotated[str, typer.Argument(help="the username (an email address for single sign-on)")],
    role: Annotated[str, typer.Option(help="viewer, responder or admin")],
    password_stdin: Annotated[bool, PASSWORD_STDIN] = False,
    sso: Annotated[
        bool, typer.Option("--sso", help="no password: signs in with single sign-on only (NAME must be an email)")
    ] = False,
) -> None:
    """Add an account; asks for the password twice (or --password-stdin, or --sso for none)."""
    from store import accounts

    if role not in accounts.ROLES:
        fail(f"Unknown role {role!r}: use one of {', '.join(accounts.ROLES)}.")
    if sso and "@" not in name:
        fail("--sso needs an email address as NAME (the one the sign-on provider gives).")
    password = None if sso else read_password(password_stdin)
    made = account_change(lambda conn: accounts.add(conn, name, role, password, actor=cli_actor()))
    typer.echo(f"added {made.name} ({made.role})" + (", single sign-on only" if sso else ""))


@users.command("list")
@friendly
def users_list() -> None:
    """Every account: name, role, enabled, last sign-in (UTC)."""
    import pandas as pd

    from store import accounts

    _, engine = context()
    with engine.connect() as conn:
        frame = accounts.list_accounts(conn)
    if frame.empty:
        typer.echo("no accounts yet: .venv/bin/python cli.py users add NAME --role admin")
        return
    width = max(4, int(frame["name"].str.len().max()))
    typer.echo(f"{'name':<{width}}  {'role':<9}  {'enabled':<7}  last sign-in")
    for row in frame.itertuples():
        last = "never" if pd.isna(row.last_sign_in_at) else f"{row.last_sign_in_at:%Y-%m-%d %H:%M} UTC"
        enabled = "yes" if row.enabled else "no"
        sso = "  (single sign-on)" if row.sso_only else ""
        typer.echo(f"{row.name:<{width}}  {row.role:<9}  {enabled:<7}  {last}{sso}")


@users.command("set-role")
@friendly
def users_set_role(
    name: Annotated[str, typer.Argument(help="the username")],
    role: Annotated[str, typer.Argument(help="viewer, responder or admin")],
) -> None:
    """Change an account's role (takes effect on the person's next click)."""
    from store import accounts

    made = account_change(lambda conn: accounts.set_role(conn, name, role, actor=cli_actor()))
    typer.echo(f"{made.name} is now {made.role}")


@users.command("disable")
@friendly
def users_disable(name: Annotated[str, typer.Argument(help="the username")]) -> None:
    """Stop an account from signing in (its open sessions end on their next click)."""
    from store import accounts

    account_change(lambda conn: accounts.disable(conn, name, actor=cli_actor()))
    typer.echo(f"{name.strip()} is disabled")


@users.command("enable")
@friendly
def users_enable(name: Annotated[str, typer.Argument(help="the username")]) -> None:
    """Let a disabled account sign in again."""
    from store import accounts

    account_change(lambda conn: accounts.enable(conn, name, actor=cli_actor()))
    typer.echo(f"{name.strip()} is enabled")


@users.command("reset-password")
@friendly
def users_reset_password(
    name: Annotated[str, typer.Argument(help="the username")],
    password_stdin: Annotated[bool, PASSWORD_STDIN] = False,
) -> None:
    """Set a new password (asked twice, or --password-stdin); also lifts a sign-in lockout."""
    from store import accounts

    _, engine = context()
    with engine.connect() as conn:
        if conn.execute(select_account(name)).first() is None:
            fail(f"No account named {name.strip()!r}.")
    password = read_password(password_stdin)
    account_change(lambda conn: accounts.reset_password(conn, name, password, actor=cli_actor()))
    typer.echo(f"password of {name.strip()} changed")


def select_account(name: str) -> Select[Any]:
    from sqlalchemy import select

    from store.accounts import AccountError, clean_name
    from store.schema import accounts

    try:
        key = clean_name(name)
    except AccountError as exc:
        fail(str(exc))
    return select(accounts.c.id).where(accounts.c.name == key)


def parse_day(value: str | None, option: str) -> Any:
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        fail(f"{option} {value!r} is not a date: use YYYY-MM-DD, e.g. 2026-11-30")
    return None


@app.command("audit")
@friendly
def audit_command(
    since: Annotated[str | None, typer.Option(help="from this UTC day on (YYYY-MM-DD)")] = None,
    until: Annotated[str | None, typer.Option(help="up to and including this UTC day (YYYY-MM-DD)")] = None,
    actor: Annotated[str | None, typer.Option(help="only this person's actions (or cli:USER)")] = None,
    out: Annotated[Path | None, typer.Option(help="write the CSV here (default: standard output)")] = None,
) -> None:
    """The audit trail as CSV (UTC times; cells safe in spreadsheets, as in the weekly reports)."""
    from datetime import timedelta

    from pipeline.export import csv_bytes
    from store import audit

    first, last = parse_day(since, "--since"), parse_day(until, "--until")
    if first and last and last < first:
        fail("--until is before --since")
    _, engine = context()
    with engine.connect() as conn:
        frame = audit.query(conn, since=first, until=last + timedelta(days=1) if last else None, actor=actor)
    data = csv_bytes(frame)
    if out is None:
        sys.stdout.write(data.decode("utf-8-sig"))
        sys.stdout.flush()
        return
    try:
        out.write_bytes(data)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}")
    typer.echo(f"{len(frame)} audit rows written to {out}", err=True)


# ---------------------------------------------------------------------------------------------- privacy


@app.command()
@friendly
def retention(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="count what would be erased; change nothing")] = False,
) -> None:
    """Erase the personal content (text, author, URL) of mentions older than their brand's retain_days.

    Counts, charts and weekly figures stay as they were. Prints what was erased per brand.
    """
    from pipeline.retention import apply_retention

    config, engine = context()
    result = apply_retention(engine, config, dry_run=dry_run, actor=cli_actor())
    for line in result.lines():
        typer.echo(line)


@app.command()
@friendly
def rejudge(
    chunk: Annotated[
        int, typer.Option("--chunk", help="mentions per transaction (1 to 100,000; the write lock is held this long)")
    ] = 5_000,
    status: Annotated[bool, typer.Option("--status", help="only say which formulas version the store holds")] = False,
) -> None:
    """Judge every stored mention again with the current formulas (sentiment, language, reply flags, priority).

    Resumes an interrupted run; safe beside a running scheduler. Queue status, assignments, notes, replies,
    sentiment corrections and the audit trail stay; erased mentions keep their judgement. Prints how many
    rows changed.
    """
    from analysis.formulas import FORMULAS_VERSION
    from pipeline import rejudge as rj
    from store import judged

    config, engine = context()
    if not 1 <= chunk <= 100_000:
        fail("--chunk must be between 1 and 100,000 mentions")
    with engine.connect() as conn:
        recorded, under_way, empty = judged.stored_version(conn), judged.progress(conn), judged.is_empty(conn)
    if status:
        typer.echo(f"formulas version: {FORMULAS_VERSION}; stored judgements: {recorded or 'not recorded'}")
        if under_way:
            typer.echo(f"a re-judge is under way: done up to mention id {under_way.get('last_id')}")
        elif not empty and recorded != FORMULAS_VERSION:
            typer.echo("run: .venv/bin/python cli.py rejudge")
        return
    if empty:
        typer.echo("nothing stored: nothing to re-judge")
        return
    try:
        result = rj.rejudge(engine, config, chunk=chunk, actor=cli_actor())
    except KeyboardInterrupt:
        typer.echo("interrupted: the chunks done are kept; run it again to continue", err=True)
        raise typer.Exit(130) from None
    for line in result.lines():
        typer.echo(line)


PlatformOption = Annotated[str, typer.Option("--platform", help="the platform, e.g. reddit, mastodon, bluesky")]
AuthorOption = Annotated[str, typer.Option("--author", help="the author's handle or id as stored (with or without @)")]


@app.command()
@friendly
def forget(
    platform: PlatformOption,
    author: AuthorOption,
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
) -> None:
    """Forget a person: erase their mentions (text, names, URL), clean notes, audit rows and alerts of
    their names, and never store their posts again. Counts stay."""
    from pipeline import privacy

    config, engine = context()
    try:
        count = privacy.count_author(engine, platform, author)
    except ValueError as exc:
        fail(str(exc))
    name = platform.strip().lower()
    if not yes:
        typer.echo(f"{count} stored mention(s) by {author} on {name} would be erased, notes and the audit trail "
                   "cleaned of their names, and their future posts not stored.")  # fmt: skip
        if not typer.confirm("Forget this author?", default=False):
            typer.echo("nothing changed")
            raise typer.Exit(1)
    result = privacy.forget(engine, platform, author, actor=cli_actor(), brands=config.brands)
    typer.echo(result.line())


@app.command("author-data")
@friendly
def author_data_command(
    platform: PlatformOption,
    author: AuthorOption,
    out: Annotated[Path, typer.Option("--out", help="the JSON file to write")],
) -> None:
    """Export what the store holds about an author (mentions, notes naming them, queue history) as JSON."""
    from pipeline import privacy

    _, engine = context()
    try:
        data = privacy.author_data(engine, platform, author, actor=cli_actor())
    except ValueError as exc:
        fail(str(exc))
    try:
        privacy.write_author_data(data, out)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}")
    typer.echo(f"{len(data['mentions'])} mention(s), {len(data['notes_naming_them'])} note(s), "
               f"{len(data['queue_history'])} queue event(s) written to {out}")  # fmt: skip


def first_start_admin(engine: Any) -> None:
    """On a store with no account: create `admin` with a random password and print it, once, here."""
    from store import accounts

    with engine.begin() as conn:
        password = accounts.first_admin(conn)
    if password is None:
        return
    typer.secho("first start: created the account admin (role admin) with the password", bold=True)
    typer.secho(f"    {password}", fg=typer.colors.GREEN, bold=True)
    typer.echo(
        "It is shown only now and stored only as a hash. Sign in with it, then change it:\n"
        "    .venv/bin/python cli.py users reset-password admin\n"
        "and add your team: .venv/bin/python cli.py users add NAME --role viewer|responder|admin"
    )


def run() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    run()

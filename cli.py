"""Command line: seed the demo, collect, schedule, import and export.

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
from typing import Annotated, Any

import typer

from config import ConfigError, load_config
from store.engine import StoreError, make_engine

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


def context():  # type: ignore[no-untyped-def]
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
    raise typer.Exit(serve(engine, config, reports=reports, grace=grace, cap=backoff_cap))


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


def run() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    run()

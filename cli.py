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
from typing import Annotated, Any

import typer

from config import ConfigError, load_config
from store.engine import StoreError, make_engine

app = typer.Typer(help="Social media engagement monitor: collect, seed, schedule, import, export.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
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
    config: Annotated[str | None, typer.Option("--config", "-c", help="monitor.toml path (else MONITOR_CONFIG, "
                                               "else ./monitor.toml, else the built-in demo config)")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="log progress")] = False,
) -> None:
    state["config"] = config
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@app.command("seed-demo")
@friendly
def seed_demo_command(
    mentions: Annotated[int, typer.Option(min=1, help="about how many mentions")] = 5000,
    days: Annotated[int, typer.Option(min=1, max=3650, help="spread over this many days up to now")] = 60,
    seed: Annotated[int, typer.Option(help="random seed; the same seed gives the same data")] = 7,
) -> None:
    """Fill the store with the realistic demo data set (no credentials needed)."""
    from store.seed import seed_demo

    config, engine = context()
    started = time.perf_counter()
    result = seed_demo(engine, config, mentions=mentions, days=days, seed=seed)
    typer.echo(f"demo data: {result.fetched} mentions generated, {result.new} new, {result.updated} already stored, "
               f"{result.replies_linked} brand replies linked in {time.perf_counter() - started:.1f} s")


@app.command()
@friendly
def collect(source: Annotated[str | None, typer.Option(help="only this configured source")] = None) -> None:
    """Run the configured sources once: a line per source; exit 1 if any failed."""
    from collectors.runner import run_all

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


def run() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    run()

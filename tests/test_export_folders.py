"""Where reports go and when one replaces another: brand reports in their own folder, complete
reports only, brands exactly as the config names them, and the week the Reports page opens on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import cli
from analysis import reports as report_weeks
from config import load_config
from pipeline import export
from pipeline.seed import seed_demo
from store.engine import make_engine
from tests import test_app_support as support
from tests.conftest import FIXED_NOW
from tests.test_app_support import Store, open_app, texts

runner = CliRunner()
WEEK = "2026-W46"
seeded_db = support.seeded_db
store = support.store


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("MONITOR_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no monitor.toml here: the built-in demo config (Acme, Globex, Initech)
    engine = make_engine(url)
    seed_demo(engine, load_config(None), mentions=600, days=14, end=FIXED_NOW)
    engine.dispose()
    return tmp_path


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _export(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli.app, ["export", "--week", WEEK, *args])


def test_a_brand_report_has_its_own_folder_and_never_touches_the_full_one(workdir: Path) -> None:
    assert _export().exit_code == 0
    full = workdir / "data" / "reports" / WEEK
    before = _files(full)
    rows = pd.read_csv(full / "mentions.csv", encoding="utf-8-sig")
    assert set(rows["brand"]) == {"Acme", "Globex", "Initech"}
    for brand in ("Acme", "Initech"):
        done = _export("--brand", brand)
        assert done.exit_code == 0, done.output
        folder = workdir / "data" / "reports" / f"{WEEK}-{brand.lower()}"
        assert f"written to data/reports/{WEEK}-{brand.lower()}" in done.output
        mine = pd.read_csv(folder / "mentions.csv", encoding="utf-8-sig")
        assert set(mine["brand"]) == {brand} and len(mine) == (rows["brand"] == brand).sum()
    assert _files(full) == before
    assert sorted(p.name for p in (workdir / "data" / "reports").iterdir()) == [
        WEEK,
        f"{WEEK}-acme",
        f"{WEEK}-initech",
    ]  # no temporary folders left behind
    assert export.brand_slug("Acme Corp. (EU)") == "acme-corp-eu" and export.brand_slug("***") == "brand"


def test_an_existing_report_is_replaced_only_by_a_complete_one(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _export().exit_code == 0
    folder = workdir / "data" / "reports" / WEEK
    before = _files(folder)
    real = Path.write_bytes

    def disk_full_at_summary(path: Path, data: bytes) -> int:
        if path.name == "summary.csv":
            raise OSError(28, "No space left on device", str(path))
        return real(path, data)

    monkeypatch.setattr(Path, "write_bytes", disk_full_at_summary)
    done = _export()
    assert done.exit_code == 2 and "cannot write the report: No space left on device" in done.output
    monkeypatch.setattr(Path, "write_bytes", real)
    assert _files(folder) == before  # the old report, whole
    assert [p.name for p in (workdir / "data" / "reports").iterdir()] == [WEEK]  # the half-written one is gone
    engine = make_engine(f"sqlite:///{workdir / 'monitor.db'}")
    later = export.export_week(engine, load_config(None), WEEK, now=FIXED_NOW + timedelta(days=30))
    engine.dispose()
    assert export.is_complete(folder) and _files(folder) != before  # a complete report does replace it
    assert later.out_dir.resolve() == folder


def test_brands_are_matched_exactly_and_as_the_config_names_them(workdir: Path) -> None:
    wrong_case = _export("--brand", "acme")
    assert wrong_case.exit_code == 2
    assert "unknown brand 'acme': did you mean 'Acme'? configured brands are Acme, Globex, Initech" in (
        wrong_case.output
    )
    # the team's own config names other brands than the demo rows in the store (the newcomer's case)
    (workdir / "monitor.toml").write_text(
        '[[brands]]\nname = "Globex"\nkeywords = ["globex"]\ncompetitors = ["Initech"]\n'
        '[[brands]]\nname = "Initech"\nkeywords = ["initech"]\n',
        encoding="utf-8",
    )
    refused = _export("--brand", "Acme")
    assert refused.exit_code == 2
    assert "unknown brand 'Acme': configured brands are Globex, Initech in monitor.toml" in refused.output
    plain = _export()
    assert plain.exit_code == 0, plain.output
    folder = workdir / "data" / "reports" / WEEK
    rows = pd.read_csv(folder / "mentions.csv", encoding="utf-8-sig")
    assert set(rows["brand"]) == {"Globex", "Initech"}  # no rows of a brand the config does not name
    summary = pd.read_csv(folder / "summary.csv", encoding="utf-8-sig")
    assert set(summary["brand"]) == {"Globex", "Initech"}
    notes = (folder / "notes.txt").read_text(encoding="utf-8")
    engine = make_engine(f"sqlite:///{workdir / 'monitor.db'}")
    _, start, end = report_weeks.parse_week(WEEK)
    acme = int((export.read_week(engine, start, end)["brand"] == "Acme").sum())
    engine.dispose()
    assert acme > 0
    assert f"- left out: mentions stored under brands the config does not name: Acme ({acme})" in notes


def test_the_default_week_is_the_last_full_one() -> None:
    wednesday = datetime(2026, 11, 18, 12, tzinfo=UTC)
    assert report_weeks.default_week(wednesday) == "2026-W46"
    assert report_weeks.default_week(datetime(2026, 11, 16, 0, 0, tzinfo=UTC)) == "2026-W46"  # Monday 00:00
    assert report_weeks.default_week(datetime(2026, 11, 15, 23, 59, tzinfo=UTC)) == "2026-W45"

    from ui import reports

    weeks = ["2026-W47", "2026-W46", "2026-W45"]
    assert reports.default_week(weeks, wednesday) == 1
    assert reports.default_week(["2026-W47", "2026-W44"], wednesday) == 1  # no mentions in W46: the one before
    assert reports.default_week(["2026-W47"], wednesday) == 0


def test_the_reports_page_opens_on_the_last_full_week_and_the_sidebar_brand(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui import reports

    monkeypatch.setattr(reports, "now", lambda: FIXED_NOW)  # a Wednesday in 2026-W47
    at = open_app()
    at.selectbox(key="filter_brand").set_value("Globex").run()
    at.switch_page("pages/reports.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="report_week").value == "2026-W46"
    assert at.selectbox(key="report_brand").value == "Globex"
    frame, summary, _ = export.week_frames(store.engine, load_config(None), "2026-W46", "Globex")
    shown = texts(at)
    assert f"**2026-W46** · {len(frame):,} mentions · {len(summary):,} summary rows" in shown
    assert "python cli.py export --week 2026-W46 --brand Globex" in shown
    at.selectbox(key="filter_brand").set_value("Initech").run()  # the page follows the sidebar
    assert at.selectbox(key="report_brand").value == "Initech"

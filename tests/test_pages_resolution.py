"""Resolution after a reply on the pages (AppTest on the seeded demo store): the Overview tile, the
Sentiment page's Responses section, and the Reply queue's follow-up, outcome and override. Expected
figures come from plain SQL and the demo's own follow-up texts, not from the code under test."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from store import queue
from tests import test_app_support as support
from tests.conftest import FIXED_NOW
from tests.test_app_support import Store, chart, in_range, metric, open_app, table, texts, values
from tests.test_resolution import _template_outcomes

seeded_db = support.seeded_db
store = support.store
#: the dashboard's "now": a day after the demo's last post, so the newest conversations are still pending.
NOW = FIXED_NOW + timedelta(days=1)


@pytest.fixture(autouse=True)
def fixed_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import context

    monkeypatch.setattr(context, "now_minute", lambda: NOW.isoformat())


def conversations(store: Store, start=None, end=None) -> pd.DataFrame:
    """Answered Acme mentions in range with the demo follow-up's text (plain SQL: the demo's follow-ups
    answer the brand's reply), the outcome their author meant, and whether the window is still open."""
    found = store.frame(
        "SELECT m.id, m.platform, s.responded_by, s.first_response_at, "
        "(SELECT f.text FROM mentions f WHERE f.platform = m.platform AND f.parent_id = s.response_post_id "
        " AND f.author_handle = m.author_handle AND f.is_own = 0 ORDER BY f.created_at LIMIT 1) AS follow_up "
        "FROM mentions m JOIN mention_state s ON s.mention_id = m.id WHERE m.brand = 'Acme' AND m.is_own = 0 "
        "AND s.first_response_at IS NOT NULL AND m.created_at >= :start AND m.created_at < :end",
        **(in_range(start, end) if start else in_range()),
    )
    meant = found["follow_up"].map(_template_outcomes())
    responded = pd.to_datetime(found["first_response_at"], utc=True, format="ISO8601")
    still_open = responded + pd.Timedelta(days=7) > pd.Timestamp(NOW)
    found["outcome"] = meant.where(found["follow_up"].notna(), still_open.map({True: "pending", False: "no_follow_up"}))
    return found


def rate(found: pd.DataFrame) -> float:
    counts = found["outcome"].value_counts()
    known = counts.get("resolved", 0) + counts.get("unresolved", 0) + counts.get("no_follow_up", 0)
    return counts.get("resolved", 0) / known


def test_overview_tile_resolved_after_reply(store: Store) -> None:
    found = conversations(store)
    assert found["follow_up"].notna().sum() > 20 and (found["outcome"] == "pending").sum() > 0
    at = open_app()
    tile = metric(at, "Resolved after reply")
    assert tile.value == f"{rate(found):.0%}"
    before = conversations(store, support.FIRST_DAY - timedelta(days=30), support.FIRST_DAY - timedelta(days=1))
    change = (rate(found) - rate(before)) * 100
    assert tile.delta == f"{change:+.1f} pp"
    counts = found["outcome"].value_counts()
    assert f"Of {len(found):,} answered conversations: {counts['resolved']:,} resolved" in tile.help
    assert f"{counts['pending']:,} pending" in tile.help
    assert metric(at, "Sentiment shift after reply").value.startswith(("+", "-"))


def test_sentiment_page_responses_section(store: Store) -> None:
    found = conversations(store)
    at = open_app("sentiment")
    assert "Responses: what became of the conversations the brand answered" in texts(at)
    over_time = chart(at, "Answered conversations per day by outcome")
    by_outcome = {t["name"]: int(values(t["y"]).sum()) for t in over_time["data"]}
    expected = found["outcome"].map({"no_follow_up": "no follow-up"}).fillna(found["outcome"]).value_counts()
    assert by_outcome == {k: int(expected.get(k, 0)) for k in ("resolved", "unresolved", "no follow-up", "pending")}
    platforms = chart(at, "Outcomes by platform")
    resolved = next(t for t in platforms["data"] if t["name"] == "resolved")
    per_platform = found[found["outcome"] == "resolved"].groupby("platform").size()
    shown = dict(zip(resolved["x"], values(resolved["y"]).astype(int), strict=True))
    assert {k: v for k, v in shown.items() if v} == per_platform.to_dict()
    responders = table(at, "Responder", "Answered")
    assert dict(zip(responders["Responder"], responders["Answered"], strict=True)) == (
        found.groupby("responded_by").size().to_dict()
    )
    chart(at, "Outcomes by responder")


def _follow_up_case(store: Store) -> pd.Series:
    """A flagged Acme mention the brand answered whose author thanked it, in the shown range."""
    found = conversations(store)
    flagged = store.frame("SELECT id FROM mentions WHERE needs_reply = 1")["id"]
    thanked = found[found["id"].isin(flagged) & found["follow_up"].fillna("").str.contains("hank")]
    assert len(thanked) > 0
    return thanked.iloc[0]


def test_queue_shows_the_follow_up_and_a_manager_sets_the_outcome(store: Store) -> None:
    case = _follow_up_case(store)
    mention_id = int(case["id"])
    day = store.frame("SELECT created_at FROM mentions WHERE id = :m", m=mention_id)["created_at"].iloc[0]
    day = pd.Timestamp(day).date()
    at = open_app("queue")
    at.sidebar.date_input(key="filter_dates").set_value((day, day)).run()
    at.multiselect(key="queue_platforms").set_value([case["platform"]]).run()
    at.multiselect(key="queue_statuses").set_value(["replied"]).run()
    at.selectbox(key="queue_pick").set_value(mention_id).run()
    assert not at.exception
    shown = texts(at)
    assert "**After the reply:** resolved" in shown
    assert case["follow_up"] in shown
    with store.engine.connect() as conn:
        version = queue.mention_with_state(conn, mention_id)["version"]
    at.button_group(key=f"outcome_{mention_id}_{version}").set_value("unresolved").run()
    at.button(key=f"save_outcome_{mention_id}_{version}").click().run()
    assert not at.exception
    with store.engine.connect() as conn:
        saved = queue.mention_with_state(conn, mention_id)
    assert saved["outcome_override"] == "unresolved" and saved["outcome_by"] == "Ann"
    shown = texts(at)
    assert "Outcome set to unresolved" in shown
    assert "**After the reply:** unresolved (set by Ann" in shown and "computed: resolved)" in shown
    assert "Ann set the outcome to unresolved" in shown  # the history line
    # the Overview counts the manager's outcome
    found = conversations(store)
    found.loc[found["id"] == mention_id, "outcome"] = "unresolved"
    at.sidebar.date_input(key="filter_dates").set_value((support.FIRST_DAY, support.LAST_DAY)).run()
    at.switch_page("pages/overview.py").run()
    assert metric(at, "Resolved after reply").value == f"{rate(found):.0%}"


def test_a_viewer_cannot_set_an_outcome(store: Store) -> None:
    case = _follow_up_case(store)
    mention_id = int(case["id"])
    day = pd.Timestamp(store.frame("SELECT created_at FROM mentions WHERE id = :m", m=mention_id)["created_at"].iloc[0])
    at = open_app("queue", user="Vic", role="viewer")
    at.sidebar.date_input(key="filter_dates").set_value((day.date(), day.date())).run()
    at.multiselect(key="queue_platforms").set_value([case["platform"]]).run()
    at.multiselect(key="queue_statuses").set_value(["replied"]).run()
    at.selectbox(key="queue_pick").set_value(mention_id).run()
    with store.engine.connect() as conn:
        version = queue.mention_with_state(conn, mention_id)["version"]
    assert at.button(key=f"save_outcome_{mention_id}_{version}").disabled
    assert at.button_group(key=f"outcome_{mention_id}_{version}").disabled

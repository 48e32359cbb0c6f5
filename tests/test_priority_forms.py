"""FORMULAS["priority"] exists twice: in numpy (analysis.flags, the numbers shown) and in SQL
(store.queue, the ORDER BY that picks a page). Both read analysis.formulas' constants; this
checks they give the same numbers on the same rows, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, select

from analysis import flags, formulas
from config import load_config
from pipeline.seed import seed_demo
from store import queue
from store.schema import mention_state, mentions
from tests.conftest import FIXED_NOW

#: the brand's own SLA, and none (the default applies).
SLAS: tuple[dict[str, float], ...] = ({"Acme": 2.0, "Globex": 6.5}, {})


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_demo(engine, load_config(None), mentions=600, days=20, end=FIXED_NOW)
    return engine


def both_forms(engine: Engine, now: datetime, sla: dict[str, float]) -> pd.DataFrame:
    m, s = mentions, mention_state
    with engine.connect() as conn:
        query = (
            select(
                m.c.id,
                m.c.brand,
                m.c.created_at,
                m.c.priority_base,
                m.c.flag_signals,
                s.c.first_response_at,
                queue._priority_order(conn, now, sla).label("sql"),
            )
            .select_from(m.outerjoin(s, s.c.mention_id == m.c.id))
            .where(m.c.needs_reply.is_(True))
        )
        rows = pd.DataFrame(conn.execute(query).mappings().all())
    rows["created_at"] = pd.to_datetime(rows["created_at"], utc=True, format="ISO8601")
    rows["first_response_at"] = pd.to_datetime(rows["first_response_at"], utc=True, format="ISO8601")
    rows["sla_hours"] = rows["brand"].map(sla).astype(float)
    return rows


#: "now" in the middle of the data (rows posted later wait 0 h), and just after it.
NOWS = (FIXED_NOW - timedelta(days=10, hours=3, minutes=17), FIXED_NOW + timedelta(hours=1))


def test_sql_and_numpy_priority_agree(seeded: Engine) -> None:
    seen = {"within": False, "breached": False, "answered": False, "default sla": False}
    for now, hours in [(now, hours) for now in NOWS for hours in SLAS]:
        rows = both_forms(seeded, now, hours)
        assert len(rows) > 50
        answered = rows["first_response_at"].notna().to_numpy()

        # the unrounded numbers: the SQL expression against analysis.flags.wait_points
        waited = ((pd.Timestamp(now) - rows["created_at"]).dt.total_seconds() / 3600).to_numpy(dtype=float)
        waited = np.maximum(waited, 0.0)
        sla = flags.effective_sla(rows["sla_hours"].to_numpy(dtype=float))
        base = rows["priority_base"].to_numpy(dtype=float)
        numpy_form = np.where(answered, base, base + flags.wait_points(waited, sla))
        assert np.allclose(rows["sql"].to_numpy(dtype=float), numpy_form, atol=1e-3)

        # the shown priority is the SQL number rounded and capped, row for row
        shown = flags.queue_priority(rows, pd.Timestamp(now))["priority"].to_numpy()
        unrounded = rows["sql"].to_numpy(dtype=float)
        clear = np.abs(unrounded % 1 - 0.5) > 1e-3  # a half exactly may round either way in floating point
        expected = np.clip(np.floor(unrounded + 0.5), 0, formulas.PRIORITY_MAX)
        assert (shown[clear] == expected[clear]).all()

        seen["within"] |= bool((~answered & (waited <= sla)).any())
        seen["breached"] |= bool((~answered & (waited > sla)).any())
        seen["answered"] |= bool(answered.any())
        seen["default sla"] |= bool((sla == formulas.DEFAULT_SLA_HOURS).any())
    assert all(seen.values()), seen

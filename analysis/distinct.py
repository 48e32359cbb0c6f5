"""Compute once per distinct value: mentions repeat text a lot (reposts, templates, bots)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd

T = TypeVar("T", pd.Series, pd.DataFrame)


def per_distinct(values: Any, fn: Callable[[Any], T]) -> T:
    """`fn(values)` computed on the distinct values (or rows) only, spread back to every row.

    `fn` must be row-wise: each output row depends only on the same input row. The result has
    `values`' index; missing values count as a value of their own.
    """
    frame = values.to_frame() if isinstance(values, pd.Series) else values
    if frame.empty:
        return fn(values)
    codes = frame.groupby(list(frame.columns), sort=False, dropna=False).ngroup().to_numpy()
    first = pd.Series(codes).duplicated().to_numpy()
    distinct = values[~first]  # in code order: ngroup numbers groups by first appearance
    result = fn(distinct)
    spread = result.iloc[codes]
    return spread.set_axis(values.index)

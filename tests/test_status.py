"""Hazard and issue status as of a date (functions.md, "Formulas")."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xl_addin.core.errors import CalcError
from xl_addin.core.status import hazard_status, issue_status

D = dt.date
DEADLINE = D(2020, 3, 1)
days = st.dates(D(2019, 1, 1), D(2022, 12, 31))


@pytest.mark.parametrize(("deadline", "done", "verdict", "as_of", "expected"), [
    (DEADLINE, None, None, D(2020, 2, 15), "整改中"),
    (DEADLINE, None, None, DEADLINE, "整改中"),            # the deadline day is not overdue
    (DEADLINE, None, None, D(2020, 3, 2), "逾期未整改"),     # the next day is
    (D(2020, 2, 29), None, None, D(2020, 3, 1), "逾期未整改"),
    (None, None, None, D(2030, 1, 1), "整改中"),             # no deadline: never overdue
    (DEADLINE, D(2020, 3, 5), None, D(2020, 3, 9), "待复查"),  # fixed late, awaiting review
    (DEADLINE, None, "合格", D(2020, 4, 1), "已销号"),
    (DEADLINE, D(2020, 2, 20), "合格", D(2020, 2, 21), "已销号"),
    (DEADLINE, D(2020, 2, 20), "不合格", D(2020, 4, 1), "复查不合格"),
    (DEADLINE, None, "", D(2020, 3, 2), "逾期未整改"),
])
def test_hazard_status(deadline, done, verdict, as_of, expected):
    assert hazard_status(deadline, done, verdict, as_of) == expected


def test_hazard_unknown_verdict():
    with pytest.raises(CalcError) as info:
        hazard_status(DEADLINE, None, "基本合格", DEADLINE)
    assert info.value.code == "verdict"


@given(days, days)
def test_hazard_overdue_exactly_after_the_deadline(deadline, as_of):
    expected = "逾期未整改" if (as_of - deadline).days >= 1 else "整改中"
    assert hazard_status(deadline, None, None, as_of) == expected


@given(days, days, days, st.sampled_from(["合格", "不合格"]))
def test_hazard_verdict_wins(deadline, done, as_of, verdict):
    expected = {"合格": "已销号", "不合格": "复查不合格"}[verdict]
    assert hazard_status(deadline, done, verdict, as_of) == expected


RAISED = D(2020, 2, 3)


@pytest.mark.parametrize(("deadline", "closed", "as_of", "expected"), [
    (D(2020, 2, 10), RAISED, D(2020, 2, 3), "当日办结"),
    (D(2020, 2, 10), RAISED, D(2020, 5, 1), "当日办结"),
    (None, RAISED, D(2020, 5, 1), "当日办结"),
    (D(2020, 2, 10), D(2020, 2, 4), D(2020, 2, 5), "已办结"),
    (D(2020, 2, 10), D(2020, 2, 20), D(2020, 3, 1), "已办结"),   # closed late is still closed
    (D(2020, 2, 10), None, D(2020, 2, 10), "办理中"),            # deadline day: not yet late
    (D(2020, 2, 10), None, D(2020, 2, 11), "逾期"),
    (None, None, D(2030, 1, 1), "办理中"),
])
def test_issue_status(deadline, closed, as_of, expected):
    assert issue_status(RAISED, deadline, closed, as_of) == expected


@given(days, days)
def test_issue_closed_on_the_raised_date_is_same_day(raised, as_of):
    assert issue_status(raised, None, raised, as_of) == "当日办结"
    later = raised + dt.timedelta(days=1)
    assert issue_status(raised, None, later, as_of) == "已办结"

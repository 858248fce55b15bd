"""Hazard and issue status as of a date (functions.md, "Formulas")."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from .errors import CalcError


class HazardStatus(StrEnum):
    IN_PROGRESS = "整改中"
    OVERDUE = "逾期未整改"
    AWAITING_REVIEW = "待复查"
    FAILED_REVIEW = "复查不合格"
    CLOSED = "已销号"


class IssueStatus(StrEnum):
    SAME_DAY = "当日办结"
    CLOSED = "已办结"
    IN_PROGRESS = "办理中"
    OVERDUE = "逾期"


VERDICT_PASS = "合格"
VERDICT_FAIL = "不合格"


def hazard_status(deadline: dt.date | None, done: dt.date | None, verdict: str | None,
                  as_of: dt.date) -> HazardStatus:
    """The status of a hazard: the review verdict first, then the fix, then the deadline.

    On the deadline day itself a hazard is not yet overdue.
    """
    if verdict:
        if verdict == VERDICT_PASS:
            return HazardStatus.CLOSED
        if verdict == VERDICT_FAIL:
            return HazardStatus.FAILED_REVIEW
        raise CalcError("verdict", value=verdict)
    if done is not None:
        return HazardStatus.AWAITING_REVIEW
    if deadline is not None and as_of > deadline:
        return HazardStatus.OVERDUE
    return HazardStatus.IN_PROGRESS


def issue_status(raised: dt.date, deadline: dt.date | None, closed: dt.date | None,
                 as_of: dt.date) -> IssueStatus:
    """The status of an issue raised on ``raised``."""
    if closed is not None:
        return IssueStatus.SAME_DAY if closed == raised else IssueStatus.CLOSED
    if deadline is not None and as_of > deadline:
        return IssueStatus.OVERDUE
    return IssueStatus.IN_PROGRESS

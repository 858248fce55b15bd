"""Habits of the area 'sheets' (see __init__.py)."""

from __future__ import annotations

from . import Habit

HABITS: list[Habit] = []

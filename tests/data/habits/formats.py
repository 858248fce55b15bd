"""Habits of the area 'formats' (see __init__.py)."""

from __future__ import annotations

from . import Habit

HABITS: list[Habit] = []

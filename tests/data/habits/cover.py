"""Habits of the area 'cover' (see __init__.py)."""

from __future__ import annotations

from . import Habit

HABITS: list[Habit] = []

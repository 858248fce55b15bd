"""The look shared by every workbook the tool writes (template, 填报说明, county summary)."""

from __future__ import annotations

from openpyxl.styles import Font, PatternFill

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(bold=True)

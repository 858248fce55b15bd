"""The one table of the ribbon tab 复工复产: its groups and buttons, each defined once.

It feeds the three places that must agree: the ribbon XML (``ribbon_xml.tab_xml`` writes
the tab from it into the template ``addin/customUI14.xml``), the VBA callback every button
calls (``ON_ACTION``, a Sub of ``addin/vba/FgfcRibbon.bas`` that passes the clicked
button's id to Python) and the Python dispatcher (``xl_addin.ribbon.BUTTONS`` maps each id
to the function named by ``handler``). Labels and tips are message codes of
``xl_addin.core.messages``; the ribbon is built in Chinese.

This module imports nothing beyond the standard library, so ``xl_addin.ribbon`` imports it
without the build's dependencies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# The VBA callback of every button: module FgfcRibbon, Sub FgfcOnAction(control As Object).
ON_ACTION = "FgfcRibbon.FgfcOnAction"


@dataclass(frozen=True)
class Button:
    """One button. ``label`` and ``tip`` are message codes (the label is also the
    screentip, the tip the supertip); ``image_mso`` is one of Office's built-in images;
    ``handler`` names the function of ``xl_addin.ribbon`` that does the work."""

    id: str
    label: str
    tip: str
    image_mso: str
    handler: str
    size: Literal["normal", "large"] = "large"


@dataclass(frozen=True)
class Group:
    id: str
    label: str  # message code
    buttons: tuple[Button, ...]


@dataclass(frozen=True)
class Tab:
    id: str
    label: str  # message code
    groups: tuple[Group, ...]


TAB = Tab("fgfcTab", "ribbon_tab", (
    Group("fgfcCheckGroup", "ribbon_group_check", (
        Button("fgValidate", "ribbon_validate", "ribbon_validate_tip", "DataValidation",
               "on_validate"),
        Button("fgClear", "ribbon_clear", "ribbon_clear_tip", "ClearFormats", "on_clear"),
    )),
    Group("fgfcReportGroup", "ribbon_group_report", (
        Button("fgNewReport", "ribbon_new_report", "ribbon_new_report_tip", "FileNew",
               "on_new_report"),
        Button("fgSummary", "ribbon_summary", "ribbon_summary_tip", "AutoSum", "on_summary"),
    )),
    Group("fgfcHelpGroup", "ribbon_group_help", (
        Button("fgHelp", "ribbon_help", "ribbon_help_tip", "FunctionWizard", "on_help"),
    )),
))

BUTTONS: tuple[Button, ...] = tuple(b for group in TAB.groups for b in group.buttons)

__all__ = ["BUTTONS", "ON_ACTION", "TAB", "Button", "Group", "Tab"]

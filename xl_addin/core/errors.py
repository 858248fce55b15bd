"""The one exception type of the calculation core."""

from __future__ import annotations

from ..messages import Lang, text


class CalcError(ValueError):
    """A bad argument to a calculation, carrying a message code and parameters.

    Cell functions turn it into ``#值错误: <message>``; the validator turns it
    into a finding at the cell the argument came from.
    """

    def __init__(self, code: str, /, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(text(code, "en", **params))

    def message(self, lang: Lang = "zh") -> str:
        return text(self.code, lang, **self.params)

    def cell_text(self, lang: Lang = "zh") -> str:
        """The short error text a cell shows, e.g. ``#值错误: 分母为0``."""
        return text("value_error", lang, detail=self.message(lang))

"""The one error family of the package.

Every error a clerk or a maintainer can act on is an ``XlAddinError``: a message code of
the catalog (``core.messages``) and its parameters, rendered in either language by
``message(lang)``; ``str()`` is the English text (for logs). Each layer has its own
subclass — ``CalcError`` (a bad argument to a calculation), ``PolicyError`` (a policy file),
``ReadError`` (a workbook that cannot be read), ``RibbonError``, ``AnnotateError``,
``BuildError`` — so a caller catches exactly what it can handle. Errors are picklable with
their code and parameters, so they cross from a worker process to the command's.
"""

from __future__ import annotations

from .messages import Lang, text


class XlAddinError(Exception):
    """An error with a message code and parameters."""

    def __init__(self, code: str, /, **params: object) -> None:
        self.code, self.params = code, params
        super().__init__(text(code, "en", **params))

    @property
    def rule(self) -> str:
        """The message code, under the name findings give it."""
        return self.code

    def message(self, lang: Lang = "zh") -> str:
        return text(self.code, lang, **self.params)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), self.code, self.params))


def _rebuild(kind: type[XlAddinError], code: str, params: dict[str, object]) -> XlAddinError:
    return kind(code, **params)


class CalcError(XlAddinError, ValueError):
    """A bad argument to a calculation.

    Cell functions turn it into ``#值错误: <message>``; the validator turns it
    into a finding at the cell the argument came from.
    """

    def cell_text(self, lang: Lang = "zh") -> str:
        """The short error text a cell shows, e.g. ``#值错误: 分母为0``."""
        return text("value_error", lang, detail=self.message(lang))

"""The build's error, a member of the package's one error family."""

from __future__ import annotations

from ..core.errors import XlAddinError


class BuildError(XlAddinError):
    """The add-in could not be built, or failed a structure check: message ``build_failed``
    with the problems one per line; ``problems`` lists them (English, for maintainers)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("build_failed", problems="\n".join(self.problems))

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.problems,))


__all__ = ["BuildError"]

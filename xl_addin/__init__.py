"""xl_addin: the standard township reporting workbook for 复工复产 campaigns.

The package is a library first: ``xl_addin.core`` holds the pure calculation
core; the schemas, reader, cell functions, ribbon callbacks and the CLI are thin
layers over it.
"""

from pathlib import Path

__version__ = "0.1.0"


def bundled(name: str) -> Path:
    """A data folder shipped with the package: ``<name>/`` at the repository root in a
    checkout, ``xl_addin/_<name>`` in a wheel (pyproject's force-include)."""
    here = Path(__file__).resolve().parent
    packaged = here / f"_{name}"
    return packaged if packaged.is_dir() else here.parent / name

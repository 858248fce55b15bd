"""xl_addin: the standard township reporting workbook for 复工复产 campaigns.

The package is a library first: ``xl_addin.core`` holds the pure calculation
core; the schemas, reader, cell functions, ribbon callbacks and the CLI are thin
layers over it.
"""

__version__ = "0.1.0"

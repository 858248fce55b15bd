"""``xl-addin build-addin``: the Excel add-in built from the text sources in ``addin/``."""

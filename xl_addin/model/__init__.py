"""The shared vocabulary of every layer: the standard workbook's spec (loaded from
``schemas/``) and the ``Finding`` record."""

"""Reading a workbook: the guards before it is opened, the limits, the tolerant reader,
the markers for unusable cells and the coercion of raw values into typed columns."""

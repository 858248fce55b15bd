"""Pure-Python calculation core: no xlwings, no workbook I/O."""

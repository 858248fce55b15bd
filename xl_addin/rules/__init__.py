"""The rules of the standard workbook: what each checks, where it marks, its message."""

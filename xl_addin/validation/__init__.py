"""Running the rules: one workbook, a worker process's share, and the batch."""

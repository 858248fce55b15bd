"""The FG_ cell functions over the calculation core, and their help."""

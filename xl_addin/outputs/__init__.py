"""What the tool writes: reports, the county summary and its indicators, the template,
the marks of a validation and the annotated copy, all written atomically."""

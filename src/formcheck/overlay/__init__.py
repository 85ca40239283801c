"""overlay stage."""

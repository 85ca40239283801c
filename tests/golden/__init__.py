"""Golden outputs recorded before a restructuring, and the code that produces them."""

"""3D scenes: a posed human body on a roller from any camera place, with exact truth."""

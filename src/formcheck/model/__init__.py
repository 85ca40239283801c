"""Model stage helpers: finding, fetching and building the pose model bundle (no mediapipe)."""

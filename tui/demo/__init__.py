"""``--demo``: simulated agents writing a real session file through the real Manager."""

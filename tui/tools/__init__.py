"""Developer tools that are not part of the app: synthetic session files."""

"""Modal screens: confirmations, the cleanup dialog, help."""

"""Turning sessions into Rich ``Text`` for the widgets: never markup, always sanitized."""

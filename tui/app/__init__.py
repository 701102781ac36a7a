"""The Textual app: a live view of a session file, and edits through the Manager.

The app depends on :mod:`tui.session`; the library never imports it. The
view state in :mod:`tui.app.state` is plain Python too, so it is tested
without Textual.
"""

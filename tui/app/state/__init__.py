"""View state of the app in plain Python: the tree's rows, filters, marks."""

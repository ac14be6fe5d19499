"""The permission matrix: every URL pattern and API operation of the site, requested by every role, against one
world of two regions and two enterprises (world.py); the expected answers are one table (test_matrix.py), and
the rows each role sees in lists and pages are checked beyond status codes (test_leaks.py).

Like portal.urls, these tests stand above the apps (pyproject.toml lets them import every app).
"""

"""Hostile and careless input, generated (Hypothesis): every write endpoint of the site, API and pages, and every
parser of rows (returns, surveys, monitoring; from the API, forms and CSV/XLSX files) meets random and boundary
values, and answers a 4xx or succeeds, never a server error, and a refused request leaves the database as it was.

Like the permission matrix, whose world and table of routes it reuses, it stands above the apps."""

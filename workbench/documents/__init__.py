"""Documents: context builders, the Jinja environment for print, charts, and PDF rendering."""

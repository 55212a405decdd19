"""Papers that leave the register: Markdown for committees, CSV and JSON for other tools.

Pure functions from the read models in :mod:`bct_risk.services.papers` to text; nothing here
touches the database, Textual or Rich, so the CLI, the TUI preview and the tests share them.
"""

"""The register's domain: tables, scoring rules and errors. Pure Python: no Textual, no Rich."""

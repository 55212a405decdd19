"""Engines, sessions and migrations. Nothing here connects at import time."""

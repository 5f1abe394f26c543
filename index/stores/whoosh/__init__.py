"""The embedded backend: a Whoosh index on disk (the default; no server to run)."""

"""Session storage: the contract (base), SQLite, PostgreSQL and usage statistics."""

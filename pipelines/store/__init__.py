"""The store: open and migrate (db), schema, what it holds (catalog), retention."""

"""SOP documents: the format (front matter and items), edits, diffs, the procedure, and ``store.sops``."""

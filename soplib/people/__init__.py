"""Internalisation: the staff registry, acknowledgements, briefings, coverage."""

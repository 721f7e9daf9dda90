"""Outputs for people: redlines, prints, reports, the evidence pack."""

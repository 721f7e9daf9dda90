"""Audit: verification by replay, anchors, the record as of a date, blame, due reviews, reports."""

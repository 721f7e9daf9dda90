"""Authority: the office profile and who may do what (grants)."""

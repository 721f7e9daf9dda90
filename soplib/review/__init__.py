"""Review sessions: evaluate SOPs item by item (keep / remove / replace / add), evaluate, approve."""

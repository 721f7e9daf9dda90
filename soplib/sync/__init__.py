"""Many machines, one store: clone, remotes, sync (fetch, integrate, push) through plain git servers."""

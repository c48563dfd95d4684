"""Rate method 2: the modules behind workbench.engine.contract (import from there)."""

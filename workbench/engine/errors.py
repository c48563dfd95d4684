"""The engine's errors: a scenario that breaks the rules, and text that is not a scenario at all."""


class ScenarioError(ValueError):
    """A scenario, or a request about one, breaks the method's rules.

    Each entry of ``errors`` reads ``"<dotted.path>: <rule>"``.
    """

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = list(errors)


class ScenarioFileError(ValueError):
    """Text that is not a YAML or JSON mapping; ``str()`` is one line."""

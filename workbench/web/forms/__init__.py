"""Flask-WTF forms, one module per resource: they validate, the services save."""

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """Turn (value, label) pairs into the choice objects WTForms 3.3 expects."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]

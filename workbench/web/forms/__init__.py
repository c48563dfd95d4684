"""Flask-WTF forms, one module per resource: they validate, the services save."""

from collections.abc import Iterable

from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import HiddenInput


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """Turn (value, label) pairs into the choice objects WTForms 3.3 expects."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


class WorkbenchForm(FlaskForm):
    """The base of every form: Flask-WTF's, with CSRF, rendering its hidden fields without ids.

    A page often holds several forms (an offer, a meeting, a response per row), and each would
    otherwise repeat `id="csrf_token"`; ids must be unique for labels, anchors and screen readers.
    """

    def hidden_tag(self, *fields) -> Markup:
        hidden = [field for field in (fields or self) if isinstance(field.widget, HiddenInput)]
        return Markup("\n".join(field(id=False) for field in hidden))  # nosec B704 # WTForms' rendered hidden inputs, escaped by it

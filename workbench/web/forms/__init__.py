"""Flask-WTF forms, one module per resource: they validate, the services save."""

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import HiddenInput
from wtforms.widgets import core as widgets_core
from wtforms.widgets.core import clean_key


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


def html_attributes(**attributes: Any) -> Markup:
    """Write HTML attributes as WTForms' `html_params` does, at a fraction of its cost.

    The same output: sorted by name, `class_` as `class`, `data_`/`aria_` underscores as hyphens,
    True as a bare attribute, False left out, every value escaped (quotes included). WTForms
    formats each attribute through `Markup.format`; the scenario editor's 72 inputs spent half
    of the page's time there (benchmarks/load.py). tests/web/test_form_attributes.py holds the
    two to the same output, so a WTForms upgrade that changes its own is noticed.
    """
    written = []
    for name, value in sorted(attributes.items()):
        if value is True:
            written.append(clean_key(name))
        elif value is not False:
            written.append(f'{clean_key(name)}="{escape(value)}"')
    return Markup(" ".join(written))  # nosec B704 # every value escaped above


WTFORMS_HTML_PARAMS = widgets_core.html_params
# Every WTForms widget (inputs, selects, options) writes its attributes with html_attributes:
# the widgets look `html_params` up in their module when they render.
widgets_core.html_params = html_attributes
widgets_core.Input.html_params = staticmethod(html_attributes)

"""The forms' attribute writer says exactly what WTForms' own would, and the widgets use it."""

import pytest
from wtforms import Form, SelectField, StringField
from wtforms.widgets import core

from workbench.web.forms import WTFORMS_HTML_PARAMS, choices, html_attributes

CASES = [
    {"id": "program-caseload_per_fte", "name": "program-caseload_per_fte", "value": "70"},
    {"value": '"><script>alert(1)</script>', "title": "it's & <b>"},
    {"class_": "wide", "for_": "x", "data_fills": "", "aria_invalid": "true"},
    {"autofocus": True, "disabled": False, "required": True, "aria_describedby": "x-help"},
    {"value": 3, "max": 0, "step": None},
    {"hx-post": "/scenarios/preview", "hx-trigger": "change", "data-x_y": "1"},
    {},
]


@pytest.mark.parametrize("attributes", CASES)
def test_the_writer_says_what_wtforms_says(attributes):
    assert str(html_attributes(**attributes)) == str(WTFORMS_HTML_PARAMS(**attributes))


def test_every_widget_writes_with_it():
    class Sample(Form):
        name = StringField()
        model = SelectField(choices=choices([("ffs", 'Fee "for" service'), ("tcoc", "TCOC")]))

    form = Sample(data={"name": "<Riverside & Co>", "model": "tcoc"})

    assert core.html_params is html_attributes
    assert str(form.name(aria_describedby="name-help")) == (
        '<input aria-describedby="name-help" id="name" name="name" type="text" '
        'value="&lt;Riverside &amp; Co&gt;">'
    )
    assert str(form.model()) == (
        '<select id="model" name="model">'
        '<option value="ffs">Fee &#34;for&#34; service</option>'
        '<option selected value="tcoc">TCOC</option></select>'
    )

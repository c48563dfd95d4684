"""The claims sizing forms: two uploaded files, or (administrators only) two paths on the server.

Both sit on the organization page, whose claims section is `#claims`: every field gets an id of
its own, so no input shares an id with the section or with the other form.
"""

from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from workbench.web.forms import WorkbenchForm

ACCEPTED = ".csv,.txt,.parquet"
PAYER_HELP = "Optional: size only this payer's rows (as its members file's payer column says)."


class PayerFilter:
    """The optional payer a sizing is limited to."""

    def payer_name(self) -> str | None:
        return (self.payer.data or "").strip() or None


class ClaimsUploadForm(PayerFilter, WorkbenchForm):
    members = FileField(
        id="upload-members",
        label="Members file (eligibility)",
        validators=[FileRequired("Choose the members file (CSV or Parquet).")],
        description="One row per member-month: member_id, payer, month. CSV or Parquet.",
        render_kw={"accept": ACCEPTED},
    )
    claims = FileField(
        id="upload-claims",
        label="Claims file",
        validators=[FileRequired("Choose the claims file (CSV or Parquet).")],
        description="Claim lines: claim_id, member_id, payer, service_date, setting, "
        "allowed_amount, dx_codes. CSV or Parquet.",
        render_kw={"accept": ACCEPTED},
    )
    payer = StringField(
        "Payer name",
        id="upload-payer",
        validators=[Optional(), Length(max=200)],
        description=PAYER_HELP,
    )


class ClaimsPathsForm(PayerFilter, WorkbenchForm):
    """Files already on the server (too large to upload); an administrator's choice only."""

    members_path = StringField(
        "Members file on the server",
        validators=[DataRequired("Give the members file's path.")],
        description="A file in the server's claims folder (WORKBENCH_CLAIMS_SERVER_DIR), "
        "e.g. 2024/members.parquet.",
    )
    claims_path = StringField(
        "Claims file on the server",
        validators=[DataRequired("Give the claims file's path.")],
        description="A file in the same folder. Files given this way are read, never deleted.",
    )
    payer = StringField(
        "Payer name",
        id="server-payer",
        validators=[Optional(), Length(max=200)],
        description=PAYER_HELP,
    )

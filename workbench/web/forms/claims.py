"""The claims sizing forms: two uploaded files, or (administrators only) two paths on the server."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

ACCEPTED = ".csv,.txt,.parquet"
PAYER_HELP = "Optional: size only this payer's rows (as its members file's payer column says)."


class ClaimsUploadForm(FlaskForm):
    members = FileField(
        "Members file (eligibility)",
        validators=[FileRequired("Choose the members file (CSV or Parquet).")],
        description="One row per member-month: member_id, payer, month. CSV or Parquet.",
        render_kw={"accept": ACCEPTED},
    )
    claims = FileField(
        "Claims file",
        validators=[FileRequired("Choose the claims file (CSV or Parquet).")],
        description="Claim lines: claim_id, member_id, payer, service_date, setting, "
        "allowed_amount, dx_codes. CSV or Parquet.",
        render_kw={"accept": ACCEPTED},
    )
    payer = StringField(
        "Payer name", validators=[Optional(), Length(max=200)], description=PAYER_HELP
    )

    def payer_name(self) -> str | None:
        return (self.payer.data or "").strip() or None


class ClaimsPathsForm(FlaskForm):
    """Files already on the server (too large to upload); an administrator's choice only."""

    members_path = StringField(
        "Members file on the server",
        validators=[DataRequired("Give the members file's full path.")],
        description="A full path, e.g. /data/extracts/members.parquet.",
    )
    claims_path = StringField(
        "Claims file on the server",
        validators=[DataRequired("Give the claims file's full path.")],
        description="A full path. Files given this way are read, never deleted.",
    )
    payer = StringField(
        "Payer name", validators=[Optional(), Length(max=200)], description=PAYER_HELP
    )

    def payer_name(self) -> str | None:
        return (self.payer.data or "").strip() or None

"""Forms for signing in, changing a password and managing accounts."""

from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from workbench.models.enums import Role
from workbench.services.accounts import MAX_PASSWORD_LENGTH
from workbench.web.forms import WorkbenchForm, choices
from workbench.web.time_zones import zone_names

ROLE_CHOICES = choices(
    (role.value, role.label) for role in (Role.LEAD, Role.EXECUTIVE, Role.VIEWER, Role.ADMIN)
)


class LoginForm(WorkbenchForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


class PasswordChangeForm(WorkbenchForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField(
        "New password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )


class UserCreateForm(WorkbenchForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=320)])
    name = StringField("Name", validators=[Length(max=200)])
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.LEAD.value)
    password = PasswordField(
        "Initial password",
        validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
        description="12 to 64 characters, hard to guess; a passphrase is best. Tell the person; "
        "they can change it after signing in.",
    )


class UserUpdateForm(WorkbenchForm):
    role = SelectField("Role", choices=ROLE_CHOICES)
    active = BooleanField("Account enabled")


class TimeZoneForm(WorkbenchForm):
    time_zone = SelectField(
        "Your time zone",
        description="Meeting times are typed and shown in it; they are stored in UTC.",
    )

    def __init__(self, server_zone: str, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone.choices = choices(
            [("", f"The server's ({server_zone})"), *((name, name) for name in zone_names())]
        )

"""Forms for signing in, changing a password and managing accounts."""

from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from workbench.models.enums import Role
from workbench.services.accounts import MAX_PASSWORD_LENGTH
from workbench.web.forms import WorkbenchForm, choices

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

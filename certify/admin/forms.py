from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectMultipleField, StringField, SubmitField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from certify.auth.forms import EMAIL, TRIM

ROLE_CHOICES = [
    SelectChoice("candidate", "Candidate"),
    SelectChoice("assessor", "Assessor"),
    SelectChoice("admin", "Admin"),
]


class RoleField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CreateUserForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired("Enter a name."), Length(max=120)], filters=TRIM)
    email = EmailField("Email address", validators=EMAIL, filters=TRIM)
    roles = RoleField("Roles", choices=ROLE_CHOICES, validators=[DataRequired("Choose at least one role.")])
    submit = SubmitField("Create account and send set-password link")


class EditUserForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired("Enter a name."), Length(max=120)], filters=TRIM)
    roles = RoleField("Roles", choices=ROLE_CHOICES, validators=[DataRequired("Choose at least one role.")])
    active = BooleanField("Account is active (can sign in)")
    submit = SubmitField("Save changes")

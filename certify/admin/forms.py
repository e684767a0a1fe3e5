from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DecimalField,
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from certify.auth.forms import EMAIL, TRIM

ROLE_CHOICES = [
    SelectChoice("candidate", "Candidate"),
    SelectChoice("assessor", "Assessor"),
    SelectChoice("adjudicator", "Adjudicator (an assessor who decides disagreements)"),
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


class ImportBankForm(FlaskForm):
    file = FileField(
        "Bank file",
        validators=[
            FileRequired("Choose a file to import."),
            FileAllowed(
                ["yaml", "yml", "gift", "txt", "xml", "qti", "dat", "zip", "imscc"],
                "Use a bank file: GIFT or Aiken (.gift, .txt), Moodle XML or QTI (.xml, .qti), a QTI or "
                "Canvas package (.zip, .imscc), or Certify YAML.",
            ),
        ],
    )
    bank_id = StringField(
        "Bank id (files from other platforms)",
        validators=[
            Optional(),
            Length(max=64),
            Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", message="Use letters, digits, '.', '_' and '-'."),
        ],
        filters=TRIM,
    )
    title = StringField(
        "Bank title (files from other platforms)", validators=[Optional(), Length(max=200)], filters=TRIM
    )
    competency = SelectField("Competency for items whose category names none", choices=[], validate_choice=True)
    submit = SubmitField("Preview the import")


class AccommodationForm(FlaskForm):
    time_multiplier = DecimalField(
        "Time multiplier",
        places=2,
        validators=[
            InputRequired("Enter a multiplier, such as 1.25 or 1.5."),
            NumberRange(min=1, max=4, message="Enter a multiplier from 1 (standard time) to 4."),
        ],
    )
    notes = TextAreaField("Notes (the reason, and any other arrangements)", validators=[Length(max=2000)])
    submit = SubmitField("Save accommodation")

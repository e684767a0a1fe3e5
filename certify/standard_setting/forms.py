"""Forms for standard-setting studies (the panellists' rating form is built from the study's items)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length, Regexp

from certify.auth.forms import TRIM


class PanelField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CreateStudyForm(FlaskForm):
    assessment = SelectField("Assessment", coerce=int, validate_choice=True)
    title = StringField(
        "Study title", validators=[DataRequired("Give the study a title."), Length(max=200)], filters=TRIM
    )
    panel = PanelField(
        "Panellists",
        coerce=int,
        validators=[DataRequired("Invite at least one panellist.")],
        invalid_choice_message="Panellists must be active assessors, adjudicators or admins.",
    )
    item_refs = TextAreaField(
        "Items to rate (optional)", validators=[Length(max=5000, message="List fewer items.")], filters=TRIM
    )
    draw = StringField(
        "Number of items to draw (optional)",
        validators=[Regexp(r"^\d{0,4}$", message="Enter a whole number of items, such as 64, or leave it empty.")],
        filters=TRIM,
    )
    submit = SubmitField("Create the study and open round 1")


class AdoptForm(FlaskForm):
    confirm = BooleanField(
        "I confirm: adopt this cut score as a new version for new attempts",
        validators=[DataRequired("Tick the box to confirm the adoption.")],
    )
    submit = SubmitField("Adopt the cut score")

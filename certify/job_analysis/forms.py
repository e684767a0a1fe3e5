"""Forms for job-task analysis studies (the raters' rating form is built from the study's tasks)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length

from certify.auth.forms import TRIM
from certify.job_analysis.changes import MAX_STATEMENT


class RaterField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CreateStudyForm(FlaskForm):
    assessment = SelectField("Assessment", coerce=int, validate_choice=True)
    title = StringField(
        "Study title", validators=[DataRequired("Give the study a title."), Length(max=200)], filters=TRIM
    )
    submit = SubmitField("Create the study")


class TaskForm(FlaskForm):
    competency = SelectField("Competency", validate_choice=True)
    statement = TextAreaField(
        "Task",
        validators=[
            DataRequired("Describe the task in a sentence."),
            Length(max=MAX_STATEMENT, message=f"Keep the task under {MAX_STATEMENT} characters."),
        ],
        filters=TRIM,
    )
    submit = SubmitField("Add the task")


class InviteForm(FlaskForm):
    raters = RaterField(
        "Raters to invite",
        coerce=int,
        validators=[DataRequired("Choose at least one rater.")],
        invalid_choice_message="Raters must be active assessors, adjudicators or admins.",
    )
    submit = SubmitField("Invite")


class AdoptForm(FlaskForm):
    rationale = TextAreaField(
        "Rationale",
        validators=[DataRequired("Give a rationale for adopting this blueprint."), Length(max=2000)],
        filters=TRIM,
    )
    confirm = BooleanField(
        "I confirm: adopt this blueprint as a new version for new attempts",
        validators=[DataRequired("Tick the box to confirm the adoption.")],
    )
    submit = SubmitField("Adopt the blueprint")

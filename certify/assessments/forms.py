"""The review step's form: the decision, a comment, and the tick that the findings were read."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

from certify.auth.forms import TRIM

MAX_COMMENT = 2000


class ItemReviewForm(FlaskForm):
    action = RadioField(
        "Decision",
        validators=[DataRequired("Choose a decision.")],
        validate_choice=False,  # the service refuses a step that is not open, saying why
    )
    comment = TextAreaField(
        "Comment",
        validators=[Length(max=MAX_COMMENT, message=f"Keep the comment under {MAX_COMMENT} characters.")],
        filters=TRIM,
    )
    findings_seen = BooleanField("I have read the lint findings and the near-twins listed above")
    back = HiddenField(validators=[AnyOf(("item", "review"), message="Unknown page to return to.")], default="review")
    submit = SubmitField("Record the decision")

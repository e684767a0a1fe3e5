"""The assessments feature: banks, items and their versions, assessments and cut scores; its blueprint."""

from flask import Blueprint

bp = Blueprint("assessments", __name__, url_prefix="/exams")

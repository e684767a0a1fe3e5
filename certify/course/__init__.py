"""The MID course: modules, lessons, knowledge checks and progress; its blueprint."""

from flask import Blueprint

bp = Blueprint("course", __name__, url_prefix="/course")

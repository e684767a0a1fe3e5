"""Portfolio review: the rubric, allocations, reviews and their resolution; its blueprint."""

from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/review")

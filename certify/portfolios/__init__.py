"""Design portfolios: drafting, evidence, immutable submitted versions; its blueprint."""

from flask import Blueprint

bp = Blueprint("portfolios", __name__, url_prefix="/portfolio")

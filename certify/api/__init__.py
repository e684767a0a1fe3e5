"""The api feature (JSON under /api/v1): its blueprint; the exam runner's routes are in attempts.py, /me in views.py."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

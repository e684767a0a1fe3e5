"""The admin feature: its blueprint; routes live in views.py (overview, people, mail, audit) and *_views.py."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

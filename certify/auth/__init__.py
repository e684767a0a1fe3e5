"""The auth feature: its blueprint; routes live in views.py."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

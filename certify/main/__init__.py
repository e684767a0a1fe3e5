"""The main feature: its blueprint; routes live in views.py."""

from flask import Blueprint

bp = Blueprint("main", __name__)

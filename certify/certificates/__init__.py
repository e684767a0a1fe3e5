"""Certificates: eligibility decisions, issuing, PDFs, signed Open Badges 3.0 credentials and their lifecycle."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)

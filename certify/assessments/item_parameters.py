"""Calibrated item parameters as this feature reads them (to draw forms), provided by the feature that calibrates.

Calibration is the reports feature's work, and reports builds on this feature (attempts, items); reading
its stored calibrations from here would make the two import each other. So this module names what form
assembly needs, a function from an assessment to {item version id: ItemParameters}, and the reports feature
plugs its own in when its blueprint is registered on the app (`certify.reports.provide_item_parameters`).
An app without one, or an assessment never calibrated, draws forms at random within the blueprint.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Flask, current_app

from certify.assessments.models import Assessment
from certify.core.irt import ItemParameters

EXTENSION = "certify.item_parameters"
ParameterSource = Callable[[Assessment], Mapping[int, ItemParameters]]


def provide(app: Flask, source: ParameterSource) -> None:
    """Make `source` the app's reader of calibrated item parameters."""
    app.extensions[EXTENSION] = source


def calibrated_parameters(assessment: Assessment) -> Mapping[int, ItemParameters]:
    """The latest calibration's parameters of the assessment's item versions ({} when there is none)."""
    source: ParameterSource | None = current_app.extensions.get(EXTENSION)
    return {} if source is None else source(assessment)

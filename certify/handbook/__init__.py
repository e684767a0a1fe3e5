"""The candidate handbook: the certification programme's rules, generated from the live configuration.

Every figure it states (blueprint, weights, time, attempts, cooldown, pilots, the cut and how it was set,
the reporting scale, the decision's measured consistency, appeal window, validity, recertification)
is read from the assessments, standard setting, job analysis, reports and certificate settings the
platform runs on, so the handbook cannot drift from what the exam does.
"""

from certify.feature import FeatureBlueprint
from certify.security.rules import PUBLIC

bp = FeatureBlueprint("handbook", __name__, routes=("views",), access={"handbook": PUBLIC})

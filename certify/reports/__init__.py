"""Measurement reports: item and test analysis, assessor agreement, outcomes, cohorts, charts and exports."""

from flask.blueprints import BlueprintSetupState

from certify.feature import FeatureBlueprint
from certify.security.rules import ADMIN

admin_bp = FeatureBlueprint(
    "reports_admin",
    __name__,
    url_prefix="/admin",
    routes=("admin_views", "item_download_views", "agreement_views", "outcome_views", "dif_views"),
    access={
        # Assessor agreement and each assessor's statistics
        "agreement": ADMIN,
        "agreement_csv": ADMIN,
        "agreement_xlsx": ADMIN,
        "assessors": ADMIN,
        # Outcome dashboards and cohorts
        "outcomes": ADMIN,
        "outcomes_csv": ADMIN,
        "outcomes_xlsx": ADMIN,
        "cohorts": ADMIN,
        "cohort": ADMIN,
        # Item and test analysis
        "reports": ADMIN,
        "item_report": ADMIN,
        "refresh_report": ADMIN,
        "item_report_detail": ADMIN,
        "promote_item": ADMIN,
        "item_report_csv": ADMIN,
        "item_report_xlsx": ADMIN,
        # Differential item functioning
        "dif_report_page": ADMIN,
        "dif_report_csv": ADMIN,
    },
)


@admin_bp.record_once
def provide_item_parameters(state: BlueprintSetupState) -> None:
    """Form assembly (assessments) reads the latest calibration through the port it declares."""
    from certify.assessments.item_parameters import provide
    from certify.reports.calibration import latest_parameters

    provide(state.app, latest_parameters)

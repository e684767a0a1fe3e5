"""Everything that exists only for the demo: accounts, a finished course, portfolios in review,
certificates, a job-task analysis whose blueprint the MID exam adopts, an Angoff study and an
optional simulated cohort (`flask certify seed --demo [--simulate N]`).

The demo builds on the features' public services; no feature imports it.
"""

from __future__ import annotations

from certify.demo.accounts import DemoAccount, seed_demo_accounts
from certify.demo.certificates import seed_certificate_demo
from certify.demo.job_analysis import seed_job_analysis_demo
from certify.demo.review import seed_review_demo
from certify.demo.simulation import MAX_CANDIDATES, simulate
from certify.demo.standard_setting import seed_angoff_demo

__all__ = ["MAX_CANDIDATES", "DemoAccount", "seed_demo"]


def seed_demo(simulated: int | None) -> tuple[list[DemoAccount], list[str]]:
    """Add what the demo lacks; returns the accounts created (to show their passwords once) and report lines."""
    created = seed_demo_accounts()
    # In a certification body's order: the blueprint from the job-task analysis, then the Angoff panel on items
    # drawn by it (the certification exam opens to candidates only on its adopted cut), then the rest.
    report = [*seed_job_analysis_demo(), *seed_angoff_demo(), *seed_review_demo(), *seed_certificate_demo()]
    if simulated:
        report.extend(simulate(simulated))
    return created, report

"""Modified-Angoff standard setting: adopting round 2's cut as the assessment's next cut-score version.

How a study runs is told in `certify.standard_setting`'s docstring; callers import the module they need.
"""

from __future__ import annotations

from sqlalchemy import update

from certify.assessments.equating import equate_new_cut
from certify.assessments.models import CutScore
from certify.audit import services as audit
from certify.auth.models import User
from certify.core.standard_setting import MIN_PANEL, HofsteeResult
from certify.extensions import db
from certify.standard_setting.angoff_quality import precision_record
from certify.standard_setting.angoff_results import RoundResult, adoption_preview, results
from certify.standard_setting.angoff_study import METHOD, StudyError, assessment_of
from certify.standard_setting.models import AngoffStudy


def _number(value: float | None, places: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{places}f}"


def adopt(actor: User, study: AngoffStudy) -> CutScore:
    """Add round 2's cut as the assessment's next cut-score version (audited). Earlier attempts keep theirs."""
    if study.state == "adopted":
        raise StudyError("This study's cut score has already been adopted; a study is adopted once.")
    if study.state == "round1":
        raise StudyError("A cut is adopted from round 2: open round 2 and let the panel re-rate first.")
    summary = results(study)
    final = summary.rounds[1]
    preview = adoption_preview(study, final)
    if preview is None:
        raise StudyError("At least two panellists must complete round 2 before its cut can be adopted.")
    percent, version = preview
    # Claim the study first: of two admins adopting at once, only one changes its state.
    claimed = db.session.execute(
        update(AngoffStudy)
        .where(AngoffStudy.id == study.id, AngoffStudy.state.in_(("round2", "closed")))
        .values(state="adopted")
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        raise StudyError("This study's cut score has already been adopted; a study is adopted once.")
    db.session.refresh(study)
    assessment = assessment_of(study)
    current = assessment.cut_score
    angoff = final.angoff
    check = summary.hofstee
    rationale = _rationale(study, final, check, summary.judgements, percent)
    cut = CutScore(
        assessment=assessment,
        version=version,
        method=METHOD,
        percent=percent,
        rationale=rationale,
        panel={
            "study_id": study.id,
            "round": 2,
            "panellists": angoff.panel,
            "items": int(angoff.max_score),
            "cut_raw": angoff.cut,
            "cut_percent": angoff.cut_percent,
            "sd": angoff.sd,
            "se": angoff.se,
            "sd_percent": angoff.sd_percent,
            "se_percent": angoff.se_percent,
            "panellist_scores": dict(angoff.panellist_scores),
            # The cut's SE from the raters x items G study (the one to quote) and the D study
            "g_study": precision_record(final.precision),
            "ratings_vs_p": None
            if final.vs_p is None
            else {
                "r": final.vs_p.r,
                "items": final.vs_p.items,
                "items_with_first_attempt_p": final.vs_p.from_first,
                "responses": final.vs_p.responses,
                "reading": final.vs_p.reading,
            },
            "hofstee": None
            if check is None
            else {
                "judgements": summary.judgements,
                "min_cut": check.min_cut,
                "max_cut": check.max_cut,
                "min_fail": check.min_fail,
                "max_fail": check.max_fail,
                "cut": check.cut,
                "fail_rate": check.fail_rate,
                "angoff_fail_rate": check.angoff_fail_rate,
                "angoff_inside": check.angoff_inside,
            },
        },
        adopted_by_id=actor.id,
    )
    db.session.add(cut)
    db.session.flush()
    study.adopted_cut_score_id = cut.id
    rule = equate_new_cut(cut)  # each form's pass mark follows at once when the forms are equated
    db.session.flush()
    audit.record(
        actor,
        "cut_score.adopted",
        "assessment",
        assessment.slug,
        before={"version": current.version, "percent": current.percent, "method": current.method} if current else None,
        after={
            "version": cut.version,
            "percent": cut.percent,
            "method": METHOD,
            "study_id": study.id,
            "se_percent": angoff.se_percent,
            "se_raters_items_percent": final.precision.observed.se_percent if final.precision else None,
            "se_raters_only_percent": final.precision.observed.se_raters_only_percent if final.precision else None,
            "d_study": (precision_record(final.precision) or {}).get("d_study"),
            "ratings_vs_p_r": final.vs_p.r if final.vs_p else None,
            "equated": None if rule is None else {"theta_cut": rule.theta_cut, "calibration_id": rule.calibration_id},
        },
        note=rationale,  # the audit keeps its first 500 characters; the cut score keeps it whole
    )
    return cut


def _rationale(
    study: AngoffStudy, final: RoundResult, check: HofsteeResult | None, judgements: int, percent: float
) -> str:
    a = final.angoff
    parts = [
        f"Modified Angoff study #{study.id} “{study.title}”, round 2:"
        f" {a.panel} panellists rated {int(a.max_score)} items.",
        f"Cut {_number(a.cut)} of {int(a.max_score)} points ({_number(a.cut_percent)} %, adopted as {percent:.2f} %);"
        f" SD {_number(a.sd)} ({_number(a.sd_percent)} %), SE {_number(a.se)} ({_number(a.se_percent)} %).",
    ]
    g = final.precision
    if g is not None:
        o = g.observed
        parts.append(
            f"Raters x items G study: SE generalising over panellists and items {o.se:.2f} ({o.se_percent:.2f} %),"
            f" the one to quote; over panellists only {o.se_raters_only:.2f} ({o.se_raters_only_percent:.2f} %)."
            f" D study: with {g.added_items} more items rated the SE would be {g.more_items.se_percent:.2f} %;"
            f" with {g.added_raters} more panellists, {g.more_raters.se_percent:.2f} %."
        )
    if final.vs_p is not None:
        r = "n/a" if final.vs_p.r is None else f"{final.vs_p.r:.2f}"
        parts.append(f"Mean ratings vs observed p over {final.vs_p.items} items: r = {r}. {final.vs_p.reading}")
    if a.panel < MIN_PANEL:
        parts.append(f"The panel is below the recommended minimum of {MIN_PANEL}.")
    if check is None:
        parts.append("No Hofstee judgements were given.")
    else:
        where = (
            "no compromise inside the panel's box"
            if check.cut is None
            else f"compromise {check.cut:.1f} % (fail rate {_number(check.fail_rate, 1)} %)"
        )
        inside = {True: "inside", False: "outside", None: "not comparable with"}[check.angoff_inside]
        parts.append(
            f"Hofstee check from {judgements} panellist{'s' if judgements != 1 else ''}: {where};"
            f" the Angoff cut lies {inside} the acceptable box."
        )
    return " ".join(parts)

"""Assessment definitions: timing, attempts, prerequisites, blueprint, cut score, mastery."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from certify.core.banks import ID_PATTERN
from certify.core.items import BLOOM_LEVELS
from certify.core.source import Located, Problem, line_of

REVIEW_POLICIES = ("full", "competencies_only")
# certification: the exam that counts; practice: open rehearsal; diagnostic: a pre-test at the start of the
# course, for learning gain (one attempt, no pass or fail consequences).
KINDS = ("certification", "practice", "diagnostic")
CUT_SCORE_METHODS = ("informed_judgement", "modified_angoff", "hofstee", "contrasting_groups", "bookmark")
CERTIFICATION_PILOT_ITEMS = 10
# A pass mark set by judgement alone, with no standard-setting study behind it: a placeholder. A certification
# exam does not open to candidates on one (practice and diagnostic exams decide nothing, so they may).
PLACEHOLDER_CUT_METHODS = frozenset({"informed_judgement"})


def launch_blocker(kind: str, cut_method: str | None) -> str | None:
    """Why an exam of `kind` with a cut set by `cut_method` cannot open to candidates; None when it can."""
    if kind != "certification":
        return None
    if cut_method is None:
        return "it has no cut score"
    if cut_method in PLACEHOLDER_CUT_METHODS:
        return (
            f"its cut score is a placeholder ({cut_method.replace('_', ' ')}): a certification decision needs a "
            "cut from a standard-setting study, such as a modified-Angoff panel, adopted by an admin"
        )
    return None


@dataclass(frozen=True)
class BlueprintCell:
    competency: str
    bloom: str
    count: int


# Form assembly once the pool is calibrated (certify.core.assembly): no live item on more than MAX_EXPOSURE of
# forms, and a conditional SEM at the cut of at most TARGET_CSEM logits (information 1 / 0.30^2 = 11.1), which on
# the calibration's N(0, 1) ability scale is a reliability of about 0.91 for candidates near the standard.
DEFAULT_MAX_EXPOSURE = 0.30
DEFAULT_TARGET_CSEM = 0.30
ASSEMBLY_KEYS = ("max_exposure", "target_csem")


@dataclass(frozen=True)
class AssemblySettings:
    """How forms are drawn from a calibrated pool: the exposure bound and the precision wanted at the cut."""

    max_exposure: float = DEFAULT_MAX_EXPOSURE  # the highest share of forms any one live item may be on
    target_csem: float = DEFAULT_TARGET_CSEM  # conditional SEM at the cut-level ability, in logits

    @property
    def target_information(self) -> float:
        """Test information at the cut that gives the target conditional SEM (1 / CSEM^2)."""
        return 1.0 / self.target_csem**2

    def as_dict(self) -> dict[str, float]:
        return {"max_exposure": self.max_exposure, "target_csem": self.target_csem}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> AssemblySettings:
        """Stored settings, the defaults standing in for any that are missing."""
        data = data or {}
        return cls(
            max_exposure=float(data.get("max_exposure", DEFAULT_MAX_EXPOSURE)),
            target_csem=float(data.get("target_csem", DEFAULT_TARGET_CSEM)),
        )


@dataclass(frozen=True)
class AssessmentSpec:
    slug: str
    title: str
    description: str
    kind: str  # one of KINDS
    time_limit_minutes: int
    max_attempts: int | None
    cooldown_days: int
    requires_course_completion: bool
    review_policy: str
    pilot_items: int
    banks: tuple[str, ...]
    blueprint: tuple[BlueprintCell, ...]
    cut_score_percent: float
    cut_score_method: str
    cut_score_rationale: str
    mastery_percent: Mapping[str, float] = field(default_factory=dict)
    available_from: datetime | None = None
    available_until: datetime | None = None
    assembly: AssemblySettings = field(default_factory=AssemblySettings)
    file: str = ""

    @property
    def item_count(self) -> int:
        return sum(cell.count for cell in self.blueprint)

    def competencies(self) -> list[str]:
        return list(dict.fromkeys(cell.competency for cell in self.blueprint))


def _int(
    raw: Located,
    key: str,
    problems: list[Problem],
    filename: str,
    *,
    low: int,
    high: int,
    default: int | None = None,
    optional: bool = False,
) -> int | None:
    value = raw.get(key, default)
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        problems.append(Problem(filename, raw.line_of(key), f"`{key}` must be a whole number from {low} to {high}"))
        return default
    return value


def parse_assessment(
    data: Any, filename: str, competencies: Collection[str]
) -> tuple[AssessmentSpec | None, list[Problem]]:
    if not isinstance(data, Located) or not isinstance(data.get("assessment"), Located):
        return None, [Problem(filename, line_of(data, 1), "an assessment file needs an `assessment:` mapping")]
    raw: Located = data["assessment"]
    problems: list[Problem] = []

    def problem(key: str, message: str) -> None:
        problems.append(Problem(filename, raw.line_of(key), message))

    slug = str(raw.get("slug", ""))
    if not ID_PATTERN.match(slug):
        problem("slug", "assessment `slug` is missing or not a simple identifier")
    title = str(raw.get("title", "")).strip()
    if not title:
        problem("title", "assessment has no `title`")
    kind = raw.get("kind", "certification")
    if kind not in KINDS:
        problem("kind", f"`kind` must be one of {', '.join(KINDS)}")
    minutes = _int(raw, "time_limit_minutes", problems, filename, low=1, high=600, default=60)
    attempts = _int(raw, "max_attempts", problems, filename, low=1, high=100, optional=True)
    cooldown = _int(raw, "cooldown_days", problems, filename, low=0, high=365, default=0)
    # Unscored pilot items on every form: a certification exam gathers statistics on new items by default.
    default_pilots = CERTIFICATION_PILOT_ITEMS if kind == "certification" else 0
    pilots = _int(raw, "pilot_items", problems, filename, low=0, high=50, default=default_pilots)
    requires = raw.get("requires_course_completion", False)
    if not isinstance(requires, bool):
        problem("requires_course_completion", "`requires_course_completion` must be true or false")
    policy = raw.get("review_policy", "competencies_only")
    if policy not in REVIEW_POLICIES:
        problem("review_policy", f"`review_policy` must be one of {', '.join(REVIEW_POLICIES)}")
    banks = raw.get("banks")
    if not isinstance(banks, list) or not banks or not all(isinstance(b, str) for b in banks):
        problem("banks", "`banks` must list the ids of the banks the items come from")
        banks = []

    cells: list[BlueprintCell] = []
    blueprint = raw.get("blueprint")
    if not isinstance(blueprint, Located) or not blueprint:
        problem("blueprint", "`blueprint` must map competency codes to {bloom level: item count}")
    else:
        for code, levels in blueprint.items():
            where = blueprint.line_of(code)
            if code not in competencies:
                problems.append(Problem(filename, where, f"blueprint: unknown competency {code!r}"))
                continue
            if not isinstance(levels, Mapping) or not levels:
                problems.append(Problem(filename, where, f"blueprint {code}: map Bloom levels to item counts"))
                continue
            for level, count in levels.items():
                if level not in BLOOM_LEVELS:
                    problems.append(Problem(filename, where, f"blueprint {code}: unknown Bloom level {level!r}"))
                elif not isinstance(count, int) or isinstance(count, bool) or count < 1:
                    problems.append(Problem(filename, where, f"blueprint {code}.{level}: count must be 1 or more"))
                else:
                    cells.append(BlueprintCell(code, level, count))

    cut = raw.get("cut_score")
    percent: Any = 70.0
    method, rationale = "informed_judgement", ""
    if not isinstance(cut, Located):
        problem("cut_score", "`cut_score` must give `percent`, `method` and `rationale`")
    else:
        percent = cut.get("percent")
        if not isinstance(percent, (int, float)) or isinstance(percent, bool) or not 0 < percent <= 100:
            problems.append(
                Problem(filename, cut.line_of("percent"), "`cut_score.percent` must be above 0 and at most 100")
            )
            percent = 70.0
        method = cut.get("method", "informed_judgement")
        if method not in CUT_SCORE_METHODS:
            problems.append(
                Problem(filename, cut.line_of("method"), f"`cut_score.method` must be one of {CUT_SCORE_METHODS}")
            )
        rationale = str(cut.get("rationale", "")).strip()

    mastery: dict[str, float] = {}
    raw_mastery = raw.get("mastery", {})
    if not isinstance(raw_mastery, Mapping):
        problem("mastery", "`mastery` must map competency codes (or `default`) to percentages")
        raw_mastery = {}
    default = raw_mastery.get("default", 0)
    for code in dict.fromkeys(c.competency for c in cells):
        value = raw_mastery.get(code, default)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 100:
            problem("mastery", f"mastery for {code} must be a percentage from 0 to 100")
            value = 0
        mastery[code] = float(value)
    for code in raw_mastery:
        if code != "default" and code not in competencies:
            problem("mastery", f"mastery: unknown competency {code!r}")

    window: list[datetime | None] = []
    for key in ("available_from", "available_until"):
        value = raw.get(key)
        if value is None:
            window.append(None)
        elif isinstance(value, datetime):
            window.append(value if value.tzinfo else value.replace(tzinfo=UTC))
        elif isinstance(value, date):
            window.append(datetime(value.year, value.month, value.day, tzinfo=UTC))
        else:
            problem(key, f"`{key}` must be a date or date-time such as 2027-03-01 or 2027-03-01T09:00:00Z")
            window.append(None)
    if window[0] and window[1] and window[0] >= window[1]:
        problem("available_until", "`available_until` must be after `available_from`")

    assembly = _assembly(raw, problems, filename)
    if problems:
        return None, problems
    return AssessmentSpec(
        slug=slug,
        title=title,
        description=str(raw.get("description", "")).strip(),
        kind=str(kind),
        time_limit_minutes=int(minutes or 60),
        max_attempts=attempts,
        cooldown_days=int(cooldown or 0),
        requires_course_completion=bool(requires),
        review_policy=str(policy),
        pilot_items=int(pilots or 0),
        banks=tuple(banks),
        blueprint=tuple(cells),
        cut_score_percent=float(percent),
        cut_score_method=str(method),
        cut_score_rationale=rationale,
        mastery_percent=mastery,
        available_from=window[0],
        available_until=window[1],
        assembly=assembly,
        file=filename,
    ), []


def _assembly(raw: Located, problems: list[Problem], filename: str) -> AssemblySettings:
    section = raw.get("assembly", {})
    if not isinstance(section, Located):
        if section != {}:
            problems.append(Problem(filename, raw.line_of("assembly"), "`assembly` must map settings to numbers"))
        return AssemblySettings()
    for key in sorted(set(section) - set(ASSEMBLY_KEYS)):
        problems.append(
            Problem(
                filename, section.line_of(key), f"assembly: unknown setting `{key}` (use {', '.join(ASSEMBLY_KEYS)})"
            )
        )
    limits = {"max_exposure": (0.0, 1.0, "above 0 and at most 1"), "target_csem": (0.0, 5.0, "above 0 and at most 5")}
    values: dict[str, float] = {}
    for key, (low, high, wording) in limits.items():
        value = section.get(key)
        if value is None:
            continue
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not low < value <= high:
            problems.append(Problem(filename, section.line_of(key), f"`assembly.{key}` must be a number {wording}"))
        else:
            values[key] = float(value)
    return AssemblySettings.from_dict(values)


def pool_shortfalls(spec: AssessmentSpec, available: Mapping[tuple[str, str], int]) -> list[str]:
    """Blueprint cells the live pool cannot fill, given counts by (competency, bloom)."""
    shortfalls = []
    for cell in spec.blueprint:
        have = available.get((cell.competency, cell.bloom), 0)
        if have < cell.count:
            shortfalls.append(f"{cell.competency}/{cell.bloom}: needs {cell.count}, pool has {have}")
    return shortfalls

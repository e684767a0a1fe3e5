"""Everything in `question_banks/`: one parse step that dispatches on a document's top-level key."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from certify.core.assessment_spec import AssessmentSpec, parse_assessment
from certify.core.bank_refs import duplicate_refs, unknown_enemies
from certify.core.banks import Bank, parse_bank
from certify.core.course import Competency, Module, parse_competencies, parse_module
from certify.core.rubric_spec import AnchorSpec, RubricSpec, parse_anchor, parse_rubric
from certify.core.source import Located, Problem, load_yaml

KINDS = ("competencies", "bank", "module", "assessment", "rubric", "anchor")


@dataclass
class Catalog:
    """The parsed contents of a set of source files, with every problem found."""

    competencies: list[Competency] = field(default_factory=list)
    banks: list[Bank] = field(default_factory=list)
    modules: list[Module] = field(default_factory=list)
    assessments: list[AssessmentSpec] = field(default_factory=list)
    rubrics: list[RubricSpec] = field(default_factory=list)
    anchors: list[AnchorSpec] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def all_banks(self) -> list[Bank]:
        """Certification banks plus each module's knowledge-check bank."""
        return self.banks + [module.knowledge_check for module in self.modules]


def document_kind(data: object) -> str | None:
    if isinstance(data, Located):
        for kind in KINDS:
            if kind in data:
                return kind
    return None


def parse_sources(sources: list[tuple[str, str]], known_competencies: Collection[str] = ()) -> Catalog:
    """Parse (filename, text) pairs. Competency files are read first so the others can refer to them."""
    catalog = Catalog()
    parsed = []
    for filename, text in sources:
        data, problems = load_yaml(text, filename)
        catalog.problems.extend(problems)
        if problems:
            continue
        kind = document_kind(data)
        if kind is None:
            catalog.problems.append(
                Problem(filename, 1, f"unknown document: expected a top-level key of {', '.join(KINDS)}")
            )
            continue
        parsed.append((filename, kind, data))
    for filename, kind, data in parsed:
        if kind == "competencies":
            found, problems = parse_competencies(data, filename)
            catalog.competencies.extend(found)
            catalog.problems.extend(problems)
    codes = {c.code for c in catalog.competencies} | set(known_competencies)
    for filename, kind, data in parsed:
        if kind == "bank":
            bank, problems = parse_bank(data, filename, codes)
            if bank:
                catalog.banks.append(bank)
        elif kind == "module":
            module, problems = parse_module(data, filename, codes)
            if module:
                catalog.modules.append(module)
        elif kind == "assessment":
            spec, problems = parse_assessment(data, filename, codes)
            if spec:
                catalog.assessments.append(spec)
        elif kind == "anchor":
            anchor, problems = parse_anchor(data, filename)
            if anchor:
                catalog.anchors.append(anchor)
        elif kind == "rubric":
            rubric, problems = parse_rubric(data, filename, codes)
            if rubric:
                catalog.rubrics.append(rubric)
        else:
            continue
        catalog.problems.extend(problems)
    catalog.problems.extend(duplicate_refs(catalog.all_banks()))
    catalog.problems.extend(unknown_enemies(catalog.all_banks()))
    _check_ids(catalog)
    catalog.problems.sort()
    return catalog


def _check_ids(catalog: Catalog) -> None:
    seen: dict[str, str] = {}
    for bank in catalog.all_banks():
        if bank.id in seen:
            catalog.problems.append(
                Problem(bank.file, bank.line, f"bank id {bank.id!r} is also used by {seen[bank.id]}")
            )
        seen[bank.id] = bank.file
    numbers: dict[int, str] = {}
    for module in catalog.modules:
        if module.number in numbers:
            catalog.problems.append(
                Problem(module.file, 1, f"module number {module.number} is also used by {numbers[module.number]}")
            )
        numbers[module.number] = module.file
    criteria = {rubric.slug: {c.code for c in rubric.criteria} for rubric in catalog.rubrics}
    for anchor in catalog.anchors:
        expected = criteria.get(anchor.rubric)
        if expected is not None and set(anchor.reference_levels) != expected:
            catalog.problems.append(
                Problem(
                    anchor.file,
                    1,
                    f"anchor {anchor.slug}: criteria must be exactly those of "
                    f"rubric {anchor.rubric} ({', '.join(sorted(expected))})",
                )
            )
    bank_ids = set(seen)
    for spec in catalog.assessments:
        for bank_id in spec.banks:
            if bank_id not in bank_ids:
                catalog.problems.append(
                    Problem(
                        spec.file, 1, f"assessment {spec.slug}: bank {bank_id!r} is not among these files", "warning"
                    )
                )

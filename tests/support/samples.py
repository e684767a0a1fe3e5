"""Small YAML sources used by core and feature tests."""

BANK = """\
bank:
  id: sample
  title: Sample bank
  competency: RA
items:
  - id: S-SC
    type: single_choice
    bloom: apply
    stem: Which metric should the design start from?
    options:
      - {id: a, text: The complaint rate the sponsor tracks, rationale: It is the business result.}
      - {id: b, text: The number of people trained, rationale: That is an output.}
      - {id: c, text: Learner satisfaction scores, rationale: That is a reaction measure.}
    key: a
    rationale: Design starts from a business metric with a baseline.
  - id: S-MR
    type: multiple_response
    bloom: understand
    stem: Which are environment factors in Gilbert's model?
    options:
      - {id: a, text: Information, rationale: Environment row.}
      - {id: b, text: Instrumentation, rationale: Environment row.}
      - {id: c, text: Motives, rationale: Individual row.}
      - {id: d, text: Capacity, rationale: Individual row.}
    key: [a, b]
    rationale: Data, resources and incentives form the environment row.
  - id: S-TF
    type: true_false
    bloom: remember
    stem: A criterion-referenced test compares candidates with each other.
    key: false
    wrong_rationale: That describes a norm-referenced test.
    rationale: A CRT compares each candidate with a standard.
  - id: S-MA
    type: matching
    bloom: understand
    stem: Match each Kirkpatrick level to what it measures.
    pairs:
      - {id: p1, left: Level 1, right: Reaction, rationale: r1}
      - {id: p2, left: Level 2, right: Learning, rationale: r2}
      - {id: p3, left: Level 4, right: Results, rationale: r3}
    distractors:
      - {id: d1, text: Inputs, rationale: Phillips calls inputs level 0.}
    rationale: The four levels are reaction, learning, behaviour and results.
  - id: S-OR
    type: ordering
    bloom: understand
    stem: Put the action-mapping steps in order.
    options:
      - {id: s1, text: Measurable business goal, rationale: first}
      - {id: s2, text: What people must do, rationale: second}
      - {id: s3, text: Why they do not do it, rationale: third}
      - {id: s4, text: Practice activities, rationale: fourth}
    rationale: Goal, actions, causes, practice, then minimum information.
  - id: S-SA
    type: short_answer
    bloom: remember
    stem: Who coined the term front-end analysis?
    accepted: [Harless, Joe Harless]
    patterns: ['j\\.?\\s*harless']
    wrong_answers:
      - {answer: Mager, rationale: Mager wrote about objectives and performance analysis.}
    rationale: Harless coined it in 1970.
  - id: S-NU
    type: numeric
    bloom: apply
    stem: Costs 40,000, benefits 100,000. ROI in percent?
    value: 150
    tolerance: 0.5
    unit: "%"
    wrong_answers:
      - {answer: 250, rationale: That uses total rather than net benefits.}
    rationale: (100,000 - 40,000) / 40,000 x 100 = 150.
"""

COMPETENCIES = ("RA", "PA", "SS", "OB", "AD", "IS", "EV", "CP")

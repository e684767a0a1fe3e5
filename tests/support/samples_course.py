"""A two-lesson module with a knowledge check, for course tests."""

MODULE = """\
module:
  number: 1
  slug: outcomes-not-outputs
  title: Outcomes, not outputs
  summary: Why outcomes matter.
  competencies: [RA]
  lessons:
    - slug: why-outcomes
      title: Why outcomes
      minutes: 10
      body: |
        ### Outputs and outcomes
        Training hours are an **output**. <script>alert(1)</script>
    - slug: kpms
      title: Key performance metrics
      minutes: 12
      body: |
        A KPM is a number the business already watches.
knowledge_check:
  pass_mark: 0.5
  items:
    - id: KC-T1
      type: single_choice
      bloom: understand
      stem: Which is an outcome?
      options:
        - {id: a, text: Fewer patient complaints, rationale: A change in a business result.}
        - {id: b, text: Forty people trained, rationale: An output.}
      key: a
      rationale: Outcomes are changes in results.
    - id: KC-T2
      type: true_false
      bloom: remember
      stem: Smile sheets measure impact.
      key: false
      wrong_rationale: They measure perception.
      rationale: Reaction surveys capture perception, not impact.
"""

"""A bank whose items share a case (a stimulus), and a quiz that draws all three."""

from __future__ import annotations

CASE_TEXT = (
    "A sales team's first-contact resolution fell from 72 % to 58 % after a new CRM was rolled out. "
    "Managers ask for a refresher course on objection handling.\n\n"
    "| Quarter | First-contact resolution |\n|---|---|\n| Q1 | 72 % |\n| Q2 | 58 % |"
)

NEWLINE = "\n"
CASE_BLOCK = "".join(f"        {line}{NEWLINE}" if line else NEWLINE for line in CASE_TEXT.splitlines())

CASE_BANK = f"""\
bank:
  id: case
  title: Sales case
  competency: RA
items:
  - id: C-1
    type: single_choice
    bloom: apply
    stimulus:
      id: crm-case
      title: The CRM roll-out
      text: |
{CASE_BLOCK}    stem: Which result should the solution move?
    options:
      - {{id: a, text: First-contact resolution, rationale: The metric that fell.}}
      - {{id: b, text: Course attendance, rationale: An output.}}
    key: a
    rationale: Start from the business result that changed.
  - id: C-2
    type: true_false
    bloom: analyze
    stimulus:
      id: crm-case
      title: The CRM roll-out
      text: |
{CASE_BLOCK}    stem: The drop is most likely a skill gap in objection handling.
    key: false
    wrong_rationale: The timing points to the new tool, an environment cause.
    rationale: The fall followed the CRM roll-out, not a change in people.
  - id: C-3
    type: multiple_response
    bloom: analyze
    stimulus:
      id: crm-case
      title: The CRM roll-out
      text: |
{CASE_BLOCK}    stem: Which would you check before agreeing to a course?
    options:
      - {{id: a, text: Whether the CRM shows the customer's history, rationale: Information.}}
      - {{id: b, text: Whether targets changed with the roll-out, rationale: Incentives.}}
      - {{id: c, text: The trainers' availability, rationale: A solution detail.}}
    key: [a, b]
    rationale: Look at the environment first.
"""

CASE_QUIZ = """\
assessment:
  slug: case-quiz
  title: Case quiz
  kind: practice
  time_limit_minutes: 20
  review_policy: full
  banks: [case]
  blueprint:
    RA: {apply: 1, analyze: 2}
  cut_score: {percent: 60, method: informed_judgement, rationale: test}
  mastery: {default: 50}
"""

"""GIFT (Moodle's question text format) in and out. Pure: text in, data out.

- `parse_gift(text)` gives the questions in the JSON structure of gift-pegjs (GiftError, with
  `.line`, for malformed text).
- `gift_to_bank(text, filename, ...)` converts them to a Bank: MC with one fully correct answer
  becomes single_choice, other MC multiple_response (keyed = positive weight, scoring partial),
  TF true_false, Short short_answer (100 % answers accepted; 0 % and partial ones become
  wrong_answers, partial ones with a warning), Numerical numeric (the first 100 % answer is the
  key; 0 % answers are wrong_answers), Matching matching (an empty prompt is a distractor).
  Essay, Description and embedded-answer questions are skipped with a warning. Per-answer
  feedback becomes option rationales, general feedback (`####`) the item rationale (else the
  correct answer's feedback, with a warning; else an error). A valid-id `::title::` is the
  item id, otherwise `<bank_id>-NNN` with the title kept as `title`. `$CATEGORY:` paths whose
  last segment (or whole name) is a competency code or title set the competency.
  Text keeps its format as is: Markdown and plain text are Markdown; HTML is sanitised on display.
- `bank_to_gift(bank)` writes GIFT and warnings for what other platforms cannot represent.

Layout of an exported question (stems and texts are Markdown, on one line with `\\n` escapes):

    $CATEGORY: RA                         (when the competency changes)

    // certify: {"type":"single_choice","competency":"RA","bloom":"apply","status":"live"}
    ::RA-001::[markdown]Stem{
    =Right option#its rationale
    ~Wrong option#its rationale
    ####Item rationale
    }

The metadata comment is compact JSON (one line, `// certify: ` then an object) read back by
`gift_to_bank` so that YAML -> GIFT -> YAML is lossless. It always holds `type`, `competency`,
`bloom` and `status`, and only when needed: `title`, `references`, `enemies`, `shuffle` (false),
`allow_all_none` (true), `ids` (option/pair ids in GIFT answer order when not a, b, c...),
`rationales` (matching pairs then distractors, or ordering steps), `prompts` (matching prompts
or ordering steps when one contains '->', which GIFT cannot hold and the export writes as '- >'),
`scoring` (when not the type's default), `patterns`, `case_sensitive`, `collapse_whitespace`
and `unit`. The GIFT text wins wherever it can say something (an edited option text is kept);
`type` picks between the item types a GIFT question can be (a one-key multiple_response, an
ordering exported as matching, a short answer whose every answer holds '->'). Everything
else lives in the GIFT itself: multiple_response as `~%w%`/`~%-w%` weights, true_false as
`{TRUE#wrong_rationale####rationale}`, short_answer and numeric wrong answers as `=%0%answer#why`,
matching distractors as `= -> text`, and ordering as a matching question `=step -> position`.

A question without the metadata comment (written on another platform) is imported as a `draft`:
it goes through review (draft -> reviewed -> approved -> pilot) before any candidate sees it.
"""

from __future__ import annotations

from certify.interop.gift_convert import gift_to_bank
from certify.interop.gift_parser import GiftError, parse_gift
from certify.interop.gift_writer import bank_to_gift

__all__ = ["GiftError", "bank_to_gift", "gift_to_bank", "parse_gift"]

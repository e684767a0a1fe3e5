"""GIFT (Moodle's question text format) in and out. Pure: text in, data out.

- `parse_gift(text)` gives the questions in the JSON structure of gift-pegjs (GiftError, with
  `.line`, for malformed text); `read_gift(text)` gives a BadQuestion for each malformed question
  instead and reads on from the next blank line, as Moodle does.
- `gift_to_bank(text, filename, ...)` converts them to a Bank following the shared import rules
  (certify.core.imports): a question that cannot become an item is a skip naming it, every loss a
  warning naming the item. Moodle's rules pick the item type: MC with exactly one answer at 100 %
  becomes single_choice (other positive weights its `credit`), MC with several positive weights
  multiple_response (scoring partial); TF true_false; Short short_answer (100 % answers accepted,
  `*` wildcards as patterns, 0 % and partial ones wrong_answers); Numerical numeric (the first
  100 % answer is the key); Matching matching (an empty prompt is a distractor). Missing-word
  questions (text after the answer block) keep a `_____` blank in the stem and are the type their
  answers make. Essay and description questions, and Cloze blocks (`{1:SHORTANSWER:...}`), are
  skipped. Per-answer feedback becomes option rationales where the item has them; general
  feedback (`####`) is the item rationale, else the item is a draft marked 'needs rationale' and
  the file gets one warning. The id is Moodle's `// [id:...]` id number, else the `::title::`,
  when a valid id; else `<bank_id>-NNN` (a title that is not an id is kept as `title`). The
  competency comes from `$CATEGORY:` (questions before any have category ""), see
  `certify.core.imports.competency_for`; a question whose category maps to none is skipped for
  the admin to map. Text keeps its format as is: Markdown and plain text are Markdown; HTML is
  sanitised on display. Windows line endings and a byte-order mark are read as Moodle writes them.
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
else lives in the GIFT itself: single_choice partial credit as `~%50%` weights, multiple_response
as `~%w%`/`~%-w%` weights, true_false as
`{TRUE#wrong_rationale####rationale}`, short_answer and numeric wrong answers as `=%0%answer#why`,
matching distractors as `= -> text`, and ordering as a matching question `=step -> position`.

A question without the metadata comment (written on another platform) is imported as a `draft`:
it goes through review (draft -> reviewed -> approved -> pilot) before any candidate sees it.
"""

from __future__ import annotations

from certify.interop.gift_convert import gift_to_bank
from certify.interop.gift_parser import BadQuestion, parse_gift, read_gift
from certify.interop.gift_split import GiftError
from certify.interop.gift_writer import bank_to_gift

__all__ = ["BadQuestion", "GiftError", "bank_to_gift", "gift_to_bank", "parse_gift", "read_gift"]

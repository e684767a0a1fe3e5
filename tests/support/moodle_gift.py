"""A question bank as Moodle exports it to GIFT (Question bank > Export > GIFT format), for the import tests.

Moodle writes a `// question: <id>  name: <name>` comment before every question, `// [id:...]` for an
id number, a `$CATEGORY:` switch before each category's questions, tab-indented answers, `[html]` on text
written in its editor (answers and feedback then inherit it), every GIFT control character in the text
escaped (`\\:` in URLs, `\\=` in attributes) and line breaks as `\\n`. Moodle on Windows adds CRLF line
endings and a byte-order mark; `MOODLE_GIFT` has both. The content is ours (performance consulting).

Two questions (3 and 13) were added by hand without a `::title::`, and one (18) was broken by hand.
The questions, in order (categories `Results alignment` and `EV` name competencies; `Help desk metrics`
does not; `question N` is the question's place in the file):

 1 FCR definition     single choice, [html], id number RA-FCR-01, feedback on each answer, general feedback
 2 Coaching priority  single choice with a ~%50% half-credit answer and a ~%-25% penalty
 3 question 3         missing word: "A coach reviews {...} calls" (no title, answers in [plain])
 4 Business metrics   multi-answer: ~%50% x2, ~%-100% x2
 5 Baseline first     single choice without general feedback, an empty answer carrying only feedback
 6 Script length      true/false {TRUE#wrong#right####general}
 7 Smile sheets       true/false {F####general}
 8 Level four         true/false {T} and nothing else
 9 Handle time target numeric, Moodle's export: =%100%..., =%50%..., ~#any other answer
10 Pilot window       numeric range {#2..4####...}
11 Tolerance          numeric {#1.5:0.1####...}
12 Metric name        short answer as Moodle exports it: =%100%...#, =%0%...#feedback, a * wildcard
13 question 13        missing-word short answer: "settles ... raises the {=...} rate." with \\~ \\= \\# \\{ \\} \\:
14 Evaluation levels  matching with a distractor
15 Reflective essay   essay {}  -> skip
16 Read this first    description -> skip
17 Cloze attempt      {1:SHORTANSWER:...} -> skip
18 Broken brace       '{' never closed -> skip; reading resumes at the next blank line
19 No key             multiple choice without a right answer -> skip
20 Queue chart        single choice showing an image from @@PLUGINFILE@@ (not in GIFT) -> warning
21 question 21       single choice with a [markdown] stem and a [moodle] answer
22 Escalation rate    single choice in the unmapped category `Help desk metrics` -> unmapped skip
"""

from __future__ import annotations

TEXT = """\
// question: 0  name: Switch category to $course$/top/Default for MID cohort 4/Results alignment
$CATEGORY: $course$/top/Default for MID cohort 4/Results alignment


// question: 3101  name: FCR definition
// [id:RA-FCR-01]
::FCR definition::[html]<p>A sales team reports its <b>first-contact resolution</b> (FCR). What does FCR \
measure?</p>{
\t=<p>The share of enquiries settled in the first conversation</p>#<p>Right\\: nothing is handed on.</p>
\t~<p>Calls handled per agent per day</p>#<p>That is volume, not resolution.</p>
\t~<p>Customer satisfaction after the call</p>#<p>A reaction measure.</p>
\t####<p>FCR counts enquiries closed without a second contact; see <a href\\="https\\://example.org/fcr">the \
team's definition</a>.</p>
}

// question: 3102  name: Coaching priority
::Coaching priority::[html]<p>Handle time rose 20 % after a new script. What do you look at first?</p>{
\t=<p>Whether resolution rose with it</p>#<p>Yes\\: longer calls may be fixing more.</p>
\t~%50%<p>Which agents skip the script</p>#<p>Useful, but it assumes the script is the cause.</p>
\t~%-25%<p>The script's word count</p>#<p>Length alone says little.</p>
\t~<p>Last year's training attendance</p>#<p>An activity, not a result.</p>
\t####<p>Read handle time against resolution before calling it a problem.</p>
}

// question: 3103  name: A coach reviews calls
A coach reviews {
\t~[plain]five
\t=[plain]two
\t~[plain]ten
\t####Two calls a week is what the programme budgeted.
} calls per agent per week.

// question: 3104  name: Business metrics
::Business metrics::Which of these are business metrics the sales director already tracks?{
\t~%50%Revenue per representative#A result the business reports.
\t~%50%Customer churn#A result the business reports.
\t~%-100%Course completions#An activity.
\t~%-100%Smile-sheet scores#A reaction.
\t####Metrics are results the business tracks without us.
}

// question: 3105  name: Baseline first
::Baseline first::Before the coaching starts, what must you record?{
\t=The current value of the metric
\t~The coaching schedule
\t~#Completely wrong
}


// question: 0  name: Switch category to $course$/top/Default for MID cohort 4/EV
$CATEGORY: $course$/top/Default for MID cohort 4/EV


// question: 3201  name: Script length
::Script length::A longer call script always lowers first-contact resolution.{FALSE#It can raise it when \
it answers the follow-up question.#Right.####Script length and resolution have no fixed relation.}

// question: 3202  name: Smile sheets
::Smile sheets::Smile sheets measure behaviour on the job.{F####They measure reaction, Kirkpatrick level 1.}

// question: 3203  name: Level four
::Level four::Level 4 evaluation looks at business results.{T}

// question: 3204  name: Handle time target
::Handle time target::The team's average handle time is 9 minutes; the target cuts it by a third. \
Target in minutes?{#
\t=%100%6:0#
\t=%50%6:1#Close: within a minute.
\t~#Completely wrong
\t####Nine minus a third of nine is six.
}

// question: 3205  name: Pilot window
::Pilot window::How many weeks should the pilot run, by the plan?{#2..4####The plan allows two to four weeks.}

// question: 3206  name: Tolerance
::Tolerance::The agreed margin on a 1.5 point rise in satisfaction?{#1.5:0.1####Within a tenth either way.}

// question: 3207  name: Metric name
::Metric name::What is the time from answering a call to closing its record called?{
\t=%100%handle time#
\t=%100%average handle*#
\t=%0%talk time#Talk time leaves out hold and wrap-up.
\t=%0%*#Look at the dashboard's glossary.
\t####Handle time runs from answer to wrap-up.
}

// question: 3208  name: Settles on the first call
An agent who settles the enquiry on the first call raises the {=first-contact resolution =FCR} rate. \
Escapes\\: \\~ \\= \\# \\{ \\} and a line\\nbreak.

// question: 3209  name: Evaluation levels
::Evaluation levels::Match each evaluation level to what it looks at.{
\t=Reaction -> How participants felt
\t=Behaviour -> What changed on the job
\t=Results -> What changed in the business
\t= -> How long the course ran
\t####Kirkpatrick's levels, one to four.
}

// question: 3210  name: Reflective essay
::Reflective essay::Describe a performance problem you solved without training.{}

// question: 3211  name: Read this first
::Read this first::The next questions use the help desk case study.

// question: 3212  name: Cloze attempt
::Cloze attempt::The FCR rate is {1:SHORTANSWER:=first-contact resolution} and handle time is \
{1:NUMERICAL:=6:0}.

// question: 3213  name: Broken brace
::Broken brace::What does a baseline measure?{
\t=The starting value
\t~The target

// question: 3214  name: No key
::No key::Which of these is a lagging indicator?{
\t~Calls answered
\t~Hold time
\t####Neither: both are leading.
}

// question: 3215  name: Queue chart
::Queue chart::[html]<p>The chart shows the queue by hour.</p><p><img src\\="@@PLUGINFILE@@/queue-by-hour.png" \
alt\\="Queue length by hour"></p><p>When should the extra agent start?</p>{
\t=<p>At 9</p>
\t~<p>At 14</p>
\t####<p>The queue builds from 9.</p>
}

// question: 3302  name: Markdown stem
[markdown]A **help desk** lead asks for *more training*. What do you ask first?{
\t=[moodle]Which result should change?
\t~Which course to buy
\t####Start from the result, not the solution.
}


// question: 0  name: Switch category to $course$/top/Default for MID cohort 4/Help desk metrics
$CATEGORY: $course$/top/Default for MID cohort 4/Help desk metrics


// question: 3301  name: Escalation rate
::Escalation rate::What share of tickets went to the second line last month?{
\t=12 %
\t~20 %
\t####From the monthly report.
}

"""

# Windows line endings and a byte-order mark, as Moodle on Windows writes them.
MOODLE_GIFT = "\ufeff" + TEXT.replace("\n", "\r\n")


def line_of(fragment: str) -> int:
    """The 1-based line of MOODLE_GIFT where `fragment` first appears."""
    return TEXT[: TEXT.index(fragment)].count("\n") + 1

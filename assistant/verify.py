"""Check each sentence of a model's answer against the evidence sentences it cites.

A sentence passes only if it cites at least one source that exists, every number and name in it
occurs in the cited sentences, and the offline judge (`assistant/judge.py`: word coverage, meaning,
negation, certainty) finds them supporting it. The numbers-and-names rule is a hard gate on top of
the judge's weighted score: an invented figure or name must never pass. Because the model cites
single sentences, a name must stand in the very sentence cited, which catches most swapped roles
("Russia has transit fees at stake" against "With transit fees at stake, Mongolia ..."); only a name the
question gave may stand for a pronoun the cited sentence opens with ("She will be sentenced ...").
A model's sentence must also take two thirds of its content words from what it cites: one that is
mostly its own words restates, it does not quote. A sentence its citations do not support is cited
instead to the one shown source that supports it alone, when there is one: the check is the same,
only a wrong marker is corrected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.judge import Evidence, JudgeVerdict, OfflineJudge, names
from assistant.judge_features import name_key
from assistant.schema import ArticleMeta, Verdict
from assistant.text import THIRD_PERSON_PRONOUN, citation_numbers, shows_no_names, strip_markers

# A word-and-meaning judge cannot vouch for a model's sentence that is mostly in its own words, however
# close it reads: "the new harbour is supposed to be ready by 2040" can pass it against "the factory
# will open in 2040". A design rule, not a fitted number: a sentence that fails it is removed, and
# the reader is shown the quotes instead, so erring strict costs little.
MIN_CITED_WORDS = 2 / 3
# A sentence cited to a source that does not support it (or to none) is re-cited to another only if the judge
# finds that one more likely than not to support it (its score is a probability), not merely above the
# threshold fitted for balanced accuracy (0.33): the model was wrong about where its sentence came from,
# and such sentences passing at 0.35-0.49 mixed two sentences' facts ("X holds the national title" from
# "national rival and world champion X"). A design rule like the one above: erring strict shows the quotes.
MIN_RECITED_SCORE = 0.5
# A reply's "Yes," or "No," is not a claim about the articles (and not a name).
INTERJECTION = re.compile(r"^(?:yes|no)\b[,.;:!]?\s*", re.IGNORECASE)
# "She will be sentenced on 4 March." answers "When will Ana Ruiz be sentenced?", and a model writes "Ana Ruiz
# will be sentenced on 4 March [1].": the name the reader asked about, where the cited sentence opens by pointing
# back with a pronoun (before it names anyone: in "With fees at stake, Alpha kept its word", "its" is Alpha's and
# no name of the question's may take its place). English grammar, not fitted: only then may a name the sentence
# lacks come from the question.
POINTS_BACK_WITHIN = 8  # words: "But, having lost nine of their last ten matches, ..."
# In a lower-cased text no name can be seen before the pronoun ("alpha kept its word"): it must come first
# or second ("she will be sentenced ...", "in his first defence ...").
POINTS_BACK_WITHIN_LOWER_CASE = 2


@dataclass(frozen=True)
class Source:
    """A numbered source as the model saw it: `text == article_text[start:start + len(text)]`."""

    number: int
    meta: ArticleMeta
    text: str
    start: int


@dataclass
class CheckedSentence:
    claim: str  # the sentence without its markers
    cited: list[int]
    verdict: Verdict
    reasons: list[str] = field(default_factory=list)
    score: float | None = None  # the offline judge's, when it judged
    invented: list[str] = field(default_factory=list)  # numbers and names not in the cited sources

    @property
    def supported(self) -> bool:
        return self.verdict == "supported"


class Verifier:
    def __init__(self, judge: OfflineJudge) -> None:
        self.judge = judge

    def check(self, sentence: str, sources: dict[int, Source], asked: str = "") -> CheckedSentence:
        """The sentence against the sources it cites; when they do not support it (or it cites none, or
        one that is not there) but another shown source does on its own, it is cited to that source
        instead. A small model often writes the right fact with the wrong number: the fact is
        checked all the same, only its marker is corrected. `asked` is the question answered: the
        names in it may stand for a pronoun the cited sentence opens with (`_points_back`)."""
        checked = self._as_cited(sentence, sources, asked)
        if checked.supported or not checked.claim or checked.claim.endswith("?"):
            return checked
        return self._recited(checked, sources, asked) or checked

    def _as_cited(self, sentence: str, sources: dict[int, Source], asked: str = "") -> CheckedSentence:
        claim, cited = strip_markers(sentence), citation_numbers(sentence)
        if not cited:
            return CheckedSentence(claim, cited, "uncited", ["the sentence cites no source"])
        unknown = [n for n in cited if n not in sources]
        if unknown:
            listed = ", ".join(f"[{n}]" for n in unknown)
            return CheckedSentence(claim, cited, "bad_citation", [f"cites {listed}, which is not among the sources"])
        if claim.endswith("?"):
            return CheckedSentence(claim, cited, "unsupported", ["a question is not an answer"])
        verdict, evidence = self._judged(_stated(claim), [sources[n].text for n in cited], asked)
        invented = evidence.missing_numbers + evidence.missing_names
        if invented or not verdict.supported:
            reasons = ([f"not in the cited sources: {', '.join(invented)}"] if invented else []) + verdict.reasons
            return CheckedSentence(claim, cited, "unsupported", reasons, score=verdict.score, invented=invented)
        return CheckedSentence(claim, cited, "supported", verdict.reasons, score=verdict.score)

    def _judged(self, stated: str, passages: list[str], asked: str = "") -> tuple[JudgeVerdict, Evidence]:
        """The offline judge's verdict, made stricter for a model's sentence: it must also take most of
        its content words from the sentences it cites (`MIN_CITED_WORDS`). A sentence that does not
        scores 0, like an invented name: no yes/no check of the model's may bring it back."""
        if not stated:
            return self.judge.judge(stated, passages), self.judge.evidence(stated, passages)  # nothing to check
        evidence = self.judge.evidence(stated, passages)
        referent = _referent(evidence.missing_names, passages, asked)
        if referent:  # judged again with the name the pronoun stands for beside the passages
            evidence = self.judge.evidence(stated, [*passages, referent])
        verdict = self.judge.verdict(evidence)
        if verdict.supported and evidence.coverage < MIN_CITED_WORDS:
            reason = f"words not in the cited sources: {', '.join(evidence.novel_words[:8])}"
            verdict = JudgeVerdict(supported=False, score=0.0, reasons=[reason, *verdict.reasons])
        return verdict, evidence

    def _recited(self, checked: CheckedSentence, sources: dict[int, Source], asked: str) -> CheckedSentence | None:
        """The shown source that best supports the claim by itself, judged as any cited sentence is (no
        number or name may be missing) and scored at least `MIN_RECITED_SCORE`, or None. Never a pair:
        words gathered from two sentences pass a word check without either saying the claim ("Alpha and
        Beta are its main partners" from one sentence naming both countries and another naming its
        main-partner policy)."""
        stated = _stated(checked.claim)
        verdicts = {n: self._judged(stated, [s.text], asked)[0] for n, s in sources.items() if [n] != checked.cited}
        supporting = {n: v for n, v in verdicts.items() if v.supported and v.score >= MIN_RECITED_SCORE}
        if not supporting:
            return None
        number = max(supporting, key=lambda n: supporting[n].score)
        was = "".join(f"[{n}]" for n in checked.cited) or "no source"
        reasons = [f"cited {was}, which does not support it; [{number}] does", *supporting[number].reasons]
        return CheckedSentence(checked.claim, [number], "supported", reasons, score=supporting[number].score)


def _referent(missing: list[str], passages: list[str], asked: str) -> str:
    """The names a claim has and its passages lack, as a sentence to read beside them, when every one of them
    is a name of the question and a passage has a pronoun they may stand for; else ""."""
    if not missing or not any(_points_back(p) for p in passages):
        return ""
    return " ".join(missing) + "." if {name_key(word) for word in missing} <= names(asked) else ""


def _points_back(sentence: str) -> bool:
    """Does the sentence open with a pronoun, before any name of its own?"""
    pronoun = THIRD_PERSON_PRONOUN.search(sentence)
    if pronoun is None:
        return False
    before = sentence[: pronoun.start()].split()
    if shows_no_names(sentence):
        return len(before) < POINTS_BACK_WITHIN_LOWER_CASE
    return len(before) < POINTS_BACK_WITHIN and not any(word[:1].isupper() for word in before[1:])


def _stated(claim: str) -> str:
    return INTERJECTION.sub("", claim) or claim

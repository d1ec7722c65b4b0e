"""The offline judge on the real packaged MiniLM: clear cases, its weights file, and its held-out accuracy."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file
from sklearn.metrics import balanced_accuracy_score

from assistant.embeddings import load_embeddings
from assistant.judge import WEIGHTS_PATH, OfflineJudge, load_model, missing_names, read
from assistant.judge_encoder import ClaimEncoder
from assistant.judge_figures import figures
from evals import judge_pairs
from evals.dataset import CLAIMS_PATH
from evals.judge_sets import NEWS_DEV_CLAIMS, LabelledSet, claims_set

PASSAGE = (
    "And China is the destination for 90 % of Mongolia’s exports, primarily coal and copper. "
    "Additionally, Russia retains 50 % ownership in several important infrastructure and mining projects in Mongolia."
)
LOWER_CASED = "and china is the destination for 90 % of mongolia 's exports , primarily coal and copper ."


@pytest.fixture(scope="module")
def judge() -> OfflineJudge:
    return OfflineJudge(load_embeddings())


def test_supports_a_faithful_paraphrase_and_ignores_citation_marks(judge: OfflineJudge) -> None:
    verdict = judge.judge("China buys 90 % of Mongolia's exports, mostly coal and copper. [1]", [PASSAGE])
    assert verdict.supported and 0.5 <= verdict.score <= 1
    assert judge.judge(
        "Russia retains 50 % ownership in several mining projects in Mongolia [2][3]", [PASSAGE]
    ).supported


@pytest.mark.parametrize(
    ("claim", "reason"),
    [
        ("China is the destination for 60 % of Mongolia's exports.", "numbers not in the passages: 60"),
        ("Japan is the destination for 90 % of Mongolia's exports.", "names not in the passages: japan"),
        ("Mongolia elected a new parliament in June after a close vote.", "words not in the passages"),
    ],
)
def test_rejects_changed_numbers_swapped_names_and_unrelated_claims(
    judge: OfflineJudge, claim: str, reason: str
) -> None:
    verdict = judge.judge(claim, [PASSAGE])
    assert not verdict.supported
    assert any(r.startswith(reason) for r in verdict.reasons), verdict.reasons


@pytest.mark.parametrize(
    ("claim", "reason"),
    [
        # who did what to whom, the other way round
        ("Mongolia is the destination for 90 % of China's exports, primarily coal and copper.", "reads like"),
        ("Mongolia retains 50 % ownership in several mining projects in Russia.", "reads like"),
        # a flipped negation
        ("China is not the destination for Mongolia's exports.", "negation differs"),
        ("Russia does not retain any ownership in Mongolian mining projects.", "negation differs"),
    ],
)
def test_rejects_role_swaps_and_negation_flips(judge: OfflineJudge, claim: str, reason: str) -> None:
    verdict = judge.judge(claim, [PASSAGE])
    assert not verdict.supported, verdict
    assert any(r.startswith(reason) for r in verdict.reasons), verdict.reasons


REVERSIBLE = (
    "In 1980 Smith had been narrowly outpointed by Jones in Montreal. Later that year Ayrton told a nurse about it."
    " Brown wrote that Ayrton had mocked him for 20 years. The Rovers are coached by Leeds-based trainer Ann Brannick."
)


@pytest.mark.parametrize(
    ("claim", "supported"),
    [
        ("In 1980 Smith outpointed Jones in Montreal.", False),  # the passive read the other way round
        ("In 1980 Jones outpointed Smith in Montreal.", True),
        ("Later that year a nurse told Ayrton about it.", False),  # a common noun trades places with a name
        ("Later that year Ayrton told a nurse about it.", True),
        ("Brown wrote that he had mocked Ayrton for 20 years.", False),  # a pronoun trades places with a name
        ("Brown wrote that Ayrton had mocked him for 20 years.", True),
        ("The Rovers are coached by Ann Brannick, a trainer based in Leeds.", True),  # "Leeds-based" is no doer
    ],
)
def test_doer_and_undergoer_are_read_through_the_passive(judge: OfflineJudge, claim: str, supported: bool) -> None:
    verdict = judge.judge(claim, [REVERSIBLE])
    assert verdict.supported is supported, verdict
    assert supported or "gives who did what to whom the other way round from the passage" in verdict.reasons


def test_a_word_with_an_opposing_prefix_is_not_supported(judge: OfflineJudge) -> None:
    passage = "The ministers said they were concerned about the vote and agreed to delay it."
    assert judge.judge("The ministers were concerned about the vote.", [passage]).supported
    for claim, opposite in (
        ("The ministers were unconcerned about the vote.", "unconcerned"),
        ("The ministers disagreed about delaying the vote.", "disagreed"),
    ):
        verdict = judge.judge(claim, [passage])
        assert not verdict.supported and f"a word and its opposite: {opposite}" in verdict.reasons, verdict


def test_a_claim_of_all_or_every_needs_a_passage_that_says_so(judge: OfflineJudge) -> None:
    passage = "Northton supplies most of Southby's electricity and abstains on many of its council's votes."
    assert judge.judge("Northton supplies most of Southby's electricity.", [passage]).supported
    for claim in (
        "Northton supplies all of Southby's electricity.",
        "Northton abstains on every vote of Southby's council.",
    ):
        verdict = judge.judge(claim, [passage])
        assert not verdict.supported and any("quantifiers not in the passages" in r for r in verdict.reasons), verdict
    assert judge.judge("Northton supplies all of Southby's electricity.", [passage.replace("most", "all")]).supported
    nearly = passage.replace("most", "almost all")  # "almost all" says most, not all
    assert not judge.judge("Northton supplies all of Southby's electricity.", [nearly]).supported
    assert judge.judge("Northton supplies almost all of Southby's electricity.", [nearly]).supported


def test_a_claim_that_drops_the_passages_hedge_is_not_supported(judge: OfflineJudge) -> None:
    passage = "The council of Northton might be focused on the port during the mayor's visit."
    assert judge.judge(
        "The council of Northton might be focused on the port during the mayor's visit.", [passage]
    ).supported
    verdict = judge.judge("The council of Northton will be focused on the port during the mayor's visit.", [passage])
    assert not verdict.supported and "states as certain what the passage only hedges" in verdict.reasons, verdict


def test_a_word_the_passage_denies_is_not_supported_however_the_rest_is_worded(judge: OfflineJudge) -> None:
    passage = "Brannick did not finish the race and was classified 23rd after a late crash."
    assert judge.judge("Brannick did not finish the race, and was classified 23rd.", [passage]).supported
    assert not judge.evidence("Brannick failed to finish the race.", [passage]).denied  # "failed to" denies too
    verdict = judge.judge("Brannick went on to finish the race.", [passage])
    assert not verdict.supported and "stated by one, denied by the other: finish" in verdict.reasons, verdict
    verdict = judge.judge("Brannick failed to finish the race.", ["Brannick went on to finish the race in 23rd place."])
    assert not verdict.supported and "stated by one, denied by the other: finish" in verdict.reasons, verdict
    assert not judge.evidence("Brannick won the race.", ["Brannick not only won the race but set a record."]).denied
    verdict = judge.judge("The league has a reliable way to enforce its rulings.", ["The league lacks a reliable way."])
    assert not verdict.supported and "stated by one, denied by the other: reliabl" in verdict.reasons, verdict


def test_a_decade_or_a_century_is_a_number(judge: OfflineJudge) -> None:
    passage = "For almost 70 years, Northton was closely allied with Southby, and for 10 years with Eastham."
    verdict = judge.judge("Northton was closely allied with Southby for more than a century.", [passage])
    assert not verdict.supported and "numbers not in the passages: 100" in verdict.reasons, verdict
    assert judge.judge("For a decade, Northton was closely allied with Eastham.", [passage]).supported


def test_a_fraction_in_words_is_a_share(judge: OfflineJudge) -> None:
    passage = "Northton is the destination for 90 % of Southby's exports, and a third term for its mayor is likely."
    assert judge.judge("Northton buys nine-tenths of Southby's exports.", [passage]).supported
    verdict = judge.judge("Northton buys two-thirds of Southby's exports.", [passage])
    assert not verdict.supported and "numbers not in the passages: 66.7, 67" in verdict.reasons, verdict
    assert "3" in figures("a third term") and "33" not in figures("a third term")  # an ordinal, not a share


def test_an_ordinal_the_passage_gives_otherwise_is_not_supported(judge: OfflineJudge) -> None:
    # "1 May" gives the number 1, but no ordinal
    passage = "Brannick was the second woman to lead the Northton council, elected on 1 May 1990."
    verdict = judge.judge("Brannick was the first woman to lead the Northton council.", [passage])
    assert not verdict.supported and "an ordinal where the passage has another: 1" in verdict.reasons, verdict
    # an ordinal some passage has is not changed, though its closest sentence holds another
    second = "Brannick was the second woman to lead the Northton council."
    claim = "Brannick, first elected in 1990, was the second woman to lead the Northton council."
    assert not judge.evidence(claim, [second, "She was first elected in 1990."]).other_ordinals


def test_lower_cased_passages_hold_names_in_any_case(judge: OfflineJudge) -> None:
    """Tokenised, lower-cased news text: a claim written in ordinary case is judged on what it says."""
    faithful = "China takes 90 % of Mongolia's exports, which are mainly coal and copper."
    assert judge.judge(faithful, [LOWER_CASED]).supported
    assert not judge.judge("China takes 80 % of Mongolia's exports.", [LOWER_CASED]).supported
    assert not judge.judge("Japan takes 90 % of Mongolia's exports.", [LOWER_CASED]).supported


def test_names_match_by_acronym_and_adjective_without_an_alias_table() -> None:
    passages = read("The United States and the EU sent aid; Belgian clubs made offers; Hernandez scored.")
    assert missing_names("The US and the European Union sent aid to Belgium; Hernández scored.", passages) == []
    assert missing_names("Japan and the UN sent aid.", passages) == ["japan", "un"]


def test_a_country_named_by_its_capital_people_or_short_form_is_there() -> None:
    """News writes "Washington" for the United States and "Beijing" for China (the gazetteer of the
    countryinfo package); a country the passages do not name is still missing, and so is a code that is
    only a word ("in" is not India)."""
    passages = read("The United States and the UK sent aid; French officials met their hosts in Beijing.")
    assert missing_names("Washington, London and France sent aid to the Chinese.", passages) == []
    assert missing_names("Americans and Britons sent aid to China.", passages) == ["britons"]
    assert missing_names("Moscow and India sent aid.", read("Aid came in from the United States.")) == [
        "india",
        "moscow",
    ]
    assert missing_names("The Washington Post said so.", passages) == ["post"]


def test_an_inflected_word_opening_a_sentence_is_not_a_name() -> None:
    """Capitalised only because it comes first: "Signs" and "Wedged" are words, "Smith" is still a name."""
    passages = read("Reports suggest that the two towns, squeezed between two rivers, are moving closer.")
    assert missing_names("Signs suggest the towns are moving closer.", passages) == []
    assert missing_names("Wedged between two rivers, the towns are moving closer.", passages) == []
    assert missing_names("Smith says the towns are moving closer. Signs of it abound.", passages) == ["smith"]
    assert missing_names("The towns signed with Signs Ltd.", passages) == ["signs"]


def test_union_of_passages_supports_a_claim_that_spans_them(judge: OfflineJudge) -> None:
    first, second = PASSAGE.split(" Additionally, ")
    claim = "China takes 90 % of Mongolia's exports, and Russia retains 50 % ownership in several projects there."
    assert not judge.judge(claim, [first]).supported
    assert judge.judge(claim, [first, second]).supported


def test_no_passage_supports_nothing_and_an_empty_claim_needs_nothing(judge: OfflineJudge) -> None:
    assert not judge.judge("China buys 90 % of Mongolia's exports.", []).supported
    assert not judge.judge("China buys 90 % of Mongolia's exports.", ["  "]).supported
    assert judge.judge(" [1] ", [PASSAGE]).supported


def test_the_weights_file_names_what_it_was_fitted_on() -> None:
    """Fitted numbers are data written by `python -m evals.tune_judge`, with the tuning parts named beside them."""
    saved = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    model = load_model()
    assert saved["fitted_on"] and all("pairs" in part for part in saved["fitted_on"])
    assert {part.split(":")[0] for part in saved["fitted_on"]} == {"claims", "news-dev", "wice-dev"}
    assert not any("heldout" in part for part in saved["fitted_on"])
    assert len(model.features) == len(model.weights) and 0 < model.threshold < 1


@pytest.mark.slow
def test_heldout_balanced_accuracy(judge: OfflineJudge) -> None:
    """The fitted weights generalise: the held-out parts were never used to fit or choose them (claims: dev
    0.77, held-out 0.75; news-dev: 0.89, 0.87). Without the alias table the claims held out fell from 0.80."""
    for labelled, floor in ((claims_set("claims", CLAIMS_PATH), 0.74), (claims_set("news-dev", NEWS_DEV_CLAIMS), 0.8)):
        accuracy = balanced(judge, labelled)
        assert len(labelled.parts["heldout"]) >= 70
        assert accuracy["tune"] >= floor and accuracy["heldout"] >= floor, (labelled.name, accuracy)


def balanced(judge: OfflineJudge, labelled: LabelledSet) -> dict[str, float]:
    judge.prefetch([(c.claim, list(c.passages)) for part in labelled.parts.values() for c in part])
    return {
        part: float(
            balanced_accuracy_score(
                [c.supported for c in cases], [judge.judge(c.claim, list(c.passages)).supported for c in cases]
            )
        )
        for part, cases in labelled.parts.items()
    }


def test_the_cross_encoder_is_not_loaded_unless_the_weights_weigh_it(judge: OfflineJudge) -> None:
    """Measured and not adopted (evals/README.md): today's weights have no `entailment` feature, so no encoder runs."""
    assert "entailment" not in load_model().features
    assert judge.encoder is None
    assert "entailment" not in judge.evidence("China buys 90 % of Mongolia's exports.", [PASSAGE]).features()


def test_encoder_weights_that_do_not_match_their_card_are_refused(tmp_path: Path) -> None:
    weights, card = tmp_path / "encoder.safetensors", tmp_path / "encoder.json"
    with pytest.raises(FileNotFoundError, match="train_judge_encoder"):
        ClaimEncoder(weights, card)
    save_file({"head.weight": torch.zeros(1, 384, dtype=torch.float16)}, str(weights))
    fields = {"base": "x", "trained_layers": [5], "max_tokens": 128, "trained_on": ["x"], "seed": 0, "note": ""}
    card.write_text(json.dumps({**fields, "sha256": "0" * 64}), encoding="utf-8")
    with pytest.raises(ValueError, match="does not match"):
        ClaimEncoder(weights, card)


def test_generated_pairs_hold_both_labels_and_never_read_held_out_stories() -> None:
    found = list(itertools.islice(judge_pairs.pairs(0), 3000))
    kinds = {(p.kind, p.supported) for p in found}
    assert {("verbatim", True), ("names_swapped", False), ("number_changed", False), ("negation", False)} <= kinds
    assert not any(f"story-{i}" in key for key in judge_pairs.sources() for i in range(13, 25))

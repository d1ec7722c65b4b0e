"""The default (extractive) answerer on the bundled articles and the development questions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant import Answer, Assistant, Evidence, Message, Settings, metadata_card
from assistant.text import citation_numbers
from tests.conftest import REPO

DEV_SET = [json.loads(line) for line in (REPO / "evals/datasets/dev.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("row", DEV_SET, ids=[row["id"] for row in DEV_SET])
def test_every_citation_quotes_its_article_exactly(bot: Assistant, row: dict) -> None:
    answer = bot.ask(row["question"], history=row["history"])
    numbers = {c.number for c in answer.citations}
    assert numbers == set(range(1, len(numbers) + 1))
    for citation in answer.citations:
        article = bot.article(citation.article_id)
        assert article is not None
        source = article.text if citation.kind == "text" else metadata_card(article)
        assert source[citation.start : citation.end] == citation.quote
        assert citation.title == article.title and citation.date == article.date
        assert citation.publisher == article.publisher
    assert set(citation_numbers(answer.text)) <= numbers
    assert {c.number for c in answer.evidence} <= numbers
    if not answer.refused:
        for sentence in answer.sentences:
            if sentence.verdict != "note":
                assert sentence.citations and sentence.text.endswith("]"), sentence.text


def test_answers_with_the_supporting_passage(bot: Assistant) -> None:
    answer = bot.ask("What share of Mongolia's exports go to China?")
    assert not answer.refused
    assert "90 %" in answer.text
    assert any("China is the destination for 90 % of Mongolia’s exports" in c.quote for c in answer.citations)
    assert answer.citations[0].article_id == "mongolia-delicate-balancing-act"


# Refused because the evidence lacks what is asked: no place of that kind, no tonnes, no money amount.
# (The fitted refusal model no longer refuses "What is Mongolia's GDP?" or "How many people live in
# Ulaanbaatar?" here: vocabulary alone did not hold up on other corpora; see the issue note.)
@pytest.mark.parametrize(
    "question",
    [
        "What is the capital of France?",
        "How many tonnes of copper does Mongolia export each year?",
        "How much money would Mongolia earn in transit fees from the gas pipeline?",
    ],
)
def test_refuses_what_the_articles_do_not_cover(bot: Assistant, question: str) -> None:
    answer = bot.ask(question)
    assert answer.refused
    assert answer.citations == []
    assert "don't cover" in answer.text


def test_follow_up_is_resolved_from_history(bot: Assistant) -> None:
    first = bot.ask("What does Russia supply to Mongolia?")
    assert "electricity" in first.text
    history = [
        {"role": "user", "content": "What does Russia supply to Mongolia?"},
        {"role": "assistant", "content": first.text},
    ]
    follow_up = bot.ask("And what does China buy from it?", history=history)
    assert not follow_up.refused
    assert "90 %" in follow_up.text and "coal" in follow_up.text
    assert "What does Russia supply to Mongolia?" in follow_up.thoughts.standalone_question


def test_a_follow_up_that_needs_its_history(bot: Assistant) -> None:
    history = [
        {"role": "user", "content": "How does Mongolia vote at the UN?"},
        {"role": "assistant", "content": "..."},
    ]
    answer = bot.ask("What did they abstain from?", history=history)
    assert not answer.refused
    assert "abstains from UN resolutions" in answer.text


def test_a_follow_up_that_ends_on_that_is_about_the_last_turn(bot: Assistant) -> None:
    """ "When was that?" names nothing: "that" is the meeting the last question asked about."""
    first = "Who did Mongolia's prime minister meet when he went to China?"
    history = [Message(role="user", content=first), Message(role="assistant", content=bot.ask(first).text)]
    answer = bot.ask("When was that?", history)
    assert answer.thoughts.standalone_question == f"{first} When was that?"
    assert not answer.refused and "2023" in answer.sentences[0].text, answer.text


def test_a_question_that_explains_its_own_pronoun_is_no_follow_up(bot: Assistant) -> None:
    """The "he" of "when he arrived" is the Putin the question names, so the last question does not
    pull its evidence towards exports: it is answered as it is when asked first."""
    question = "Why did Mongolia arrest Putin when he arrived?"
    first = "What share of Mongolia's exports go to China?"
    history = [Message(role="user", content=first), Message(role="assistant", content=bot.ask(first).text)]
    in_conversation, alone = bot.ask(question, history), bot.ask(question)
    assert in_conversation.thoughts.standalone_question == question
    assert [c.quote for c in in_conversation.citations] == [c.quote for c in alone.citations]
    assert "urged Mongolia to detain Putin" in in_conversation.citations[0].quote


def test_contradiction_in_the_articles_is_reported_with_both_citations(bot: Assistant) -> None:
    answer = bot.ask("Was this Putin's first ever visit to Mongolia?")
    assert "not consistent" in answer.text
    quotes = " ".join(c.quote for c in answer.citations)
    assert "first time the Russian president has been to Mongolia" in quotes
    assert "since 2019" in quotes
    first_time, since_2019 = (
        next(c.number for c in answer.citations if part in c.quote) for part in ("first time", "since 2019")
    )
    assert sorted(answer.sentences[0].citations) == sorted([first_time, since_2019])


def test_stream_yields_the_evidence_then_increments_then_the_answer(bot: Assistant) -> None:
    items = list(bot.stream("How does Mongolia usually vote on UN resolutions condemning the invasion of Ukraine?"))
    evidence, *increments, final = items
    assert isinstance(evidence, Evidence) and isinstance(final, Answer)
    assert evidence.citations == final.evidence
    assert any("abstains" in c.quote for c in evidence.citations)
    assert increments and all(isinstance(i, str) for i in increments)
    assert "".join(i for i in increments if isinstance(i, str)) == final.text
    assert "abstains" in final.text


def test_metadata_is_answerable_and_cited(bot: Assistant) -> None:
    answer = bot.ask("Who wrote the article about Putin testing an ally veering towards the U.S.?")
    assert not answer.refused
    assert "Henrik Rothen" in answer.text
    cited = [c for c in answer.citations if "Henrik Rothen" in c.quote]
    assert cited and cited[0].kind == "metadata"


def test_each_metadata_line_is_its_own_evidence(bot: Assistant) -> None:
    """The card's lines all open with the article's title, so they read alike; the licence line is
    still quoted beside the outlet line, not dropped as a repeat of it."""
    answer = bot.ask("Under what terms was the Asia Times article on Putin's Mongolia visit republished?")
    assert "Creative Commons" in answer.text and "The Conversation" in answer.text, answer.text
    assert all(c.kind == "metadata" for c in answer.citations[:2])


def test_every_metadata_line_names_its_article_and_dates_read_as_words(bot: Assistant) -> None:
    article = bot.article("mongolia-delicate-balancing-act")
    assert article is not None
    lines = metadata_card(article).splitlines()
    assert lines and all(line.startswith(f"The article “{article.title}”") for line in lines)
    assert f"The article “{article.title}” is dated September 2024." in lines  # "2024-09" in its metadata
    answer = bot.ask("In what month and year was the piece on Putin's visit as a balancing act for Mongolia published?")
    assert "September 2024" in answer.text
    assert answer.citations[0].kind == "metadata"


def test_a_false_premise_is_corrected_first(bot: Assistant) -> None:
    answer = bot.ask("Why did Mongolia arrest Putin when he arrived?")
    assert not answer.refused
    assert answer.sentences[0].verdict == "note"
    assert answer.text.startswith("The articles do not support what the question takes for granted")
    assert answer.thoughts.premise == "Mongolia arrest Putin when he arrived"
    # what the articles say about the premise: Ukraine urged a detention that did not happen
    assert "urged Mongolia to detain Putin" in answer.sentences[1].text


@pytest.mark.parametrize("question", ["When did Mongolia arrest Putin?", "When did Putin cancel his trip to Mongolia?"])
def test_a_false_premise_is_corrected_though_its_sentences_state_what_is_asked(bot: Assistant, question: str) -> None:
    """Asking for a value does not make the premise true: the sentences about the visit give dates (the
    warrant's, the visit's), and answering with one of them would grant an arrest or a cancellation that
    never happened. (A rule that let a value question through whenever a sentence as relevant as the
    premise's stated such a value cleared some rewordings, and answered both of these with a date.)"""
    answer = bot.ask(question)
    assert answer.text.startswith("The articles do not support what the question takes for granted"), answer.text


def test_the_answering_words_are_marked(bot: Assistant) -> None:
    answer = bot.ask("What share of Mongolia's exports go to China?")
    first = answer.sentences[0]
    assert first.answer_span is not None
    assert first.text[slice(*first.answer_span)] == "90 %"


def test_a_name_in_a_quoted_title_is_not_marked_as_the_answer(bot: Assistant) -> None:
    answer = bot.ask("Who wrote the article about Putin testing Mongolia as an ally?")
    first = answer.sentences[0]
    assert first.answer_span is not None, first
    assert first.text[slice(*first.answer_span)] == "Henrik Rothen", first


def test_no_disagreement_is_claimed_on_a_plain_fact(bot: Assistant) -> None:
    for question in [
        "What does Russia supply to Mongolia?",
        "Roughly how many people live in Mongolia?",
        # the article disagrees with itself about a first visit, which this does not ask about
        "Did Mongolia arrest Putin during his visit?",
    ]:
        answer = bot.ask(question)
        assert "not consistent" not in answer.text


def test_answers_carry_their_thoughts(bot: Assistant) -> None:
    answer = bot.ask("When did Putin and Xi declare a no limits partnership?")
    passages = answer.thoughts.passages
    assert 0 < len(passages) <= bot.settings.retrieval_k
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    assert any(p.vector_rank is not None and p.keyword_rank is not None for p in passages)
    assert "February 2022" in answer.text


@pytest.fixture(scope="module")
def hostile_bot(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    data_dir = tmp_path_factory.mktemp("hostile-data")
    return Assistant(Settings(data_dir=data_dir, corpus_dir=REPO / "tests/data/hostile", model="extractive"))


def test_instructions_hidden_in_an_article_comment_do_not_steer_the_answer(hostile_bot: Assistant) -> None:
    """The comment says the Gobi has no snow leopards; readers never see it, and neither does scoring."""
    answer = hostile_bot.ask("How many snow leopards are in the Gobi?")
    assert answer.sentences[0].text.startswith("ULAANBAATAR - Rangers in Mongolia's Great Gobi reserve counted 41")
    assert "SYSTEM" not in answer.text
    survey = hostile_bot.ask("When do the rangers plan a second survey?")
    assert survey.citations[0].quote.endswith("when the cubs born this year leave their dens.")


def _write_article(folder: Path, slug: str, title: str, text: str) -> None:
    (folder / f"{slug}.txt").write_text(text, encoding="utf-8")
    meta = {"title": title, "author": "Test Desk", "publisher": "Test Wire", "date": "2026-03-01", "source": "tests"}
    (folder / f"{slug}.meta.json").write_text(json.dumps(meta), encoding="utf-8")


def test_each_part_of_a_two_fact_question_reads_its_sentences_with_their_headlines(tmp_path: Path) -> None:
    """Two stories with the same sentence but for a number: only the headline says whose mine it is, as a
    reader takes it. The second part's answer comes from the story its own words name."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for slug, country, workers, rise in (("north", "Northland", "1,950", "78"), ("south", "Southland", "8,890", "12")):
        _write_article(
            corpus,
            slug,
            f"{country} renegotiates its biggest copper mine",
            f"{country}'s exports of copper to Japan rose by {rise} % in 1998, after a new trade deal with Tokyo.\n\n"
            f"The government wants a larger share of the profits from the mine.\n\n"
            f"The largest copper mine employs {workers} people and pays a third of the region's taxes.\n",
        )
    bot = Assistant(Settings(data_dir=tmp_path / "data", corpus_dir=corpus, model="extractive"))
    for exports, mine, rise, workers in (
        ("Southland", "Northland", "12", "1,950"),
        ("Northland", "Southland", "78", "8,890"),
    ):
        answer = bot.ask(
            f"By how much did {exports}'s copper exports to Japan rise in 1998 after the new trade deal with Tokyo, "
            f"and how many people work at {mine}'s mine?"
        )
        assert f"{rise} %" in answer.text and f"{workers} people" in answer.text, answer.text


def test_a_story_named_only_in_its_headline_is_found_and_not_set_against_its_look_alikes(tmp_path: Path) -> None:
    """Eight stories share one sentence but for its year; only each headline names its country.
    Search reads a chunk under its headline, so the story the question names comes first, and the
    other stories' years are no disagreement: they are about other countries. So for a follow-up:
    the sentence the last answer quoted answers it again, and it is about the port asked before."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    years = dict(zip(["Northland", "Southland", "Eastmark", "Westmoor", "Highvale", "Lowmere", "Farreach", "Nearby"],
                     range(2028, 2036), strict=True))  # fmt: skip
    for country, year in years.items():
        _write_article(
            corpus,
            country.lower(),
            f"{country} races to adapt as temperatures rise",
            f"Average temperatures have risen sharply over the last decade.\n\n"
            f"The government has pledged to plant a billion trees by {year} to hold back the desert.\n\n"
            f"A new processing plant near {country} Port will cost ${year - 2000} billion and open in {year + 9}.\n",
        )
    bot = Assistant(Settings(data_dir=tmp_path / "data", corpus_dir=corpus, model="extractive"))
    for country in ("Westmoor", "Farreach"):
        answer = bot.ask(f"By what year does {country} aim to plant a billion trees?")
        assert answer.thoughts.passages[0].meta.title.startswith(country)
        assert answer.citations[0].title.startswith(country) and str(years[country]) in answer.sentences[0].text
        assert "not consistent" not in answer.text, answer.text
        # A follow-up without the port's name is about the port its predecessor named.
        cost = f"How much will the processing plant near {country} Port cost?"
        history = [Message(role="user", content=cost), Message(role="assistant", content=bot.ask(cost).text)]
        follow_up = bot.ask("And when is it supposed to open?", history)
        assert str(years[country] + 9) in follow_up.sentences[0].text and "not consistent" not in follow_up.text


def test_a_follow_up_that_points_back_with_that_is_read_with_its_predecessor(tmp_path: Path) -> None:
    """A question that names no one ("Who does that expert work for?") is about the expert the last question
    named, not whichever expert search finds first. "His 32nd birthday" tells an age."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    experts = {"Ann Brannick": "the Northton Institute", "Tom Calloway": "Westmoor University",
               "Ida Fenwick": "the Eastmark Fund"}  # fmt: skip
    for index, (expert, employer) in enumerate(experts.items()):
        _write_article(
            corpus,
            f"expert-{index}",
            f"Copper exports rise for the {index + 2}nd year",
            f"{expert}, a senior fellow at {employer}, estimates that {40 + index} % of the copper goes abroad.\n\n"
            f"Mines in the north employ {index + 3},000 people.\n\n"
            f"He did so on June 16, 1983, his {30 + index}nd birthday, by opening the mine.\n",
        )
    bot = Assistant(Settings(data_dir=tmp_path / "data", corpus_dir=corpus, model="extractive"))
    for expert, employer in experts.items():
        first = f"What share of the copper goes abroad, according to {expert}?"
        history = [Message(role="user", content=first), Message(role="assistant", content=bot.ask(first).text)]
        for question in ("Who does that expert work for?", "That expert works for which organisation?"):
            answer = bot.ask(question, history)
            assert employer in answer.sentences[0].text, (question, answer.text)
    birthday = bot.ask("How old was he turning when he opened the mine?")
    assert not birthday.refused and "birthday" in birthday.sentences[0].text, birthday.text


def test_a_follow_up_may_ask_about_what_the_last_answer_said(tmp_path: Path) -> None:
    """ "How old was she then?" shares no word with the question before it: "then" is the day the last
    answer named. The sentence that answers holds that answer's words, so it is found and the question answered."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write_article(
        corpus,
        "bridge",
        "Harbour town counts the cost of the storm",
        "Mayor Lena Orvik won back the town's trust after the storm destroyed the old crossing.\n\n"
        "The council approved the budget in January.\n\n"
        "she did it on may 3 , 2019 , her 45th birthday , by reopening the harbour bridge to lorries and buses , "
        "with a brass band from the county school playing on the quay .\n\n"
        "The storm cost the harbour 30 million dollars in lost trade, the council said.\n",
    )
    _write_article(
        corpus,
        "ferry",
        "Ferry crews strike over pay",
        "The 28-year-old captain of the night ferry said crews had not been paid since March.\n\n"
        "Passengers waited for six hours at the terminal on Friday.\n",
    )
    bot = Assistant(Settings(data_dir=tmp_path / "data", corpus_dir=corpus, model="extractive"))
    history = [
        Message(role="user", content="How did Lena Orvik restore her standing after the storm?"),
        Message(role="assistant", content="She reopened the harbour bridge to lorries on May 3, 2019."),
    ]
    answer = bot.ask("How old was she then?", history)
    assert not answer.refused and "45th birthday" in answer.sentences[0].text, answer.text


def test_a_premise_granted_in_a_leading_clause_is_checked(tmp_path: Path) -> None:
    """ "Since X, why Y?" takes X for granted: when the articles say otherwise, the answer says so first and
    quotes what they say about X (not about Y, which the question proper asks)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write_article(
        corpus,
        "court",
        "Northland weighs a warrant as the Southland envoy visits",
        "Northland has been a member of the Regional Trade Court since 2001, and its judges sit on the bench.\n\n"
        "When the Southland envoy visited Northland in June, critics asked the government to detain him.\n\n"
        "The government declined to detain the envoy, citing his diplomatic immunity.\n\n"
        "Trade between the two countries rose by 12 % last year.\n",
    )
    bot = Assistant(Settings(data_dir=tmp_path / "data", corpus_dir=corpus, model="extractive"))
    answer = bot.ask(
        "Since Northland isn't a member of the Regional Trade Court, why was there a debate about detaining the envoy?"
    )
    assert answer.text.startswith("The articles do not support what the question takes for granted"), answer.text
    assert "member of the Regional Trade Court since 2001" in answer.sentences[1].text, answer.text


def test_a_hyphenated_word_is_read_as_its_parts(tmp_path: Path) -> None:
    """ "Partner-state countries" in the story, "partner states" in the question: a search engine's tokenizer
    splits the compound, and so does ours, for finding the sentence and for how much of the question it covers."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write_article(
        corpus,
        "eastland",
        "Eastland looks beyond its two big neighbours",
        "Eastland, a country of only two million people, counts its two big neighbours as its oldest partners.\n\n"
        "Eastland has kept its promises to partner countries as a sign of its commitment to its foreign policy.\n\n"
        "It has tried to win more freedom from its neighbours by developing cordial relations with "
        "so-called partner-state countries, which include Norway, Chile and Kenya.\n\n"
        "Eastland's partners are watched closely by the region's other states and countries.\n",
    )
    bot = Assistant(Settings(data_dir=tmp_path / "data", corpus_dir=corpus, model="extractive"))
    answer = bot.ask("What are Eastland's partner states?")
    assert "Norway, Chile and Kenya" in answer.text, answer.text

"""Evaluation questions for the generated corpus of `testsupport.corpus_gen`, each one checked mechanically.

Why: the hand-written dev set covers two real articles; measuring retrieval, citation and abstention at
scale needs labelled questions over the generated corpus too. The generator fills sentence templates, so
this module matches the same templates back against each article's text (one regex per template). That
recovers every filled value together with its exact sentence without changing the generator, and every
question's gold quote is such a sentence and its key facts are the values filled into it.

Categories: single_fact (the fact question, or a who/when/where/how-much question on another sentence),
two_fact, unanswerable (each with a regex that no article of the corpus matches), false_premise (a wrong
value or entity for the fact, whose false sentence no article contains) and follow_up.
Split: articles with an even index are "tune", odd ones "heldout"; both splits follow the same category
schedule, so categories are balanced across them.

    python -m evals.corpus_questions OUT_DIR [--articles 30] [--seed 7]
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from string import Formatter

from assistant import Message
from evals.dataset import EvalQuestion, GoldPassage, load_questions
from testsupport import corpus_gen as gen

ENTITIES: dict[str, tuple[str, ...]] = {
    "country": gen.COUNTRIES, "city": tuple(gen.CITIES.values()), "power": gen.POWERS,
    "commodity": gen.COMMODITIES, "role": gen.ROLES, "org": gen.ORGS,
    "person": tuple(f"{first} {last}" for first in gen.FIRST_NAMES for last in gen.LAST_NAMES),
}  # fmt: skip
NUMBERS = {
    "year": r"\d{4}", "year2": r"\d{4}", "pct": r"\d{1,2}", "pct2": r"\d{1,2}\.\d", "small": r"\d\.\d",
    "num": r"\d{1,3}(?:,\d{3})*", "num2": r"\d{2}", "amount": r"\$\d{1,2}\.\d billion",
}  # fmt: skip
SENTENCES = [t for topic in gen.TOPICS.values() for t in topic["sentences"]] + list(gen.GENERIC + gen.QUOTES)
TITLES = [t for topic in gen.TOPICS.values() for t in topic["titles"]]
FACT_KEY = ("pct", "amount", "pct")  # the value each FACTS template asks for
FACT_ALT = (
    "By what percentage did {country}'s {commodity} shipments to {power} grow in {year}?",
    "What is the price tag of the new {commodity} processing plant planned near {city}?",
    "According to {person}, how much of {country}'s {commodity} output ends up in {power}?",
)
# Other sentences worth asking about: (a marker naming the template, the value asked for, question).
ASKS = (
    ("dry port near", "year2", "By what year is the dry port near {city} supposed to be ready?"),
    ("trade deficit narrowed", "amount", "What did {country}'s trade deficit narrow to last year?"),
    ("free trade agreement", "year", "Since when has {country} been negotiating a free trade deal with {power}?"),
    ("Mining accounts for", "pct", "How big a slice of {country}'s GDP does mining make up?"),
    ("mine employs", "num", "How many people work at {country}'s largest {commodity} mine?"),
    ("The president of", "year", "In what year did {country}'s president travel to {power}?"),
    ("cultural centre", "city", "Where has {power} opened a cultural centre in {country}?"),
    ("scholarships", "num", "How many scholarships does {power} offer students from {country} each year?"),
    ("Turnout reached", "pct", "What was voter turnout in {country}'s election?"),
    ("Inflation, which", "pct2", "How high did inflation in {country} peak last year?"),
    ("Average temperatures", "small", "By how many degrees have average temperatures in {country} risen?"),
    ("head of livestock", "num", "How many animals did the severe winter kill in {country}?"),
    ("billion trees", "year2", "By what year does {country} aim to plant a billion trees?"),
    ("bond issue", "amount", "How big was {country}'s oversubscribed bond issue?"),
    ("IMF programme", "year", "When was {country}'s IMF programme agreed?"),
    ("expect growth", "org", "Whose analysts forecast {country}'s economic growth for this year?"),
    ("Observers from", "org", "Who sent observers to {country}'s election?"),
    ("Scientists at", "org", "Which institution's scientists tie {country}'s spreading dry land to overgrazing?"),
    ("consortium backed", "power", "Who backs the consortium holding most of the {commodity} mine in {country}?"),
    ("Aid from", "power", "Who paid for the new weather stations in {country}'s countryside?"),
    ("eggs in one basket", "person", "Who warned that {country} cannot put all its eggs in one basket?"),
    ("told reporters in", "city", "Where did {person} say that the next two years would decide the strategy?"),
    ("Voters in", "city", "Where in {country} did voters rally behind anti-corruption candidates?"),
    ("outskirts of", "city", "Where do herders in {country} who lose their animals tend to move?"),
    ("poverty line", "pct", "What share of {country}'s population lives below the poverty line?"),
)
KINDS = {"person": "who", "org": "who", "power": "who", "year": "when", "year2": "when", "city": "where"}
FALSE = (  # per FACTS template: (the field made wrong, question presupposing the wrong value)
    (("pct", "Why did {country}'s {commodity} exports to {power} jump by {wrong} % in {year}?"),
     ("power", "What drove the rise in {country}'s {commodity} exports to {wrong} in {year}?")),
    (("amount", "Why is the {commodity} processing plant near {city} going to cost as much as {wrong}?"),
     ("year2", "Why won't the new {commodity} processing plant near {city} open until {wrong}?")),
    (("pct", "Why does {person} put the share of {country}'s {commodity} output going to {power} at {wrong} %?"),
     ("power", "Why, according to {person}, does {pct} % of {country}'s {commodity} output go to {wrong}?")),
)  # fmt: skip
FOLLOW = (  # per FACTS template: (assistant's first answer, field asked next, follow-up phrasings)
    ("They rose by {pct} % in {year}.", "amount",
     ("And what were they worth after that rise?", "What total did that bring them to?")),
    ("It is expected to cost {amount}.", "year2",
     ("And when is it supposed to open?", "When will it start operating, then?")),
    ("{person} puts that share at {pct} %.", "org",
     ("Which organisation is that estimate from?", "Who does that expert work for?")),
)  # fmt: skip
# (text the article must contain to make the question plausible, question, regex no article may match, note)
UNANSWERABLE = (
    ("", "How old is {person}?", r"years? old|\baged? \d|\bage of\b", "No article gives anyone's age."),
    ("", "How many people live in {city}?", r"inhabitants|residents|million people|population of {city}",
     "No article gives the population of a city."),
    ("", "What is the unemployment rate in {country}?", r"unemploy|jobless", "No labour-market figures anywhere."),
    ("The president of", "What is the name of {country}'s president?",
     r"[Pp]resident,? [A-Z][a-z]+ [A-Z]|President [A-Z]",
     "Tempting: a presidential trip is reported, but the president is never named."),
    ("", "When was {org} founded?", r"founded|established in|set up in", "Organisations are named, never dated."),
    ("processing plant", "Which company will build the {commodity} processing plant near {city}?",
     r"(built|constructed|developed) by|contractor", "Tempting: cost and opening year are given, the builder is not."),
    ("", "How many tonnes of {commodity} does {country} export a year?", r"tonnes|\btons\b|barrels",
     "Tempting: export values and shares are given, never volumes."),
    ("severe winter", "How many people died in {country}'s severe winter?", r"\bdied\b|deaths|lives lost",
     "Tempting: the article counts livestock killed, not people."),
    ("dry port", "How much will the dry port near {city} cost?", r"dry port[^.]*\$|\$[^.]*dry port",
     "Tempting: the port's deadline is given, its cost is not."),
    ("ruling party", "Which party won {country}'s election?", r"\bwon\b|\bwinner\b|\bvictory\b",
     "Tempting: the ruling party lost its majority, but no winner is named."),
)  # fmt: skip
SCHEDULE = (  # the two categories of each article, the same in both splits (tune: even index, heldout: odd)
    ("single_fact", "unanswerable"), ("single_fact", "false_premise"), ("single_fact", "follow_up"),
    ("two_fact", "unanswerable"), ("single_fact", "unanswerable"), ("single_fact", "false_premise"),
    ("two_fact", "follow_up"), ("single_fact", "unanswerable"), ("two_fact", "false_premise"),
    ("single_fact", "follow_up"), ("two_fact", "unanswerable"), ("single_fact", "false_premise"),
    ("single_fact", "follow_up"), ("two_fact", "unanswerable"), ("false_premise", "follow_up"),
)  # fmt: skip


def _regex(template: str) -> re.Pattern[str]:
    """The template as a regex with one named group per slot; a slot may be capitalised, as `fill` does first."""
    parts: list[str] = []
    for literal, field, _, _ in Formatter().parse(template):
        parts.append(re.escape(literal))
        if field in ENTITIES:
            values = set(ENTITIES[field]) | {cap(v) for v in ENTITIES[field]}
            parts.append(f"(?P<{field}>{'|'.join(re.escape(v) for v in sorted(values, key=len, reverse=True))})")
        elif field:
            parts.append(f"(?P<{field}>{NUMBERS[field]})")
    return re.compile("".join(parts))


def cap(text: str) -> str:
    return text[0].upper() + text[1:]


def key(value: str) -> str:
    """The part of a value an answer must repeat: '$3.5 billion' -> '3.5 billion', 'the IMF' -> 'IMF'."""
    return re.sub(r"^(the|an|a) ", "", value.removeprefix("$"))


def strong(value: str, other: str = "") -> bool:
    """A key fact worth checking: not one digit (found in almost any answer) and not the other key fact."""
    return len(key(value)) > 1 and key(value) != other


REGEXES = {template: _regex(template) for template in SENTENCES + TITLES + [fact for fact, _ in gen.FACTS]}
BY_MARKER = {marker: [t for t in SENTENCES if marker in t] for marker, _, _ in ASKS}
if any(len(found) != 1 for found in BY_MARKER.values()):
    raise RuntimeError(f"ASKS markers must name exactly one template: {BY_MARKER}")


@dataclass(frozen=True)
class Sentence:
    template: str
    quote: str
    values: dict[str, str]


@dataclass(frozen=True)
class Parsed:
    """One generated article with the values the generator filled in, recovered from its text."""

    item: gen.GeneratedArticle
    slots: dict[str, str]  # the article-level entities, shared by all its sentences
    sentences: dict[str, Sentence]  # by template, the fact sentence included
    fact: Sentence
    fact_kind: int  # index into gen.FACTS


def parse(item: gen.GeneratedArticle) -> Parsed:
    """Match every template against the article; entity values must agree across all sentences and the title."""
    sentences: dict[str, Sentence] = {}
    slots: dict[str, str] = {}
    for template, regex in REGEXES.items():
        match = regex.fullmatch(item.title) if template in TITLES else regex.search(item.text)
        if not match:
            continue
        # Undo `fill`'s capital at the start of a sentence: 'The U.S.' -> 'the U.S.'.
        values = {
            k: v if k not in ENTITIES or v in ENTITIES[k] else v[0].lower() + v[1:]
            for k, v in match.groupdict().items()
        }
        for name in values.keys() & ENTITIES.keys():
            if slots.setdefault(name, values[name]) != values[name]:
                raise ValueError(f"{item.article_id}: {name} is both {slots[name]!r} and {values[name]!r}")
        if template not in TITLES:
            sentences[template] = Sentence(template, match.group(0), values)
    kinds = [k for k, (fact, _) in enumerate(gen.FACTS) if fact in sentences and sentences[fact].quote == item.fact]
    if len(kinds) != 1:
        raise ValueError(f"{item.article_id}: fact sentence not recognised: {item.fact!r}")
    if "country" not in slots:  # every article names its capital somewhere, if not its country
        slots["country"] = next(c for c, city in gen.CITIES.items() if city == slots["city"])
    slots.setdefault("city", gen.CITIES[slots["country"]])
    return Parsed(item, slots, sentences, sentences[gen.FACTS[kinds[0]][0]], kinds[0])


def wrong(field: str, value: str, parsed: Parsed) -> str:
    """A plausible but false value for the field, different from the true one."""
    if field == "pct":
        return str(int(value) + 20 if int(value) <= 75 else int(value) - 20)
    if field == "amount":
        number = float(value.removeprefix("$").removesuffix(" billion"))
        return f"${number + 9.5 if number < 30 else number - 9.5:.1f} billion"
    if field == "year2":
        return str(int(value) + 4)
    after = gen.POWERS[gen.POWERS.index(value) + 1 :] + gen.POWERS
    return next(power for power in after if power not in (value, parsed.slots["country"]))


class Builder:
    """Chooses questions article by article, rotating phrasings and kinds so the set is not one template repeated.

    Meant for tens of articles (seed 7 works up to 140): each question must single out its article among those
    about the same country, which fails once many articles share a country (a clear error, not an ambiguous question).
    """

    def __init__(self, parsed: list[Parsed]) -> None:
        self.parsed, self.texts = parsed, [p.item.text for p in parsed]
        self.turn: Counter[str] = Counter()
        self.used: Counter[str] = Counter()
        self.patterns: dict[str, str] = {}  # unanswerable question id -> regex that no article matches

    def unique(self, a: Parsed, template: str, question: str) -> bool:
        """No other article holding this template shares the entities the question names (or the country)."""
        names = {"country", *(field for _, field, _, _ in Formatter().parse(question) if field)} & ENTITIES.keys()
        same = [b for b in self.parsed if b is not a and template in b.sentences]
        return not any(all(b.slots.get(n) == a.slots.get(n) for n in names) for b in same)

    def fact_question(self, a: Parsed) -> tuple[Sentence, str, str] | None:
        """The fact sentence, its key field and a question, alternating the generator's wording and a paraphrase."""
        self.turn["fact"] += 1
        alternative = FACT_ALT[a.fact_kind].format(**{**a.slots, **a.fact.values})
        field = FACT_KEY[a.fact_kind]
        ok = self.unique(a, a.fact.template, gen.FACTS[a.fact_kind][1]) and strong(a.fact.values[field])
        return (a.fact, field, a.item.question if self.turn["fact"] % 2 else alternative) if ok else None

    def ask(self, a: Parsed, avoid: tuple[Sentence, str] | None = None) -> tuple[Sentence, str, str]:
        """(sentence, field, question) on a non-fact sentence other than `avoid`'s, preferring the next kind in turn."""
        other, used_key = (avoid[0].template, key(avoid[0].values[avoid[1]])) if avoid else ("", "")
        options = [(BY_MARKER[m][0], f, q) for m, f, q in ASKS if BY_MARKER[m][0] in a.sentences.keys() - {other}]
        options = [(t, f, q) for t, f, q in options if "{power}" not in q or a.slots["power"] != a.slots["country"]]
        options = [o for o in options if self.unique(a, *o[::2]) and strong(a.sentences[o[0]].values[o[1]], used_key)]
        if not options:
            raise ValueError(f"{a.item.article_id}: nothing to ask that no other article about its country answers")
        want = ("who", "when", "where", "how much")[self.turn["ask"] % 4]
        self.turn["ask"] += 1
        template, field, question = min(options, key=lambda o: (KINDS.get(o[1], "how much") != want, self.used[o[2]]))
        self.used[question] += 1
        return a.sentences[template], field, cap(question.format(**a.slots))

    def build(self, index: int, a: Parsed, category: str, partner: str) -> EvalQuestion:
        qid, fact, history = f"{a.item.article_id}-{category}", a.fact, []
        if category == "single_fact":  # the fact question beside an unanswerable one, another sentence otherwise
            found = self.fact_question(a) if partner == "unanswerable" else None
            sentence, field, question = found or self.ask(a)
            gold, keys, note = [sentence], [key(sentence.values[field])], f"The {field} of the quoted sentence."
        elif category == "two_fact":
            first, f1, q1 = self.fact_question(a) or self.ask(a)
            second, f2, q2 = self.ask(a, avoid=(first, f1))
            question = f"{q1.rstrip('?')}, and {q2[0].lower() + q2[1:]}"
            gold, keys = [first, second], [key(first.values[f1]), key(second.values[f2])]
            note = "Two sentences, one value each."
        elif category == "false_premise":
            self.turn["false"] += 1
            field, template = FALSE[a.fact_kind][self.turn["false"] % 2]
            if not strong(fact.values[field]):  # a one-digit key fact would match almost any answer
                field, template = FALSE[a.fact_kind][(self.turn["false"] + 1) % 2]
            bad = wrong(field, fact.values[field], a)
            false_fact = cap(fact.template.format(**{**fact.values, field: bad}))
            if any(false_fact in text for text in self.texts):
                raise ValueError(f"{qid}: the false premise {false_fact!r} is in the corpus")
            question = cap(template.format(**{**a.slots, **fact.values, "wrong": bad}))
            gold, keys = [fact], [key(fact.values[field])]
            note = f"Premise false: the article gives {fact.values[field]}, not {bad}."
        elif category == "follow_up":
            answer, field, phrasings = FOLLOW[a.fact_kind]
            self.turn["follow"] += 1
            history = [
                Message(role="user", content=a.item.question),
                Message(role="assistant", content=cap(answer.format(**fact.values))),
            ]
            question, gold, keys = phrasings[self.turn["follow"] % 2], [fact], [key(fact.values[field])]
            note = "Needs the history to know what 'it', 'they' or 'that' refers to."
        else:
            question, self.patterns[qid], note = self.unanswerable(a)
            gold, keys = [], []
        passages = [GoldPassage(article_id=a.item.article_id, quote=s.quote) for s in gold]
        split = "tune" if index % 2 == 0 else "heldout"
        return EvalQuestion(
            id=qid, category=category, question=question, history=history, answerable=bool(gold),
            key_facts=keys, gold=passages, split=split, notes=note,
        )  # fmt: skip

    def unanswerable(self, a: Parsed) -> tuple[str, str, str]:
        """The next question in turn that fits the article and whose answer pattern no article of the corpus matches."""
        escaped = {k: re.escape(v) for k, v in a.slots.items()}
        for step in range(len(UNANSWERABLE)):
            position = (self.turn["unanswerable"] + step) % len(UNANSWERABLE)
            needs, question, pattern, note = UNANSWERABLE[position]
            pattern = pattern.format(**escaped)
            if needs in a.item.text and not any(re.search(pattern, text) for text in self.texts):
                self.turn["unanswerable"] = position + 1
                return cap(question.format(**a.slots)), pattern, f"{note} No article matches /{pattern}/."
        raise ValueError(f"{a.item.article_id}: no unanswerable question fits")


def check(corpus: Path, dataset: Path, patterns: dict[str, str]) -> list[EvalQuestion]:
    """Reload the written set and verify gold quotes, key facts and unanswerability against the corpus on disk."""
    texts = {path.stem: path.read_text(encoding="utf-8") for path in corpus.glob("*.txt")}
    questions = load_questions(dataset)
    for q in questions:
        quotes = [g.quote.casefold() for g in q.gold]
        problems = [f"quote not in {g.article_id}" for g in q.gold if g.quote not in texts.get(g.article_id, "")]
        missing = [k for k in q.key_facts if not any(k.casefold() in quote for quote in quotes)]
        problems += [f"key fact {k!r} in no gold quote" for k in missing]
        if len({g.quote for g in q.gold}) < len(q.gold):
            problems.append("the same gold quote twice")
        if q.answerable != bool(q.gold and q.key_facts):
            problems.append("answerable questions need gold and key facts, the others neither")
        if not q.answerable and any(re.search(patterns[q.id], text) for text in texts.values()):
            problems.append(f"an article matches /{patterns[q.id]}/")
        if problems:
            raise ValueError(f"{dataset}: {q.id}: {'; '.join(problems)}")
    return questions


def write_eval_set(folder: Path, articles: int = 30, seed: int = 7) -> tuple[Path, Path]:
    """Write the corpus into folder/corpus and the checked questions into folder/questions.jsonl."""
    corpus, dataset = folder / "corpus", folder / "questions.jsonl"
    builder = Builder([parse(item) for item in gen.write_corpus(corpus, articles, seed)])
    pairs = [SCHEDULE[index // 2 % len(SCHEDULE)] for index in range(articles)]
    questions = [
        builder.build(index, parsed, category, partner)
        for index, (parsed, pair) in enumerate(zip(builder.parsed, pairs, strict=True))
        for category, partner in (pair, pair[::-1])
    ]
    dataset.write_text("".join(q.model_dump_json() + "\n" for q in questions), encoding="utf-8")
    check(corpus, dataset, builder.patterns)
    return corpus, dataset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    corpus, dataset = write_eval_set(args.folder, args.articles, args.seed)
    questions = load_questions(dataset)
    counts = Counter((q.category, q.split) for q in questions)
    print(f"{len(questions)} questions over {args.articles} articles in {dataset} (corpus: {corpus})")
    for category in sorted({c for c, _ in counts}):
        tune, heldout = counts[category, "tune"], counts[category, "heldout"]
        print(f"  {category:<14} {tune + heldout:>3}  (tune {tune}, heldout {heldout})")


if __name__ == "__main__":
    main()

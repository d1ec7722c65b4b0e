"""A large, realistic news corpus generated offline and reproducibly.

Articles are written from sentence templates of real news prose (trade, energy, elections,
mining, climate, ...) filled with countries, people, organisations, commodities, years and
figures, so chunks read like articles and retrieval behaves as on real data: many articles
share a topic and vocabulary, and only the entities and numbers tell them apart.

Article `i` depends only on `(seed, i)`, so a small corpus is the prefix of a large one.
Each article carries one fact sentence with a matching question (`questions()`), which the
benchmarks use as labelled queries.

    python -m testsupport.corpus_gen OUT_DIR --articles 10000 [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

COUNTRIES = (
    "Mongolia", "Kazakhstan", "Uzbekistan", "Kyrgyzstan", "Vietnam", "Indonesia", "Malaysia", "Thailand",
    "the Philippines", "Chile", "Peru", "Bolivia", "Argentina", "Brazil", "Colombia", "Mexico", "Canada",
    "Australia", "New Zealand", "Norway", "Finland", "Poland", "Romania", "Hungary", "Serbia", "Georgia",
    "Armenia", "Azerbaijan", "Turkey", "Egypt", "Morocco", "Nigeria", "Ghana", "Kenya", "Ethiopia",
    "Tanzania", "Zambia", "Angola", "Namibia", "South Africa", "India", "Pakistan", "Bangladesh", "Sri Lanka",
    "Nepal", "Japan", "South Korea", "Germany", "France", "Italy", "Spain", "Portugal", "Greece", "Saudi Arabia",
    "Qatar", "Oman", "Jordan", "Iraq", "Ukraine", "Laos",
)  # fmt: skip
POWERS = ("China", "Russia", "the U.S.", "the European Union", "Japan", "India", "Turkey", "the U.K.")
CITIES = {
    "Mongolia": "Ulaanbaatar", "Kazakhstan": "Astana", "Uzbekistan": "Tashkent", "Kyrgyzstan": "Bishkek",
    "Vietnam": "Hanoi", "Indonesia": "Jakarta", "Malaysia": "Kuala Lumpur", "Thailand": "Bangkok",
    "the Philippines": "Manila", "Chile": "Santiago", "Peru": "Lima", "Bolivia": "La Paz",
    "Argentina": "Buenos Aires", "Brazil": "Brasília", "Colombia": "Bogotá", "Mexico": "Mexico City",
    "Canada": "Ottawa", "Australia": "Canberra", "New Zealand": "Wellington", "Norway": "Oslo",
    "Finland": "Helsinki", "Poland": "Warsaw", "Romania": "Bucharest", "Hungary": "Budapest",
    "Serbia": "Belgrade", "Georgia": "Tbilisi", "Armenia": "Yerevan", "Azerbaijan": "Baku", "Turkey": "Ankara",
    "Egypt": "Cairo", "Morocco": "Rabat", "Nigeria": "Abuja", "Ghana": "Accra", "Kenya": "Nairobi",
    "Ethiopia": "Addis Ababa", "Tanzania": "Dodoma", "Zambia": "Lusaka", "Angola": "Luanda",
    "Namibia": "Windhoek", "South Africa": "Pretoria", "India": "New Delhi", "Pakistan": "Islamabad",
    "Bangladesh": "Dhaka", "Sri Lanka": "Colombo", "Nepal": "Kathmandu", "Japan": "Tokyo",
    "South Korea": "Seoul", "Germany": "Berlin", "France": "Paris", "Italy": "Rome", "Spain": "Madrid",
    "Portugal": "Lisbon", "Greece": "Athens", "Saudi Arabia": "Riyadh", "Qatar": "Doha", "Oman": "Muscat",
    "Jordan": "Amman", "Iraq": "Baghdad", "Ukraine": "Kyiv", "Laos": "Vientiane",
}  # fmt: skip
FIRST_NAMES = (
    "Amara", "Batbayar", "Carlos", "Dilnoza", "Elena", "Farid", "Grace", "Hiroshi", "Ines", "Jonas", "Kwame",
    "Leila", "Mateo", "Nadia", "Oleksandr", "Priya", "Quentin", "Rosa", "Sergei", "Tamar", "Umar", "Valentina",
    "Wei", "Ximena", "Yusuf", "Zofia", "Anders", "Bilge", "Chen", "Dmitri", "Esther", "Fatima",
)  # fmt: skip
LAST_NAMES = (
    "Okafor", "Ganbold", "Ruiz", "Karimova", "Petrova", "Haddad", "Mensah", "Tanaka", "Ferreira", "Lindqvist",
    "Boateng", "Nasser", "Alvarez", "Kowalski", "Shevchenko", "Raman", "Dubois", "Moreno", "Ivanov", "Beridze",
    "Rashidov", "Rossi", "Zhang", "Castillo", "Demir", "Nowak", "Berg", "Yilmaz", "Liu", "Sokolov", "Cohen",
)  # fmt: skip
ROLES = (
    "a senior fellow", "an economist", "the deputy minister of economy", "a professor of international relations",
    "a trade analyst", "the head of research", "a former ambassador", "an energy consultant", "a spokesperson",
    "a political scientist",
)  # fmt: skip
ORGS = (
    "the Atlantic Policy Institute", "the Eurasia Research Centre", "the National University", "the World Bank",
    "the Asian Development Bank", "the Institute for Strategic Studies", "the Central Bank", "Oxford Analytica",
    "the Chamber of Commerce", "the International Energy Agency", "the Carnegie Endowment", "the IMF",
)  # fmt: skip
PUBLISHERS = ("The Conversation", "Global Affairs Review", "The Daily Ledger", "Regional Times", "Policy Wire")
COMMODITIES = (
    "coal", "copper", "gold", "iron ore", "lithium", "natural gas", "crude oil", "wheat", "cotton", "rare earths",
    "uranium", "cashmere", "cobalt", "zinc", "fertiliser", "electricity",
)  # fmt: skip

TOPICS: dict[str, dict[str, tuple[str, ...]]] = {
    "trade": {
        "titles": (
            "{country} leans on {power} as {commodity} exports surge",
            "Why {country}'s trade with {power} keeps growing",
            "{country} seeks new markets beyond {power}",
        ),
        "sentences": (
            "{power} has become {country}'s largest trading partner, buying most of its {commodity}.",
            "Officials in {city} say they want to diversify exports away from raw {commodity}.",
            "Trucks loaded with {commodity} queue for days at the border crossing with {power}.",
            "The trade deficit narrowed to {amount} last year, according to the customs office.",
            "Economists warn that dependence on a single buyer leaves {country} exposed to price swings.",
            "A free trade agreement with {power} has been under negotiation since {year}.",
            "Small exporters complain that customs procedures add weeks to every shipment.",
            "The government has promised to build a dry port near {city} by {year2}.",
            "Exports of processed goods remain a small share of the total, at about {pct} %.",
        ),
    },
    "energy": {
        "titles": (
            "{country} bets on a pipeline from {power}",
            "Power cuts push {country} to rethink its energy plans",
            "{country} courts {power} for a new power plant",
        ),
        "sentences": (
            "Most of {country}'s electricity still comes from ageing {commodity}-fired plants built decades ago.",
            "A proposed pipeline would carry {commodity} from {power} across {country} to new customers.",
            "Engineers estimate that the line would need {num} kilometres of new transmission cable.",
            "Winter demand in {city} peaks at night, when solar panels produce nothing.",
            "The state utility imports about {pct} % of its power from {power} during the coldest months.",
            "Investors from {power} have offered to finance a {num}-megawatt plant near {city}.",
            "Environmental groups say the project would lock the country into fossil fuels until {year2}.",
            "Tariffs for households have been frozen since {year}, leaving the utility in debt.",
            "A feasibility study for a hydropower dam is expected to be published by {year2}.",
        ),
    },
    "mining": {
        "titles": (
            "The {commodity} boom reshapes {country}'s economy",
            "{country} renegotiates its biggest {commodity} mine",
            "Who profits from {country}'s {commodity}?",
        ),
        "sentences": (
            "Mining accounts for about {pct} % of {country}'s gross domestic product and most of its exports.",
            "The largest {commodity} mine employs {num} people and pays a third of the region's taxes.",
            "A consortium backed by {power} holds a majority stake in the project.",
            "Herders near the mine say that water tables have fallen since operations began in {year}.",
            "Parliament voted to raise royalties on {commodity} after world prices climbed.",
            "The company expects output to double once the underground phase opens in {year2}.",
            "Critics argue that the state received too small a share of the profits under the original deal.",
            "Rail links to the border are too few, so much of the {commodity} still travels by truck.",
            "Analysts at {org} expect prices for {commodity} to stay high for several years.",
        ),
    },
    "diplomacy": {
        "titles": (
            "{country} walks a tightrope between {power} and its neighbours",
            "What {country} wants from {power}",
            "{country}'s 'third neighbour' policy faces a test",
        ),
        "sentences": (
            "The president of {country} visited {power} in {year}, the first such trip in a decade.",
            "{country} has long tried to balance its two large neighbours with ties to distant partners.",
            "Diplomats in {city} describe the relationship with {power} as pragmatic rather than warm.",
            "A joint military exercise with {power} drew criticism from neighbouring governments.",
            "The foreign ministry insists that the country will not join any military alliance.",
            "{power} has opened a cultural centre in {city} and offers {num} scholarships a year.",
            "Public opinion surveys show that about {pct} % of citizens view {power} favourably.",
            "Neutrality is written into the constitution, which limits what any partner can ask for.",
            "Officials expect a new strategic partnership agreement to be signed before {year2}.",
        ),
    },
    "elections": {
        "titles": (
            "{country} votes amid anger over prices",
            "A new party shakes up {country}'s politics",
            "What the election result means for {country}",
        ),
        "sentences": (
            "Turnout reached {pct} %, the highest since the constitution was amended in {year}.",
            "The ruling party lost its majority for the first time since {year}.",
            "Voters in {city} rallied behind candidates who promised to tackle corruption.",
            "Inflation, which peaked at {pct2} % last year, dominated the campaign.",
            "Observers from {org} reported few irregularities at polling stations.",
            "Young voters, many of them working abroad, were able to cast ballots online for the first time.",
            "The opposition has promised to review mining contracts signed with companies from {power}.",
            "Coalition talks are expected to last several weeks.",
            "Parliament will now have {num} members after a reform that enlarged the chamber.",
        ),
    },
    "climate": {
        "titles": (
            "Harsh winters threaten herders in {country}",
            "{country} races to adapt as temperatures rise",
            "Dust storms and drought test {country}'s farmers",
        ),
        "sentences": (
            "Average temperatures in {country} have risen by about {small} degrees Celsius since {year}.",
            "A severe winter killed {num} head of livestock, according to the emergency agency.",
            "Herders who lost their animals often move to the outskirts of {city} in search of work.",
            "Air pollution in {city} ranks among the worst of any capital during the heating season.",
            "The government has pledged to plant a billion trees by {year2} to hold back the desert.",
            "Scientists at {org} link the spread of dry land to overgrazing as well as warming.",
            "Insurance schemes for livestock now cover about {pct} % of households.",
            "Aid from {power} paid for new weather stations across the countryside.",
            "Rainfall in the growing season was the lowest recorded in {num2} years.",
        ),
    },
    "finance": {
        "titles": (
            "{country} turns to the IMF as debts mount",
            "{country}'s currency slides against the dollar",
            "A sovereign wealth fund for {country}?",
        ),
        "sentences": (
            "Public debt has climbed to about {pct} % of gross domestic product.",
            "The central bank raised its policy rate to {pct2} % to defend the currency.",
            "A bond issue of {amount} was oversubscribed, the finance ministry said.",
            "Loans from {power} financed roads, a power plant and a new airport near {city}.",
            "The IMF programme agreed in {year} required cuts to fuel subsidies.",
            "Remittances from citizens working abroad rose to {amount} last year.",
            "Banks in {city} have tightened lending to small businesses.",
            "Analysts at {org} expect growth of about {small} % this year.",
            "The government plans to place mining revenues in a fund for future generations from {year2}.",
        ),
    },
}
FACTS = (
    (
        "{country}'s exports of {commodity} to {power} rose by {pct} % in {year}, to {amount}.",
        "By how much did {country}'s {commodity} exports to {power} rise in {year}?",
    ),
    (
        "A new {commodity} processing plant near {city} will cost {amount} and open in {year2}.",
        "How much will the {commodity} processing plant near {city} cost?",
    ),
    (
        "{person}, {role} at {org}, estimates that {pct} % of the {commodity} output goes to {power}.",
        "What share of {country}'s {commodity} output goes to {power}, according to {person}?",
    ),
)
GENERIC = (
    "The announcement came after months of talks behind closed doors.",
    "Similar plans have stalled in the past because of funding gaps and changes of government.",
    "Business leaders in {city} welcomed the move but asked for clearer rules.",
    "The figures were published by the national statistics office in {year}.",
    "Much depends on how relations between {power} and its rivals develop over the next few years.",
    "The opposition accused the government of negotiating in secret.",
    "Local media reported that the deal was discussed during a state visit by officials from {power}.",
    "For many families outside {city}, the changes have yet to make a difference.",
    "The World Bank estimates that about {pct} % of the population lives below the poverty line.",
    "Corruption scandals have eroded trust in state institutions since {year}.",
    "Roads between the regions remain poor, and many are closed for weeks each winter.",
    "{person}, who has studied the region for two decades, calls the plan ambitious but fragile.",
    "A report by {org} published in {year2} is expected to shed more light on the costs.",
    "Neither side has released the full text of the agreement.",
    "The population of {country} is young, and jobs for graduates are scarce.",
)
QUOTES = (
    '"We cannot put all our eggs in one basket," said {person}, {role} at {org}.',
    '"The next two years will decide whether this strategy works," {person} told reporters in {city}.',
    '"Nobody here wants to choose between {power} and the rest of the world," said {person}.',
    "According to {person}, {role} at {org}, the numbers hide large differences between regions.",
)


@dataclass(frozen=True)
class GeneratedArticle:
    article_id: str
    title: str
    author: str
    publisher: str
    date: str
    text: str
    fact: str
    question: str


def article(index: int, seed: int = 7) -> GeneratedArticle:
    """Article number `index` of the corpus `seed`: about 600 words in 6 to 8 paragraphs."""
    rng = random.Random(f"{seed}:{index}")
    country = rng.choice(COUNTRIES)
    slots = {
        "country": country,
        "city": CITIES[country],
        "power": rng.choice(POWERS),
        "commodity": rng.choice(COMMODITIES),
        "person": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "role": rng.choice(ROLES),
        "org": rng.choice(ORGS),
    }
    topic_name = rng.choice(sorted(TOPICS))
    topic = TOPICS[topic_name]
    other_topics = [TOPICS[name] for name in sorted(TOPICS) if name != topic_name]

    def draw() -> dict[str, object]:
        return {
            **slots,
            "year": rng.randint(1995, 2023),
            "year2": rng.randint(2025, 2035),
            "pct": rng.randint(3, 95),
            "pct2": round(rng.uniform(2, 25), 1),
            "small": round(rng.uniform(0.5, 4.5), 1),
            "num": f"{rng.randint(2, 900) * 10:,}",
            "num2": rng.randint(20, 80),
            "amount": f"${round(rng.uniform(0.2, 40), 1)} billion",
        }

    def fill(template: str, values: dict[str, object] | None = None) -> str:
        text = template.format(**(values or draw()))
        return text[0].upper() + text[1:]

    fact_template, question_template = rng.choice(FACTS)
    fact_values = draw()
    fact = fill(fact_template, fact_values)
    # Each template at most once per article, mostly from the article's own topic.
    pool = list(topic["sentences"]) * 2 + [t for other in rng.sample(other_topics, 2) for t in other["sentences"]]
    pool += list(GENERIC) + list(QUOTES)
    rng.shuffle(pool)
    pool.sort(key=lambda t: t not in topic["sentences"] or rng.random() < 0.3)
    sentences: list[str] = []
    words = 0
    for template in dict.fromkeys(pool):
        if words >= 580:
            break
        sentences.append(fill(template))
        words += len(sentences[-1].split())
    rng.shuffle(sentences)
    sentences.insert(rng.randint(2, len(sentences)), fact)
    paragraphs: list[str] = []
    while sentences:
        size = rng.randint(3, 5)
        paragraphs.append(" ".join(sentences[:size]))
        sentences = sentences[size:]
    title = fill(rng.choice(topic["titles"]))
    author = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    date = f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return GeneratedArticle(
        article_id=f"gen-{index:05d}",
        title=title,
        author=author,
        publisher=rng.choice(PUBLISHERS),
        date=date,
        text=title + "\n\n" + "\n\n".join(paragraphs) + "\n",
        fact=fact,
        question=fill(question_template, fact_values),
    )


def articles(count: int, seed: int = 7) -> Iterator[GeneratedArticle]:
    for index in range(count):
        yield article(index, seed)


def write_corpus(folder: Path, count: int, seed: int = 7) -> list[GeneratedArticle]:
    """`<id>.txt` plus a `<id>.meta.json` sidecar per article, as `assistant ingest` reads them."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for item in articles(count, seed):
        (folder / f"{item.article_id}.txt").write_text(item.text, encoding="utf-8")
        meta = {"title": item.title, "author": item.author, "publisher": item.publisher, "date": item.date}
        (folder / f"{item.article_id}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
        written.append(item)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    written = write_corpus(args.folder, args.articles, args.seed)
    words = sum(len(a.text.split()) for a in written)
    print(f"{len(written)} articles, {words / len(written):.0f} words each on average, in {args.folder}")


if __name__ == "__main__":
    main()

"""Countries under their other names: "Washington" and "the U.S.", "French" and "France", "Moscow" and "Russia".

News writes a country as its capital ("Beijing said"), its people ("the Chinese side") or a short form
("the UK"); a claim that says it one way is not unsupported because the passage says it another. The
names come from the `countryinfo` package (country names, demonyms, capitals and alternative spellings
of 250 countries), a general gazetteer: none was picked from an article. Kept apart from the judge so
that it can be read (and tested) as what it is: a table of aliases.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

from countryinfo import all_countries

# Two- and three-letter codes ("IN", "US", "GB") are words too ("in", "us"): they count only as acronyms.
SHORT_CODE = 3
# "Washington D.C." is "Washington" in a news sentence: a trailing abbreviation is dropped.
TRAILING_ABBREVIATION = re.compile(r"\s+(?:[A-Z]\.)+$")


@lru_cache(maxsize=1)
def country_aliases() -> dict[str, frozenset[str]]:
    """Every country's names as written: its common name, demonym, capital and alternative spellings
    in Latin script (native-script spellings cannot match an English text)."""
    aliases: dict[str, frozenset[str]] = {}
    for country in all_countries():
        data = country.info()
        names = {data.get("name"), data.get("demonym"), *data.get("altSpellings", [])}
        capitals: str | list[str] = data.get("capital") or []  # one or several ("Pretoria", "Cape Town"...)
        for capital in [capitals] if isinstance(capitals, str) else capitals:
            names |= {capital, TRAILING_ABBREVIATION.sub("", capital)}
        aliases[country.name()] = frozenset(n for n in names if n and n.isascii())
    return aliases


def is_code(alias: str) -> bool:
    """A short all-capitals code ("UK", "USA"): matched only where the text writes it as an acronym."""
    return len(alias.replace(".", "")) <= SHORT_CODE and alias.replace(".", "").isupper()


@lru_cache(maxsize=1)
def demonym_countries() -> dict[str, str]:
    """A people's word read as its country's name, lower case ("russian" -> "russia", "chinese" -> "china"),
    for countries of one-word names; a word several countries share goes to the most populous ("french")."""
    best: dict[str, tuple[int, str]] = {}
    for country in all_countries():
        data = country.info()
        name, demonym = (data.get("name") or "").casefold(), (data.get("demonym") or "").casefold()
        population = data.get("population") or 0
        if name.isalpha() and demonym.isalpha() and demonym != name and population > best.get(demonym, (-1, ""))[0]:
            best[demonym] = (population, name)
    return {demonym: name for demonym, (_, name) in best.items()}


@dataclass(frozen=True)
class AliasIndex:
    """The aliases as runs of compared word keys (the judge's `name_key`), each with the countries it names."""

    runs: dict[tuple[str, ...], frozenset[str]]
    codes: dict[str, frozenset[str]]

    def countries(self, keys: Sequence[str], acronyms: Collection[str]) -> frozenset[str]:
        """The countries a text names: any alias among its words' keys, or a code among its acronyms."""
        longest = max(map(len, self.runs))
        found = {c for a in acronyms for c in self.codes.get(a, ())}
        for size in range(1, longest + 1):
            for start in range(len(keys) - size + 1):
                found |= self.runs.get(tuple(keys[start : start + size]), frozenset())
        return frozenset(found)

    def named(self, run: tuple[str, ...], countries: frozenset[str]) -> set[int]:
        """Positions in a run of name keys (a claim's "United States", "Washington Post") that name one of
        `countries`, however written."""
        positions: set[int] = set()
        for start in range(len(run)):
            for end in range(start + 1, len(run) + 1):
                if self.lookup(run[start:end]) & countries:
                    positions |= set(range(start, end))
        return positions

    def lookup(self, run: tuple[str, ...]) -> frozenset[str]:
        codes = self.codes.get(run[0], frozenset()) if len(run) == 1 else frozenset()
        return self.runs.get(run, frozenset()) | codes


@lru_cache(maxsize=2)
def alias_index(key: Callable[[str], str], split: Callable[[str], list[str]]) -> AliasIndex:
    """The aliases split into words and keyed as the caller reads a text (the judge passes its own, so that
    "Belgian" and "Belgium" compare)."""
    runs: dict[tuple[str, ...], set[str]] = defaultdict(set)
    codes: dict[str, set[str]] = defaultdict(set)
    for country, names in country_aliases().items():
        for alias in names:
            parts = tuple(key(p) for w in split(alias) for p in w.split("-") if p)
            if is_code(alias) and len(parts) == 1:
                codes[parts[0]].add(country)
            elif parts:
                runs[parts].add(country)
    return AliasIndex({k: frozenset(v) for k, v in runs.items()}, {k: frozenset(v) for k, v in codes.items()})

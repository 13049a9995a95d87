"""Realistic program text for the program benchmarks: plank titles and bodies of 2-6 sentences in
several categories and both tiers, generated from a seed (so every run builds the same text).

Not a benchmark itself (``python -m bench`` runs only bench_*.py).
"""
from __future__ import annotations

import numpy as np

CATEGORIES = ["Housing", "Labor", "Transit", "Public health", "Education", "Climate and energy",
              "Democracy and transparency", "Public safety"]

_OPENERS = ["The city shall", "The council must", "We will", "Every public agency shall", "The county shall",
            "Our representatives will", "The city and its contractors shall", "Public funds shall"]
_VERBS = ["guarantee", "fund", "build", "protect", "expand", "publish", "require", "establish", "defend",
          "restore", "phase in", "enforce"]
_OBJECTS = [
    "permanently affordable social housing for every household earning under the area median income",
    "free and frequent bus service on every route, with shelters and real-time arrival boards",
    "a living wage of at least $25 an hour for all municipal workers and the employees of city contractors",
    "the right of tenants to organize, to bargain collectively with their landlords and to a lawyer in eviction court",
    "a public clinic within a twenty-minute walk or transit ride of every resident",
    "universal free school meals and fully staffed school libraries",
    "a just transition for workers in fossil-fuel industries, with wage replacement and retraining",
    "the publication of every contract, lobbying contact and campaign contribution in a searchable database",
    "participatory budgeting for at least five percent of the capital budget in every district",
    "community crisis response teams that send trained counsellors, not armed officers, to mental-health calls",
    "rent stabilization that limits yearly increases to inflation, capped at five percent",
    "protected bike lanes connecting every neighbourhood to its nearest transit hub",
    "a municipal broadband utility offering service at cost to every address",
    "the conversion of vacant office space into housing owned by community land trusts",
    "heat-emergency cooling centres open around the clock in every district",
]
_QUALIFIERS = ["within two years of adoption", "paid for by a progressive tax on vacant land and luxury property",
               "with a yearly public report on progress against measurable targets",
               "under the oversight of an elected community board with the power to subpoena records",
               "in consultation with the unions that represent the affected workers",
               "starting with the neighbourhoods that have waited longest", "", "", ""]
_TITLE_STEMS = ["Social housing", "Tenant power", "Living wage", "Free transit", "Public clinics", "School meals",
                "Just transition", "Open contracts", "People's budget", "Crisis response", "Rent stabilization",
                "Safe streets", "Public broadband", "Land trusts", "Cooling centres", "Green jobs",
                "Union rights", "Clean air", "Accessible city", "Elections for all"]


def sentence(rng: np.random.Generator) -> str:
    qualifier = _QUALIFIERS[rng.integers(len(_QUALIFIERS))]
    return (f"{_OPENERS[rng.integers(len(_OPENERS))]} {_VERBS[rng.integers(len(_VERBS))]} "
            f"{_OBJECTS[rng.integers(len(_OBJECTS))]}{' ' + qualifier if qualifier else ''}.")


def plank_body(rng: np.random.Generator, sentences: tuple[int, int] = (2, 6)) -> str:
    """2 to 6 sentences; a longer plank is split into two paragraphs, as members write them."""
    count = int(rng.integers(sentences[0], sentences[1] + 1))
    parts = [sentence(rng) for _ in range(count)]
    if count >= 4:
        return " ".join(parts[:count // 2]) + "\n" + " ".join(parts[count // 2:])
    return " ".join(parts)


def plank_specs(rng: np.random.Generator, count: int) -> list[dict]:
    """``count`` planks (key, title, category, tier, body) in program order: the minimum program
    by category, then the maximum program; about a third of them maximum."""
    specs = []
    for index in range(count):
        tier = "maximum" if rng.random() < 0.3 else "minimum"
        stem = _TITLE_STEMS[index % len(_TITLE_STEMS)]
        title = stem if index < len(_TITLE_STEMS) else f"{stem}, part {index // len(_TITLE_STEMS) + 1}"
        specs.append({"key": f"plank-{index + 1}", "title": title, "tier": tier,
                      "category": CATEGORIES[int(rng.integers(len(CATEGORIES)))], "body": plank_body(rng)})
    specs.sort(key=lambda s: (s["tier"] != "minimum", CATEGORIES.index(s["category"])))
    return specs

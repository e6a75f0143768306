"""The files shipped in `data/`: templates, agreements, starter strategies, wording.

They are plain TOML a group can read and change; this module turns them into models.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from voicesgroup.models import (
    Agreement,
    ConsentScope,
    CopingStrategy,
    SessionTemplate,
    SupportContact,
    Variant,
)
from voicesgroup.paths import data_dir

TEMPLATE_VARIANTS = (Variant.HEARING_VOICES, Variant.PARANOIA_BELIEFS, Variant.DROP_IN)


def _load(relative: str) -> dict[str, Any]:
    with (data_dir() / relative).open("rb") as file:
        return tomllib.load(file)


def template_key_for(variant: Variant) -> str:
    """Custom groups start from the hearing voices template and change it."""
    return Variant.HEARING_VOICES.value if variant is Variant.CUSTOM else variant.value


@cache
def shipped_template(variant: Variant) -> SessionTemplate:
    """The shipped session template for a variant."""
    return SessionTemplate.model_validate(_load(f"templates/{template_key_for(variant)}.toml"))


def default_agreement(variant: Variant, agreed_on: dt.date) -> Agreement:
    """The shipped agreement for a variant, agreed today and due for review in a year."""
    raw = _shipped_agreement(template_key_for(variant))
    return Agreement(
        version=1,
        points=list(raw["points"]),
        confidentiality=list(raw["confidentiality"]),
        agreed_on=agreed_on,
        review_on=agreed_on.replace(year=agreed_on.year + 1)
        if not (agreed_on.month == 2 and agreed_on.day == 29)
        else agreed_on + dt.timedelta(days=365),
    )


@cache
def _shipped_agreement(key: str) -> dict[str, Any]:
    return _load(f"agreements/{key}.toml")


def starter_strategies() -> list[CopingStrategy]:
    """The starter set of coping strategies, as new records."""
    return [
        CopingStrategy(
            title=raw["title"],
            description=raw["description"],
            category=raw["category"],
            experiences=raw["experiences"],
            moment=raw["moment"],
            caution=raw.get("caution", ""),
            starter_key=raw["key"],
        )
        for raw in _load("strategies.toml")["strategy"]
    ]


def starter_support_contacts() -> list[SupportContact]:
    """National support lines, marked as still to be checked by the coordinator."""
    return [
        SupportContact(
            name=raw["name"],
            how=raw["how"],
            when=raw.get("when", ""),
            last_checked=dt.date.fromisoformat(raw["last_checked"])
            if raw.get("last_checked")
            else None,
            local=raw.get("local", False),
            discreet_how=raw.get("discreet_how", ""),
        )
        for raw in _load("support_contacts.toml")["contact"]
    ]


@dataclass(frozen=True)
class ConsentWording:
    version: str
    title: str
    wording: str


@cache
def consent_wording(scope: ConsentScope) -> ConsentWording:
    """What a facilitator reads out when asking for consent to `scope`."""
    raw = _load("consent_wording.toml")
    entry = raw["scopes"][scope.value]
    return ConsentWording(str(raw["version"]), entry["title"], entry["wording"])


@dataclass(frozen=True)
class DebriefPrompt:
    key: str
    title: str
    question: str


@cache
def debrief_prompts() -> tuple[DebriefPrompt, ...]:
    return tuple(
        DebriefPrompt(raw["key"], raw["title"], raw["question"])
        for raw in _load("debrief.toml")["prompt"]
    )


@cache
def diary_layout(kind: str) -> tuple[str, tuple[str, ...]]:
    """Title and column headings of the blank diary: kind is 'voices' or 'beliefs'."""
    raw = _load("diary.toml")[kind]
    return raw["title"], tuple(raw["columns"])


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


@cache
def shipped_wording() -> frozenset[str]:
    """Every piece of text shipped in `data/`: never a member's name, wherever it is printed."""
    found: set[str] = set()
    for path in sorted(data_dir().rglob("*.toml")):
        with path.open("rb") as file:
            found.update(text for text in _strings(tomllib.load(file)) if len(text) > 2)
    return frozenset(found)

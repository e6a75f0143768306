"""Rules about a group as a whole: what a new group starts with, what changing its kind does.

The group form and any other front door build groups through here, so a new group always
gets its kind's words and a first group agreement to talk through.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from voicesgroup.models import Group, Variant
from voicesgroup.shipped import default_agreement, shipped_template


def new_group(today: dt.date, **fields: Any) -> Group:
    """A new group: its kind's own words (vocabulary) and the shipped agreement, agreed today."""
    variant = Variant(fields["variant"])
    return Group(
        **fields,
        vocabulary=dict(shipped_template(variant).vocabulary),
        agreements=[default_agreement(variant, today)],
    )


def changed_group(group: Group, **fields: Any) -> Group:
    """`group` with `fields` changed. A group on its kind's shipped plan that changes kind
    takes the new kind's words; a group with its own plan keeps its words."""
    variant = Variant(fields.get("variant", group.variant))
    if variant != group.variant and group.template is None:
        fields["vocabulary"] = dict(shipped_template(variant).vocabulary)
    return group.with_changes(**fields)

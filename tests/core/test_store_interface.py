"""The store's modules talk through a small named interface, and the rest of the app through
the Store's public methods.

Inside `voicesgroup/store/` a module reaches another's records through `Store.tables`
(`store/tables.py`), never through a private name of another object or module; outside it,
nothing uses `tables` (it applies no consent rule) or a private name of the store.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers.source import is_private, private_reaches
from voicesgroup.store.tables import record_ids

ROOT = Path(__file__).resolve().parents[2]
STORE = ROOT / "voicesgroup" / "store"
OUTSIDE = [
    path
    for folder in ("voicesgroup", "screens")
    for path in sorted((ROOT / folder).rglob("*.py"))
    if STORE not in path.parents
]


def _names_a_store(owner: ast.expr) -> bool:
    """`store`, `self.store`, `copy.store`…: what the Store is called wherever it is used."""
    name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
    return name == "store" or name.endswith("_store")


def uses_of_tables(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "tables" and _names_a_store(node.value):
            yield f"{node.lineno}: {ast.unparse(node)}"
        elif isinstance(node, ast.ImportFrom) and node.module == "voicesgroup.store.tables":
            yield f"{node.lineno}: from voicesgroup.store.tables import …"


@pytest.mark.parametrize("path", sorted(STORE.glob("*.py")), ids=lambda path: path.name)
def test_a_store_module_reaches_no_private_part_of_another(path: Path) -> None:
    found = list(private_reaches(path.read_text(encoding="utf-8")))
    assert not found, f"{path.name} reaches private parts: {found}; use Store.tables"


def test_nothing_outside_the_store_uses_its_internal_interface() -> None:
    found = {
        str(path.relative_to(ROOT)): hits
        for path in OUTSIDE
        if (hits := [*uses_of_tables(path), *_store_privates(path)])
    }
    assert not found, f"only voicesgroup/store/ may use Store.tables or its privates: {found}"


def _store_privates(path: Path) -> Iterator[str]:
    """`store._x` or `self.store._x`: a private part of the Store, from outside it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr) and _names_a_store(node.value):
            yield f"{node.lineno}: {ast.unparse(node)}"


def test_the_checks_see_what_they_look_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from voicesgroup.store.repository import _find_one\n"
        "def f(store, self):\n"
        "    store._put(1)\n"
        "    self._fine()\n"
        "    store.tables.put(2)\n"
        "    page.tables.append(3)\n",
        encoding="utf-8",
    )
    assert sorted(
        hit.split(":")[0] for hit in private_reaches(sample.read_text(encoding="utf-8"))
    ) == ["1", "3"]
    assert [hit.split(":")[0] for hit in uses_of_tables(sample)] == ["5"]
    assert [hit.split(":")[0] for hit in _store_privates(sample)] == ["3"]


IDS = st.one_of(st.sampled_from(["a", "b", "c"]), st.integers(0, 3), st.none())
DOCUMENTS = st.one_of(
    st.fixed_dictionaries({"id": IDS}),
    st.dictionaries(st.sampled_from(["id", "x"]), IDS, max_size=2),
    st.integers(0, 2),
    st.none(),
)
DOC_IDS = st.one_of(
    st.from_regex(r"\A[0-9]{1,2}\Z"),
    st.text(max_size=3),
    st.sampled_from(["+1", " 1", "1_0", "١", "", "¹"]),
)


@given(st.dictionaries(DOC_IDS, DOCUMENTS, max_size=5))
@settings(max_examples=500, deadline=None)
def test_every_record_is_indexed_by_its_own_id_or_the_first_without_one_is_named(
    documents: dict[str, Any],
) -> None:
    def own_id(document: Any) -> Any:
        return document.get("id") if isinstance(document, dict) else None

    sound = all(
        doc_id.isascii() and doc_id.isdigit() and isinstance(own_id(document), str)
        for doc_id, document in documents.items()
    ) and len({own_id(document) for document in documents.values()}) == len(documents)
    ids, where = record_ids("groups", documents)
    if sound:
        assert where is None
        assert ids == {own_id(document): int(doc_id) for doc_id, document in documents.items()}
    else:
        assert where is not None and where.startswith("groups record ")

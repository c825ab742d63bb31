"""The duplicate-name check's shortcuts (length bound, quick_ratio) never change its answer."""

from __future__ import annotations

import difflib

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultkit.agenda import _similar, similar_pairs

NAME = st.text(alphabet="abcdeilmnorsu ", min_size=1, max_size=24).map(lambda s: " ".join(s.split()) or "a")


def plain(a: str, b: str) -> bool:
    if a == b:
        return True
    first_a, _, rest_a = a.partition(" ")
    first_b, _, rest_b = b.partition(" ")
    if rest_a and rest_a == rest_b and (first_a.startswith(first_b) or first_b.startswith(first_a)):
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.9


def every_two_people(block: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """What `similar_pairs` must find, the slow way: `_similar` asked of each two people."""
    return [
        (path_a, path_b)
        for i, (key_a, path_a) in enumerate(block)
        for key_b, path_b in block[i + 1 :]
        if _similar(key_a, key_b)
    ]


@settings(max_examples=400, deadline=None)
@given(NAME, NAME, st.integers(0, 3))
def test_similar_is_the_plain_ratio_rule(a: str, b: str, edits: int) -> None:
    b = (a[:-edits] + b[:edits]) if edits and len(a) > edits else b  # near misses as well as strangers
    assert _similar(a, b) == plain(a, b)


def test_examples() -> None:
    assert _similar("samuel lee", "sam lee")
    assert _similar("jonathan smithers", "jonathon smithers")
    assert not _similar("ana lopez", "anna lopes maria")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(NAME, st.sampled_from(["sam lee", "samuel lee", "samual lee", "samuel lea", "jonathan smithers", "jonathon smithers", "ana lopez", "anna lopez", "a"])), max_size=12))
def test_similar_pairs_compares_as_every_two_people_would(names: list[str]) -> None:
    """Comparing each two distinct names once finds the pairs comparing each two people finds."""
    block = [(name, f"p{number}.md") for number, name in enumerate(names)]
    assert similar_pairs(block) == every_two_people(block)


FIRST = st.text(alphabet="aeilmnrsu", min_size=1, max_size=9)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(FIRST, st.sampled_from(["lee", "smith lee", "li", "lee lee"])), min_size=2, max_size=40))
def test_similar_pairs_in_a_big_block_of_one_last_name(people: list[tuple[str, str]]) -> None:
    """A block as `_duplicates` makes them (one last word), big enough for the candidate
    bounds (lengths in order, characters held) to leave pairs out: none that is similar."""
    block = [(f"{first} {rest}", f"p{number}.md") for number, (first, rest) in enumerate(people)]
    assert similar_pairs(block) == every_two_people(block)

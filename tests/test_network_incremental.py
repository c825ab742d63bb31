"""`build_network` with `reuse` (what `serve` does after an edit) equals a fresh build."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_site_incremental import CONTACTS, campaign_edits, campaign_start, contact_note, interview_note, profile_note

from vaultkit.agenda import rule_items
from vaultkit.index import Index
from vaultkit.network import build_network
from vaultkit.snapshot import load_snapshot
from vaultkit.vault import load_config

TODAY = date(2026, 10, 1)


def write(vault, files: dict[str, str]) -> None:
    for path, text in files.items():
        (vault / path).parent.mkdir(parents=True, exist_ok=True)
        (vault / path).write_text(text)


def views(snapshot):
    """The whole vault, and the vault without one person (links withheld, as the site's
    private notes are)."""
    return [snapshot, snapshot.only(set(snapshot.notes) - {"people/Dee.md"})]


def derived(network):
    """What the network answers beside its fields."""
    return network.hygiene_links(), {path: network.is_linked(path) for path in network.notes}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=campaign_start, steps=st.lists(campaign_edits, min_size=1, max_size=4))
def test_a_reused_network_equals_a_fresh_one(tmp_path_factory, start, steps) -> None:
    vault = tmp_path_factory.mktemp("network") / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    write(vault, start)
    index = Index.open(vault, load_config(vault))
    try:
        index.sync()
        schema = index.config.schema
        first = views(load_snapshot(index))
        last, last_parts = [build_network(view, schema, TODAY) for view in first], first[1]
        memos = [{}, {}]  # rule_items' memo, kept across the edits as `serve` keeps it
        for network, memo in zip(last, memos):
            rule_items(network, memo)
        for step in steps:
            for path, text in step:
                if text is not None:
                    write(vault, {path: text})
            changed = {path for path, text in step if text is not None}
            index.sync(paths=sorted(changed))
            fresh_views = views(load_snapshot(index))
            # Snapshot.only reusing the last part gives the fresh part too.
            part = fresh_views[0].only(set(fresh_views[1].notes), reuse=(last_parts, changed))
            assert part == fresh_views[1]
            last_parts = fresh_views[1]
            again = [build_network(view, schema, TODAY, reuse=(old, changed)) for view, old in zip(fresh_views, last)]
            fresh = [build_network(view, schema, TODAY) for view in fresh_views]
            assert again == fresh
            assert [derived(network) for network in again] == [derived(network) for network in fresh]
            assert [rule_items(network, memo) for network, memo in zip(again, memos)] == [
                rule_items(network) for network in fresh]
            last = again
    finally:
        index.close()


def test_an_edit_keeps_the_people_it_does_not_touch(tmp_path) -> None:
    """The reuse is real: a new referral makes the named person's record again, and keeps
    the record of someone the interview does not involve."""
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    files = {f"people/{name}.md": contact_note(None, None, None, False, [], None, []) for name in CONTACTS}
    files["interviews/I1.md"] = interview_note("Ana", None, [], "done", False, False, [])
    files["me.md"] = profile_note(["Ana"])
    write(vault, files)
    index = Index.open(vault, load_config(vault))
    try:
        index.sync()
        schema = index.config.schema
        old = build_network(load_snapshot(index), schema, TODAY)
        write(vault, {"interviews/I1.md": interview_note("Ana", None, ["Bo"], "done", False, False, [])})
        index.sync(paths=["interviews/I1.md"])
        new = build_network(load_snapshot(index), schema, TODAY, reuse=(old, {"interviews/I1.md"}))
        assert new.people["people/Bo.md"].referred_by == ("people/Ana.md",)
        assert new.people["people/Bo.md"] is not old.people["people/Bo.md"]
        assert new.people["people/Dee.md"] is old.people["people/Dee.md"]
        assert new == build_network(load_snapshot(index), schema, TODAY)
        # Only the interview's status: the person it was with moves to another stage.
        write(vault, {"interviews/I1.md": interview_note("Ana", None, ["Bo"], "scheduled", False, False, [])})
        index.sync(paths=["interviews/I1.md"])
        again = build_network(load_snapshot(index), schema, TODAY, reuse=(new, {"interviews/I1.md"}))
        assert again.people["people/Ana.md"].stage == "scheduled"
        assert again == build_network(load_snapshot(index), schema, TODAY)
        # A dated note (a call log) that now links someone: their last contact moves.
        write(vault, {"calls/C.md": "---\ndate: 2026-09-20\n---\nA call.\n"})
        index.sync()
        before = build_network(load_snapshot(index), schema, TODAY)
        write(vault, {"calls/C.md": "---\ndate: 2026-09-20\n---\nA call with [[Dee]].\n"})
        index.sync(paths=["calls/C.md"])
        after = build_network(load_snapshot(index), schema, TODAY, reuse=(before, {"calls/C.md"}))
        assert after.people["people/Dee.md"].last_contacted == date(2026, 9, 20)
        assert after == build_network(load_snapshot(index), schema, TODAY)
    finally:
        index.close()


def test_agenda_items_kept_between_edits_follow_each_person(tmp_path) -> None:
    """`rule_items`' memo keeps a person's follow-up only while their record and their
    explicit date are what it was made from: each edit here moves one person's item."""
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    follow = "follow_up:\n  after_days:\n    interviewed: 10\n    following-up: 20\n  tags:\n    mentor: 3\n"
    interview = ("---\ntype: interview\nwith: \"[[{0}]]\"\ndate: 2026-09-01\nstatus: done\n"
                 "referrals: [\"[[{1}]]\"]\n{2}---\n")
    write(vault, {
        "vaultkit.yml": follow,
        "me.md": "---\ntype: profile\n---\n",
        "people/Ana.md": "---\ntype: contact\n---\n",
        "people/Bo.md": "---\ntype: contact\n---\n",
        "people/Cy.md": "---\ntype: contact\nreferred_by: \"[[Ana]]\"\n---\n",
        "interviews/a.md": interview.format("Ana", "Bo", ""),
        "interviews/b.md": interview.format("Bo", "Ana", ""),
    })
    edits = [
        ("people/Ana.md", "---\ntype: contact\ntags: [mentor]\n---\n"),  # a shorter cadence
        ("people/Bo.md", "---\ntype: contact\nstage: following-up\n---\n"),  # another stage
        ("people/Bo.md", "---\ntype: contact\nfollow_up: 2026-09-20\n---\n"),  # an explicit date
        ("interviews/b.md", interview.format("Bo", "Ana", "follow_up: 2026-09-25\n")),  # a later one
        ("interviews/a.md", interview.format("Ana", "Cy", "")),  # another name given
        ("people/Cy.md", "---\ntype: contact\nreferred_by: \"[[Bo]]\"\n---\n"),  # named by someone else
    ]
    index = Index.open(vault, load_config(vault))
    try:
        index.sync()
        schema = index.config.schema
        memo: dict = {}
        network = build_network(load_snapshot(index), schema, TODAY)
        assert rule_items(network, memo) == rule_items(network)
        for path, text in edits:
            write(vault, {path: text})
            index.sync(paths=[path])
            again = build_network(load_snapshot(index), schema, TODAY, reuse=(network, {path}))
            fresh = build_network(load_snapshot(index), schema, TODAY)
            assert rule_items(again, memo) == rule_items(fresh), path
            network = again
    finally:
        index.close()

"""`vaultkit stats` and the derived network (degree, stage, chains) it reports."""

from __future__ import annotations

import pytest

from _golden import TEMPLATE_TODAY, check_golden, copy_template

VAULT = {
    "me.md": "---\ntype: profile\n---\n",
    "people/Ana.md": "---\ntype: contact\n---\n",
    "people/Bo.md": '---\ntype: contact\nreferred_by: "[[Ana]]"\n---\n',
    "people/Cy.md": "---\ntype: contact\nstage: following-up\n---\n",
    "people/Di.md": "---\ntype: contact\n---\n",
    "interviews/a.md": '---\ntype: interview\nwith: "[[Ana]]"\ndate: 2026-01-05\nstatus: done\nreferrals: ["[[Bo]]", "[[New One]]"]\n---\n',
    "interviews/b.md": '---\ntype: interview\nwith: "[[Bo]]"\ndate: 2026-01-14\nreferrals: ["[[Cy]]"]\n---\n',
    "interviews/c.md": '---\ntype: interview\nwith: "[[Cy]]"\ndate: 2026-01-20\nstatus: done\nreferrals: []\n---\n',
    "interviews/d.md": '---\ntype: interview\nwith: "[[Di]]"\ndate: 2026-02-01\nstatus: requested\n---\n',
}


def test_stats_json(make_vault, vk):
    result = vk("stats", make_vault(VAULT), "--today", "2026-01-25", "--json")
    assert result.exit_code == 0, result
    stats = result.json()
    assert stats["contacts"] == 4
    assert stats["by_degree"] == {"1": 2, "2": 1, "3": 1}  # Ana, Di; Bo (Ana named him); Cy (Bo named her)
    # b.md has no status and a past date: it was held. Cy's stage is set by hand.
    assert stats["by_stage"] == {"not-asked": 0, "requested": 1, "scheduled": 0, "interviewed": 2, "following-up": 1}
    assert stats["interviews"] == {"done": 3, "scheduled": 0, "requested": 1, "cancelled": 0}
    assert stats["per_week"] == [
        {"week": "2026-W02", "interviews": 1}, {"week": "2026-W03", "interviews": 1},
        {"week": "2026-W04", "interviews": 1},
    ]
    assert stats["referral_yield"] == {"names": 3, "interviews": 3, "per_interview": 1.0, "goal": 1.0, "dead_ends": 1}
    assert stats["conversion"] == {"asked": 4, "interviewed": 3, "rate": 0.75}
    assert stats["top_connectors"][0] == {"path": "people/Ana.md", "name": "Ana", "named": 1}
    assert stats["longest_chain"]["names"] == ["Ana", "Bo", "Cy"]


def test_stats_today_moves_the_picture(make_vault, vk):
    vault = make_vault(VAULT)
    early = vk("stats", vault, "--today", "2026-01-10", "--json").json()
    assert early["interviews"]["done"] == 1  # b.md (no status) is still in the future


def test_referral_cycles_do_not_hang(make_vault, vk):
    vault = make_vault({
        "people/A.md": '---\ntype: contact\nreferred_by: "[[B]]"\n---\n',
        "people/B.md": '---\ntype: contact\nreferred_by: "[[A]]"\n---\n',
    })
    stats = vk("stats", vault, "--json").json()
    assert stats["by_degree"] == {"unknown": 2}
    assert stats["longest_chain"]["length"] == 2


def test_golden_stats_on_the_starter_vault(tmp_path, vk):
    vault = copy_template(tmp_path)
    result = vk("stats", vault, "--today", TEMPLATE_TODAY)
    assert result.exit_code == 0, result
    check_golden("stats.txt", result.stdout)
    check_golden("stats.json", vk("stats", vault, "--today", TEMPLATE_TODAY, "--json", "--no-sync").stdout)


def test_a_name_from_an_interview_with_no_note_for_the_person_has_no_degree_yet(make_vault, vk):
    """As with an unresolved `referred_by`: the referrer has no note, so the chain from
    you is not known; claiming 1st degree would be wrong."""
    vault = make_vault({
        "people/Ana.md": "---\ntype: contact\n---\n",
        "people/Bo.md": "---\ntype: contact\n---\n",
        "interviews/i.md": '---\ntype: interview\nwith: "[[Zed Unknown]]"\ndate: 2026-01-05\nreferrals: ["[[Bo]]"]\n---\n',
        "interviews/j.md": '---\ntype: interview\nwith: "[[Ana]]"\ndate: 2026-01-06\nreferrals: ["[[Bo]]"]\n---\n',
    })
    stats = vk("stats", vault, "--json", "--today", "2026-02-01").json()
    assert stats["by_degree"] == {"1": 1, "2": 1}  # Ana; Bo, whom Ana named too
    (vault / "interviews/j.md").unlink()
    stats = vk("stats", vault, "--json", "--today", "2026-02-01").json()
    assert stats["by_degree"] == {"1": 1, "unknown": 1}  # Bo, named only by Zed, who has no note


# -- the longest chain is linear on any shape of referrals ----------------------------------
class CountingChildren(dict):
    """Referrer -> named people, counting each person handed out (a referral followed)."""

    visits = 0

    def get(self, key, default=None):
        found = dict.get(self, key, default)
        CountingChildren.visits += len(found or ()) + 1
        return found


def shape(kind: str, n: int) -> dict[str, list[str]]:
    import random

    people = [f"p{i:05d}" for i in range(n)]
    if kind == "chain":
        return {a: [b] for a, b in zip(people, people[1:])}
    if kind == "hub":
        return {people[0]: people[1:]}
    if kind == "clique":  # everyone names everyone: n² referrals, each followed once
        return {a: [b for b in people if b != a] for a in people}
    if kind == "loop":
        return {a: [b] for a, b in zip(people, people[1:] + people[:1])}
    rng = random.Random(n)  # random referrals: cycles everywhere
    children: dict[str, list[str]] = {}
    for person in people:
        children.setdefault(rng.choice(people), []).append(person)
    return children


@pytest.mark.parametrize("kind", ["chain", "hub", "clique", "loop", "random"])
def test_the_longest_chain_follows_each_referral_once_on_any_shape(kind):
    from types import SimpleNamespace

    from vaultkit.stats import longest_chain

    work = []
    for n in ((30, 60) if kind == "clique" else (500, 2000)):
        children = CountingChildren(shape(kind, n))
        referrals = sum(len(named) for named in children.values())
        CountingChildren.visits = 0
        chain = longest_chain(SimpleNamespace(profile="me.md"), children)
        assert CountingChildren.visits <= referrals + n + 1, (kind, n)
        assert len(chain) == len(set(chain))  # a chain, never through a loop twice
        for a, b in zip(chain, chain[1:]):
            assert b in children[a]
        work.append(CountingChildren.visits / max(referrals + n, 1))
    assert work[1] <= 1.1 * work[0] + 0.01


@pytest.mark.parametrize("kind, n, expected", [("chain", 300, 300), ("hub", 300, 2), ("loop", 300, 300),
                                               ("clique", 40, 2)])
def test_the_longest_chain_on_hostile_shapes(kind, n, expected):
    from types import SimpleNamespace

    from vaultkit.stats import longest_chain

    assert len(longest_chain(SimpleNamespace(profile="me.md"), shape(kind, n))) == expected

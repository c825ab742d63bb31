"""`vaultkit agenda`: each rule on a small vault, and goldens on the starter vault."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _golden import TEMPLATE_TODAY, check_golden, copy_template

ME = "---\ntype: profile\npitch: Teacher moving into UX research\ntarget_industry: UX research\n---\n"


def interview(person, day, status="done", referrals=None, thanked=None, via=None, follow_up=None):
    lines = ["---", "type: interview", f'with: "[[{person}]]"', f"date: {day}", f"status: {status}"]
    if via:
        lines.append(f'via: "[[{via}]]"')
    if referrals is not None:
        lines.append("referrals: [" + ", ".join(f'"[[{r}]]"' for r in referrals) + "]")
    if thanked:
        lines.append(f"thank_you_sent: {thanked}")
    if follow_up:
        lines.append(f"follow_up: {follow_up}")
    return "\n".join(lines + ["---", ""])


def contact(extra=""):
    return f"---\ntype: contact\n{extra}---\n"


def items(vk, vault, today, kind=None):
    result = vk("agenda", vault, "--today", today, "--json")
    assert result.exit_code == 0, result
    found = result.json()
    for item in found:
        assert {"kind", "note", "person", "due", "reason"} <= set(item)
    return [i for i in found if kind is None or i["kind"] == kind]


def test_thank_you_due_the_same_day_and_overdue_after(make_vault, vk):
    vault = make_vault({
        "me.md": ME,
        "people/Ana.md": contact(),
        "people/Bo.md": contact(),
        "interviews/a.md": interview("Ana", "2026-03-01", referrals=["Bo"]),
        "interviews/b.md": interview("Bo", "2026-03-01", referrals=["Ana"], thanked="2026-03-01"),
    })
    same_day = items(vk, vault, "2026-03-01", "thank-you")
    assert [(i["note"], i["person"], i["due"], i["overdue"]) for i in same_day] == [
        ("interviews/a.md", "Ana", "2026-03-01", False)
    ]
    later = items(vk, vault, "2026-03-04", "thank-you")
    assert later[0]["overdue"] is True and "overdue by 3 days" in later[0]["reason"]
    # Before the interview there is nothing to thank for.
    assert items(vk, vault, "2026-02-28", "thank-you") == []


def test_next_names_with_referrer_draft_and_prospects(make_vault, vk):
    vault = make_vault({
        "me.md": ME,
        "people/Ana Lopez.md": contact(),
        "people/Raj Patel.md": contact(),
        "people/Kim Ode.md": contact('referred_by: "[[Ana Lopez]]"\n'),
        "interviews/a.md": interview("Ana Lopez", "2026-03-01", referrals=["Raj Patel", "Zoe Quinn"], thanked="2026-03-01"),
    })
    found = items(vk, vault, "2026-03-05", "next-name")
    assert sorted((i["note"], i["person"], i["referred_by"][0]) for i in found) == [
        ("Zoe Quinn", "Zoe Quinn", "people/Ana Lopez.md"),
        ("people/Kim Ode.md", "Kim Ode", "people/Ana Lopez.md"),
        ("people/Raj Patel.md", "Raj Patel", "people/Ana Lopez.md"),
    ]
    raj = next(i for i in found if i["person"] == "Raj Patel")
    assert raj["draft"].startswith("Hi Raj, Ana Lopez suggested I get in touch")
    assert "UX research" in raj["draft"]
    zoe = next(i for i in found if i["person"] == "Zoe Quinn")
    assert "--from-link" in zoe["reason"]
    # Once Raj has an interview, he is no longer a next name.
    (vault / "interviews/r.md").write_text(interview("Raj Patel", "2026-03-10", status="scheduled"))
    assert "Raj Patel" not in [i["person"] for i in items(vk, vault, "2026-03-05", "next-name")]


def test_dead_end_is_a_done_interview_with_no_new_name(make_vault, vk):
    vault = make_vault({
        "me.md": ME,
        "people/Ana.md": contact(),
        "people/Bo.md": contact(),
        "interviews/a.md": interview("Ana", "2026-03-01", referrals=[], thanked="2026-03-01"),
        "interviews/b.md": interview("Bo", "2026-03-02", referrals=["Ana"], thanked="2026-03-02"),
        "interviews/c.md": interview("Bo", "2026-03-20", status="scheduled"),
    })
    assert [i["note"] for i in items(vk, vault, "2026-03-05", "dead-end")] == ["interviews/a.md"]


def test_upcoming_has_a_checklist_and_a_past_one_is_flagged(make_vault, vk):
    vault = make_vault({
        "me.md": ME,
        "companies/Acme.md": "---\ntype: company\n---\n",
        "people/Ana.md": contact('company: "[[Acme]]"\n'),
        "people/Bo.md": contact(),
        "interviews/a.md": interview("Ana", "2026-03-10", status="scheduled", via="Bo"),
    })
    [item] = items(vk, vault, "2026-03-05", "upcoming")
    assert item["due"] == "2026-03-10" and "in 5 days" in item["reason"]
    assert item["details"][0] == "pitch: Teacher moving into UX research"
    assert any("Acme" in line for line in item["details"])
    assert any("who else should I talk to" in line for line in item["details"])
    assert any("Bo introduced you" in line for line in item["details"])
    [late] = items(vk, vault, "2026-03-12", "upcoming")
    assert late["overdue"] and "status: done" in late["reason"]


def test_follow_ups_explicit_dates_and_cadences(make_vault, vk):
    vault = make_vault({
        "me.md": ME,
        "vaultkit.yml": "follow_up:\n  after_days:\n    interviewed: 10\n  tags:\n    mentor: 3\n",
        "people/Ana.md": contact("follow_up: 2026-03-03\n"),
        "people/Bo.md": contact(),
        "people/Cy.md": contact("tags: [mentor]\n"),
        "interviews/a.md": interview("Ana", "2026-03-01", referrals=["Bo"], thanked="2026-03-01"),
        "interviews/b.md": interview("Bo", "2026-03-01", referrals=["Ana"], thanked="2026-03-01"),
        "interviews/c.md": interview("Cy", "2026-03-01", referrals=["Ana"], thanked="2026-03-01"),
    })
    due = {i["person"]: (i["due"], i["note"]) for i in items(vk, vault, "2026-03-05", "follow-up")}
    assert due == {"Ana": ("2026-03-03", "people/Ana.md"), "Cy": ("2026-03-04", "people/Cy.md")}
    later = {i["person"]: i["due"] for i in items(vk, vault, "2026-03-11", "follow-up")}
    assert later == {"Ana": "2026-03-03", "Bo": "2026-03-11", "Cy": "2026-03-04"}
    # Being in touch after the follow-up date settles it.
    (vault / "notes").mkdir()
    (vault / "notes/call.md").write_text("---\ndate: 2026-03-04\n---\nCall with [[Ana]].\n")
    assert "Ana" not in {i["person"] for i in items(vk, vault, "2026-03-05", "follow-up")}


def test_hygiene_duplicates_and_people_without_notes(make_vault, vk):
    vault = make_vault({
        "me.md": ME,
        "people/Sam Lee.md": contact("email: sam@example.com\n"),
        "people/Samuel Lee.md": contact(),
        "people/A Person.md": contact("email: SAM@example.com\n"),
        "people/Zed Zed.md": contact(),
        "interviews/a.md": interview("Ghost Person", "2026-03-01", referrals=["Sam Lee"], thanked="2026-03-01"),
        "interviews/b.md": "---\ntype: interview\nwith: \"[[Sam Lee]]\"\ndate: 2026-03-02\nreferrals: [Plain Name]\n"
                           "thank_you_sent: 2026-03-02\n---\nZed Zed said hello.\n",
    })
    reasons = [(i["note"], i["reason"]) for i in items(vk, vault, "2026-03-05", "hygiene")]
    text = "\n".join(f"{n}: {r}" for n, r in reasons)
    assert "people/A Person.md: may be the same person as Sam Lee (people/Sam Lee.md): same email sam@example.com" in text
    assert "people/Sam Lee.md: may be the same person as Samuel Lee (people/Samuel Lee.md): similar names" in text
    assert "Ghost Person: [[Ghost Person]] is linked as a person but has no note" in text
    assert "'Plain Name' is named in referrals as plain text" in text
    assert "interviews/b.md: Zed Zed is mentioned in plain text but no note links to them" in text


def test_human_output_is_grouped_and_empty_vault_says_so(make_vault, vk):
    vault = make_vault({"me.md": ME})
    result = vk("agenda", vault, "--today", "2026-03-05")
    assert result.exit_code == 0
    assert result.stdout.startswith("Nothing to do on 2026-03-05")


def test_bad_today_is_a_usage_error(make_vault, vk):
    result = vk("agenda", make_vault({"me.md": ME}), "--today", "soon")
    assert result.exit_code == 2 and "Traceback" not in result.stderr


# -- the starter vault ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def example(tmp_path_factory):
    return copy_template(tmp_path_factory.mktemp("agenda"))


def test_golden_agenda_on_the_starter_vault(example, vk):
    result = vk("agenda", example, "--today", TEMPLATE_TODAY)
    assert result.exit_code == 0, result
    check_golden("agenda.txt", result.stdout)
    as_json = vk("agenda", example, "--today", TEMPLATE_TODAY, "--json", "--no-sync")
    check_golden("agenda.json", as_json.stdout)


def test_starter_vault_exercises_every_agenda_rule(example, vk):
    kinds = {i["kind"] for i in items(vk, example, TEMPLATE_TODAY)}
    assert kinds == {"thank-you", "next-name", "dead-end", "upcoming", "follow-up", "hygiene"}


def test_generated_vault_smoke(tmp_path, vk):
    import subprocess
    import sys
    from _golden import ROOT

    out = tmp_path / "generated"
    subprocess.run([sys.executable, str(ROOT / "benchmarks/generate.py"), str(out), "--notes", "300"],
                   check=True, capture_output=True)
    if not any(out.iterdir()):
        pytest.fail("generator wrote nothing")
    found = items(vk, out, "2026-05-01")
    assert {"thank-you", "next-name", "follow-up"} <= {i["kind"] for i in found}
    for command in (("stats", out, "--json"), ("path", "--help"), ("graph", out, "--format", "graphml")):
        assert vk(*command).exit_code == 0


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["!", "[[", "]]", "]", "[", "a", "Ana Lee", " ", "\n", "|", "#"]), max_size=14))
def test_wikilinks_are_cut_out_of_mentions_as_the_pattern_says(pieces) -> None:
    """The mentions' fast cut equals the plain pattern's substitution."""
    from vaultkit.agenda import WIKILINK, without_wikilinks

    text = "".join(pieces)
    assert without_wikilinks(text) == WIKILINK.sub(" ", text)

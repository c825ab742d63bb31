"""`vaultkit path`: ranked introduction paths over typed, weighted edges."""

from __future__ import annotations


from _golden import TEMPLATE_TODAY, check_golden, copy_template

VAULT = {
    "me.md": "---\ntype: profile\n---\n",
    "companies/Acme.md": "---\ntype: company\n---\n",
    "people/Ana.md": "---\ntype: contact\n---\n",  # own network, interviewed
    "people/Bo.md": "---\ntype: contact\n---\n",  # own network, never asked
    "people/Raj.md": '---\ntype: contact\nreferred_by: "[[Ana]]"\ncompany: "[[Acme]]"\n---\nKnows [[Bo]].\n',
    "people/Tia.md": '---\ntype: contact\ncompany: "[[Acme]]"\nreferred_by: "[[Raj]]"\n---\n',
    "interviews/a.md": '---\ntype: interview\nwith: "[[Ana]]"\ndate: 2026-01-05\nstatus: done\nreferrals: ["[[Raj]]"]\n---\n',
}


def test_paths_to_a_person_best_first_one_per_introducer(make_vault, vk):
    vault = make_vault(VAULT)
    result = vk("path", "Raj", "--json", cwd=vault)
    assert result.exit_code == 0, result
    paths = result.json()
    assert [p["path"] for p in paths] == [
        ["me.md", "people/Ana.md", "people/Raj.md"],  # interviewed Ana, who named Raj: 1 + 1
        ["me.md", "people/Bo.md", "people/Raj.md"],  # own network, then a mention: 1.5 + 3
    ]
    assert paths[0]["suggestion"] == 'Write to Raj: "Ana suggested I get in touch".'
    assert paths[0]["cost"] < paths[1]["cost"]


def test_paths_to_a_company_reach_each_person_there(make_vault, vk):
    vault = make_vault(VAULT)
    paths = vk("path", "Acme", "--json", cwd=vault).json()
    assert [p["path"][-1] for p in paths] == ["people/Raj.md", "people/Tia.md"]
    assert paths[1]["path"] == ["me.md", "people/Ana.md", "people/Raj.md", "people/Tia.md"]
    assert "you reach Raj through Ana" in paths[1]["suggestion"]
    human = vk("path", "Acme", cwd=vault).stdout
    assert human.splitlines()[0] == "Introduction paths to Acme, warmest first:"
    assert "1. you → Ana → Raj  (cost 2)" in human


def test_no_path_and_bad_targets(make_vault, vk):
    vault = make_vault({**VAULT, "people/Lone.md": '---\ntype: contact\nreferred_by: "[[Nobody]]"\n---\n'})
    assert "No introduction path to Lone" in vk("path", "Lone", cwd=vault).stdout
    bad = vk("path", "interviews/a.md", cwd=vault)
    assert bad.exit_code == 2 and "not a contact or a company" in bad.stderr
    missing = vk("path", "Nobody Here", cwd=vault)
    assert missing.exit_code == 2 and "no note named" in missing.stderr


def test_golden_paths_on_the_starter_vault(tmp_path, vk):
    vault = copy_template(tmp_path)
    out = []
    for target in ("Harbor Bank", "Leo Martins", "Hannah Brooks", "Brightline Health"):
        result = vk("path", target, "--today", TEMPLATE_TODAY, cwd=vault)
        assert result.exit_code == 0, result
        out.append(f"$ vaultkit path {target!r}\n{result.stdout}")
    check_golden("path.txt", "\n".join(out))
    check_golden("path-leo.json", vk("path", "Leo Martins", "--json", "--no-sync", cwd=vault).stdout)

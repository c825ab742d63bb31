"""Changing a setting that resolution depends on takes effect at the next sync,
without `--full`: the index remembers what its links were resolved with."""

from vaultkit.index import Index


def edges(vk, vault):
    return {e["linkpath"]: e["target"] for e in vk("graph", vault).json()["edges"]}


def test_turning_the_alias_fallback_on_and_off_re_resolves_links(make_vault, vk):
    vault = make_vault(
        {"people/Robert Smith.md": "---\naliases: [Bob]\n---\nHi.\n", "Ana.md": "Met [[Bob]] and [[Robert Smith]].\n"}
    )
    assert edges(vk, vault) == {"Bob": None, "Robert Smith": "people/Robert Smith.md"}
    (vault / "vaultkit.yml").write_text("alias_fallback: true\n")
    assert edges(vk, vault) == {"Bob": "people/Robert Smith.md", "Robert Smith": "people/Robert Smith.md"}
    (vault / "vaultkit.yml").write_text("alias_fallback: false\n")
    assert edges(vk, vault) == {"Bob": None, "Robert Smith": "people/Robert Smith.md"}
    # ...and the index still equals a fresh one built with the same settings.
    with Index.open(vault) as index:
        incremental = index.dump()
        index.sync(full=True)
        assert index.dump() == incremental


def test_a_prospect_linked_in_a_body_is_not_a_broken_link(make_vault, vk):
    vault = make_vault(
        {
            "people/Grace Kim.md": "---\ntype: contact\n---\nMentor.\n",
            "interviews/2026-11-24 Grace Kim.md": (
                '---\ntype: interview\nwith: "[[Grace Kim]]"\ndate: 2026-11-24\nstatus: done\n'
                'thank_you_sent: 2026-11-24\nreferrals: ["[[Fatima Said]]"]\n---\n'
                "Grace suggested [[Fatima Said]]; also see [[Nobody Yet]].\n"
            ),
        }
    )
    out = vk("check", vault).stdout
    assert "Fatima Said" not in out
    assert "unresolved link [[Nobody Yet]]" in out

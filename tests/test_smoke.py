from vaultkit.index import Index


def test_index_check_graph_on_a_tiny_vault(make_vault, vk):
    vault = make_vault(
        {
            "people/Bob.md": '---\ncompany: "[[Acme]]"\n---\nSee [[Ana]] and [[Nobody]].\n',
            "Ana.md": "Knows [[Bob]].\n",
            "companies/Acme.md": "A company.\n",
        }
    )
    result = vk("index", vault)
    assert result.exit_code == 0, result
    assert "3 notes, 4 links, 1 unresolved" in result.stdout
    check = vk("check", vault)
    assert check.exit_code == 0
    assert "people/Bob.md:4: warning: unresolved link [[Nobody]]" in check.stdout
    graph = vk("graph", vault, "--format", "json").json()
    edges = {(e["source"], e["linkpath"]): e for e in graph["edges"]}
    assert edges[("people/Bob.md", "Acme")]["target"] == "companies/Acme.md"
    assert edges[("people/Bob.md", "Acme")]["field"] == "company"
    assert edges[("people/Bob.md", "Nobody")]["target"] is None
    assert {n["path"] for n in graph["nodes"]} == {"people/Bob.md", "Ana.md", "companies/Acme.md"}


def test_second_sync_changes_nothing(make_vault):
    vault = make_vault({"a.md": "[[b]]", "b.md": "[[a]]"})
    with Index.open(vault) as index:
        index.sync()
        before = index.dump()
        report = index.sync()
        assert (report.added, report.changed, report.removed, report.parsed) == (0, 0, 0, 0)
        assert index.dump() == before

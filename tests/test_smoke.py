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


def test_the_console_script_delivers_everything_and_its_exit_code(make_vault):
    """`vaultkit` exits without tearing the interpreter down (cli.main): whatever it
    printed must still arrive whole, through a pipe, with the command's exit code."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).with_name("vaultkit")
    vault = make_vault({f"p{i}.md": f"[[p{(i + 1) % 400}]] [[missing {i}]]\n" for i in range(400)}
                       | {"bad.md": "---\n- not a mapping\n---\n"})

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(script), *args], capture_output=True, text=True, timeout=120)

    graph = run("graph", str(vault), "--format", "json")
    assert graph.returncode == 0, graph.stderr
    assert len(json.loads(graph.stdout)["edges"]) == 800  # ~100 kB, all of it
    check = run("check", str(vault))
    assert check.returncode == 1  # an error (bad.md): exit 1
    assert check.stdout.count("unresolved link") == 400 and "bad.md" in check.stdout
    missing = run("index", str(vault / "nowhere"))
    assert missing.returncode == 2 and "not a folder" in missing.stderr and "Traceback" not in missing.stderr
    site = run("build", str(vault), "-o", str(vault.parent / "site"))
    assert site.returncode == 0, site.stderr
    assert "Built" in site.stdout and (vault.parent / "site" / "index.html").is_file()

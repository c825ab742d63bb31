#!/usr/bin/env python3
"""Generate networking vaults of hostile referral shapes, for what the near-tree
generator (generate.py) never makes.

    python benchmarks/shapes.py OUT_DIR --shape mix --people 3000 [--seed 1]

Shapes (each person is a contact note; referrals are `referred_by` and interviews'
`referrals`):
- chain:   p0 named p1, p1 named p2, ... (one chain as long as the network)
- hub:     one connector named everyone else
- clique:  groups of 150 colleagues whose interviews all name each other
- random:  each person's referrer picked at random: loops everywhere
- unresolved: every referral names someone with no note yet
- star:    every note links to one note (in its body)
- mix:     a quarter each of chain, hub, clique and random

Stdlib only; the same arguments always give the same files.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

CLIQUE = 150


def contact(referrer: str | None, body: str = "") -> str:
    lines = ["---", "type: contact", 'company: "[[Acme]]"']
    if referrer:
        lines.append(f'referred_by: "[[{referrer}]]"')
    return "\n".join(lines) + "\n---\n" + body


def interview(person: str, day: int, referrals: list[str]) -> str:
    names = ", ".join(f'"[[{name}]]"' for name in referrals)
    return (f'---\ntype: interview\nwith: "[[{person}]]"\ndate: 2026-{1 + day % 12:02d}-{1 + day % 28:02d}\n'
            f"status: done\nthank_you_sent: 2026-01-01\nreferrals: [{names}]\n---\nNotes.\n")


def shape_files(shape: str, names: list[str], rng: random.Random) -> dict[str, str]:
    files: dict[str, str] = {}
    if shape == "chain":
        for i, name in enumerate(names):
            files[f"people/{name}.md"] = contact(names[i - 1] if i else None)
    elif shape == "hub":
        for i, name in enumerate(names):
            files[f"people/{name}.md"] = contact(names[0] if i else None)
        files[f"interviews/2026 {names[0]}.md"] = interview(names[0], 0, names[1:])
    elif shape == "clique":
        for start in range(0, len(names), CLIQUE):
            group = names[start:start + CLIQUE]
            for i, name in enumerate(group):
                files[f"people/{name}.md"] = contact(group[i - 1])
                files[f"interviews/2026 {name}.md"] = interview(name, i, [n for n in group if n != name])
    elif shape == "random":
        for name in names:
            files[f"people/{name}.md"] = contact(rng.choice(names))
    elif shape == "unresolved":
        for i, name in enumerate(names):
            files[f"people/{name}.md"] = contact(f"Nobody {i}")
            files[f"interviews/2026 {name}.md"] = interview(name, i, [f"Prospect {i}-{k}" for k in range(3)])
    elif shape == "star":
        for name in names:
            files[f"people/{name}.md"] = contact(None, "Met through [[Hub Note]].\n")
        files["Hub Note.md"] = "Everyone links here.\n"
    else:
        raise SystemExit(f"unknown shape {shape}")
    return files


def generate(out: Path, shape: str, people: int, seed: int) -> None:
    rng = random.Random(seed)
    files = {"me.md": "---\ntype: profile\n---\n", "companies/Acme.md": "---\ntype: company\n---\n"}
    if shape == "mix":
        quarter = people // 4
        for n, part in enumerate(("chain", "hub", "clique", "random")):
            names = [f"{part.title()} Person {i:05d}" for i in range(quarter)]
            files.update(shape_files(part, names, rng))
    else:
        files.update(shape_files(shape, [f"Person {i:05d}" for i in range(people)], rng))
    (out / ".obsidian").mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--shape", default="mix",
                        choices=["chain", "hub", "clique", "random", "unresolved", "star", "mix"])
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.out_dir, args.shape, args.people, args.seed)


if __name__ == "__main__":
    main()

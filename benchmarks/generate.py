#!/usr/bin/env python3
"""Generate a realistic, deterministic networking vault for benchmarks.

    python benchmarks/generate.py OUT_DIR --notes 10000 [--seed 1]

Stdlib only.  The same (notes, seed) pair always produces byte-identical files:
every random choice comes from ``random.Random`` instances seeded from the
seed (and, for note bodies, from the note's path), collections are iterated in
list order or sorted order, and nothing depends on the clock, the locale or the
hash seed.  See benchmarks/README.md for what the vault contains.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import gc
import json
import os
import re
import struct
import sys
import time
import unicodedata
import urllib.parse
import zlib

import random

MIN_NOTES = 20
REF_DATE = dt.date(2026, 5, 1)  # the vault's "today": earlier interviews are mostly done
START_DATE = dt.date(2025, 1, 6)
END_DATE = dt.date(2026, 12, 18)
SPAN_DAYS = (END_DATE - START_DATE).days
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# ---------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------

FIRST_NAMES = """
Aaron Abigail Adam Adele Adrian Aisha Alan Alba Alejandro Alex Alexander Alice Alina Amara
Amir Ana Andrea Andrei Andrew Angela Anika Anna Anton Arjun Aryan Astrid Ava Ayumi Beatriz
Ben Benjamin Bianca Bilal Bruno Caleb Camila Carla Carlos Carmen Caroline Catherine Chen
Chiara Chloe Chris Christina Clara Daniel Daniela Darius David Diana Diego Dmitri Elena
Eli Elif Elizabeth Ella Emeka Emily Emma Erik Esther Ethan Eva Fatima Felix Fernando Fiona
Francesca Gabriel Grace Hana Hannah Hassan Helen Henry Hiroshi Ibrahim Ines Ingrid Isaac
Isabel Ivan Jack Jacob James Jamal Jana Javier Jean Jennifer Jessica Jin Joanna Johan John
Jonas Jordan Jorge Joseph Joshua Julia Julian Kai Karen Karim Katarina Kate Kenji Kevin Kim
Laila Lars Laura Leah Leila Leo Liam Lina Lucas Lucia Luis Luka Maya Mai Marco Maria Mariam
Marta Martin Mateo Matthew Maximilian Mei Michael Michelle Miguel Mila Mohammed Nadia Naomi
Natalia Nathan Nia Nicholas Nikhil Nina Noah Nora Olga Oliver Olivia Omar Oscar Pablo Paolo
Patricia Paul Pedro Peter Priya Rachel Rafael Rahul Rania Rebecca Ricardo Rosa Ruth Ryan
Sam Samuel Sara Sarah Sebastian Sergio Shira Simone Sofia Sophie Stefan Steven Sunita Tariq
Teresa Thomas Tim Tomás Valentina Vera Victor Wei William Xavier Yara Yasmin Yusuf Zara Zoe
Zoë José André Björn Łukasz François Søren Renée Noémie Çağla Siobhán
""".split()

LAST_NAMES = """
Abbott Adams Afolabi Aguilar Ahmed Alvarez Andersen Anderson Arslan Bailey Baker Banerjee
Barros Becker Bell Bennett Berg Bianchi Bishop Blanco Brooks Brown Bryant Campbell Carter
Castillo Chan Chang Chen Cho Clark Cohen Collins Conti Cooper Costa Cruz Das Davies Davis
Delgado Diaz Dubois Dumont Edwards Eriksson Evans Farah Fernandez Fischer Fleming Flores
Ford Foster Fournier Garcia Gomez Gonzalez Gordon Graham Gray Green Greene Gupta Haddad
Hall Hansen Harris Hayes Hernandez Hill Hoffmann Holm Hughes Hussain Ibrahim Ito Jackson
Jensen Johansson Johnson Jones Kang Kapoor Keller Kelly Khan Kim King Klein Kowalski Kumar
Larsen Lee Lewis Li Lin Liu Lopez Lund Marino Martin Martinez Mehta Mendes Meyer Miller
Mitchell Moore Morales Moreau Morgan Moreno Murphy Nakamura Nash Nguyen Nielsen Novak Nunez
Okafor Okonkwo Olsen Ortiz Owens Park Patel Perez Perry Petrov Phillips Popescu Price
Quinn Ramirez Ramos Reed Reyes Richter Rivera Roberts Robinson Rodriguez Rojas Romano Rossi
Russo Saito Sanchez Santos Sato Schmidt Schneider Scott Shah Silva Singh Smith Sokolov
Sorensen Stewart Suzuki Tanaka Taylor Thomas Thompson Torres Tran Turner Vargas Vasquez
Wagner Walker Wang Ward Watanabe Weber White Williams Wilson Wong Wright Wu Xu Yamamoto Yang
Yilmaz Young Zhang Zhou Zimmermann O'Brien O'Connor McAllister MacLeod Smith-Jones
García-Márquez Müller Søndergaard Nowak Dąbrowski Öztürk Kovačević Nuñez Lefèvre
van Dijk de Vries
""".split()
# two-word surnames (van Dijk, de Vries) were split above: glue them back
_ln = []
for _w in LAST_NAMES:
    if _ln and _ln[-1] in ("van", "de"):
        _ln[-1] = _ln[-1] + " " + _w
    else:
        _ln.append(_w)
LAST_NAMES = _ln
del _ln, _w

NICKNAMES = {
    "Alexander": "Alex", "Andrew": "Drew", "Benjamin": "Ben", "Catherine": "Cat",
    "Christina": "Tina", "Christopher": "Chris", "Daniel": "Dan", "Daniela": "Dani",
    "David": "Dave", "Elizabeth": "Liz", "Francesca": "Frankie", "Gabriel": "Gabe",
    "Isabel": "Izzy", "James": "Jim", "Jennifer": "Jen", "Jessica": "Jess", "Jonas": "Jo",
    "Joseph": "Joe", "Joshua": "Josh", "Katarina": "Kat", "Matthew": "Matt",
    "Maximilian": "Max", "Michael": "Mike", "Nicholas": "Nick", "Patricia": "Pat",
    "Rebecca": "Becca", "Samuel": "Sam", "Sebastian": "Seb", "Stefan": "Steve",
    "Steven": "Steve", "Thomas": "Tom", "Valentina": "Vale", "William": "Will",
    "Alejandro": "Alejo", "Fernando": "Nando", "Natalia": "Nat", "Timothy": "Tim",
    "Victoria": "Vicky", "Abigail": "Abby", "Caroline": "Carrie", "Hiroshi": "Hiro",
}

COMPANY_PREFIXES = """
Acme Aldergate Alpine Amber Apex Arbor Argent Aster Atlas Aurora Beacon Bellwether
Birch Blue Bluepeak Bramble Brightline Cascade Cedar Cinder Clearwater Cobalt Copper
Coral Crescent Crimson Delta Driftwood Ember Evergreen Falcon Fernhill Fjord Foxglove
Granite Harbor Hawthorn Helix Horizon Indigo Iron Juniper Kestrel Keystone Lakeshore
Lantern Larch Linden Lumen Maple Meridian Mesa Midnight Monarch Northwind Oak Onyx Orbit
Orchid Pacific Pine Polar Prairie Quartz Quill Radiant Redwood Ridge River Saffron Sage
Sequoia Silver Skyline Solstice Sparrow Spruce Summit Tandem Tidal Timber Topaz Tundra
Vantage Verdant Vertex Willow Wren Zenith
""".split()

COMPANY_SUFFIXES = [
    "Analytics", "Health", "Labs", "Systems", "Energy", "Capital", "Logistics", "Software",
    "Robotics", "Bio", "Learning", "Media", "Networks", "Foods", "Mobility", "Security",
    "Studio", "Works", "Partners", "Cloud", "Data", "Payments", "Insurance", "Games",
    "Therapeutics", "Solar", "Water", "Materials", "Consulting", "Ventures", "Retail",
    "Travel", "Pharma", "Grid", "Kitchen", "Finance", "Research", "Design", "& Co",
    "Group", "Technologies", "Climate", "Outdoors", "Books", "Diagnostics", "Commerce",
    "AI", "Space", "Maps", "Carbon",
]

INDUSTRIES = [
    "Climate tech", "Fintech", "Healthcare", "EdTech", "E-commerce", "Cybersecurity",
    "Gaming", "Media", "Biotech", "Logistics", "Public sector", "Nonprofit", "Consulting",
    "SaaS", "AI/ML", "Energy", "Insurance", "Retail", "Travel", "Manufacturing",
]

ROLES = [
    "Product Manager", "Senior Product Manager", "Group Product Manager", "UX Researcher",
    "Product Designer", "Data Analyst", "Data Scientist", "Analytics Engineer",
    "Engineering Manager", "Software Engineer", "Staff Engineer", "Solutions Engineer",
    "Customer Success Manager", "Technical Writer", "Program Manager",
    "Technical Program Manager", "Content Designer", "Marketing Manager",
    "Growth Marketer", "Recruiter", "Head of Talent", "Founder", "Co-founder",
    "VP Product", "Design Lead", "Operations Manager", "Sustainability Lead",
    "Policy Analyst", "Partnerships Manager", "Chief of Staff", "Research Scientist",
    "Developer Advocate", "Account Executive", "Business Analyst", "Consultant",
]

CITIES = [
    "Lisbon", "Berlin", "Amsterdam", "London", "Paris", "Madrid", "Barcelona", "Dublin",
    "Toronto", "New York", "Boston", "Austin", "Seattle", "San Francisco", "Chicago",
    "Denver", "Singapore", "Tokyo", "Sydney", "Melbourne", "Copenhagen", "Stockholm",
    "Zürich", "Montréal", "São Paulo", "Mexico City", "Remote",
]

EVENT_KINDS = [
    "Meetup", "Conference", "Career Fair", "Alumni Mixer", "Panel", "Workshop",
    "Hackathon", "Breakfast", "Webinar", "Demo Day", "Coffee Morning",
]

EVENT_TOPICS = [
    "Product", "Climate Tech", "Women in Tech", "Data Science", "UX Research", "Fintech",
    "Career Changers", "Design Systems", "Healthtech", "AI", "Startup", "Alumni",
    "Public Interest Tech", "Open Source", "Growth", "Sustainability",
]

SCHOOLS = [
    "Westbrook University", "Lakeside College", "State University", "Northfield Institute",
    "Riverside Polytechnic", "Harborview Business School", "Eastgate Bootcamp",
    "Pine Valley University", "Coastal Design School", "Université de Montréal",
]

HOW_MET_FIRST = ["colleague", "friend", "alumni", "linkedin", "family", "cold email",
                 "former manager", "neighbour", "volunteering"]

ADVICE = [
    "Lead with the problem you want to solve, not the title you want.",
    "Build one small portfolio piece that shows the new skill end to end.",
    "Rewrite the CV around outcomes; drop the jargon from the old field.",
    "Talk to people two levels above the role, not only recruiters.",
    "Volunteer for a cross-functional project at your current job first.",
    "Take the certification only if a hiring manager asks for it.",
    "Join the community Slack and answer questions for a month.",
    "Frame the career change as a continuation, not a restart.",
    "Ask every person for one more name before you hang up.",
    "Send the thank-you note the same day, and mention one concrete thing you learned.",
    "Keep a running list of the vocabulary the field uses and adopt it.",
    "Apply to mid-size companies; startups rarely have time to train changers.",
    "Find the adjacent role where your old experience is an advantage.",
    "Do a short contract or freelance gig to get the first line on the CV.",
    "Prepare three stories that show judgment under ambiguity.",
    "Don't undersell the domain knowledge from your previous industry.",
    "Pick one target industry for the next three months and ignore the rest.",
    "Write publicly about what you are learning; it starts conversations.",
    "Shadow someone in the role for a day if they will let you.",
    "Learn enough SQL to answer your own questions.",
    "Go to the smaller meetups; the big conferences are too noisy.",
    "Practise the pitch out loud until it takes under a minute.",
    "Research the company's last two product launches before any conversation.",
    "Ask about the worst part of the job, not just the best part.",
    "Check in every six weeks with something useful, not a request.",
]

TAGS_FLAT = ["networking", "career-change", "warm", "cold", "mentor", "connector",
             "hiring-manager", "alumni", "recruiter", "priority", "remote", "founder"]
TAGS_NESTED = ["industry/climate", "industry/fintech", "industry/health", "role/pm",
               "role/ux", "role/data", "status/waiting", "priority/high", "priority/low",
               "source/linkedin", "source/event", "todo/outreach", "todo/thank-you",
               "project/portfolio", "skills/sql", "skills/research"]

TOPIC_AREAS = [
    "product", "product/discovery", "product/growth", "data", "data/analytics",
    "data/ml", "design", "design/ux-research", "climate", "climate/policy", "fintech",
    "health", "career", "career/skills", "career/negotiation", "companies",
]
AREA_TITLES = {
    "product": "Product", "discovery": "Discovery", "growth": "Growth", "data": "Data",
    "analytics": "Analytics", "ml": "ML", "design": "Design", "ux-research": "UX research",
    "climate": "Climate", "policy": "Policy", "fintech": "Fintech", "health": "Health",
    "career": "Career", "skills": "Skills", "negotiation": "Negotiation",
    "companies": "Companies",
}
TOPIC_FACETS = [
    "Glossary", "Reading list", "Interview questions", "Salary notes", "Trends 2026",
    "Interview prep", "People to know", "Key concepts", "Open questions", "Job titles",
    "Day in the life", "Portfolio ideas", "Communities", "Courses", "Frameworks",
    "Case studies", "Myths and realities", "Tools", "Podcasts", "Newsletters",
]
INBOX_WORDS = [
    "pitch", "coffee", "follow-up", "portfolio", "résumé", "salary", "referral", "intro",
    "meetup", "course", "book", "podcast", "idea", "draft", "plan", "retro", "budget",
    "skills", "question", "checklist", "template", "outline", "summary", "review",
]

TOPICS = ["product discovery", "growth experiments", "data analytics", "machine learning",
          "UX research", "design systems", "climate policy", "carbon accounting", "payments",
          "digital health", "career strategy", "salary negotiation", "customer research",
          "roadmapping", "stakeholder management", "accessibility"]

LEAD_STATUSES = ["new", "new", "applied", "applied", "interviewing", "offer", "rejected",
                 "closed"]

# Sentence bank.  Slots: {first} {name} {company} {role} {industry} {city} {years}
# {topic} and links {p1} {p2} {co} {ev} {tp}.  Links are pre-rendered per note.
SENTENCES = [
    "{first} spent {years} years in {industry} before moving into {role} work.",
    "The team at {co} is small, and most decisions go through one planning meeting a week.",
    "{first} said the hardest part of the switch was learning to say no to good ideas.",
    "We talked for forty minutes instead of twenty, mostly about {topic}.",
    "According to {first}, hiring managers care less about titles than about evidence.",
    "{first} recommended reading the public roadmap before the next conversation.",
    "They moved from {city} two years ago and still mentor people in the old team.",
    "The interview loop at {co} has four stages and a take-home exercise.",
    "{first} thinks the market for {role} roles will stay tight through next year.",
    "I should ask {p1} about the analytics side; {first} says they know it best.",
    "Their path was not linear: agency work, a startup that folded, then {co}.",
    "{first} keeps a weekly list of people to thank, which I want to copy.",
    "Most of the work is writing: specs, updates, and short decision memos.",
    "They were surprised that my background in teaching maps so well onto {topic}.",
    "We compared notes on {ev}; {first} was there too but we did not meet.",
    "The best way in, in their view, is a warm introduction from someone like {p2}.",
    "There is a guild for {topic} practitioners that meets on the first Thursday.",
    "{first} warned that the title {role} means very different things at different companies.",
    "Salary bands are published internally, which {first} considers a real advantage.",
    "I took notes on the three tools they use daily and the one they would drop.",
    "{first} offered to review my portfolio once the case study is finished.",
    "The company is hiring in {city}, but mostly senior people for now.",
    "We agreed to talk again after the quarter closes, when things are quieter.",
    "They described the culture as direct, written, and a little too fond of meetings.",
    "A good first project, they said, is a small analysis that answers a real question.",
    "{first} came from {industry} too, so the vocabulary gap felt smaller than expected.",
    "See also {tp} for the questions I prepared beforehand.",
    "They suggested I look at the open-source community around {topic}.",
    "It helped to mention that {p1} sent me; the tone changed immediately.",
    "I still do not understand how {co} prices its product, so that is a follow-up.",
    "{first} had a clear opinion: do fewer things, and finish them.",
    "The role involves a lot of stakeholder management across three time zones.",
    "Budget cycles in {industry} are slow, so hiring often happens in spring.",
    "We ran out of time before I could ask about the on-call rotation.",
    "{first} described a typical week: two days of research, three days of delivery.",
    "Their manager, {p2}, is apparently the person to ask about internal transfers.",
    "There was a long tangent about bikes, coffee, and the best bakeries in {city}.",
    "They think the next wave in {industry} is about regulation, not technology.",
    "I left with a list of five newsletters and two books on {topic}.",
    "The conversation confirmed that {role} is closer to my goals than I assumed.",
    "{first} joined {co} through a referral, which is how most of their team was hired.",
    "They asked good questions about my pitch and suggested I cut the second sentence.",
    "Apparently the {role} ladder at {co} has five levels, and changers usually start at two.",
    "{first} grew up in {city} and still volunteers with a coding club there on Saturdays.",
    "There is a lot of overlap between {topic} and the project management I did before.",
    "The first ninety days, they said, are mostly listening and mapping who decides what.",
    "{first} was candid that the team is stretched and that burnout is a real risk.",
    "We discussed how {industry} companies evaluate candidates without a traditional background.",
    "{p1} and {first} worked together years ago, which explains the warm introduction.",
    "Their advice on portfolios: two deep case studies beat ten shallow ones.",
    "I asked what they would do differently; the answer was to start networking sooner.",
    "{first} reads every cover letter, but only the first paragraph.",
    "The company runs an internal mobility programme that might suit a career changer.",
    "Remote work is allowed, but the {city} office is where the product decisions happen.",
    "{first} mentioned a bootcamp alumni group that shares job leads every Friday.",
    "Most of their week goes into interviews with customers and synthesising the notes.",
    "They were honest that the pay cut for a junior {role} would be significant at first.",
    "{first} sketched the org chart on a napkin; I should redraw it before I forget.",
    "According to {first}, {co} values curiosity over credentials when hiring juniors.",
    "The meeting ran late because {first} kept thinking of people I should meet.",
]

DAILY_LINES = [
    "Sent two outreach emails, one to {p1}.",
    "Coffee with {p1}; notes in their page.",
    "Updated the CV bullet points after feedback from {p2}.",
    "Read half of the reading list in {tp}.",
    "Prepared questions for the call with {p1}.",
    "Researched {co} — they just announced a new product line.",
    "Thank-you note to {p2} sent.",
    "Registered for {ev}.",
    "Spent an hour on the portfolio case study.",
    "Called {p1} to confirm Thursday.",
    "Caught up on the reading list instead of outreach.",
    "Cleaned up the contacts list and merged two duplicates.",
    "Long walk, rehearsed the pitch three times.",
    "Asked {p2} whether they could introduce me to someone at {co}.",
    "Rewrote the pitch again; shorter is better.",
    "Two recruiters replied on LinkedIn, neither relevant.",
    "Listened to a podcast episode on {topic} during the commute.",
    "Added three new names from {p1} to the prospects list.",
    "Blocked Friday morning for outreach emails.",
    "Tidied up the notes from {ev}.",
]

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

_SAFE_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ._'()/&+-]*[A-Za-z0-9.)]\Z")
_YAML_RESERVED = {"yes", "no", "true", "false", "null", "on", "off", "y", "n", "none"}


def ys(s: str) -> str:
    """A YAML scalar for ``s``: plain when obviously safe, else double-quoted."""
    if _SAFE_PLAIN.match(s) and s.lower() not in _YAML_RESERVED:
        return s
    return json.dumps(s, ensure_ascii=False)


def yq(s: str) -> str:
    """Always double-quoted (links must be quoted in properties)."""
    return json.dumps(s, ensure_ascii=False)


def day(offset: int) -> dt.date:
    return START_DATE + dt.timedelta(days=offset)


_FOLD = str.maketrans({"ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "ı": "i", "đ": "d"})


def slug(s: str) -> str:
    """ASCII slug for e-mail addresses and URLs: "José García-Márquez" -> "jose-garcia-marquez"."""
    s = unicodedata.normalize("NFKD", s.lower().translate(_FOLD)).replace("'", "")
    out = [ch if ch.isascii() and ch.isalnum() else ("" if unicodedata.combining(ch) else "-")
           for ch in s]
    return re.sub("-+", "-", "".join(out)).strip("-")


def md_href(path_no_ext: str) -> str:
    return urllib.parse.quote(path_no_ext + ".md")


def png_bytes(w: int, h: int, rgb: tuple[int, int, int]) -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


def pdf_bytes(pages: list[str]) -> bytes:
    """A minimal valid PDF with one line of text per page."""
    objs: list[bytes] = []
    n = len(pages)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n))
    font_obj = 3 + 2 * n
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode())
    for i, text in enumerate(pages):
        stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                    f"/Contents {4 + 2 * i} 0 R /Resources << /Font << /F1 {font_obj} 0 R >> >> >>"
                    .encode())
        objs.append(b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n"
                    + stream + b"\nendstream")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
            .encode())
    return bytes(out)


ATTACHMENTS = {
    "attachments/photo.png": png_bytes(4, 4, (180, 120, 90)),
    "attachments/headshot-01.png": png_bytes(8, 8, (200, 160, 140)),
    "attachments/headshot-02.png": png_bytes(8, 8, (120, 90, 70)),
    "attachments/headshot-03.png": png_bytes(8, 8, (230, 200, 180)),
    "attachments/headshot-04.png": png_bytes(8, 8, (90, 60, 50)),
    "attachments/org-chart.png": png_bytes(16, 8, (40, 90, 160)),
    "attachments/Resume 2026.pdf": pdf_bytes(["Resume 2026 - page 1", "Experience - page 2",
                                              "Education - page 3"]),
    # same file name as attachments/photo.png: ![[photo.png]] needs R6 to decide
    "events/photo.png": png_bytes(4, 4, (60, 160, 90)),
}
HEADSHOTS = ["headshot-01.png", "headshot-02.png", "headshot-03.png", "headshot-04.png"]


class NamePool:
    """Unique person names: shuffled first x last combinations, then with initials."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.round = 0
        self.buf: list[str] = []
        self.used: set[str] = set()

    def _refill(self) -> None:
        firsts, lasts = FIRST_NAMES, LAST_NAMES
        if self.round == 0:
            combos = [f"{f} {l}" for f in firsts for l in lasts]
        else:
            initial = "ABCDEFGHJKLMNPRSTVW"[(self.round - 1) % 19]
            suffix = "" if self.round <= 19 else f" {self.round // 19 + 1}"
            combos = [f"{f} {initial}. {l}{suffix}" for f in firsts for l in lasts]
        self.rng.shuffle(combos)
        self.buf = combos
        self.round += 1

    def take(self) -> str:
        while True:
            if not self.buf:
                self._refill()
            name = self.buf.pop()
            key = name.lower()
            if key not in self.used:
                self.used.add(key)
                return name


# ---------------------------------------------------------------------------
# The model of the campaign
# ---------------------------------------------------------------------------


class Contact:
    __slots__ = ("i", "name", "first", "folder", "shared", "company", "role", "industry",
                 "how_met", "met_at", "referred_by", "ref_interview", "alumni_of",
                 "aliases", "has_bio", "interviews", "referred", "private", "follow_up",
                 "tags", "degree")

    def __init__(self, i: int, name: str, folder: str):
        self.i = i
        self.name = name
        self.first = name.split(" ")[0]
        self.folder = folder          # "" (vault root) or e.g. "people/alumni"
        self.shared = False           # another contact has the same file name
        self.company = -1             # index into companies, -2 = company without a note
        self.role = ""
        self.industry = ""
        self.how_met = ""
        self.met_at = -1
        self.referred_by = -1
        self.ref_interview = -1
        self.alumni_of = ""
        self.aliases: list[str] = []
        self.has_bio = False
        self.interviews: list[int] = []
        self.referred: list[int] = []
        self.private = False
        self.follow_up: dt.date | None = None
        self.tags: list[str] = []
        self.degree = 1

    @property
    def path(self) -> str:
        return f"{self.folder}/{self.name}" if self.folder else self.name


class Interview:
    __slots__ = ("i", "person", "prospect_with", "date", "status", "via", "referrals",
                 "advice", "thank_you", "follow_up", "name", "has_quote")

    def __init__(self, i: int, person: int, date: dt.date):
        self.i = i
        self.person = person
        self.prospect_with = ""       # interview requested with someone who has no note
        self.date = date
        self.status = "requested"
        self.via = -1
        self.referrals: list[tuple[str, object]] = []  # ("c", idx) or ("p", name)
        self.advice: list[str] = []
        self.thank_you: dt.date | None = None
        self.follow_up: dt.date | None = None
        self.name = ""
        self.has_quote = False


class Vault:
    """Everything decided before any body is written."""

    def __init__(self, n_notes: int, seed: int):
        self.n = n_notes
        self.seed = seed
        rng = random.Random(seed)
        self.rng = rng
        self.counts = plan_counts(n_notes)
        self.names = NamePool(random.Random(f"names:{seed}"))
        self._companies()
        self._events()
        self._contacts()
        self._interviews()
        self._leads()
        self._untyped()

    # -- companies -----------------------------------------------------------
    def _companies(self) -> None:
        rng = self.rng
        combos = [f"{p} {s}" for p in COMPANY_PREFIXES for s in COMPANY_SUFFIXES]
        rng.shuffle(combos)
        n = self.counts["company"]
        names = []
        k = 0
        while len(names) < n:
            base = combos[k % len(combos)]
            rnd = k // len(combos)
            names.append(base if rnd == 0 else f"{base} {CITIES[rnd % len(CITIES)]}")
            k += 1
        self.companies = names
        self.company_industry = [INDUSTRIES[rng.randrange(len(INDUSTRIES))] for _ in names]
        # an alias for ~20% of companies: the short prefix ("Northwind")
        self.company_alias = [nm.split(" ")[0] if rng.random() < 0.2 else "" for nm in names]
        # Zipf-ish popularity: a few big employers, a long tail (integer weights, so
        # no platform-dependent float rounding can change a pick)
        cum, tot = [], 0
        for r in range(n):
            tot += 1_000_000 // (r + 8)
            cum.append(tot)
        self.company_cum = cum
        self.company_people: list[list[int]] = [[] for _ in names]
        # companies mentioned but never given a note (unresolved links)
        self.ghost_companies = sorted({
            f"{rng.choice(COMPANY_PREFIXES)} {rng.choice(('Holdings', 'Collective', 'Foundry', 'Dynamics'))}"
            for _ in range(max(3, n // 10))})

    def pick_company(self, rng: random.Random) -> int:
        return bisect.bisect_right(self.company_cum, rng.randrange(self.company_cum[-1]))

    # -- events --------------------------------------------------------------
    def _events(self) -> None:
        rng = self.rng
        n = self.counts["event"]
        seen, evs = set(), []
        while len(evs) < n:
            d = day(rng.randrange(SPAN_DAYS))
            city = rng.choice(CITIES)
            title = f"{rng.choice(EVENT_TOPICS)} {rng.choice(EVENT_KINDS)} {city}"
            name = f"{d.isoformat()} {title}"
            if name in seen:
                continue
            seen.add(name)
            evs.append((d, name, city, title))
        evs.sort()
        self.events = evs  # (date, name, city, title)
        self.event_people: list[list[int]] = [[] for _ in evs]

    # -- contacts ------------------------------------------------------------
    def _contacts(self) -> None:
        rng = self.rng
        n = self.counts["contact"]
        n_dup = max(1, round(n * 0.015)) if n >= 20 else 0
        contacts: list[Contact] = []
        # primaries
        for i in range(n - n_dup):
            r = rng.random()
            folder = ("people" if r < 0.87 else "people/alumni" if r < 0.92
                      else "people/former" if r < 0.97 else "")
            contacts.append(Contact(i, self.names.take(), folder))
        # duplicates: same file name, another folder
        # pair kinds: (people, people/alumni) -> shortest path wins;
        # (people/alumni, people/former) -> equal length, a real tie (R7);
        # (vault root, people) -> the root note wins by exact path (R4)
        pair_kinds = [("people", "people/alumni"), ("people/alumni", "people/former"),
                      ("", "people")]
        base = len(contacts)
        originals = rng.sample(range(base), min(n_dup, base))
        originals.sort()
        for k, oi in enumerate(originals):
            orig = contacts[oi]
            f1, f2 = pair_kinds[k % 3] if k < 3 else rng.choice(pair_kinds)
            orig.folder = f1
            orig.shared = True
            twin = Contact(len(contacts), orig.name, f2)
            twin.shared = True
            contacts.append(twin)
        self.contacts = contacts

        for c in contacts:
            if rng.random() < 0.92:
                co = self.pick_company(rng)
                c.company = co
                c.industry = self.company_industry[co]
                self.company_people[co].append(c.i)
            elif rng.random() < 0.5:
                c.company = -2 - rng.randrange(len(self.ghost_companies))
                c.industry = rng.choice(INDUSTRIES)
            else:
                c.industry = rng.choice(INDUSTRIES)
            c.role = rng.choice(ROLES)
            if rng.random() < 0.3:
                c.alumni_of = rng.choice(SCHOOLS)
            if rng.random() < 0.25:
                al = []
                if c.first in NICKNAMES:
                    al.append(NICKNAMES[c.first])
                last = c.name.split(" ")[-1]
                al.append(f"{c.first} {last[0]}.")
                if rng.random() < 0.3:
                    al.append(c.first.lower())
                c.aliases = al
            c.has_bio = rng.random() < 0.5
            c.private = rng.random() < 0.01
            if rng.random() < 0.25:
                c.follow_up = day(rng.randrange(SPAN_DAYS))
            ntag = rng.choice((0, 1, 1, 2, 3))
            tags = sorted(set(rng.choice(TAGS_FLAT if rng.random() < 0.6 else TAGS_NESTED)
                              for _ in range(ntag)))
            c.tags = tags

        # who is known from the start: first-degree network and people met at events
        order = list(range(len(contacts)))
        rng.shuffle(order)
        n_first = max(3, round(len(contacts) * 0.2))
        n_event = round(len(contacts) * 0.1) if self.events else 0
        self.known: list[int] = []
        for ci in order[:n_first]:
            c = contacts[ci]
            c.how_met = rng.choice(HOW_MET_FIRST)
            if c.how_met == "alumni" and not c.alumni_of:
                c.alumni_of = rng.choice(SCHOOLS)
            self.known.append(ci)
        for ci in order[n_first:n_first + n_event]:
            c = contacts[ci]
            c.how_met = "event"
            ev = rng.randrange(len(self.events))
            c.met_at = ev
            self.event_people[ev].append(ci)
            self.known.append(ci)
        self.unknown = order[n_first + n_event:]
        self.unknown.reverse()  # pop() from the end = original order

    # -- interviews ----------------------------------------------------------
    def _interviews(self) -> None:
        rng = self.rng
        contacts = self.contacts
        n = self.counts["interview"]
        dates = sorted(day(rng.randrange(SPAN_DAYS)) for _ in range(n))
        not_interviewed = list(self.known)
        prospects: list[str] = []
        self.interviews: list[Interview] = []
        used_names: set[str] = set()
        for i, d in enumerate(dates):
            past = d < REF_DATE
            if not_interviewed and rng.random() < 0.85:
                j = rng.randrange(len(not_interviewed))
                ci = not_interviewed[j]
                not_interviewed[j] = not_interviewed[-1]
                not_interviewed.pop()
            else:
                ci = self.known[rng.randrange(len(self.known))]
            iv = Interview(i, ci, d)
            c = contacts[ci]
            if past:
                r = rng.random()
                iv.status = ("done" if r < 0.80 else "cancelled" if r < 0.87
                             else "requested" if r < 0.95 else "scheduled")
            else:
                iv.status = "scheduled" if rng.random() < 0.6 else "requested"
            if iv.status == "requested" and rng.random() < 0.04:
                iv.prospect_with = self.names.take()
                iv.person = -1
            if iv.person >= 0:
                c.interviews.append(i)
                if c.referred_by >= 0 and rng.random() < 0.7:
                    iv.via = c.referred_by
            if iv.status == "done":
                k = rng.choices((0, 1, 2, 3, 4), (15, 35, 30, 15, 5))[0]
                for _ in range(k):
                    r = rng.random()
                    if r < 0.72 and self.unknown:
                        ni = self.unknown.pop()
                        nc = contacts[ni]
                        nc.referred_by = ci
                        nc.ref_interview = i
                        nc.how_met = "referral"
                        nc.degree = c.degree + 1
                        c.referred.append(ni)
                        self.known.append(ni)
                        not_interviewed.append(ni)
                        iv.referrals.append(("c", ni))
                    elif r < 0.80 and prospects:
                        # the same prospect named again by someone else
                        iv.referrals.append(("p", prospects[rng.randrange(len(prospects))]))
                    elif r < 0.92 or not self.known:
                        p = self.names.take()
                        prospects.append(p)
                        iv.referrals.append(("p", p))
                    else:
                        iv.referrals.append(("c", self.known[rng.randrange(len(self.known))]))
                iv.advice = rng.sample(ADVICE, rng.choice((1, 2, 2, 3)))
                if rng.random() < 0.78:
                    iv.thank_you = min(d + dt.timedelta(days=rng.choice((0, 0, 0, 1, 1, 2, 5))),
                                       END_DATE)
                if rng.random() < 0.35:
                    iv.follow_up = min(d + dt.timedelta(days=rng.choice((14, 30, 42, 60, 90))),
                                       END_DATE)
                iv.has_quote = rng.random() < 0.6
            who = iv.prospect_with or c.name
            base = f"{d.isoformat()} {who}"
            name, k = base, 2
            while name.lower() in used_names:
                name = f"{base} ({k})"
                k += 1
            used_names.add(name.lower())
            iv.name = name
            self.interviews.append(iv)
        # people who were passed on without a formal interview note
        while self.unknown:
            ni = self.unknown.pop()
            ri = self.known[rng.randrange(len(self.known))]
            nc = contacts[ni]
            nc.referred_by = ri
            nc.how_met = "referral"
            nc.degree = contacts[ri].degree + 1
            contacts[ri].referred.append(ni)
            self.known.append(ni)
        self.prospects = prospects
        self.done = [iv.i for iv in self.interviews if iv.status == "done"]

    # -- leads ---------------------------------------------------------------
    def _leads(self) -> None:
        rng = self.rng
        n = self.counts["lead"]
        leads = []
        seen: set[str] = set()
        for _ in range(n):
            if self.done and rng.random() < 0.85:
                iv = self.interviews[rng.choice(self.done)]
                src = iv.i
                heard = iv.person if rng.random() < 0.9 else rng.randrange(len(self.contacts))
            else:
                src = -1
                heard = rng.randrange(len(self.contacts))
            hc = self.contacts[heard]
            co = hc.company if hc.company >= 0 and rng.random() < 0.8 else self.pick_company(rng)
            role = rng.choice(ROLES)
            base = f"{self.companies[co]} - {role}"
            name, k = base, 2
            while name.lower() in seen:
                name = f"{base} ({k})"
                k += 1
            seen.add(name.lower())
            d = (self.interviews[src].date if src >= 0
                 else day(rng.randrange((REF_DATE - START_DATE).days)))
            leads.append({"name": name, "company": co, "role": role, "heard": heard,
                          "source": src, "status": rng.choice(LEAD_STATUSES), "date": d})
        self.leads = leads

    # -- untyped -------------------------------------------------------------
    def _untyped(self) -> None:
        rng = self.rng
        n = self.counts["untyped"]
        fixed = ["Campaign dashboard", "notes/Questions to ask", "notes/Outreach templates",
                 "notes/topics/Overview"]
        notes: list[tuple[str, str]] = [("fixed", p) for p in fixed[:n]]
        rest = n - len(notes)
        n_daily = min(rest * 4 // 10, SPAN_DAYS)
        n_topic_max = len(TOPIC_AREAS) * (len(TOPIC_FACETS) + 1)
        n_topic = min(rest * 35 // 100, n_topic_max)
        n_inbox = rest - n_daily - n_topic
        for off in sorted(rng.sample(range(SPAN_DAYS), n_daily)):
            notes.append(("daily", f"daily/{day(off).isoformat()}"))
        # topic notes: each area gets an Overview first (the same file name in many
        # folders) so relative links [[./Overview]] and [[../Overview]] resolve
        topic_paths = [f"notes/topics/{a}/Overview" for a in TOPIC_AREAS]
        # facet notes carry the area in their name ("Growth glossary"): unique names
        facets = [f"notes/topics/{a}/{AREA_TITLES[a.split('/')[-1]]} {f.lower()}"
                  for a in TOPIC_AREAS for f in TOPIC_FACETS]
        rng.shuffle(facets)
        topic_paths += facets
        for p in topic_paths[:n_topic]:
            notes.append(("topic", p))
        seen: set[str] = set()
        k = 0
        while k < n_inbox:
            w1, w2 = rng.choice(INBOX_WORDS), rng.choice(INBOX_WORDS)
            title = f"{w1.capitalize()} {w2} {k + 1:04d}"
            if title in seen:
                continue
            seen.add(title)
            sub = "notes/inbox" if k % 5 else "notes/archive/2025"
            notes.append(("inbox", f"{sub}/{title}"))
            k += 1
        self.untyped = notes
        self.untyped_paths = {p for _, p in notes}
        self.topic_list = [p for kind, p in notes if kind == "topic"]


def plan_counts(n: int) -> dict[str, int]:
    rest = n - 1  # me.md
    shares = (("contact", 0.55), ("interview", 0.20), ("company", 0.08),
              ("event", 0.03), ("lead", 0.04))
    counts = {k: max(1, round(rest * s)) for k, s in shares}
    counts["untyped"] = rest - sum(counts.values())
    counts["profile"] = 1
    return counts


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------


class Writer:
    def __init__(self, v: Vault, out: str):
        self.v = v
        self.out = out
        self.made_dirs: set[str] = set()
        self.n_files = 0
        self.n_bytes = 0
        self.iv_by_date: dict[str, list[str]] = {}
        for iv in v.interviews:
            self.iv_by_date.setdefault(iv.date.isoformat(), []).append(iv.name)

    # -- files -----------------------------------------------------------------
    def write(self, rel: str, data: bytes) -> None:
        full = os.path.join(self.out, *rel.split("/"))
        d = os.path.dirname(full)
        if d not in self.made_dirs:
            os.makedirs(d, exist_ok=True)
            self.made_dirs.add(d)
        with open(full, "wb") as fh:
            fh.write(data)
        self.n_bytes += len(data)

    def note(self, rel_no_ext: str, text: str) -> None:
        self.write(rel_no_ext + ".md", text.encode("utf-8"))
        self.n_files += 1

    # -- link rendering --------------------------------------------------------
    def plink(self, r: random.Random, ci: int, display: str | None = None) -> str:
        """A body wikilink to a contact, in one of the forms people write."""
        c = self.v.contacts[ci]
        if c.shared:
            x = r.random()
            if x < 0.45:
                target = c.path                          # full path: unambiguous
            elif x < 0.65 and "/" in c.path:
                target = c.path.split("/", 1)[1]         # partial path (suffix match)
            else:
                target = c.name                          # bare: ambiguous or shortest wins
        else:
            x = r.random()
            if x < 0.90:
                target = c.name
            elif x < 0.94:
                target = c.path                          # [[people/Name]]
            elif x < 0.96:
                target = c.name + ".md"
            elif x < 0.98:
                target = c.name.lower()                  # case differs
            else:
                target = c.name
                if c.aliases:                            # [[Target|Alias]], as Obsidian writes
                    display = display or c.aliases[0]
        if display is None and r.random() < 0.15:
            display = c.aliases[0] if c.aliases else c.first
        return f"[[{target}|{display}]]" if display else f"[[{target}]]"

    def fm_plink(self, r: random.Random, ci: int) -> str:
        c = self.v.contacts[ci]
        if c.shared and r.random() < 0.7:
            return yq(f"[[{c.path}]]")
        return yq(f"[[{c.name}]]")

    def colink(self, r: random.Random, co: int, display: str | None = None) -> str:
        if co <= -2:
            return f"[[{self.v.ghost_companies[-2 - co]}]]"
        name = self.v.companies[co]
        if display is None and r.random() < 0.1:
            display = self.v.company_alias[co] or name.split(" ")[0]
        return f"[[{name}|{display}]]" if display else f"[[{name}]]"

    def company_name(self, co: int) -> str:
        if co <= -2:
            return self.v.ghost_companies[-2 - co]
        return self.v.companies[co] if co >= 0 else "freelance"

    def evlink(self, r: random.Random, ev: int) -> str:
        d, name, city, title = self.v.events[ev]
        if r.random() < 0.3:
            return f"[[{name}|{title}]]"
        return f"[[{name}]]"

    def tplink(self, r: random.Random) -> str:
        tl = self.v.topic_list
        if not tl:
            return "[[Questions to ask]]"
        p = tl[r.randrange(len(tl))]
        name = p.rsplit("/", 1)[1]
        if name == "Overview":
            return f"[[{p}|{p.split('/')[-2]} overview]]"
        return f"[[{name}]]"

    def rand_contact(self, r: random.Random) -> int:
        return r.randrange(len(self.v.contacts))

    def ctx(self, r: random.Random, c: Contact | None = None) -> dict[str, str]:
        v = self.v
        if c is None:
            c = v.contacts[self.rand_contact(r)]
        co = c.company if c.company != -1 else v.pick_company(r)
        return {
            "first": c.first, "name": c.name, "company": self.company_name(co),
            "role": c.role, "industry": c.industry, "city": r.choice(CITIES),
            "years": str(r.randint(2, 15)), "topic": r.choice(TOPICS),
            "p1": self.plink(r, self.rand_contact(r)), "p2": self.plink(r, self.rand_contact(r)),
            "co": self.colink(r, co),
            "ev": self.evlink(r, r.randrange(len(v.events))) if v.events else "the meetup",
            "tp": self.tplink(r),
        }

    def para(self, r: random.Random, ctx: dict[str, str], lo: int = 3, hi: int = 6) -> str:
        return " ".join(s.format(**ctx) for s in r.sample(SENTENCES, r.randint(lo, hi)))

    def long_tail(self, r: random.Random, ctx: dict[str, str], p: float) -> list[str]:
        """Now and then a much longer note (meeting transcript-ish), for a size long tail."""
        if r.random() >= p:
            return []
        out = ["## Detailed notes", ""]
        for k in range(r.randint(4, 10)):
            if k % 3 == 2:
                out += [f"### Part {k // 3 + 1}", ""]
            out += [self.para(r, ctx, 4, 8), ""]
        return out

    def log(self, r: random.Random, ctx: dict[str, str], lo: int, hi: int) -> list[str]:
        offs = sorted(r.sample(range(SPAN_DAYS), r.randint(lo, hi)))
        return ([f"- {day(o).isoformat()}: {ln.format(**ctx)}"
                 for o, ln in zip(offs, r.sample(DAILY_LINES, len(offs)))] + [""])

    # -- decorations: every link form, spread over the vault ---------------------
    def extras(self, r: random.Random, ctx: dict[str, str], k: int) -> list[str]:
        v = self.v
        out = []
        for x in r.sample(range(16), k):
            if x == 0:
                out.append("```dataview\nTABLE company, role FROM \"people\"\n"
                           f"WHERE contains(file.outlinks, [[{ctx['company']}]])\n"
                           "SORT file.mtime DESC\n```")
            elif x == 1:
                out.append(f"~~~text\nDraft intro: Hi {ctx['first']}, [[Not A Real Link]] "
                           f"suggested I reach out. [[{ctx['name']}]]\n~~~")
            elif x == 2:
                out.append(f"%%TODO: ask {ctx['first']} about [[Fake Link {r.randint(1, 99)}]] "
                           "before the next call%%")
            elif x == 3:
                out.append(f"%%\nprivate draft, not a link: [[{ctx['name']}]]\n"
                           "and neither is #this-tag\n%%")
            elif x == 4:
                ci = self.rand_contact(r)
                c = v.contacts[ci]
                co = v.companies[v.pick_company(r)]
                out.append(f"Background: [{c.first}]({md_href(c.name)}), and the "
                           f"[company page](<{co}.md>).")
            elif x == 5:
                out.append(f"Use `[[{ctx['name']}]]` in templates, not `#{r.choice(TAGS_FLAT)}`; "
                           "the linter ignores ``[[double backticks]]`` too.")
            elif x == 6:
                out.append(f"Useful: https://example.com/{slug(ctx['topic'])}/guide and "
                           f"[this post](https://example.org/blog/{r.randint(100, 999)}) "
                           "and <https://example.net/careers>.")
            elif x == 7:
                out.append(f"#{r.choice(TAGS_FLAT)} #{r.choice(TAGS_NESTED)} "
                           f"#{r.choice(TAGS_NESTED)}")
            elif x == 8:
                att = r.choice(("![[photo.png]]", f"![[{r.choice(HEADSHOTS)}|120]]",
                                "![[Resume 2026.pdf#page=2]]", "![[org-chart.png|300x150]]",
                                "![org chart](attachments/org-chart.png)"))
                out.append(att)
            elif x == 9:
                ci = self.rand_contact(r)
                c = v.contacts[ci]
                t = c.path if c.shared else c.name
                if c.has_bio:
                    out.append(f"> [!quote] From {c.first}'s bio\n> ![[{t}#^bio]]")
                else:
                    out.append(f"> [!note]\n> {c.first}'s background is in "
                               f"[[{t}#Background|their note]].")
            elif x == 10:
                # unresolved links: people not yet in the vault, typos, alias links
                c = v.contacts[self.rand_contact(r)]
                cands = [f"[[{v.prospects[r.randrange(len(v.prospects))]}]]"
                         if v.prospects else "[[Someone at the bank]]",
                         f"[[{c.name.split(' ')[0]} {c.name.split(' ')[-1][:-1]}]]",
                         "[[Someone I should meet]]"]
                if c.aliases:
                    cands.append(f"[[{c.aliases[0]}]]")  # alias link: unresolved in Obsidian
                out.append("Also mentioned: " + ", ".join(cands) + ".")
            elif x == 11:
                ci = self.rand_contact(r)
                c = v.contacts[ci]
                out.append(f"Embedded for context:\n\n![[{c.path if c.shared else c.name}"
                           f"#How we met]]")
            elif x == 12 and v.companies:
                co = v.pick_company(r)
                out.append(f"![[{v.companies[co]}]]" if r.random() < 0.5
                           else f"See [[{v.companies[co]}#Overview#Culture]].")
            elif x == 13 and v.done:
                iv = v.interviews[v.done[r.randrange(len(v.done))]]
                if iv.has_quote:
                    out.append(f"As they put it in [[{iv.name}#^key-quote|that call]]: be specific.")
                else:
                    out.append(f"Notes from [[{iv.name}#Advice]].")
            elif x == 14:
                out.append(self.table(r, [self.rand_contact(r) for _ in range(r.randint(2, 4))]))
            else:
                out.append(f"> [!tip] {r.choice(ADVICE)}\n> Related: {ctx['tp']}, {ctx['p1']}")
        return out

    def table(self, r: random.Random, people: list[int]) -> str:
        rows = ["| Person | Role | Company |", "| --- | --- | --- |"]
        for ci in people:
            c = self.v.contacts[ci]
            t = c.path if c.shared and r.random() < 0.6 else c.name
            co = self.company_name(c.company)
            cocell = f"[[{co}\\|{co.split(' ')[0]}]]" if c.company >= 0 else co
            rows.append(f"| [[{t}\\|{c.aliases[0] if c.aliases else c.first}]] | {c.role} | {cocell} |")
        return "\n".join(rows)

    # -- note types ------------------------------------------------------------
    def write_profile(self) -> None:
        v = self.v
        r = random.Random(f"{v.seed}:me")
        inds = r.sample(INDUSTRIES, 2)
        roles = r.sample(ROLES[:12], 3)
        pitch = (f"I spent eight years teaching high-school science and now I am moving into "
                 f"{roles[0].lower()} work in {inds[0].lower()}. I'm good at explaining "
                 "complicated things and running projects with many stakeholders.")
        fm = ["---", "type: profile", f"pitch: {yq(pitch)}", f"target_industry: {ys(inds[0])}",
              "target_roles:"] + [f"  - {ys(x)}" for x in roles] + ["tags: [me]", "---", ""]
        first = [c.i for c in v.contacts if c.degree == 1][:40]
        body = ["# Me", "", "## Pitch", "", pitch + " ^pitch", "",
                "## Targets", "",
                f"Industries: {inds[0]} first, {inds[1]} as a fallback. "
                f"Roles: {', '.join(roles)}.", ""]
        if v.companies:
            body += ["Target companies:", ""]
            for co in range(min(8, len(v.companies))):
                body.append(f"- {self.colink(r, co)}")
            body.append("")
        body += ["## My first-degree network", ""]
        for ci in first:
            body.append(f"- {self.plink(r, ci)}")
        body += ["", "## Method", "",
                 "1. List the network. 2. Ask for an interview. 3. Two goals: information "
                 "and one new name. 4. Thank-you note the same day. 5. Repeat.", "",
                 "See [[Campaign dashboard]] and [[#Pitch]]. ![[headshot-01.png|100]]", ""]
        self.note("me", "\n".join(fm + body))

    def write_contact(self, c: Contact) -> None:
        v = self.v
        r = random.Random(f"{v.seed}:{c.path}:{c.i}")
        fm = ["---", "type: contact"]
        if c.company >= 0 or c.company <= -2:
            fm.append(f"company: {yq('[[' + self.company_name(c.company) + ']]')}")
        fm.append(f"role: {ys(c.role)}")
        fm.append(f"industry: {ys(c.industry)}")
        slugn = slug(c.name)
        if r.random() < 0.8:
            fm.append(f"email: {slugn.replace('-', '.')}@example.com")
        if r.random() < 0.4:
            fm.append(f"phone: {yq('+1 555-01' + str(r.randint(10, 99)))}")
        if r.random() < 0.7:
            fm.append(f"linkedin: https://www.linkedin.com/in/{slugn}-{r.randint(100, 999)}")
        fm.append(f"how_met: {ys(c.how_met or 'referral')}")
        if c.met_at >= 0:
            fm.append(f"met_at: {yq('[[' + v.events[c.met_at][1] + ']]')}")
        if c.referred_by >= 0:
            fm.append(f"referred_by: {self.fm_plink(r, c.referred_by)}")
        if c.alumni_of:
            fm.append(f"alumni_of: {ys(c.alumni_of)}")
        if c.follow_up:
            fm.append(f"follow_up: {c.follow_up.isoformat()}")
        if c.tags:
            if r.random() < 0.5:
                fm.append("tags: [" + ", ".join(c.tags) + "]")
            else:
                fm.append("tags:")
                fm += [f"  - {t}" for t in c.tags]
        if c.aliases:
            fm.append("aliases:")
            fm += [f"  - {ys(a)}" for a in c.aliases]
        if c.private:
            fm.append("private: true")
        fm += ["---", ""]

        ctx = self.ctx(r, c)
        body = [f"# {c.name}", ""]
        if r.random() < 0.3:
            body += [f"![[{r.choice(HEADSHOTS)}|120]]", ""]
        co = self.colink(r, c.company) if c.company != -1 else "freelance"
        body += ["> [!info] Quick facts", f"> {c.role} at {co}", f"> Industry: {c.industry}"]
        if c.referred_by >= 0:
            body.append(f"> Referred by {self.plink(r, c.referred_by)}")
        body += ["", "## Background", "", self.para(r, ctx, 4, 7) + (" ^bio" if c.has_bio else ""),
                 ""]
        if r.random() < 0.7:
            body += [self.para(r, ctx, 3, 5), ""]
        body += ["## How we met", ""]
        if c.met_at >= 0:
            body.append(f"We met at {self.evlink(r, c.met_at)}; {c.first} was on the panel "
                        "and stayed for drinks afterwards.")
        elif c.referred_by >= 0:
            rb = v.contacts[c.referred_by]
            line = f"{self.plink(r, c.referred_by)} suggested I talk to {c.first}"
            if c.ref_interview >= 0:
                line += f" (see [[{v.interviews[c.ref_interview].name}]])"
            body.append(line + f". I mentioned {rb.first}'s name in the first email.")
        else:
            body.append(f"{c.how_met.capitalize()} — we go back a while. "
                        + self.para(r, ctx, 1, 2))
        body.append("")
        if c.interviews:
            body += ["## Interviews", ""]
            for ii in c.interviews:
                iv = v.interviews[ii]
                body.append(f"- [[{iv.name}]] — {iv.status}")
            body.append("")
        if c.referred:
            body += ["## Introduced me to", ""]
            for ni in c.referred[:12]:
                body.append(f"- {self.plink(r, ni)}")
            body.append("")
        body += ["## Conversation notes", ""]
        for sent in r.sample(SENTENCES, r.randint(3, 7)):
            body.append(f"- {sent.format(**ctx)}")
        body.append("")
        if r.random() < 0.6:
            body += [self.para(r, ctx, 3, 6), ""]
        body += ["## Log", ""] + self.log(r, ctx, 2, 6)
        body += self.long_tail(r, ctx, 0.08)
        body += ["## Follow-ups", ""]
        body.append(f"- [ ] Send {c.first} the article on {ctx['topic']} 📅 "
                    f"{day(r.randrange(SPAN_DAYS)).isoformat()}")
        if r.random() < 0.4:
            body.append("- [x] Thank-you note sent — see [[#Conversation notes]]")
        body.append("")
        body += [e + "\n" for e in self.extras(r, ctx, r.randint(1, 3))]
        self.note(c.path, "\n".join(fm + body))

    def write_interview(self, iv: Interview) -> None:
        v = self.v
        r = random.Random(f"{v.seed}:interview:{iv.name}")
        c = v.contacts[iv.person] if iv.person >= 0 else None
        fm = ["---", "type: interview"]
        if c is not None:
            fm.append(f"with: {self.fm_plink(r, iv.person)}")
        else:
            fm.append(f"with: {yq('[[' + iv.prospect_with + ']]')}")
        fm.append(f"date: {iv.date.isoformat()}")
        fm.append(f"status: {iv.status}")
        if iv.via >= 0:
            fm.append(f"via: {self.fm_plink(r, iv.via)}")
        if iv.referrals:
            items = []
            for kind, x in iv.referrals:
                if kind == "c":
                    items.append(self.fm_plink(r, x))
                else:
                    items.append(yq(f"[[{x}]]"))
            if r.random() < 0.5:
                fm.append("referrals: [" + ", ".join(items) + "]")
            else:
                fm.append("referrals:")
                fm += [f"  - {it}" for it in items]
        elif iv.status == "done" and r.random() < 0.5:
            fm.append("referrals: []")
        if iv.advice:
            fm.append("advice:")
            fm += [f"  - {yq(a)}" for a in iv.advice]
        if iv.thank_you:
            fm.append(f"thank_you_sent: {iv.thank_you.isoformat()}")
        if iv.follow_up:
            fm.append(f"follow_up: {iv.follow_up.isoformat()}")
        fm.append("tags: [interview]" if r.random() < 0.5 else "tags:\n  - interview\n  - networking")
        fm += ["---", ""]

        ctx = self.ctx(r, c)
        who = c.name if c else iv.prospect_with
        first = c.first if c else who.split(" ")[0]
        wlink = self.plink(r, iv.person) if c else f"[[{who}]]"
        body = [f"# Interview with {who} — {iv.date.isoformat()}", ""]
        body += ["> [!info] Context",
                 f"> {wlink}, {c.role if c else 'role unknown'} at "
                 f"{self.colink(r, c.company) if c and c.company != -1 else 'unknown company'}."]
        if iv.via >= 0:
            body.append(f"> Introduced by {self.plink(r, iv.via)}.")
        body += ["", "## Prep", "",
                 "- Pitch: ![[me#Pitch]]" if r.random() < 0.3 else "- Pitch: [[me#^pitch|my pitch]]",
                 "- Questions: [[Questions to ask]]",
                 f"- Research {ctx['co']} — last two launches, team size",
                 f"- Read their profile on {ctx['tp']}", ""]
        if iv.status in ("requested", "scheduled"):
            body += ["## Why them", "", f"Waiting to confirm a time with {first}. "
                     + self.para(r, ctx, 3, 6), "", "## Questions", ""]
            body += [f"- {sent.format(**ctx)}" for sent in r.sample(SENTENCES, r.randint(2, 5))]
            body.append("")
            body += [e + "\n" for e in self.extras(r, ctx, r.randint(1, 2))]
            self.note(f"interviews/{iv.name}", "\n".join(fm + body))
            return
        if iv.status == "cancelled":
            body += [f"{first} had to cancel; we may reschedule after the holidays. "
                     + self.para(r, ctx, 2, 5), ""]
            body += [e + "\n" for e in self.extras(r, ctx, 1)]
            self.note(f"interviews/{iv.name}", "\n".join(fm + body))
            return
        body += ["## Their story", ""]
        for _ in range(r.randint(4, 6)):
            body += [self.para(r, ctx, 3, 7), ""]
        body += self.long_tail(r, ctx, 0.1)
        if iv.has_quote:
            body += [f"“{r.choice(ADVICE)}” — that was the line I want to remember. ^key-quote", ""]
        body += ["## Advice", ""]
        for k, a in enumerate(iv.advice, 1):
            body.append(f"{k}. {a}")
        body += ["", "## Who else should I talk to?", ""]
        if not iv.referrals:
            body += ["Nobody this time — dead end. Try asking differently next time.", ""]
        elif r.random() < 0.35:
            rows = ["| Name | Why | Status |", "| --- | --- | --- |"]
            for kind, x in iv.referrals:
                if kind == "c":
                    nc = v.contacts[x]
                    t = nc.path if nc.shared else nc.name
                    rows.append(f"| [[{t}\\|{nc.first}]] | knows {ctx['topic']} | contacted |")
                else:
                    rows.append(f"| [[{x}]] | {r.choice(ROLES)} | no note yet |")
            body += rows + [""]
        else:
            for kind, x in iv.referrals:
                if kind == "c":
                    nc = v.contacts[x]
                    body.append(f"- {self.plink(r, x)} — {nc.role}, "
                                f"{'at ' + self.company_name(nc.company) if nc.company != -1 else 'independent'}")
                else:
                    body.append(f"- [[{x}]] — {r.choice(ROLES)} (no note yet)")
            body.append("")
        body += ["## Thank-you note", ""]
        if iv.thank_you:
            body += [f"> [!quote] Sent {iv.thank_you.isoformat()}",
                     f"> Hi {first}, thank you for your time today. Your point about "
                     f"{ctx['topic']} stuck with me, and I will reach out to the people you "
                     "mentioned. [[#Advice|Your advice]] is already on my list.", ""]
        else:
            body += ["- [ ] Send thank-you note #todo/thank-you", ""]
        body += ["## Next steps", ""]
        for _ in range(r.randint(1, 3)):
            body.append(f"- [ ] {r.choice(DAILY_LINES).format(**ctx)}")
        body.append("")
        body += [e + "\n" for e in self.extras(r, ctx, r.randint(1, 3))]
        self.note(f"interviews/{iv.name}", "\n".join(fm + body))

    def write_company(self, co: int) -> None:
        v = self.v
        name = v.companies[co]
        r = random.Random(f"{v.seed}:company:{name}")
        ind = v.company_industry[co]
        sl = slug(name)
        fm = ["---", "type: company", f"industry: {ys(ind)}",
              f"website: https://{sl}.example.com", f"careers: https://{sl}.example.com/careers"]
        if v.company_alias[co]:
            fm.append(f"aliases: [{ys(v.company_alias[co])}]")
        fm.append(f"tags: [company, {slug(ind)}]")
        if r.random() < 0.1:
            fm.append("publish: true")
        fm += ["---", ""]
        people = v.company_people[co]
        c0 = v.contacts[people[0]] if people else None
        ctx = self.ctx(r, c0)
        ctx["company"] = name
        body = [f"# {name}", "", "## Overview", "", self.para(r, ctx, 3, 5), "",
                "### Culture", "", self.para(r, ctx, 2, 4), "", "### Products", "",
                self.para(r, ctx, 2, 4), ""]
        body += ["## People I know", ""]
        if people:
            body += [self.table(r, people[:10]), ""]
            if len(people) > 10:
                body += [f"…and {len(people) - 10} more; see the graph.", ""]
        else:
            body += ["Nobody yet. Who could introduce me? #todo/outreach", ""]
        body += ["## Open roles", "", f"- {r.choice(ROLES)} ({r.choice(CITIES)})",
                 f"- {r.choice(ROLES)} — posted on [the careers page](https://{sl}.example.com/careers)",
                 "", "## Notes", "", self.para(r, ctx, 3, 6), "", "## Timeline", ""]
        body += self.log(r, ctx, 2, 5)
        body += [e + "\n" for e in self.extras(r, ctx, r.randint(1, 3))]
        self.note(f"companies/{name}", "\n".join(fm + body))

    def write_event(self, ev: int) -> None:
        v = self.v
        d, name, city, title = v.events[ev]
        r = random.Random(f"{v.seed}:event:{name}")
        fm = ["---", "type: event", f"date: {d.isoformat()}", f"location: {ys(city)}",
              f"tags: [event, {slug(title.split(' ')[0])}]", "---", ""]
        people = v.event_people[ev]
        ctx = self.ctx(r, v.contacts[people[0]] if people else None)
        body = [f"# {title}", "", f"{WEEKDAYS[d.weekday()]} {d.isoformat()}, {city}.", "",
                "![[photo.png]]", "", "## Agenda", ""]
        for t in ("18:00", "18:30", "19:15", "20:00"):
            body.append(f"- {t} {r.choice(EVENT_TOPICS)} talk by {self.plink(r, self.rand_contact(r))}")
        body += ["", "## People met", ""]
        if people:
            for ci in people[:25]:
                body.append(f"- {self.plink(r, ci)} — {v.contacts[ci].role}")
        else:
            body.append("- Nobody new; mostly listened.")
        body += ["", "## Takeaways", "", self.para(r, ctx, 4, 7), "", self.para(r, ctx, 3, 6), ""]
        body += ["## Follow-ups", ""]
        body += [f"- [ ] {ln.format(**ctx)}" for ln in r.sample(DAILY_LINES, r.randint(2, 4))]
        body.append("")
        body += [e + "\n" for e in self.extras(r, ctx, r.randint(1, 3))]
        self.note(f"events/{name}", "\n".join(fm + body))

    def write_lead(self, ld: dict) -> None:
        v = self.v
        r = random.Random(f"{v.seed}:lead:{ld['name']}")
        cname = v.companies[ld["company"]]
        fm = ["---", "type: lead", f"company: {yq('[[' + cname + ']]')}", f"role: {ys(ld['role'])}",
              f"heard_from: {self.fm_plink(r, ld['heard'])}"]
        if ld["source"] >= 0:
            fm.append(f"source: {yq('[[' + v.interviews[ld['source']].name + ']]')}")
        fm += [f"status: {ld['status']}",
               f"url: https://{slug(cname)}.example.com/careers/{slug(ld['role'])}-{r.randint(1000, 9999)}",
               "tags: [lead]", "---", ""]
        hc = v.contacts[ld["heard"]]
        ctx = self.ctx(r, hc)
        body = [f"# {ld['role']} at {cname}", "", "## Details", "",
                f"Heard on {ld['date'].isoformat()}. " + self.para(r, ctx, 3, 6), "",
                "## Why it fits", "", self.para(r, ctx, 3, 6), "", self.para(r, ctx, 2, 5), "",
                "## Provenance", ""]
        chain = [f"heard from {self.plink(r, ld['heard'])}"]
        if ld["source"] >= 0:
            iv = v.interviews[ld["source"]]
            chain.append(f"during [[{iv.name}]]")
        if hc.referred_by >= 0:
            chain.append(f"who was introduced by {self.plink(r, hc.referred_by)}")
        body += ["- " + ", ".join(chain), ""]
        if r.random() < 0.5:
            body += ["## Application", "", "| Step | Date | Note |", "| --- | --- | --- |",
                     f"| Applied | {ld['date'].isoformat()} | via [[{cname}\\|careers page]] |",
                     f"| Referral | — | ask [[{hc.path if hc.shared else hc.name}\\|{hc.first}]] |", ""]
        body += [e + "\n" for e in self.extras(r, ctx, r.randint(0, 2))]
        self.note(f"leads/{ld['name']}", "\n".join(fm + body))

    def write_untyped(self, kind: str, path: str) -> None:
        v = self.v
        r = random.Random(f"{v.seed}:note:{path}")
        ctx = self.ctx(r)
        name = path.rsplit("/", 1)[-1]
        src_dir = path.rsplit("/", 1)[0] if "/" in path else ""
        if kind == "daily":
            body = [f"# {name}", ""]
            for ivn in self.iv_by_date.get(name, [])[:3]:
                body.append(f"- Interview: [[{ivn}]]")
            body += [f"- {ln.format(**ctx)}" for ln in r.sample(DAILY_LINES, r.randint(3, 8))]
            body.append("")
            if r.random() < 0.7:
                body += ["## Reflection", "", self.para(r, ctx, 2, 5), ""]
            body.append(f"#daily #{r.choice(TAGS_NESTED)}")
            body.append("")
            body += [e + "\n" for e in self.extras(r, ctx, r.randint(0, 1))]
            self.note(path, "\n".join(body))
            return
        fm: list[str] = []
        if r.random() < 0.5:
            fm = ["---", f"tags: [{r.choice(TAGS_FLAT)}, {r.choice(TAGS_NESTED)}]"]
            if r.random() < 0.2:
                fm.append("publish: true")
            if r.random() < 0.1:
                fm.append(f"related: {yq('[[' + v.contacts[self.rand_contact(r)].name + ']]')}")
            fm += ["---", ""]
        body = [f"# {name if name != 'Overview' else src_dir.split('/')[-1].capitalize()}", ""]
        if kind == "fixed" and name == "Campaign dashboard":
            body += ["Start here: [[me]] · [[Questions to ask]] · [[Outreach templates]]", "",
                     "## Upcoming", ""]
            for iv in [iv for iv in v.interviews if iv.date >= REF_DATE][:8]:
                body.append(f"- [[{iv.name}]] ({iv.status}, {iv.date.isoformat()})")
            body += ["", "## Connectors", ""]
            top = sorted(range(len(v.contacts)), key=lambda i: (-len(v.contacts[i].referred), i))[:10]
            body += [self.table(r, top), ""]
        elif kind == "topic":
            body += ["Index: [[./Overview|this area]] · up: [[../Overview|parent]]", ""]
        body += ["## Notes", "", self.para(r, ctx, 3, 7), ""]
        body += self.long_tail(r, ctx, 0.15 if kind == "topic" else 0.05)
        n_sec = {"fixed": 4, "topic": 5, "inbox": 3}[kind]
        for s, h in enumerate(r.sample(("Key points", "Examples", "Questions", "Links",
                                        "Summary", "People", "Sources", "Ideas"),
                                       r.randint(1, n_sec))):
            body += [f"## {h}", ""]
            if r.random() < 0.5:
                for _ in range(r.randint(2, 5)):
                    body.append(f"- {r.choice(SENTENCES).format(**ctx)}")
                body.append("")
            else:
                body += [self.para(r, ctx, 2, 5) + (f" ^p{s + 1}" if r.random() < 0.3 else ""), ""]
        if kind == "topic" and r.random() < 0.4:
            rel = os.path.relpath("people", src_dir).replace(os.sep, "/")
            c = v.contacts[self.rand_contact(r)]
            if c.folder == "people":
                body += [f"Who to ask: [[{rel}/{c.name}|{c.first}]] "
                         f"and [overview](./Overview.md).", ""]
        body.append("Back to [[#Notes]] · see [[Campaign dashboard]]")
        body.append("")
        body += [e + "\n" for e in self.extras(r, ctx, r.randint(1, 4))]
        self.note(path, "\n".join(fm + body))


def generate(out: str, n_notes: int, seed: int) -> dict:
    t0 = time.perf_counter()
    v = Vault(n_notes, seed)
    w = Writer(v, out)
    gc.freeze()  # the model is long-lived: keep the collector from rescanning it per note
    w.write(".obsidian/app.json", b"{}\n")
    for rel in sorted(ATTACHMENTS):
        w.write(rel, ATTACHMENTS[rel])
    w.write_profile()
    for c in v.contacts:
        w.write_contact(c)
    for iv in v.interviews:
        w.write_interview(iv)
    for co in range(len(v.companies)):
        w.write_company(co)
    for ev in range(len(v.events)):
        w.write_event(ev)
    for ld in v.leads:
        w.write_lead(ld)
    for kind, path in v.untyped:
        w.write_untyped(kind, path)
    return {"notes": w.n_files, "bytes": w.n_bytes, "seconds": time.perf_counter() - t0,
            "counts": v.counts, "prospects": len(set(v.prospects)),
            "duplicate_names": sum(1 for c in v.contacts if c.shared) // 2}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate a deterministic benchmark vault.")
    ap.add_argument("out_dir")
    ap.add_argument("--notes", type=int, default=1000, help="number of .md notes (default 1000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    a = ap.parse_args(argv)
    if a.notes < MIN_NOTES:
        print(f"generate.py: --notes must be at least {MIN_NOTES}", file=sys.stderr)
        return 2
    if os.path.exists(a.out_dir):
        if not os.path.isdir(a.out_dir) or os.listdir(a.out_dir):
            print(f"generate.py: {a.out_dir} exists and is not an empty directory; refusing "
                  "to write into it", file=sys.stderr)
            return 2
    os.makedirs(a.out_dir, exist_ok=True)
    s = generate(a.out_dir, a.notes, a.seed)
    c = s["counts"]
    print(f"{a.out_dir}: {s['notes']} notes, {s['bytes'] / 1e6:.1f} MB in {s['seconds']:.1f}s "
          f"(contacts {c['contact']}, interviews {c['interview']}, companies {c['company']}, "
          f"events {c['event']}, leads {c['lead']}, other {c['untyped']}, profile 1; "
          f"{s['duplicate_names']} duplicate-name pairs, {s['prospects']} prospects without a note)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""When each person joined the campaign: the data behind the replay of the network
growing over time. Pure: a function of the `Network`.

The user's own network (1st degree) is there from the start. Everyone else was
reached through the campaign, and joined it on the first day they were named in an
interview's `referrals`, interviewed, or met at a dated event, whichever came first;
a day after today (a scheduled interview) is a plan, not yet a fact, and does not count.
"""

from __future__ import annotations

from datetime import date

from .network import Network
from .schema import parse_date


def joined_on(network: Network) -> dict[str, date | None]:
    """Each person (the profile and every contact) -> the day they joined, or None when
    they were there from the start (the user, their own network) or no date says when."""
    interview_dates = {i.path: i.date for i in network.interviews}
    found: dict[str, date] = {}

    def seen(person: str | None, when: date | None) -> None:
        if person is not None and when is not None and when <= network.today and (
            person not in found or when < found[person]
        ):
            found[person] = when

    for referral in network.referrals:
        seen(referral.target, interview_dates.get(referral.interview))
    for interview in network.interviews:
        if interview.status != "cancelled":
            seen(interview.person, interview.date)
    met_at = network.schema.key("contact", "met_at")
    for person in network.people:  # (each person's own `met_at`, not every link of the vault)
        for link in network.field_links(person, met_at):
            note = network.notes.get(link.target) if link.target is not None and link.target != person else None
            if note is not None and network.types.get(link.target) == "event":
                seen(person, parse_date(network.schema.get("event", note.properties, "date")))
    return {
        path: None if path == network.profile or person.degree == 1 else found.get(path)
        for path, person in network.people.items()
    }

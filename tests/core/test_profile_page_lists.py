"""A profile page shows the first six entries of a long list and folds the rest under
"其余 N 项" (a <details>, no script), so a community with dozens of workers or services stays
short on a phone; the API still answers every entry."""

from __future__ import annotations

import re

from core.tables import Community
from tests.conftest import OWN, bearer_for, run

CAP = 6


def _first_community_of_the_first_street() -> str:
    return run(Community.select(Community.code).where(
        (Community.district_code == OWN) & (Community.kind == "community")).order_by(Community.code).first())["code"]


def test_long_lists_fold_after_six_entries(client):
    code = _first_community_of_the_first_street()
    auth = bearer_for(client, f"{OWN}-admin")
    body = client.get(f"/api/districts/{OWN}/communities/{code}/profile", headers=auth).json()
    long = [s for s in body["sections"] if len(s["data"]["items"]) > CAP]
    short = [s for s in body["sections"] if 0 < len(s["data"]["items"]) <= CAP]
    assert long, "the demo community should have a section with more than six entries"
    page = client.get(f"/districts/{OWN}/communities/{code}/profile", headers=auth).text
    for section in long:
        name, count = section["name"], len(section["data"]["items"])
        block = page.split(f'data-testid="section-{name}"', 1)[1].split("</section>", 1)[0]
        assert f'data-testid="more-{name}"' in block and f"其余 {count - CAP} 项" in block
        shown, folded = block.split('<details', 1)
        assert len(re.findall(r"<li>", shown)) == CAP and len(re.findall(r"<li>", folded)) == count - CAP
        assert all(item["title"] in block for item in section["data"]["items"])  # nothing dropped
    for section in short:
        block = page.split(f'data-testid="section-{section["name"]}"', 1)[1].split("</section>", 1)[0]
        assert "<details" not in block

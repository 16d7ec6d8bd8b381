"""The benchmark sections, one per hot path; each sets up its data inside a rolled-back transaction."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from benchmarks.core import client_for, measure, section


@section("organisation")
def organisation() -> None:
    from teams.models import User

    call_command("seed_demo", "--scale", "25", "--quiet", stdout=StringIO())
    head = User.objects.get(username="wangjianguo")
    leaf = User.objects.filter(role="account_manager").order_by("-id").first()
    print(f"  dataset: seed_demo --scale 25 ({User.objects.count()} users)")
    measure("User.is_superior_of (company head -> deepest account manager)", lambda: head.is_superior_of(leaf))
    measure("User.subordinates() of the company head (all rows)", lambda: list(head.subordinates()))
    client = client_for("wangjianguo")
    measure("GET /api/v1/users/?page_size=200", lambda: client.get("/api/v1/users/?page_size=200"), repeat=20)
    measure("GET /teams/org/ (org chart page)", lambda: client.get("/teams/org/"), repeat=20)

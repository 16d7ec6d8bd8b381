"""`make bench`: timings of hot paths on a scaled demo database. Figures go to BENCHMARKS.md.

Runs against DATABASE_URL (PostgreSQL for the figures that count). Each section creates its
data inside a transaction that is rolled back, so it can run on any database. It prints
p50/p95 over repeated runs; nothing here asserts a time. `python -m benchmarks.run NAME`
runs one section.
"""

from __future__ import annotations

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402

from benchmarks import sections  # noqa: E402,F401 - registers the sections
from benchmarks.core import SECTIONS  # noqa: E402


class Rollback(Exception):
    pass


def main() -> None:
    wanted = set(sys.argv[1:])
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {engine} ({settings.DATABASES['default'].get('NAME')})")
    for name, func in SECTIONS:
        if wanted and name not in wanted:
            continue
        print(f"\n[{name}]")
        try:
            with transaction.atomic():
                func()
                raise Rollback
        except Rollback:
            pass


if __name__ == "__main__":
    main()

"""gunicorn's settings for every way this project runs it (production's image and compose files, the HTTP
benchmark): gunicorn reads `gunicorn.conf.py` from the working directory by itself. The command line gives the
bind address and the number of workers."""

import gc


def _load_what_requests_load():
    """What Django loads on a worker's first request rather than at start: the URLconf (and through it every
    app's views, forms and API), the URL reverse table and the base page's templates. Loaded here, before the
    freeze, they are frozen with the rest (the collector no longer scans them), and a worker's first visitor does
    not wait for them (the URLconf's imports alone took 0.5 s on the benchmark machine)."""
    from django.template.loader import get_template
    from django.urls import reverse

    reverse("home")  # imports the URLconf and builds the reverse table
    for name in ("base.html", "home.html"):
        get_template(name)


def post_worker_init(worker):
    """Garbage collection in a web worker, cheaper. Once the worker has loaded the application (Django, its apps,
    settings and translations, and what a first request would load), what is loaded is frozen: never scanned again
    by the collector. The youngest generation is collected after 10,000 new objects instead of 700. A list page
    builds tens of thousands of short-lived objects; with Python's defaults it paid 0.4-2 ms a request to
    collections that found little, and a full collection of the whole loaded code took 100-200 ms every few hundred
    requests (measured on the 300,000-row benchmark with gc.callbacks: opportunity list 0.9 → 0.35 ms a request, API
    list 0.8 → 0.06 ms)."""
    _load_what_requests_load()
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)

"""gunicorn.conf.py, which gunicorn reads from the working directory wherever this project runs it: its hooks are
ones gunicorn accepts, and a web worker, once it has loaded the application, freezes what is loaded and collects
garbage less often."""

import gc
import runpy
from pathlib import Path

from django.urls import clear_url_caches, get_resolver
from gunicorn.config import Config

ROOT = Path(__file__).resolve().parents[2]


def test_a_web_worker_freezes_the_loaded_code_and_collects_less_often():
    hooks = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config = Config()
    config.set("post_worker_init", hooks["post_worker_init"])  # gunicorn checks the hook's signature
    before = gc.get_threshold()
    clear_url_caches()  # as in a worker that has served nothing yet
    try:
        config.post_worker_init(None)
        assert gc.get_threshold() == (10_000, 10, 10)
        assert gc.get_freeze_count() > 0
        # What the first request would have loaded is loaded (and frozen with the rest).
        assert "url_patterns" in get_resolver().__dict__ and get_resolver()._populated
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)

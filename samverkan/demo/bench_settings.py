"""Settings for `samverkan bench`: the site's own, with the floor view's URLconf (demo/bench_urls.py), DEBUG off."""

from samverkan.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "samverkan.demo.bench_urls"

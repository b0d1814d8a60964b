"""Entry point for `flask` (run in the repository root) and `gunicorn wsgi:app`."""

import gc

from volunteers import create_app

app = create_app()

# What starting made (modules, the app, SQLAlchemy's mappers and caches) lives as long as the
# process. Taking it out of the garbage collector's view keeps full collections short: on the
# benchmark machine about 5 ms instead of 120 ms, which otherwise landed in every fourth
# ranking of a large pool. (It also helps pre-forking servers share memory.)
gc.collect()
gc.freeze()

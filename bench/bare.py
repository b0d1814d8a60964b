"""The page benchmark's yardstick (bench/pages.py): a bare Flask + Flask-SQLAlchemy app on the
same database, one indexed query of 20 rows rendered with a (cached) Jinja template. What a
page of the real app costs is measured as a share of what this one manages in the same run.

    BENCH_DATABASE_URL=sqlite:///... gunicorn --workers 2 bench.bare:app
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

from flask import Flask, render_template
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

app = Flask(__name__, template_folder=str(Path(__file__).with_name("bare_templates")))
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["BENCH_DATABASE_URL"]
db = SQLAlchemy(app)

#: Uses ix_support_requests_state_starts, as the board's tabs do.
QUERY = text(
    "SELECT id, language_code, starts_at, state FROM support_requests WHERE state = 'open' ORDER BY starts_at LIMIT 20"
)


@app.get("/")
def rows():
    return render_template("rows.html", rows=db.session.execute(QUERY).all())


gc.collect()
gc.freeze()  # as wsgi.py does

"""Serving files: always as a download, with the type found from the content, never cached.

A download of personal data is recorded in the audit log, so its GET writes: mark the view
with `@audited_download`, and on SQLite its transaction takes the write lock when it begins
(see db_types.py), as every other writing request does."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

from flask import Response, send_file

from ...models import ProofFile
from ...services.spreadsheets import CSV_MIMETYPE, XLSX_MIMETYPE


def send_proof(proof: ProofFile) -> Response:
    response = send_file(
        BytesIO(proof.data),
        mimetype=proof.content_type,
        as_attachment=True,
        download_name=proof.filename,
        max_age=0,
    )
    # Even if a browser were to render it, it runs nothing and reaches nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def audited_download(view: Callable) -> Callable:
    view.writes_on_get = True  # type: ignore[attr-defined]
    return view


def spreadsheet_download(body: bytes, filename: str) -> Response:
    """A CSV file or an Excel workbook made by services/spreadsheets.py."""
    is_csv = filename.endswith(".csv")
    response = send_file(
        BytesIO(body),
        mimetype=CSV_MIMETYPE if is_csv else XLSX_MIMETYPE,  # Flask adds the charset to text/*
        as_attachment=True,
        download_name=filename,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response

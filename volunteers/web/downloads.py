"""Serving stored files: always as a download, with the type found from the content."""

from __future__ import annotations

from io import BytesIO

from flask import Response, send_file

from ..models import ProofFile


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

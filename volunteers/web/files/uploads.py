"""Uploads that are too large become an error at their field, with the rest of the form kept.

Werkzeug would refuse a whole request above MAX_CONTENT_LENGTH with a bare 413, and the form
typed around the file would be lost. So the request limit sits far above any file field's
limit, and each uploaded file keeps only its first `KEEP_BYTES` bytes, dropping the rest as it
arrives (memory and disk stay bounded however large the file). One byte more than the largest
field limit is enough for the field's own check to say "larger than 5 MB" next to the field.
"""

from __future__ import annotations

import tempfile
from typing import IO

from flask import Request

from ...services.proofs import MAX_PROOF_BYTES
from ...services.volunteer_import import MAX_IMPORT_BYTES

#: Every file field's limit is below this, so a cut file never passes as a whole one.
KEEP_BYTES = max(MAX_PROOF_BYTES, MAX_IMPORT_BYTES) + 1
#: Uploads up to this size stay in memory; larger ones go to a temporary file.
_IN_MEMORY_BYTES = 500 * 1024


class CappedFile:
    """A file for one upload that keeps its first `cap` bytes and drops the rest."""

    def __init__(self, cap: int) -> None:
        self._file: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY_BYTES)  # noqa: SIM115
        self._room = cap
        self.cut = False

    def write(self, data: bytes) -> int:
        kept = data[: self._room]
        if kept:
            self._file.write(kept)
            self._room -= len(kept)
        if len(kept) < len(data):
            self.cut = True
        return len(data)  # the parser goes on reading, so the fields after the file arrive too

    def __getattr__(self, name: str):
        return getattr(self._file, name)


class UploadRequest(Request):
    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        return CappedFile(KEEP_BYTES)


__all__ = ["KEEP_BYTES", "CappedFile", "UploadRequest"]

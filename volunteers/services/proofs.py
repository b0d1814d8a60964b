"""Proof files: checked by their content (never by their name), kept in the database, and
handed out only to the volunteer and coordinators, as a download."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from werkzeug.utils import secure_filename

from . import ServiceError

MAX_PROOF_BYTES = 5 * 1024 * 1024

#: Leading bytes of each accepted type, and how it is served.
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


@dataclass(frozen=True)
class CheckedProof:
    filename: str
    content_type: str
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def sniff(data: bytes) -> tuple[str, str] | None:
    for magic, content_type, extension in SIGNATURES:
        if data.startswith(magic):
            return content_type, extension
    return None


def check_proof(filename: str | None, data: bytes) -> CheckedProof:
    if not data:
        raise ServiceError(_l("The file is empty."), field="proof")
    if len(data) > MAX_PROOF_BYTES:
        raise ServiceError(
            _l(
                "The file is larger than %(size)d MB. Please send a smaller scan or photo.",
                size=MAX_PROOF_BYTES // 2**20,
            ),
            field="proof",
        )
    kind = sniff(data)
    if kind is None:
        raise ServiceError(_l("Only PDF, JPEG or PNG files are accepted."), field="proof")
    content_type, extension = kind
    # Only the stem of the name survives; the extension follows the content.
    stem = secure_filename((filename or "").rsplit(".", 1)[0])[:80] or "proof"
    return CheckedProof(
        filename=f"{stem}{extension}",
        content_type=content_type,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
    )

import pytest

from volunteers.services import ServiceError
from volunteers.services.proofs import MAX_PROOF_BYTES, check_proof

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_pdf_is_accepted_by_its_content():
    proof = check_proof("Zertifikat Mai.pdf", PDF)
    assert proof.content_type == "application/pdf"
    assert proof.filename == "Zertifikat_Mai.pdf"


def test_html_renamed_to_pdf_is_refused():
    with pytest.raises(ServiceError) as refused:
        check_proof("certificate.pdf", b"<html><script>alert(1)</script></html>")
    assert refused.value.field == "proof"


def test_the_extension_follows_the_content_not_the_name():
    assert check_proof("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 20).filename == "photo.png"
    assert check_proof("scan", b"\xff\xd8\xff\xe0" + b"0" * 20).filename == "scan.jpg"


def test_path_parts_in_the_name_are_harmless():
    proof = check_proof("../../etc/passwd.pdf", PDF)
    assert "/" not in proof.filename and ".." not in proof.filename
    assert check_proof("..", PDF).filename == "proof.pdf"


def test_too_large_and_empty_are_refused():
    with pytest.raises(ServiceError):
        check_proof("big.pdf", PDF + b"0" * MAX_PROOF_BYTES)
    with pytest.raises(ServiceError):
        check_proof("empty.pdf", b"")

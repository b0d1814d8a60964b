from volunteers.labels import LABELS
from volunteers.models import enums


def test_every_member_of_every_vocabulary_has_a_label():
    for enum_cls in (
        enums.Area,
        enums.QualificationArea,
        enums.WorkKind,
        enums.Mobility,
        enums.Gender,
        enums.ContactChannel,
        enums.VolunteerStatus,
        enums.DayPart,
        enums.QualificationStatus,
        enums.CertificateKind,
        enums.CertificateResult,
    ):
        for member in enum_cls:
            assert member in LABELS, member

import enum

from volunteers.labels import LABELS
from volunteers.models import enums

#: Vocabularies whose members are their own names (CEFR levels).
SELF_NAMED = {enums.LanguageLevel}


def test_every_member_of_every_vocabulary_has_a_label():
    vocabularies = [
        value
        for value in vars(enums).values()
        if isinstance(value, type) and issubclass(value, enum.Enum) and value.__module__ == enums.__name__
    ]
    assert len(vocabularies) >= 17
    for enum_cls in vocabularies:
        if enum_cls in SELF_NAMED:
            continue
        for member in enum_cls:
            assert member in LABELS, member

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from volunteers.services.workdays import add_working_days, earliest_appointment, is_working_day


def test_weekends_and_hessian_holidays_are_skipped():
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert not is_working_day(date(2026, 6, 4))  # Corpus Christi, a holiday in Hessen
    assert not is_working_day(date(2026, 12, 25))
    assert is_working_day(date(2026, 11, 24))
    # Tuesday + 3 working days = Friday
    assert earliest_appointment(date(2026, 11, 24), 3) == date(2026, 11, 27)
    # Thursday + 3 = Tuesday (the weekend does not count)
    assert earliest_appointment(date(2026, 11, 26), 3) == date(2026, 12, 1)
    # Over Christmas: 23 December + 3 = 29 December (25 and 26 are holidays, 27 a Sunday)
    assert add_working_days(date(2026, 12, 23), 3) == date(2026, 12, 29)
    # Wednesday before Corpus Christi (4 June 2026) + 2 = Monday 8 June
    assert add_working_days(date(2026, 6, 3), 2) == date(2026, 6, 8)


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2035, 12, 31)), st.integers(0, 30))
def test_the_result_is_a_working_day_with_exactly_that_many_before_it(start, days):
    end = add_working_days(start, days)
    assert end >= start
    if days:
        assert is_working_day(end)
    between = [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sum(is_working_day(day) for day in between) == days

"""lib.personal_numbers: Swedish personal identity numbers (SKV 704) and coordination numbers (SKV 707) in text."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from samverkan.lib.personal_numbers import find_personal_numbers, luhn_valid

TODAY = date(2026, 12, 3)


def check_digit(nine: str) -> str:
    return next(str(d) for d in range(10) if luhn_valid(nine + str(d)))


@st.composite
def identity_numbers(draw, valid=True):
    """A personnummer or samordningsnummer as people write it: with or without century, with -, + or nothing."""
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    coordination = draw(st.booleans())
    day = born.day + (60 if coordination else 0)
    serial = draw(st.integers(0, 999))
    nine = f"{born:%y%m}{day:02d}{serial:03d}"
    check = check_digit(nine)
    if not valid:
        check = str((int(check) + draw(st.integers(1, 9))) % 10)
    century = draw(st.booleans())
    old = TODAY.year - born.year >= 100
    if century:
        sep = draw(st.sampled_from(["-", ""]))
        return f"{born.year // 100}{nine[:6]}{sep}{nine[6:]}{check}"
    sep = "+" if old else draw(st.sampled_from(["-", ""] if not nine.startswith("0") else ["-"]))
    return f"{nine[:6]}{sep}{nine[6:]}{check}"


WORDS = st.sampled_from(["Ärendet gäller", "Pnr:", "(", "enligt ansökan", "\n", "samt", "–"])


@settings(max_examples=300)
@given(identity_numbers(), WORDS, WORDS)
def test_every_valid_number_is_found_in_running_text(number, before, after):
    found = find_personal_numbers(f"{before} {number} {after}", today=TODAY)
    assert [f.text for f in found] == [number]


@settings(max_examples=300)
@given(identity_numbers(valid=False), WORDS)
def test_a_number_that_fails_the_luhn_check_is_not_found(number, before):
    assert find_personal_numbers(f"{before} {number}.", today=TODAY) == []


@settings(max_examples=200)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)), st.sampled_from(["%Y-%m-%d", "%d/%m/%Y"]))
def test_dates_are_not_numbers(day, pattern):
    text = f"Mötet {day.strftime(pattern)} kl. 09.00–12.00, nästa möte {day + timedelta(days=28):%Y-%m-%d}."
    assert find_personal_numbers(text, today=TODAY) == []


PHONE_FORMATS = ["0{a}-{b} {c} {d}", "+46 {a} {b} {c} {d}", "0{a}{b}{c}{d}", "0{a}-{b}{c}{d}", "+46{a}{b}{c}{d}"]


@settings(max_examples=300)
@given(
    st.sampled_from(["70", "72", "73", "76", "79", "8", "31", "40", "90"]),
    st.integers(100, 999),
    st.integers(10, 99),
    st.integers(10, 99),
    st.sampled_from(PHONE_FORMATS),
)
def test_phone_numbers_are_not_numbers(a, b, c, d, pattern):
    phone = pattern.format(a=a, b=b, c=c, d=d)
    assert find_personal_numbers(f"Ring {phone} om du får förhinder.", today=TODAY) == [], phone


def test_the_examples_of_skatteverket():
    text = "Sökande 640823-3234 och 19640823-3234, samordningsnummer 701063-2391, hundraåring 181201+1232."
    found = find_personal_numbers(text, today=TODAY)
    assert [(f.text, f.coordination) for f in found] == [
        ("640823-3234", False),
        ("19640823-3234", False),
        ("701063-2391", True),
    ] + ([("181201+1232", False)] if luhn_valid("1812011232") else [])
    assert find_personal_numbers("Född 20270101-1234 (i framtiden)", today=TODAY) == []
    assert find_personal_numbers("§ 2026-11-24 och dnr 2026/14-1234", today=TODAY) == []


SPACES = ["", " ", "\u00a0", "\u2009"]


@settings(max_examples=300)
@given(
    identity_numbers(),
    st.sampled_from(["-", "\u2013", "\u2011", "\u2212", " - ", " ", "\u200b-", "-\u00ad"]),
    st.sampled_from(SPACES),
    st.sampled_from(SPACES),
    WORDS,
)
def test_a_number_is_found_however_it_is_spaced_or_dashed(number, dash, pair, last, before):
    """Written as people write it (a dash a word processor typed, a space around or for the hyphen, the date in
    pairs, the last four as two pairs, an invisible character inside), a number is still found: these published a
    number that a plain hyphen would have stopped."""
    digits = number.replace("-", "").replace("+", "")
    if "+" in number or len(digits) == 12 or digits.startswith("0"):
        return  # a hundred-year-old's "+", and a century, are covered above; ten bare digits from 0 are a phone
    date_part, tail = digits[:6], digits[6:]
    written = f"{date_part[:2]}{pair}{date_part[2:4]}{pair}{date_part[4:]}{dash}{tail[:2]}{last}{tail[2:]}"
    found = find_personal_numbers(f"{before} {written} hördes.", today=TODAY)
    assert len(found) == 1, written

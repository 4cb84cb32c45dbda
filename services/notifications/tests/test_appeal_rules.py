"""The appeals' rules without a server: due dates by the Russian production calendar, the
statuses' steps, the numbers, and what a file is judged to be and what is left of an image."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from uuid import uuid4

import pytest
from PIL import Image

from lka_common.testing.files import GPS_IFD, executable, photo_with_gps, small_pdf
from lka_notifications.adapters.images import without_metadata
from lka_notifications.domain import working_days
from lka_notifications.domain.appeals import TRANSITIONS, Appeal, appeal_number, next_status
from lka_notifications.domain.attachments import Upload, content_type_of, looks_like_pdf, stored_name
from lka_notifications.domain.errors import AppealClosed, UnsupportedAttachment
from lka_notifications.service_layer.appeal_handling import judge_files

MSK = timedelta(hours=3)


def test_ten_working_days_across_the_new_year_holidays() -> None:
    # Registered Monday 28.12.2026. Counted by hand from the decree's calendar: 29.12 (1),
    # 30.12 (2); 31.12.2026 is a day off moved from 04.01 (not counted); 1–8 January 2027 are
    # the New Year holidays and Christmas, 9–10 January a weekend; then 11, 12, 13, 14, 15 (3–7),
    # 16–17 a weekend, 18 (8), 19 (9), 20 (10).
    registered = datetime(2026, 12, 28, 10, 0, tzinfo=UTC)
    assert working_days.due_date(registered) == date(2027, 1, 20)


def test_a_working_saturday_counts_and_a_transferred_day_off_does_not() -> None:
    # Saturday 20.02.2027 is a working day (its day off moved to Monday 22.02); 23.02 is a holiday.
    assert working_days.is_working_day(date(2027, 2, 20))
    assert not working_days.is_working_day(date(2027, 2, 22))
    assert not working_days.is_working_day(date(2027, 2, 23))
    # From Wednesday 17.02.2027: 18, 19, 20 (Saturday, working), 24, 25, 26, 1.03, 2, 3, 4.
    assert working_days.add_working_days(date(2027, 2, 17), 10) == date(2027, 3, 4)


def test_an_ordinary_fortnight_is_two_weeks_and_the_date_is_the_suppliers() -> None:
    # Tuesday 01.12.2026 (no holiday until the New Year): ten working days end on 15.12.
    assert working_days.due_date(datetime(2026, 12, 1, 12, 0, tzinfo=UTC)) == date(2026, 12, 15)
    # 22:30 UTC on Monday 30.11 is already Tuesday 01.12 in Simferopol (UTC+3).
    late = datetime(2026, 11, 30, 22, 30, tzinfo=UTC)
    assert working_days.local_date(late) == date(2026, 12, 1)
    assert working_days.due_date(late) == date(2026, 12, 15)


def test_statuses_move_as_the_contract_says() -> None:
    assert next_status("registered", "assign") == "in_work"
    assert next_status("in_work", "answer") == "answered"
    assert next_status("registered", "answer") == "answered"  # answered without being taken
    assert next_status("answered", "reply") == "in_work"  # the author's reply reopens it
    assert next_status("in_work", "reply") == "in_work"
    assert next_status("answered", "close") == "closed"
    for step in TRANSITIONS:
        with pytest.raises(AppealClosed):
            next_status("closed", step)


def test_overdue_is_waiting_for_the_supplier_past_the_due_date() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    appeal = Appeal(uuid4(), "2026-000001", uuid4(), None, "other", "in_work", None, now, date(2026, 12, 15), now)
    assert not appeal.overdue(date(2026, 12, 15))
    assert appeal.overdue(date(2026, 12, 16))
    for status in ("answered", "closed"):
        assert not Appeal(**{**appeal.__dict__, "status": status}).overdue(date(2026, 12, 16))


def test_numbers_are_the_year_and_six_digits() -> None:
    assert appeal_number(2026, 123) == "2026-000123"


def test_files_are_judged_by_their_content() -> None:
    assert content_type_of(photo_with_gps()) == "image/jpeg"
    assert content_type_of(small_pdf()) == "application/pdf"
    assert content_type_of(executable()) is None
    assert looks_like_pdf(small_pdf())
    assert not looks_like_pdf(b"%PDF-1.4\n" + b"x" * 4000)  # no end-of-file marker
    with pytest.raises(UnsupportedAttachment):
        asyncio.run(judge_files([Upload("photo.jpg", executable())]))
    with pytest.raises(UnsupportedAttachment):
        asyncio.run(judge_files([Upload("broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100)]))


def test_names_offered_back_are_plain_and_end_as_the_content_is() -> None:
    assert stored_name("C:\\Users\\Иван\\Фото счётчика.jpg", "image/jpeg") == "Фото счётчика.jpg"
    assert stored_name("../../etc/passwd", "application/pdf") == "passwd.pdf"
    assert stored_name('a"b\r\n.png', "image/png") == "a_b_.png"
    assert stored_name(None, "image/png") == "file.png"
    assert len(stored_name("я" * 500 + ".pdf", "application/pdf")) == 120


def test_an_image_keeps_its_pixels_upright_and_loses_its_exif() -> None:
    original = photo_with_gps((64, 32))
    with Image.open(BytesIO(original)) as before:
        assert before.getexif().get_ifd(GPS_IFD)

    cleaned = without_metadata(original, "image/jpeg")

    with Image.open(BytesIO(cleaned)) as after:
        assert after.format == "JPEG"
        assert not after.getexif()
        assert "exif" not in after.info
        # Orientation 6 applied to the pixels: the 64×32 photo now stands 32×64.
        assert after.size == (32, 64)


def test_a_png_with_text_chunks_loses_them() -> None:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "Адрес: Симферополь, ул. Пушкина, 1")
    out = BytesIO()
    Image.new("P", (8, 8), 3).save(out, "PNG", pnginfo=info)

    cleaned = without_metadata(out.getvalue(), "image/png")

    with Image.open(BytesIO(cleaned)) as after:
        assert after.format == "PNG" and after.size == (8, 8)
        assert "Comment" not in after.info


def test_an_image_too_large_to_unpack_is_refused_before_its_pixels_are() -> None:
    out = BytesIO()
    Image.new("L", (8000, 6000)).save(out, "PNG")  # 48 megapixels of nothing: a small file
    with pytest.raises(UnsupportedAttachment):
        without_metadata(out.getvalue(), "image/png")

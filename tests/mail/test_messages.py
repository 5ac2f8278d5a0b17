"""A booking's emails arrive over real SMTP and parse back: headers, parts, invites."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from coaching.extensions import db
from coaching.mail import notify
from coaching.mail.worker import send_due

from .conftest import make_booking

START = datetime(2030, 3, 12, 14, 0, tzinfo=UTC)  # 14:00 in London, 10:00 in New York
MANAGE = "http://localhost/bookings/tok-abc123"


def by_kind(server):
    """Map (recipient, first words of subject) to messages for easy lookup."""
    return {(str(m["To"]), str(m["Subject"]).split(":")[0]): m for m in server.received}


def invite(message):
    """Return the parsed calendar from the text/calendar alternative and the .ics file."""
    alternative = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    files = [p for p in message.walk() if p.get_filename() and p.get_filename().endswith(".ics")]
    assert len(alternative) == 1 and len(files) == 1
    inline = icalendar.Calendar.from_ical(alternative[0].get_content())
    attached = icalendar.Calendar.from_ical(files[0].get_payload(decode=True))
    assert inline.to_ical() == attached.to_ical()
    return inline, alternative[0]


def event_of(calendar):
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    return events[0]


def confirm(app, coach, **fields):
    with app.app_context():
        # Unflushed, with only coach_id set: as the booking service may hand it over.
        booking = make_booking(coach, START, flush=False, **fields)
        notify.booking_confirmed(booking, MANAGE)
        db.session.commit()
        return booking.id


def test_confirmation_arrives_with_invite_in_both_zones(mail_app, coach, smtp_server):
    booking_id = confirm(mail_app, coach)
    with mail_app.app_context():
        result = send_due()
    assert (result.sent, result.retrying, result.failed) == (2, 0, 0)
    assert len(smtp_server.received) == 2

    visitor = by_kind(smtp_server)[("priya@example.org", "Booked")]
    assert visitor["From"] == "Career Compass <hello@compass.test>"
    assert visitor["Reply-To"] == "coach@career-compass.example"
    assert visitor["Message-ID"].endswith("@compass.test>")
    assert visitor["Date"] is not None
    assert visitor["Auto-Submitted"] == "auto-generated"
    alternative = next(p for p in visitor.walk() if p.get_content_type() == "multipart/alternative")
    assert [p.get_content_type() for p in alternative.iter_parts()] == [
        "text/plain", "text/html", "text/calendar"]

    text = visitor.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = visitor.get_body(("html",)).get_content()
    assert "Tuesday 12 March 2030, 10:00 to 10:15 (Eastern Daylight Time, America/New_York)" in text
    assert "Tuesday 12 March 2030, 14:00 to 14:15 (Greenwich Mean Time, Europe/London)" in text
    assert MANAGE in text and MANAGE in html
    assert "https://meet.example.com/career-compass" in text
    assert "calendar.google.com" in html and "outlook.live.com" in html
    # Nothing loads from elsewhere when the email is opened: no images, no pixels.
    assert "<img" not in html.lower() and "url(" not in html.lower()

    calendar, part = invite(visitor)
    assert part.get_param("method") == "REQUEST"
    assert str(calendar["METHOD"]) == "REQUEST"
    event = event_of(calendar)
    assert str(event["UID"]) == f"booking-{booking_id}@coaching"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == START
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == START + timedelta(minutes=15)
    assert "DTSTART:20300312T140000Z" in calendar.to_ical().decode()
    assert event.decoded("DTSTAMP").utcoffset() == timedelta(0)
    assert str(event["ORGANIZER"]) == "mailto:coach@career-compass.example"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:priya@example.org"
    assert attendee.params["RSVP"] == "TRUE" and attendee.params["CN"] == "Priya Shah"
    assert str(event["LOCATION"]) == "https://meet.example.com/career-compass"
    assert MANAGE in str(event["DESCRIPTION"])
    (alarm,) = list(event.walk("VALARM"))
    assert alarm.decoded("TRIGGER") == -timedelta(minutes=15)
    assert str(alarm["ACTION"]) == "DISPLAY"


def test_coach_notification_has_answers_message_and_shared_result(mail_app, coach, smtp_server):
    from coaching.assessment.models import AssessmentResponse

    with mail_app.app_context():
        response = AssessmentResponse(
            public_id="r" * 43, instrument_version="1", answers={"q1": 4},
            scores={"calling": 18, "career": 11, "job": 6}, orientation="calling",
        )
        db.session.add(response)
        db.session.flush()
        booking = make_booking(coach, START, assessment_response_id=response.id,
                               message="Line one.\n<b>not bold</b>")
        notify.booking_confirmed(booking, MANAGE)
        db.session.commit()
        send_due()

    coach_mail = by_kind(smtp_server)[("coach@career-compass.example", "New booking")]
    assert coach_mail["Reply-To"] == "priya@example.org"
    assert not [p for p in coach_mail.walk() if p.get_content_type() == "text/calendar"]
    text = coach_mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = coach_mail.get_body(("html",)).get_content()
    assert "Tuesday 12 March 2030, 14:00 to 14:15 (Greenwich Mean Time, Europe/London)" in text
    assert "+44 7700 900123" in text and "Line one." in text
    assert "Orientation: Calling" in text and "- Calling: 18" in text and "- Job: 6" in text
    # The visitor's words are escaped in HTML, never markup.
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html and "<b>not bold" not in html


def test_cancellations_by_visitor_and_by_coach(mail_app, coach, smtp_server):
    from coaching.booking.models import Booking

    booking_id = confirm(mail_app, coach)
    with mail_app.app_context():
        other = make_booking(coach, START + timedelta(hours=2), visitor_email="sam@example.org",
                             visitor_name="Sam Lee", visitor_timezone="Europe/London")
        notify.booking_confirmed(other, MANAGE + "2")
        db.session.commit()
        second_id = other.id
        send_due()
        smtp_server.received.clear()

        first = db.session.get(Booking, booking_id)
        first.cancel(by="visitor")
        notify.booking_cancelled(first)
        second = db.session.get(Booking, second_id)
        second.cancel(by="coach", reason="I am unwell that day.\nSorry!")
        notify.booking_cancelled(second)
        db.session.commit()
        send_due()

    mails = by_kind(smtp_server)
    assert set(mails) == {("priya@example.org", "Cancelled"), ("sam@example.org", "Cancelled"),
                          ("coach@career-compass.example", "Cancelled by visitor")}
    by_visitor = mails[("priya@example.org", "Cancelled")]
    assert "As you asked" in by_visitor.get_body(("plain",)).get_content().replace("\r\n", "\n")
    calendar, part = invite(by_visitor)
    assert part.get_param("method") == "CANCEL" and str(calendar["METHOD"]) == "CANCEL"
    event = event_of(calendar)
    assert str(event["UID"]) == f"booking-{booking_id}@coaching"
    assert event["SEQUENCE"] == 1
    assert str(event["STATUS"]) == "CANCELLED"
    assert not list(event.walk("VALARM"))

    by_coach = mails[("sam@example.org", "Cancelled")]
    text = by_coach.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "has had to cancel" in text and "I am unwell that day.\nSorry!" in text
    assert "Alex Morgan wrote:" in by_coach.get_body(("html",)).get_content()


def test_reschedule_keeps_uid_and_raises_sequence(mail_app, coach, smtp_server):
    from coaching.booking.models import Booking

    booking_id = confirm(mail_app, coach)
    new_start = START + timedelta(days=1, hours=1)
    with mail_app.app_context():
        send_due()
        smtp_server.received.clear()
        booking = db.session.get(Booking, booking_id)
        booking.move(new_start, new_start + timedelta(minutes=15),
                     new_start - timedelta(minutes=5), new_start + timedelta(minutes=20))
        notify.booking_rescheduled(booking, START, manage_url=MANAGE)
        db.session.commit()
        send_due()

    mails = by_kind(smtp_server)
    visitor = mails[("priya@example.org", "Moved")]
    text = visitor.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "New time (your time): Wednesday 13 March 2030, 11:00 to 11:15" in text
    assert "Previously: Tuesday 12 March 2030, 10:00 to 10:15" in text
    calendar, part = invite(visitor)
    assert part.get_param("method") == "REQUEST"
    event = event_of(calendar)
    assert str(event["UID"]) == f"booking-{booking_id}@coaching"
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == new_start
    coach_text = mails[("coach@career-compass.example", "Moved")].get_body(("plain",))
    assert "Previously: Tuesday 12 March 2030, 14:00 to 14:15" in coach_text.get_content()


def test_same_zone_visitor_sees_one_time(mail_app, coach, smtp_server):
    confirm(mail_app, coach, visitor_timezone="Europe/London")
    with mail_app.app_context():
        send_due()
    visitor = by_kind(smtp_server)[("priya@example.org", "Booked")]
    text = visitor.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.count("14:00 to 14:15") == 1 and "Alex Morgan's time" not in text


@pytest.mark.parametrize("name", ["Evil\r\nBcc: victim@example.org", "Zoë Ñúñez 李"])
def test_hostile_and_unicode_names_are_safe_headers(mail_app, coach, smtp_server, name):
    confirm(mail_app, coach, visitor_name=name)
    with mail_app.app_context():
        result = send_due()
    assert result.sent == 2
    for message in smtp_server.received:
        assert message["Bcc"] is None
    coach_mail = by_kind(smtp_server)[("coach@career-compass.example", "New booking")]
    assert " ".join(name.split()) in str(coach_mail["Subject"])
    assert [rcpts for _, rcpts in smtp_server.handler.envelopes] == [
        ["priya@example.org"], ["coach@career-compass.example"]]

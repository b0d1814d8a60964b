"""What the tests of the report and the confirmation do as people do it: the links come from the
mails the tick job and the report queue, and forms are sent as the page fills them."""

from __future__ import annotations

import re
from datetime import datetime

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.pages import form_values, tree, visible_text
from volunteers import jobs
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models import OutboxMessage, User

LINK = re.compile(r"https?://[^/\s]+(/[^\s\"'<>]*)")


def links_to(user: User, prefix: str, event: str | None = None) -> list[str]:
    """The paths of the links starting with `prefix` in the mails queued for `user`, oldest first."""
    query = select(OutboxMessage.body_text).where(OutboxMessage.recipient == user.email).order_by(OutboxMessage.id)
    if event is not None:
        query = query.where(OutboxMessage.event == event)
    return [
        m.group(1) for body in db.session.scalars(query) for m in LINK.finditer(body) if m.group(1).startswith(prefix)
    ]


def tick(now: datetime | None = None) -> None:
    """`flask tick` once, at `now`."""
    db.session.commit()
    jobs.run_due(now or utcnow())
    db.session.commit()


def report_link(volunteer: User, now: datetime | None = None) -> str:
    """The job asks the volunteer to report; the link in that mail."""
    tick(now)
    found = links_to(volunteer, "/assignment/report/")
    assert found, "no report link was mailed"
    return found[-1]


def answer_link(staff: User) -> str:
    found = links_to(staff, "/assignment/answer/")
    assert found, "no answer link was mailed"
    return found[-1]


def send_form(
    client: FlaskClient, page: str, changes: dict[str, str | None], action: str | None = None, button=None, **kwargs
):
    """The form on `page` (posting to `action`, by default the page itself) as the page fills
    it, with `changes` (None unticks or empties a field), sent by `button` (name, value)."""
    response = client.get(page)
    assert response.status_code == 200, (page, response.status_code)
    data = form_values(response.get_data(as_text=True), action or page, page)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = [value]
    if button is not None:
        data[button[0]] = [button[1]]
    return client.post(action or page, data=data, **kwargs)


def error_at(html: str, field_id: str) -> str | None:
    """The error shown at a field (its `<id>-error` element), or None."""
    for node in tree(html).iter():
        if node.attrs.get("id") == f"{field_id}-error":
            return " ".join(node.text().split())
    return None


def value_of(html: str, field_id: str) -> str | None:
    """What an input or textarea shows (a checkbox or radio: "checked" or None)."""
    for node in tree(html).iter():
        if node.attrs.get("id") != field_id:
            continue
        if node.tag == "textarea":
            return node.text().removeprefix("\r").removeprefix("\n")
        if (node.attrs.get("type") or "") in ("checkbox", "radio"):
            return "checked" if "checked" in node.attrs else None
        return node.attrs.get("value")
    return None


def text(response) -> str:
    return visible_text(response.get_data(as_text=True))


def send_again(client: FlaskClient, response, action: str, changes: dict[str, str | None], **kwargs):
    """The form as the page `response` showed it (after an error), with `changes`, sent again."""
    data = form_values(response.get_data(as_text=True), action, action)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = [value]
    return client.post(action, data=data, **kwargs)

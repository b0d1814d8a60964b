"""`flask` commands: create-user, seed-demo, send-mail, tick."""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable

import click
from flask import Flask
from flask.cli import with_appcontext

from .clock import today
from .db_types import utcnow
from .demo import DEMO_PASSWORD, seed_demo
from .extensions import db
from .i18n import supported_locales
from .jobs import run_due
from .notifications.worker import deliver_due
from .services.expiry import remind
from .services.provisioning import provision_user

log = logging.getLogger(__name__)

ROLE_CHOICES = ("coordinator", "volunteer", "organisation")


class _StopFlag:
    """Ends a --loop cleanly on SIGTERM or Ctrl-C, after the current round."""

    def __init__(self) -> None:
        self.stopped = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)

    def _stop(self, *_args) -> None:
        self.stopped = True

    def sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopped and time.monotonic() < deadline:
            time.sleep(min(0.2, deadline - time.monotonic()))


def _run(round_: Callable[[], None], loop: bool, interval: float) -> None:
    if not loop:
        round_()
        return
    flag = _StopFlag()
    while not flag.stopped:
        try:
            round_()
        except Exception:  # a passing fault (database restart, locked file) must not end the loop
            log.exception("Round failed; trying again in %s s", interval)
            db.session.rollback()
        finally:
            db.session.remove()
        flag.sleep(interval)


@click.command("create-user")
@click.option("--email", required=True, help="Email address (the login).")
@click.option("--password", required=True, help="Initial password (at least 10 characters).")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(ROLE_CHOICES),
    help="Role to grant; repeat for several.",
)
@click.option("--organisation", help="Organisation name; created (approved) if missing, the user becomes its admin.")
@click.option("--given-name", default="", help="Given name (default: taken from the address).")
@click.option("--family-name", default="", help="Family name.")
@click.option("--locale", default="de", show_default=True, help="Language for the site and mails (de, en, ...).")
@click.option("--place", default="Fuldabrück", show_default=True, help="Place of a new organisation.")
@with_appcontext
def create_user_command(email, password, roles, organisation, given_name, family_name, locale, place) -> None:
    """Create a confirmed account with the given roles (or add roles to an existing one)."""
    if locale not in supported_locales():
        raise click.BadParameter(f"offered languages: {', '.join(supported_locales())}", param_hint="--locale")
    if "organisation" in roles and not organisation:
        raise click.UsageError("--role organisation needs --organisation NAME")
    if organisation and "organisation" not in roles:
        roles = (*roles, "organisation")
    try:
        user, created = provision_user(
            email=email,
            password=password,
            roles=set(roles),
            organisation_name=organisation,
            given_name=given_name,
            family_name=family_name,
            locale=locale,
            place_name=place,
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{'Created' if created else 'Updated'} {user.email} with roles: {', '.join(sorted(roles))}")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load demo accounts and organisations (safe to run again) and print the logins."""
    logins = seed_demo()
    db.session.commit()
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD})")
    for role, email, note in logins:
        click.echo(f"  {role:<13} {email:<42} {note}")


@click.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep running, checking the outbox every --interval seconds.")
# A short poll: one indexed query when idle, and a click's mail leaves within a second.
@click.option("--interval", default=0.5, show_default=True, help="Seconds between rounds with --loop.")
@with_appcontext
def send_mail_command(loop: bool, interval: float) -> None:
    """Deliver all due mail from the outbox (SMTP if MAIL_SERVER is set, else .eml files)."""

    def round_() -> None:
        # Batch after batch until nothing is due: a message that failed waits for its next
        # attempt and is not due again, so this ends.
        while True:
            report = deliver_due()
            if report.claimed:
                click.echo(
                    f"mail: {len(report.sent)} sent, {len(report.retrying)} to retry, {len(report.failed)} failed"
                    + (f", {len(report.deferred)} waiting for the server" if report.deferred else "")
                )
            if report.claimed == 0:
                break

    _run(round_, loop, interval)


@click.command("tick")
@click.option("--loop", is_flag=True, help="Keep running, checking for due jobs every --interval seconds.")
@click.option("--interval", default=60.0, show_default=True, help="Seconds between rounds with --loop.")
@with_appcontext
def tick_command(loop: bool, interval: float) -> None:
    """Run every scheduled job that is due (each is safe to run twice)."""

    def round_() -> None:
        for name, outcome in run_due(utcnow()):
            click.echo(f"job {name}: {outcome}")

    _run(round_, loop, interval)


@click.command("remind")
@with_appcontext
def remind_command() -> None:
    """Mail reminders 60 and 14 days before a qualification, declaration or police certificate
    runs out (each once), and mark what has run out. `flask tick` runs this too."""
    report = remind(today())
    db.session.commit()
    click.echo(f"remind: {report}")


def register_commands(app: Flask) -> None:
    for command in (create_user_command, seed_demo_command, send_mail_command, tick_command, remind_command):
        app.cli.add_command(command)


__all__ = ["register_commands"]

"""The flask commands, run the way an operator runs them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tests import factories
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models import (
    ActionToken,
    JobState,
    Organisation,
    OrganisationStatus,
    OutboxMessage,
    OutboxStatus,
    TokenPurpose,
    User,
)
from volunteers.services import tokens

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = ["create-user", "seed-demo", "send-mail", "tick", "remind", "db"]


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args: str):
        result = runner.invoke(args=list(args))
        return result

    return invoke


def test_every_command_has_help(cli):
    overview = cli("--help")
    for command in COMMANDS:
        assert command in overview.output
        result = cli(command, "--help")
        assert result.exit_code == 0, result.output
        assert "Usage" in result.output


def test_create_user_with_roles_and_an_organisation(ctx, cli):
    result = cli(
        "create-user",
        "--email",
        "Staff@Example.org",
        "--password",
        "long enough password",
        "--role",
        "volunteer",
        "--organisation",
        "Neuer Verein e.V.",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "staff@example.org"))
    assert user.is_volunteer and user.email_confirmed and not user.is_coordinator
    organisation = db.session.scalar(select(Organisation))
    assert organisation.status is OrganisationStatus.APPROVED and organisation.contact_user_id == user.id
    assert user.memberships[0].is_admin

    again = cli(
        "create-user", "--email", "staff@example.org", "--password", "long enough password", "--role", "coordinator"
    )
    assert again.exit_code == 0 and "Updated" in again.output
    db.session.commit()
    assert db.session.get(User, user.id).is_coordinator
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_create_user_refuses_bad_input(ctx, cli):
    assert cli("create-user", "--email", "a@example.org", "--password", "short", "--role", "coordinator").exit_code != 0
    assert (
        cli(
            "create-user", "--email", "a@example.org", "--password", "long enough password", "--role", "organisation"
        ).exit_code
        != 0
    )
    assert (
        cli(
            "create-user", "--email", "a@example.org", "--password", "long enough password", "--role", "admin"
        ).exit_code
        != 0
    )
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_seed_demo_twice_adds_nothing_the_second_time(ctx, cli):
    first = cli("seed-demo")
    assert first.exit_code == 0, first.output
    assert "koordination@wir-vielfalt.example" in first.output and "Demo-Passwort-2026" in first.output
    from volunteers.models import (
        AuditEvent,
        Invitation,
        Membership,
        Offer,
        OrganisationChange,
        OrganisationNote,
        RequestEvent,
        RequestNote,
        StatusChange,
        SupportRequest,
        VolunteerNote,
    )

    counted = (
        User,
        Organisation,
        OutboxMessage,
        VolunteerNote,
        OrganisationNote,
        RequestNote,
        OrganisationChange,
        Membership,
        Invitation,
        SupportRequest,
        Offer,
        RequestEvent,
        StatusChange,
        AuditEvent,
    )

    def counts() -> list[int]:
        return [db.session.scalar(select(func.count()).select_from(model)) for model in counted]

    first_counts = counts()
    assert all(first_counts)
    second = cli("seed-demo")
    assert second.exit_code == 0
    db.session.commit()
    assert counts() == first_counts
    roles = {
        role
        for line in first.output.splitlines()[1:]
        for role in line.split()[:3]
        if role in ("coordinator", "volunteer", "organisation")
    }
    assert roles == {"coordinator", "volunteer", "organisation"}
    assert (
        db.session.scalar(select(func.count(Organisation.id)).where(Organisation.status == OrganisationStatus.PENDING))
        == 2
    )


def test_send_mail_once(ctx, cli, smtp_server):
    factories.queued_mail("cli", "cli@example.org")
    result = cli("send-mail")
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output
    assert len(smtp_server.to("cli@example.org")) == 1


def test_send_mail_once_sends_everything_due_not_one_batch(ctx, cli, smtp_server):
    for number in range(120):  # more than two batches of 50
        factories.queued_mail(f"cli-{number}", f"cli{number}@example.org")
    result = cli("send-mail")
    assert result.exit_code == 0, result.output
    assert sum(len(smtp_server.to(f"cli{number}@example.org")) for number in range(120)) == 120
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.status != OutboxStatus.SENT)) == 0


def test_tick_runs_due_jobs_once_and_again_when_due(ctx, cli):
    from volunteers.models import User as UserModel

    user = UserModel(
        email="t@example.org",
        given_name="T",
        family_name="T",
        password_hash="x",
        locale="de",
        session_version=1,
        active=True,
        is_coordinator=False,
        is_volunteer=False,
    )
    db.session.add(user)
    tokens.issue(TokenPurpose.CONFIRM_EMAIL, user=user, now=utcnow() - timedelta(days=30))
    tokens.issue(TokenPurpose.CONFIRM_EMAIL, user=user)
    db.session.commit()

    first = cli("tick")
    assert first.exit_code == 0, first.output
    assert "purge-expired: 1 tokens" in first.output
    assert db.session.scalar(select(func.count(ActionToken.id))) == 1
    second = cli("tick")
    assert second.exit_code == 0 and "purge-expired" not in second.output  # not due again yet

    state = db.session.get(JobState, "purge-expired")
    assert state.run_count == 1 and state.last_error is None and state.last_finished_at is not None
    state.next_run_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert "purge-expired: 0 tokens" in cli("tick").output


def test_tick_gathers_planner_statistics_on_sqlite(ctx, cli):
    output = cli("tick").output
    if db.engine.dialect.name == "sqlite":
        assert "planner-statistics: analysed" in output
        assert db.session.scalar(text("SELECT count(*) FROM sqlite_stat1")) > 0
    else:
        assert "planner-statistics: left to autovacuum" in output


def _environment(database_url: str, smtp_port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "VOLUNTEERS_ENV": "testing",
            "TEST_DATABASE_URL": database_url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(smtp_port),
            "FLASK_APP": "wsgi",
        }
    )
    return env


def test_send_mail_loop_delivers_and_stops_cleanly_on_sigterm(ctx, database_url, smtp_server):
    flask = str(Path(sys.executable).with_name("flask"))
    process = subprocess.Popen(
        [flask, "send-mail", "--loop", "--interval", "0.2"],
        cwd=ROOT,
        env=_environment(database_url, smtp_server.port),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        factories.queued_mail("loop", "loop@example.org")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not smtp_server.to("loop@example.org"):
            time.sleep(0.1)
        assert len(smtp_server.to("loop@example.org")) == 1
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    db.session.commit()
    assert db.session.scalar(select(OutboxMessage.status)) is OutboxStatus.SENT


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = dict(os.environ)
    env.pop("SECRET_KEY", None)
    env.update({"VOLUNTEERS_ENV": "production", "VOLUNTEERS_INSTANCE_PATH": str(tmp_path), "FLASK_APP": "wsgi"})
    result = subprocess.run(
        [str(Path(sys.executable).with_name("flask")), "routes"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_development_generates_and_keeps_a_secret_key(tmp_path):
    env = dict(os.environ)
    env.pop("SECRET_KEY", None)
    env.update(
        {
            "VOLUNTEERS_ENV": "development",
            "VOLUNTEERS_INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path}/dev.sqlite3",
        }
    )
    code = "from volunteers import create_app; print(create_app().config['SECRET_KEY'])"
    first = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    second = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and len(first.stdout.strip()) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def _demo_check(**env: str) -> subprocess.CompletedProcess:
    script = Path(__file__).resolve().parents[2] / "scripts" / "demo.sh"
    environment = {key: value for key, value in os.environ.items() if key not in ("HOST", "PORT", "BASE_URL")}
    return subprocess.run(
        ["bash", str(script), "--check"], env={**environment, **env}, capture_output=True, text=True, timeout=30
    )


def test_demo_takes_its_port_and_host_and_mail_links_follow_the_port():
    default = _demo_check()
    assert default.returncode == 0, default.stderr
    assert "URL=http://127.0.0.1:5000" in default.stdout.splitlines()
    chosen = _demo_check(PORT="5001")
    assert "BASE_URL=http://127.0.0.1:5001" in chosen.stdout.splitlines()
    everywhere = _demo_check(HOST="0.0.0.0", PORT="8080")  # noqa: S104 (what a person may type)
    assert "HOST=0.0.0.0" in everywhere.stdout.splitlines()
    assert "BASE_URL=http://127.0.0.1:8080" in everywhere.stdout.splitlines()
    own = _demo_check(PORT="8080", BASE_URL="https://demo.example")
    assert "BASE_URL=https://demo.example" in own.stdout.splitlines()


def test_demo_refuses_a_port_that_is_no_port():
    for port in ("abc", "0", "70000"):
        result = _demo_check(PORT=port)
        assert result.returncode == 2
        assert "PORT must be a port number from 1 to 65535" in result.stderr

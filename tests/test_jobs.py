import datetime

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command

from frontdesk.core import jobs


def test_worker_pass_removes_only_expired_sessions(db, clock):
    fresh = SessionStore()
    fresh.set_expiry(3600)
    fresh.create()
    stale = SessionStore()
    stale.set_expiry(60)
    stale.create()

    clock.shift(datetime.timedelta(minutes=30))
    assert jobs.run_jobs_once()["clear_expired_sessions"] == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [fresh.session_key]
    # A second pass at the same moment finds nothing more to do.
    assert jobs.run_jobs_once()["clear_expired_sessions"] == 0


def test_a_failing_job_does_not_stop_the_others(db, monkeypatch):
    ran = []

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(jobs, "JOBS", {"broken": broken, "fine": lambda: ran.append(1) or 1})
    assert jobs.run_jobs_once() == {"broken": -1, "fine": 1}
    assert ran == [1]


def test_worker_command_once(db, capsys):
    call_command("worker", "--once")
    assert "clear_expired_sessions: 0" in capsys.readouterr().out

"""The app servers' database settings (issue 17): prepared statements on PostgreSQL, turned on by
gunicorn.conf.py, off for manage.py commands and when DATABASE_PREPARED_STATEMENTS=0."""

import gc
import runpy

import pytest

from config.settings.base import BASE_DIR, database_config

POSTGRES = "postgres://postgres@127.0.0.1:5432/example"


def test_postgresql_binds_on_the_client_unless_asked(monkeypatch):
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    options = database_config(POSTGRES)["OPTIONS"]
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options


def test_prepared_statements_on_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "1")
    config = database_config(POSTGRES)
    assert config["OPTIONS"]["server_side_binding"] is True
    assert config["OPTIONS"]["prepare_threshold"] == 5
    # What was there before stays: persistent connections with health checks, the connect timeout.
    assert config["CONN_MAX_AGE"] == 60
    assert config["CONN_HEALTH_CHECKS"] is True
    assert config["OPTIONS"]["connect_timeout"] == 5


def test_prepared_statements_mean_nothing_to_sqlite(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "1")
    options = database_config(f"sqlite:///{tmp_path / 'db.sqlite3'}")["OPTIONS"]
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options


def test_gunicorn_turns_them_on_for_the_app_servers(monkeypatch):
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    assert database_config(POSTGRES)["OPTIONS"]["server_side_binding"] is True


def test_gunicorn_leaves_them_off_when_told(monkeypatch):
    # Behind PgBouncer in transaction mode (before 1.21), which cannot keep prepared statements.
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "0")
    runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    assert "server_side_binding" not in database_config(POSTGRES)["OPTIONS"]


class _Worker:
    """What gunicorn's hooks get as `worker` (an attribute bag here)."""


@pytest.fixture(autouse=True)
def _collector_thresholds_restored():
    """post_fork tunes the collector of the process it runs in: this test process, here."""
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


def test_gunicorn_freezes_long_lived_objects_once_per_worker_after_its_first_requests(monkeypatch):
    monkeypatch.setenv("GC_FREEZE_AFTER", "3")
    conf = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    freezes = []
    monkeypatch.setattr(gc, "freeze", lambda: freezes.append(len(gc.get_objects())))
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)

    conf["when_ready"](None)  # the master, after the preload, before the first fork
    assert len(freezes) == 1
    worker = _Worker()
    conf["post_fork"](None, worker)
    for _ in range(2):
        conf["post_request"](worker, None, {}, None)
    assert len(freezes) == 1  # the worker has not loaded what it keeps yet
    conf["post_request"](worker, None, {}, None)
    assert len(freezes) == 2
    for _ in range(50):
        conf["post_request"](worker, None, {}, None)
    assert len(freezes) == 2  # once per worker


def test_gunicorn_leaves_the_collector_alone_when_told(monkeypatch):
    monkeypatch.setenv("GC_FREEZE_AFTER", "0")
    monkeypatch.setenv("GC_YOUNG_THRESHOLD", "0")
    gc.set_threshold(700, 10, 10)
    conf = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    freezes = []
    monkeypatch.setattr(gc, "freeze", lambda: freezes.append(1))
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    conf["when_ready"](None)
    worker = _Worker()
    conf["post_fork"](None, worker)
    for _ in range(30):
        conf["post_request"](worker, None, {}, None)
    assert freezes == []
    assert gc.get_threshold() == (700, 10, 10)


def test_each_worker_collects_its_young_objects_less_often(monkeypatch):
    """A young collection after every 10,000 new container objects instead of 700 (gunicorn.conf.py)."""
    monkeypatch.delenv("GC_YOUNG_THRESHOLD", raising=False)
    gc.set_threshold(700, 10, 10)
    conf = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    conf["when_ready"](None)
    assert gc.get_threshold() == (700, 10, 10)  # the master only forks
    conf["post_fork"](None, _Worker())
    assert gc.get_threshold() == (10_000, 10, 10)


def test_the_young_threshold_can_be_set(monkeypatch):
    monkeypatch.setenv("GC_YOUNG_THRESHOLD", "2500")
    gc.set_threshold(700, 10, 10)
    conf = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    conf["post_fork"](None, _Worker())
    assert gc.get_threshold() == (2500, 10, 10)

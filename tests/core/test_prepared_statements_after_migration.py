"""Prepared statements (DATABASE_PREPARED_STATEMENTS, on in the app servers) against a migration that runs
while the app servers keep their connections (docs/deployment.md: "Migrations first, while the old code
still runs").

Django names every column it selects, so a migration that adds a column changes nothing for a prepared
statement. One that changes the type of a column a prepared statement returns (an `AlterField` of a
CharField's `max_length`, a varchar made text) makes PostgreSQL refuse that statement with "cached plan
must not change result type" (SQLSTATE 0A000) on every later run on that connection: psycopg does not
prepare it anew by itself, and Django keeps a connection after an error that `SELECT 1` survives. Every
page view reading the column was a 500 until the connection's age ran out (DATABASE_CONN_MAX_AGE)."""

import psycopg
import pytest

from django.core.cache import cache
from django.db import connections

from comments.factories import PostCommentFactory
from comments.models import PostComment, Status

pytestmark = pytest.mark.skipif(
    connections["default"].vendor != "postgresql", reason="prepared statements are PostgreSQL's (DATABASE_URL)"
)


@pytest.fixture
def prepared_statements():
    """The default connection as the app servers open it (config/settings/base.py, database_config)."""
    connection = connections["default"]
    options = connection.settings_dict["OPTIONS"]
    saved = dict(options)
    connection.close()
    options.update(server_side_binding=True, prepare_threshold=5)
    yield connection
    connection.close()
    options.clear()
    options.update(saved)


@pytest.fixture
def other_session(prepared_statements):
    """A second session on the test database: the one `manage.py migrate` runs in."""
    settings = prepared_statements.settings_dict
    session = psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        autocommit=True,
    )
    yield session
    session.close()


@pytest.mark.django_db(transaction=True)
def test_a_column_type_changed_while_the_connection_holds_prepared_statements_is_no_500(
    client, post, prepared_statements, other_session
):
    PostCommentFactory(post=post, status=Status.APPROVED, user_name="Leserin Vulkan", comment="Schön.")
    url = post.url
    for _ in range(7):  # prepared from the fifth run (prepare_threshold)
        cache.clear()
        assert client.get(url).status_code == 200
    field = PostComment._meta.get_field("user_name")
    table, column = field.model._meta.db_table, field.column
    other_session.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE varchar({field.max_length + 10})')
    try:
        for _ in range(3):
            cache.clear()
            response = client.get(url)
            assert response.status_code == 200
            assert "Leserin Vulkan" in response.content.decode()
    finally:
        prepared_statements.close()
        other_session.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE varchar({field.max_length})')


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_only_that_transaction_fails(post, prepared_statements, other_session):
    from django.db import NotSupportedError, transaction

    from wagtail.models import Page

    def titles():
        return list(Page.objects.filter(pk=post.pk).values_list("title", flat=True))

    for _ in range(7):
        assert titles() == [post.title]
    field = Page._meta.get_field("title")
    table, column = Page._meta.db_table, field.column
    other_session.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE varchar({field.max_length + 10})')
    try:
        with pytest.raises(NotSupportedError), transaction.atomic():
            titles()
        assert titles() == [post.title]  # the rollback made psycopg forget its prepared statements
        for _ in range(7):
            assert titles() == [post.title]
    finally:
        prepared_statements.close()
        other_session.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE varchar({field.max_length})')


@pytest.mark.django_db
def test_only_connections_that_prepare_statements_get_the_wrapper():
    from core.prepared import replan_changed_result_type

    connection = connections["default"]
    connection.ensure_connection()
    prepares = connection.settings_dict["OPTIONS"].get("prepare_threshold") is not None
    assert (replan_changed_result_type in connection.execute_wrappers) is prepares

"""Prepared statements (DATABASE_PREPARED_STATEMENTS) that survive a migration run while the app servers hold
their connections (docs/deployment.md, "Zero-downtime release": migrations first, the old code still runs).

A prepared statement fixes the types of the columns it returns. When a migration changes the type of one
(an `AlterField` of a CharField's `max_length`, a varchar made text), PostgreSQL refuses the statement
from then on with "cached plan must not change result type" (SQLSTATE 0A000) on that connection; psycopg
does not prepare it anew, and Django keeps a connection after an error that survives `SELECT 1`. So every
page view reading the column answered 500 until the connection's age ran out (DATABASE_CONN_MAX_AGE).

PostgreSQL refuses the statement before running it, so running it again is safe: outside a transaction
the connection's prepared statements are dropped (`DEALLOCATE ALL`, which psycopg recognises and forgets
its own) and the statement runs once more, prepared anew later. Inside a transaction the error has aborted
it; Django's rollback then makes psycopg forget its prepared statements, so only that transaction fails.

Only connections that prepare statements (psycopg's `prepare_threshold` in OPTIONS) get the wrapper: one
function call per query, for the app servers."""

from django.db import DatabaseError

CHANGED_RESULT_TYPE = "0A000"  # feature_not_supported, the SQLSTATE of "cached plan must not change result type"


def prepares_statements(connection):
    return (
        connection.vendor == "postgresql" and connection.settings_dict["OPTIONS"].get("prepare_threshold") is not None
    )


def install(sender, connection, **kwargs):
    """`connection_created`: the wrapper on connections that prepare statements, once per connection object."""
    if prepares_statements(connection) and replan_changed_result_type not in connection.execute_wrappers:
        connection.execute_wrappers.append(replan_changed_result_type)


def is_changed_result_type(error):
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == CHANGED_RESULT_TYPE and "cached plan must not change result type" in str(
        cause
    )


def replan_changed_result_type(execute, sql, params, many, context):
    try:
        return execute(sql, params, many, context)
    except DatabaseError as error:
        connection = context["connection"]
        if not is_changed_result_type(error) or connection.in_atomic_block or not connection.get_autocommit():
            raise
        connection.connection.execute("DEALLOCATE ALL")
        return execute(sql, params, many, context)

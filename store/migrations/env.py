"""Alembic environment: runs against the engine handed over by store.engine.migrate."""

from alembic import context

from store.schema import metadata

config = context.config
engine = config.attributes["engine"]
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()

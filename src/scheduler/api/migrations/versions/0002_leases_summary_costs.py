"""Several servers and workers on one database, and the findings of issue 15.

Jobs: ``claimed_by`` (the runner solving it), ``lease_until`` (renewed by its heartbeat; a job
whose lease ran out is retried or failed by any runner), ``attempts``, ``callback_url``.
Scenarios: the ``summary`` stored at write time. Results: the ``costs`` of the schedule.

Revision ID: 0002
Revises: 0001
Create Date: 2027-01-15
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from scheduler.api.db import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(64), nullable=True))
        batch.add_column(sa.Column("lease_until", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("callback_url", sa.String(2000), nullable=True))
        batch.create_index("ix_jobs_created_by_state", ["created_by", "state"])
    with op.batch_alter_table("scenarios") as batch:
        batch.add_column(sa.Column("summary", sa.JSON(), nullable=True))
    with op.batch_alter_table("results") as batch:
        batch.add_column(sa.Column("costs", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("results") as batch:
        batch.drop_column("costs")
    with op.batch_alter_table("scenarios") as batch:
        batch.drop_column("summary")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_index("ix_jobs_created_by_state")
        batch.drop_column("callback_url")
        batch.drop_column("attempts")
        batch.drop_column("lease_until")
        batch.drop_column("claimed_by")

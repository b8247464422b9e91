"""The schema as it was when migrations came in: diagnoses, critiques, feedback, documents.

A database made before Alembic (these tables, no alembic_version) is stamped at this revision
rather than upgraded through it (`assistant.migrations.upgrade`).

Revision ID: 0001
Revises:
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "diagnoses",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("category", sa.String(16)),
        sa.Column("engine", sa.String(16)),
        sa.Column("result", sa.Text(), nullable=False),
    )
    op.create_index("ix_diagnoses_workspace", "diagnoses", ["workspace"])
    op.create_table(
        "critiques",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("score", sa.Integer()),
        sa.Column("result", sa.Text(), nullable=False),
    )
    op.create_index("ix_critiques_workspace", "critiques", ["workspace"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("target_type", sa.String(16), nullable=False),
        sa.Column("target_id", sa.String(36), nullable=False),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text()),
        sa.Column("created_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_feedback_target_id", "feedback", ["target_id"])
    op.create_index("ix_feedback_workspace", "feedback", ["workspace"])
    op.create_table(
        "documents",
        sa.Column("doc_id", sa.String(64), primary_key=True),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("title", sa.Text()),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("ingested_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_documents_workspace", "documents", ["workspace"])


def downgrade() -> None:
    for table in ("documents", "feedback", "critiques", "diagnoses"):
        op.drop_table(table)

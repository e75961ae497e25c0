"""What goes wrong with a backup, drill or restore."""

from __future__ import annotations


class BackupError(Exception):
    """A backup, drill or restore could not be done; the message says why."""


class BackupInProgress(BackupError):
    pass


class BackupCorrupted(BackupError):
    """A backup's files are missing or do not match its manifest."""


class LiveDatabaseRefused(BackupError):
    pass

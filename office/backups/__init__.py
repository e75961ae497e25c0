"""Backups of the database and uploaded media, restore drills and restores (issue 8).

A backup is one folder, named `20260101T023000Z-42` (start time and BackupRun id), in the
backup store: a local folder (settings.BACKUP_DIR, mode 0700, files 0600) by default, or an
S3-compatible bucket when BACKUP_STORE=s3 (keys `<BACKUP_S3_PREFIX><name>/<file>`):

    20260101T023000Z-42/
        db.dump | db.sqlite3    pg_dump -Fc (PostgreSQL) or an online-backup copy (SQLite)
        media.tar.gz            every regular file under MEDIA_ROOT
        manifest.json           written last: size and SHA-256 of the files above, per-table
                                row counts and content checksums, app version, migrations

Crash safety (RELIABILITY.md F3): everything is first written into the staging folder
`BACKUP_DIR/.partial-<name>/` and fsynced. The local store then renames the folder into place
and writes the manifest last (temp -> fsync -> rename); the S3 store uploads the data files and
then the manifest, as the last object. A backup without manifest.json is never good, whatever
store it is in; the next run marks its row failed and deletes it (and any unfinished multipart
upload). A backup is reported good only after it has been read back from the store and every
file's SHA-256 matched (on S3: from freshly downloaded objects).
One backup at a time: an exclusive flock on BACKUP_DIR/.lock, which the kernel releases when
the process dies, so a killed worker never leaves the store locked; on PostgreSQL also a
session advisory lock, so workers on different machines sharing one bucket exclude each other.

Row checksums are taken in the same snapshot as the dump (PostgreSQL: an exported snapshot
that pg_dump imports; SQLite: computed on the copy), so a drill compares like with like.
Passwords reach pg_dump only through PGPASSWORD in its environment, never its command line.

Workflow of a run: running -> succeeded | failed; succeeded -> pruned (retention).
Drills: running -> passed | failed. Failures and overdue backups alert technical services.

One module per topic; each imports only the ones listed before it (no cycles), and this file
re-exports nothing: import a name from the module that defines it (and patch it where it is
looked up).

    errors       BackupError and its kinds
    files        a backup folder's file names, SHA-256 of a file, crash-safe local writes
    checksums    per-table row counts and checksums, applied and pending migrations
    databases    DatabaseTarget; dump, restore and describe one PostgreSQL/SQLite database
    locks        one backup or drill at a time (flock + PostgreSQL advisory lock)
    stores       the backup store: a local folder or an S3 bucket; its health
    media        the media archive: write, check, extract
    integrity    a backup's files and a restored database against the manifest
    alerts       notifications to technical services
    retention    which backups to keep, pruning, the overdue watchdog
    run          backup_run: one backup, from dump to verified and pruned
    drill        backup_drill: restore into a scratch database and smoke-test it
    restore      finding a backup, restoring it, downloading one of its files
"""

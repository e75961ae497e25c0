"""Union online cataloging (联合联机编目): bibliographic records, their versions and holdings
(馆藏), the contribution review (审核) workflow, the fee ledger and monthly statements, and
MARC import jobs.

A record is kept losslessly: every version stores the ISO 2709 bytes of the whole MARC 21
record (UTF-8). The columns on `BibRecord` are *extracted* from the current version for
searching and sorting; they are never the source of truth and are rewritten on each version.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cataloging.querysets import BibRecordQuerySet, HoldingQuerySet, OfficeOwnedQuerySet
from office.models import TimeStampedModel
from office.workflow import Workflow


class BibRecord(Workflow, TimeStampedModel):
    """One bibliographic record of an office's catalog; shared with every office once approved."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved (shared)")
        REJECTED = "rejected", _("Rejected")
        RETURNED = "returned", _("Returned for changes")

    # The only legal moves (DESIGN.md §4) and each state's colour (office.workflow). Actions
    # move a record with move_to(); nothing else assigns `status`.
    # A rejected record stays rejected: the office catalogs it anew if it still wants it shared.
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.IN_REVIEW},
        Status.IN_REVIEW: {Status.APPROVED, Status.REJECTED, Status.RETURNED},
        Status.RETURNED: {Status.SUBMITTED},
    }
    COLOURS = {
        Status.DRAFT: "secondary",
        Status.SUBMITTED: "info",
        Status.IN_REVIEW: "info",
        Status.APPROVED: "success",
        Status.REJECTED: "danger",
        Status.RETURNED: "warning",
    }
    EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})

    class Format(models.TextChoices):
        BOOK = "book", _("Book")
        SERIAL = "serial", _("Serial")
        MAP = "map", _("Map")
        MUSIC = "music", _("Music score")
        VIDEO = "video", _("Video")
        SOUND = "sound", _("Sound recording")
        ELECTRONIC = "electronic", _("Electronic resource")
        MANUSCRIPT = "manuscript", _("Manuscript")
        MIXED = "mixed", _("Mixed materials")
        OTHER = "other", _("Other")

    organization = models.ForeignKey(
        "office.Organization",
        on_delete=models.PROTECT,
        related_name="bib_records",
        verbose_name=_("contributing office"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("current version"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    shared_at = models.DateTimeField(_("shared"), null=True, blank=True, db_index=True)

    # --- extracted from the current version (cataloging.marc.extract) ---------------------
    control_number = models.CharField(_("control number (001)"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=1000, blank=True)
    responsibility = models.CharField(_("statement of responsibility"), max_length=1000, blank=True)
    authors = models.TextField(_("authors"), blank=True)
    isbn = models.CharField(_("ISBN-13"), max_length=13, blank=True)
    issn = models.CharField(_("ISSN"), max_length=9, blank=True)
    publisher = models.CharField(_("publisher"), max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=3, blank=True)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.BOOK)
    clc = models.CharField(_("CLC class (中图法)"), max_length=100, blank=True)
    dewey = models.CharField(_("Dewey class"), max_length=100, blank=True)
    subjects = models.TextField(_("subjects"), blank=True)
    match_key = models.CharField(_("title/author/year key"), max_length=200, blank=True)
    search_text = models.TextField(_("search text"), blank=True)
    # Filled on PostgreSQL only (cataloging.search); the GIN index is made by migration 0002.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = BibRecordQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("bibliographic record")
        verbose_name_plural = _("bibliographic records")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="approved", shared_at__isnull=False) | ~Q(status="approved"),
                name="bibrecord_approved_is_shared",
            ),
        ]
        # Plain b-trees for equality look-ups. `db_index=True` on a CharField also builds a
        # varchar_pattern_ops copy for LIKE, which no query here uses (classification browse has
        # its own UPPER(clc) index, migration 0004), and every index costs the bulk import.
        indexes = [
            models.Index(fields=["status"], name="bibrecord_status"),
            models.Index(fields=["control_number"], name="bibrecord_control_number"),
            models.Index(fields=["isbn"], name="bibrecord_isbn"),
            models.Index(fields=["issn"], name="bibrecord_issn"),
            models.Index(fields=["language"], name="bibrecord_language"),
            models.Index(fields=["format"], name="bibrecord_format"),
            models.Index(fields=["clc"], name="bibrecord_clc"),
            models.Index(fields=["match_key"], name="bibrecord_match_key"),
        ]

    def __str__(self) -> str:
        return self.title or _("Record %(pk)s") % {"pk": self.pk}

    @property
    def is_shared(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def author_list(self) -> list[str]:
        return [a for a in self.authors.split("\n") if a]

    @property
    def subject_list(self) -> list[str]:
        return [s for s in self.subjects.split("\n") if s]


class RecordIdentifier(models.Model):
    """Normalised identifiers of the current version, for exact look-up and re-import matching."""

    class Scheme(models.TextChoices):
        ISBN = "isbn", "ISBN-13"
        ISSN = "issn", "ISSN"
        CONTROL = "ctl", _("Control number (001)")
        SYSTEM = "sys", _("System control number (035)")

    record = models.ForeignKey(BibRecord, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=8, choices=Scheme.choices)
    value = models.CharField(max_length=100)

    class Meta:
        verbose_name = _("record identifier")
        verbose_name_plural = _("record identifiers")
        indexes = [models.Index(fields=["scheme", "value"])]
        constraints = [
            models.UniqueConstraint(fields=["record", "scheme", "value"], name="recordidentifier_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme}:{self.value}"


class SearchTerm(models.Model):
    """A word of the shared records' titles and subject headings, for the search's "did you
    mean" (cataloging.search.suggestion). On PostgreSQL a trigger fills it and a pg_trgm index
    serves the similarity look-up (migration 0009); a model so that a test's flush empties it."""

    term = models.CharField(max_length=40, primary_key=True)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self) -> str:
        return self.term


class RecordVersion(models.Model):
    """One immutable version of a record: the whole MARC record as ISO 2709 (UTF-8) bytes."""

    record = models.ForeignKey(BibRecord, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    marc = models.BinaryField(_("MARC (ISO 2709)"))
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["record", "-number"]
        verbose_name = _("record version")
        verbose_name_plural = _("record versions")
        constraints = [models.UniqueConstraint(fields=["record", "number"], name="recordversion_unique")]

    def __str__(self) -> str:
        return f"{self.record_id} v{self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError("Record versions are immutable; create a new version instead.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Holding(TimeStampedModel):
    """An office's copies of a record (馆藏). `note` is internal to the holding office."""

    record = models.ForeignKey(BibRecord, on_delete=models.PROTECT, related_name="holdings")
    organization = models.ForeignKey(
        "office.Organization", on_delete=models.PROTECT, related_name="holdings", verbose_name=_("office")
    )
    call_number = models.CharField(_("call number"), max_length=100, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    copies = models.PositiveIntegerField(_("copies"), default=1)
    lendable = models.BooleanField(_("may be lent"), default=True)
    note = models.CharField(_("internal note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = HoldingQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "pk"]
        verbose_name = _("holding")
        verbose_name_plural = _("holdings")
        constraints = [
            models.UniqueConstraint(fields=["record", "organization"], name="holding_one_per_office"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.call_number or self.record_id}"


class FeeSchedule(models.Model):
    """What a copy costs and what a contribution earns, from `valid_from` on (latest wins)."""

    name = models.CharField(_("name"), max_length=100)
    valid_from = models.DateField(_("valid from"), unique=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    copy_fee_minor = models.BigIntegerField(_("fee per copied record (minor units)"))
    contribution_credit_minor = models.BigIntegerField(_("credit per approved contribution (minor units)"))

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")
        constraints = [
            models.CheckConstraint(
                condition=Q(copy_fee_minor__gte=0) & Q(contribution_credit_minor__gte=0),
                name="feeschedule_amounts_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from})"


class Statement(TimeStampedModel):
    """An office's monthly cataloging statement: copy fees minus contribution credits."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        PAID = "paid", _("Paid")

    organization = models.ForeignKey(
        "office.Organization", on_delete=models.PROTECT, related_name="catalog_statements", verbose_name=_("office")
    )
    period_start = models.DateField(_("month"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    charges_minor = models.BigIntegerField(_("copy fees"), default=0)
    credits_minor = models.BigIntegerField(_("contribution credits"), default=0)
    net_minor = models.BigIntegerField(_("balance"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ISSUED)
    # Set by the `cataloging.statement` payment purpose when the online payment succeeds.
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = OfficeOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "organization__name"]
        verbose_name = _("cataloging statement")
        verbose_name_plural = _("cataloging statements")
        constraints = [
            models.UniqueConstraint(fields=["organization", "period_start"], name="statement_one_per_office_month"),
            models.CheckConstraint(
                condition=Q(charges_minor__gte=0) & Q(credits_minor__gte=0), name="statement_amounts_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(net_minor=F("charges_minor") - F("credits_minor")), name="statement_net_is_difference"
            ),
            models.CheckConstraint(
                condition=Q(status="paid", paid_at__isnull=False) | ~Q(status="paid"), name="statement_paid_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.period_start:%Y-%m}"

    @property
    def is_payable(self) -> bool:
        """A debit (copy fees above credits) not yet paid; a credit has nothing to pay."""
        return self.status == self.Status.ISSUED and self.net_minor > 0


class LedgerEntry(models.Model):
    """One fee or credit. Charges are positive, credits negative; a statement nets a month."""

    class Kind(models.TextChoices):
        COPY_FEE = "copy_fee", _("Copy cataloging fee")
        CONTRIBUTION_CREDIT = "contribution_credit", _("Contribution credit")

    organization = models.ForeignKey(
        "office.Organization", on_delete=models.PROTECT, related_name="catalog_ledger", verbose_name=_("office")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    amount_minor = models.BigIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    record = models.ForeignKey(BibRecord, on_delete=models.PROTECT, related_name="ledger_entries")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, null=True, blank=True, related_name="entries")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = OfficeOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            # Charged once per office and record, credited once per record: repeats are no-ops.
            models.UniqueConstraint(fields=["organization", "record", "kind"], name="ledgerentry_once"),
            models.CheckConstraint(
                condition=Q(kind="copy_fee", amount_minor__gte=0) | Q(kind="contribution_credit", amount_minor__lte=0),
                name="ledgerentry_sign_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_minor}"


class ImportJob(TimeStampedModel):
    """A MARC file uploaded for import, run by a Celery task that reports progress here."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")

    organization = models.ForeignKey(
        "office.Organization", on_delete=models.PROTECT, related_name="catalog_imports", verbose_name=_("office")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("file"), upload_to="cataloging/imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("records in file"), default=0)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # One row per record: {"number", "control_number", "outcome", "record_id", "message"}.
    report = models.JSONField(_("report"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = OfficeOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("MARC import")
        verbose_name_plural = _("MARC imports")

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return int(self.processed * 100 / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}

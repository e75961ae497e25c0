"""OAI-PMH 2.0 repository of the shared records: the six verbs, `oai_dc` and `marc21`
metadata, one set per contributing office, from/until at seconds granularity, and
resumption tokens.

Deleted records: a shared record never leaves the union catalog (`BibRecord.TRANSITIONS`
has no move out of approved, and records are protected from deletion), so the repository
declares `deletedRecord` "no". The datestamp is the record's `updated_at`, which every new
version and every workflow move touches.

Resumption tokens carry the whole request (prefix, set, range) and the last primary key
sent, signed so a harvester cannot forge one; paging by primary key stays correct while
records are added during a harvest.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any
from xml.etree.ElementTree import Element, register_namespace  # noqa: S405 (output only)

from django.core import signing
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cataloging import interop
from cataloging.interop import sub
from cataloging.models import BibRecord
from office.models import Organization

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
register_namespace("oai", OAI_NS)
register_namespace("oai_dc", OAI_DC_NS)

PAGE_SIZE = 100
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
TOKEN_SALT = "cataloging.oai.resumption"
FORMATS = {
    "oai_dc": (
        "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
        OAI_DC_NS,
    ),
    "marc21": (
        "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd",
        interop.MARC_NS,
    ),
}
VERBS: dict[str, tuple[set[str], set[str]]] = {  # verb -> (required, optional) arguments
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
}


class OaiError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _oai(tag: str) -> str:
    return f"{{{OAI_NS}}}{tag}"


def _stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def identifier_for(host: str, pk: int) -> str:
    return f"oai:{host}:{pk}"


def _record_pk(host: str, identifier: str) -> int:
    prefix = f"oai:{host}:"
    tail = identifier[len(prefix) :] if identifier.startswith(prefix) else ""
    # ASCII digits only ("²" is isdigit() but not int()), and no more than a bigint key has.
    if not (tail.isascii() and tail.isdigit()) or len(tail) > 18:
        raise OaiError("idDoesNotExist", "No such identifier in this repository.")
    return int(tail)


def parse_datestamp(value: str, *, until: bool) -> tuple[datetime.datetime, str]:
    """A UTC datestamp at day or second granularity; `until` days include the whole day."""
    for fmt, granularity in (("%Y-%m-%dT%H:%M:%SZ", "seconds"), ("%Y-%m-%d", "day")):
        try:
            moment = datetime.datetime.strptime(value, fmt).replace(tzinfo=datetime.UTC)
        except ValueError:
            continue
        if until:
            try:
                moment += datetime.timedelta(days=1) if granularity == "day" else datetime.timedelta(seconds=1)
            except OverflowError:  # until the calendar's last day or second: no upper bound
                moment = datetime.datetime.max.replace(tzinfo=datetime.UTC)
        return moment, granularity
    raise OaiError("badArgument", f"Not a datestamp of granularity {GRANULARITY} or YYYY-MM-DD.")


class Repository:
    def __init__(self, *, base_url: str, host: str) -> None:
        self.base_url = base_url
        self.host = host.split(":")[0]

    # --- the envelope ----------------------------------------------------------------------

    def respond(self, params: Mapping[str, list[str]]) -> bytes:
        root = Element(_oai("OAI-PMH"))
        root.set(f"{{{interop.XSI_NS}}}schemaLocation", f"{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
        sub(root, _oai("responseDate"), _stamp(timezone.now()))
        request = sub(root, _oai("request"), self.base_url)
        try:
            args = self._arguments(params)
            verb = args.pop("verb")
            for name, value in {"verb": verb, **args}.items():
                request.set(name, interop.clean(value))
            getattr(self, f"_{verb}")(sub(root, _oai(verb)), args)
        except OaiError as error:
            # badVerb and badArgument echo no attributes (the request was not understood).
            if error.code in ("badVerb", "badArgument"):
                request.attrib.clear()
            for child in list(root)[2:]:
                root.remove(child)
            sub(root, _oai("error"), error.message, code=error.code)
        return interop.serialize(root)

    def _arguments(self, params: Mapping[str, list[str]]) -> dict[str, str]:
        verbs = params.get("verb", [])
        if len(verbs) != 1 or verbs[0] not in VERBS:
            raise OaiError("badVerb", "Missing, repeated or illegal verb.")
        verb = verbs[0]
        required, optional = VERBS[verb]
        args: dict[str, str] = {}
        for name, values in params.items():
            # PostgreSQL text cannot hold NUL (a set of "east\0" was a 500), and no identifier,
            # prefix, set, date or token of ours contains one.
            if "\x00" in name or any("\x00" in value for value in values):
                raise OaiError("badArgument", "Arguments must not contain NUL characters.")
            if name == "verb":
                continue
            if name not in required | optional:
                raise OaiError("badArgument", f"Illegal argument {name} for {verb}.")
            if len(values) != 1:
                raise OaiError("badArgument", f"Repeated argument {name}.")
            args[name] = values[0]
        if "resumptionToken" in args:
            if len(args) > 1:
                raise OaiError("badArgument", "resumptionToken is an exclusive argument.")
        elif missing := required - set(args):
            raise OaiError("badArgument", f"Missing argument {sorted(missing)[0]}.")
        return {"verb": verb, **args}

    # --- verbs -----------------------------------------------------------------------------

    def _Identify(self, parent: Element, args: dict[str, str]) -> None:  # noqa: N802, ARG002
        earliest = interop.shared_records().order_by("updated_at").values_list("updated_at", flat=True).first()
        sub(parent, _oai("repositoryName"), "Union catalog (shared records)")
        sub(parent, _oai("baseURL"), self.base_url)
        sub(parent, _oai("protocolVersion"), "2.0")
        sub(parent, _oai("adminEmail"), _admin_email())
        sub(parent, _oai("earliestDatestamp"), _stamp(earliest or EARLIEST))
        sub(parent, _oai("deletedRecord"), "no")
        sub(parent, _oai("granularity"), GRANULARITY)

    def _ListMetadataFormats(self, parent: Element, args: dict[str, str]) -> None:  # noqa: N802
        if "identifier" in args:
            self._get(args["identifier"])  # idDoesNotExist for a record we do not publish
        for prefix, (schema, namespace) in FORMATS.items():
            element = sub(parent, _oai("metadataFormat"))
            sub(element, _oai("metadataPrefix"), prefix)
            sub(element, _oai("schema"), schema)
            sub(element, _oai("metadataNamespace"), namespace)

    def _ListSets(self, parent: Element, args: dict[str, str]) -> None:  # noqa: N802
        if "resumptionToken" in args:
            raise OaiError("badResumptionToken", "The set list is complete in one response.")
        offices = (
            Organization.objects.annotate(shared=Count("bib_records", filter=Q(bib_records__status="approved")))
            .filter(shared__gt=0)
            .order_by("code")
        )
        for office in offices:
            element = sub(parent, _oai("set"))
            sub(element, _oai("setSpec"), office.code)
            sub(element, _oai("setName"), office.name)

    def _GetRecord(self, parent: Element, args: dict[str, str]) -> None:  # noqa: N802
        prefix = self._prefix(args["metadataPrefix"])
        record = self._get(args["identifier"])
        self._record(parent, record, prefix, interop.current_marc([record]))

    def _ListIdentifiers(self, parent: Element, args: dict[str, str]) -> None:  # noqa: N802
        self._list(parent, args, with_metadata=False)

    def _ListRecords(self, parent: Element, args: dict[str, str]) -> None:  # noqa: N802
        self._list(parent, args, with_metadata=True)

    # --- helpers ---------------------------------------------------------------------------

    def _prefix(self, prefix: str) -> str:
        if prefix not in FORMATS:
            raise OaiError("cannotDisseminateFormat", f"Metadata format {prefix} is not supported.")
        return prefix

    def _get(self, identifier: str) -> BibRecord:
        record = interop.shared_records().filter(pk=_record_pk(self.host, identifier)).first()
        if record is None:
            raise OaiError("idDoesNotExist", "No such identifier in this repository.")
        return record

    def _selection(self, args: dict[str, str]) -> dict[str, Any]:
        if "resumptionToken" in args:
            try:
                state = signing.loads(args["resumptionToken"], salt=TOKEN_SALT)
            except signing.BadSignature:
                raise OaiError("badResumptionToken", "The resumption token is invalid.") from None
            if not isinstance(state, dict) or state.get("base") != self.base_url:
                raise OaiError("badResumptionToken", "The resumption token is invalid.")
            return state
        state: dict[str, Any] = {"base": self.base_url, "prefix": self._prefix(args["metadataPrefix"]), "after": 0}
        granularities = set()
        for name in ("from", "until"):
            if name in args:
                moment, granularity = parse_datestamp(args[name], until=name == "until")
                granularities.add(granularity)
                state[name] = moment.isoformat()
        if len(granularities) > 1:
            raise OaiError("badArgument", "from and until must have the same granularity.")
        if "from" in state and "until" in state and state["from"] >= state["until"]:
            raise OaiError("badArgument", "from is later than until.")
        if "set" in args:
            state["set"] = args["set"]
        return state

    def _queryset(self, state: dict[str, Any]) -> QuerySet[BibRecord]:
        qs = interop.shared_records()
        if "from" in state:
            qs = qs.filter(updated_at__gte=datetime.datetime.fromisoformat(state["from"]))
        if "until" in state:
            qs = qs.filter(updated_at__lt=datetime.datetime.fromisoformat(state["until"]))
        if "set" in state:
            qs = qs.filter(organization__code=state["set"])
        return qs.order_by("pk")

    def _list(self, parent: Element, args: dict[str, str], *, with_metadata: bool) -> None:
        state = self._selection(args)
        qs = self._queryset(state)
        page = list(qs.filter(pk__gt=state["after"])[: PAGE_SIZE + 1])
        more, page = len(page) > PAGE_SIZE, page[:PAGE_SIZE]
        if not page:
            if "resumptionToken" in args:
                raise OaiError("badResumptionToken", "The resumption token is no longer valid.")
            if "set" in state and not Organization.objects.filter(code=state["set"]).exists():
                raise OaiError("noRecordsMatch", "No such set in this repository.")
            raise OaiError("noRecordsMatch", "No records match the request.")
        marc_by_id = interop.current_marc(page) if with_metadata and state["prefix"] == "marc21" else {}
        for record in page:
            if with_metadata:
                self._record(parent, record, state["prefix"], marc_by_id)
            else:
                self._header(parent, record)
        cursor = int(state.get("cursor", 0))
        if more or "resumptionToken" in args:
            total = qs.count()
            token = ""
            if more:
                token = signing.dumps(
                    {**state, "after": page[-1].pk, "cursor": cursor + len(page)}, salt=TOKEN_SALT, compress=True
                )
            sub(parent, _oai("resumptionToken"), token, completeListSize=str(total), cursor=str(cursor))

    def _header(self, parent: Element, record: BibRecord) -> None:
        header = sub(parent, _oai("header"))
        sub(header, _oai("identifier"), identifier_for(self.host, record.pk))
        sub(header, _oai("datestamp"), _stamp(record.updated_at))
        sub(header, _oai("setSpec"), record.organization.code)

    def _record(self, parent: Element, record: BibRecord, prefix: str, marc_by_id: dict[int, Any]) -> None:
        element = sub(parent, _oai("record"))
        self._header(element, record)
        metadata = sub(element, _oai("metadata"))
        if prefix == "marc21":
            if record.pk in marc_by_id:
                node = interop.marcxml_element(marc_by_id[record.pk])
                node.set(
                    f"{{{interop.XSI_NS}}}schemaLocation",
                    f"{interop.MARC_NS} http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd",
                )
                metadata.append(node)
            return
        dc = sub(metadata, f"{{{OAI_DC_NS}}}dc")
        dc.set(f"{{{interop.XSI_NS}}}schemaLocation", f"{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
        interop.dc_into(dc, record)


def _admin_email() -> str:
    from django.conf import settings

    admins = getattr(settings, "ADMINS", None) or []
    if admins:
        return admins[0][1]
    return getattr(settings, "DEFAULT_FROM_EMAIL", "") or "catalog@localhost"

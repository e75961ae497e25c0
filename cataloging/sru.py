"""SRU 1.2 (Search/Retrieve via URL) over the shared records: `explain` and `searchRetrieve`
with a CQL subset, records as MARCXML or Dublin Core, errors as SRU diagnostics.

CQL supported: search clauses `[index relation] term` with the indexes `cql.anywhere`
(also `cql.serverChoice` and no index), `dc.title`, `dc.creator`, `dc.subject` and
`bath.isbn`; the relations `=`, `all`, `any`, `adj`, `==` and `exact`; the booleans `and`,
`or` and `not`, parentheses, and quoted terms. Anything else is a diagnostic, not a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element, register_namespace  # noqa: S405 (output only)

from django.db.models import Q, QuerySet

from cataloging import interop
from cataloging.interop import sub
from cataloging.marc import normalize_isbn
from cataloging.models import BibRecord, RecordIdentifier

SRW_NS = "http://www.loc.gov/zing/srw/"
DIAG_NS = "http://www.loc.gov/zing/srw/diagnostic/"
ZR_NS = "http://explain.z3950.org/dtd/2.0/"
SRW_DC_NS = "info:srw/schema/1/dc-schema"
for _prefix, _uri in {"srw": SRW_NS, "diag": DIAG_NS, "zr": ZR_NS, "srw_dc": SRW_DC_NS}.items():
    register_namespace(_prefix, _uri)

VERSION = "1.2"
DEFAULT_RECORDS = 10
MAX_RECORDS = 100
# Bounds on what a query may ask of the parser and the database. The parser recurses once per
# parenthesis and the boolean tree once per operator: without them a query nested a few
# hundred deep raised RecursionError (a 500 and a 2,800-line traceback per request), and
# thousands of `or`s made one SQL statement to match. No real client comes near them.
MAX_QUERY_LENGTH = 1000
MAX_NESTING = 32
MAX_BOOLEANS = 64
SCHEMAS = {  # short name -> identifier; both are accepted in recordSchema
    "marcxml": "info:srw/schema/1/marcxml-v1.1",
    "dc": "info:srw/schema/1/dc-v1.1",
}
SCHEMA_BY_ID = {identifier: name for name, identifier in SCHEMAS.items()}
INDEXES = {
    "cql.anywhere": "anywhere",
    "cql.serverchoice": "anywhere",
    "dc.title": "title",
    "dc.creator": "creator",
    "dc.subject": "subject",
    "bath.isbn": "isbn",
}
RELATIONS = {"=", "all", "any", "adj", "==", "exact"}
BOOLEANS = {"and", "or", "not"}
KNOWN_PARAMETERS = {
    "operation",
    "version",
    "query",
    "startRecord",
    "maximumRecords",
    "recordSchema",
    "recordPacking",
    "stylesheet",
    "sortKeys",
    "resultSetTTL",
    "recordXPath",
    "extraRequestData",
}


class Diagnostic(Exception):  # noqa: N818 (the SRU term)
    """An SRU diagnostic: `info:srw/diagnostic/1/<number>`, with details and a message."""

    def __init__(self, number: int, message: str, details: str = "") -> None:
        super().__init__(message)
        self.number, self.message, self.details = number, message, details


# --- CQL ---------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<paren>[()])"
    r'|(?P<quoted>"(?:\\.|[^"\\])*")'
    r"|(?P<rel><>|==|<=|>=|[=<>/])"
    r'|(?P<word>[^\s()"=<>/]+))'
)


@dataclass(frozen=True)
class Token:
    kind: str  # paren, quoted, rel, word
    text: str


def tokenize(query: str) -> list[Token]:
    tokens, position = [], 0
    query = query.rstrip()
    while position < len(query):
        match = _TOKEN.match(query, position)
        if match is None or match.end() == position:
            raise Diagnostic(10, "Query syntax error", query[position:][:50])
        kind = match.lastgroup or "word"
        text = match.group(kind)
        if kind == "quoted":
            text = re.sub(r"\\(.)", r"\1", text[1:-1])
        tokens.append(Token(kind, text))
        position = match.end()
    return tokens


@dataclass(frozen=True)
class Clause:
    index: str
    relation: str
    term: str


@dataclass(frozen=True)
class BoolNode:
    op: str
    left: Any
    right: Any


class Parser:
    """cql-query ::= scoped-clause; left-associative booleans; no prefixes, no sorting."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens, self.i = tokens, 0
        self.depth = self.booleans = 0

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise Diagnostic(10, "Query syntax error", "unexpected end of query")
        self.i += 1
        return token

    def parse(self) -> Any:
        if not self.tokens:
            raise Diagnostic(27, "Empty term unsupported")
        node = self.query()
        if self.peek() is not None:
            raise Diagnostic(10, "Query syntax error", self.peek().text)  # type: ignore[union-attr]
        return node

    def query(self) -> Any:
        node = self.term()
        while (token := self.peek()) is not None and token.kind == "word" and token.text.lower() in BOOLEANS | {"prox"}:
            op = self.take().text.lower()
            if op == "prox":
                raise Diagnostic(37, "Unsupported boolean operator", op)
            if (nxt := self.peek()) is not None and nxt.kind == "rel" and nxt.text == "/":
                raise Diagnostic(46, "Unsupported boolean modifier", op)
            self.booleans += 1
            if self.booleans > MAX_BOOLEANS:
                raise Diagnostic(38, "Too many boolean operators in query", str(MAX_BOOLEANS))
            node = BoolNode(op, node, self.term())
        return node

    def term(self) -> Any:
        token = self.take()
        if token.kind == "paren" and token.text == "(":
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise Diagnostic(13, "Invalid or unsupported use of parentheses", f"nested deeper than {MAX_NESTING}")
            node = self.query()
            self.depth -= 1
            closing = self.take()
            if closing.kind != "paren" or closing.text != ")":
                raise Diagnostic(13, "Invalid or unsupported use of parentheses", closing.text)
            return node
        if token.kind not in ("word", "quoted"):
            raise Diagnostic(10, "Query syntax error", token.text)
        nxt = self.peek()
        relation_follows = nxt is not None and (
            nxt.kind == "rel" or (nxt.kind == "word" and nxt.text.lower() in RELATIONS - {"=", "=="})
        )
        if not relation_follows or token.kind == "quoted":
            return Clause("cql.serverchoice", "=", token.text)
        index = token.text.lower()
        relation = self.take().text.lower()
        if relation not in RELATIONS:
            raise Diagnostic(19, "Unsupported relation", relation)
        if (modifier := self.peek()) is not None and modifier.kind == "rel" and modifier.text == "/":
            raise Diagnostic(20, "Unsupported relation modifier", relation)
        term = self.take()
        if term.kind not in ("word", "quoted"):
            raise Diagnostic(10, "Query syntax error", term.text)
        if index not in INDEXES:
            raise Diagnostic(16, "Unsupported index", token.text)
        return Clause(index, relation, term.text)


def parse_cql(query: str) -> Any:
    if len(query) > MAX_QUERY_LENGTH:
        raise Diagnostic(12, "Too many characters in query", str(MAX_QUERY_LENGTH))
    return Parser(tokenize(query)).parse()


_FIELDS = {"anywhere": ["search_text"], "title": ["title"], "creator": ["authors", "responsibility"]}
_FIELDS["subject"] = ["subjects"]


def _contains(kind: str, text: str) -> Q:
    condition = Q()
    for name in _FIELDS[kind]:
        condition |= Q(**{f"{name}__icontains": text})
    return condition


def clause_q(clause: Clause) -> Q:
    kind = INDEXES[clause.index]
    term = clause.term.replace("*", "").strip()  # truncation: the match is a substring anyway
    if kind == "isbn":
        isbn = normalize_isbn(term)
        ids = RecordIdentifier.objects.filter(scheme="isbn", value=isbn).values("record_id")
        return Q(pk__in=ids) if isbn else Q(pk__in=[])
    if not term:
        if clause.term.strip() == "*":
            return Q()  # "*" alone: every record
        raise Diagnostic(27, "Empty term unsupported")
    if clause.relation in ("adj", "==", "exact"):
        return _contains(kind, term)
    words = term.split()
    condition = _contains(kind, words[0])
    for word in words[1:]:
        condition = condition | _contains(kind, word) if clause.relation == "any" else condition & _contains(kind, word)
    return condition


def to_q(node: Any) -> Q:
    if isinstance(node, Clause):
        return clause_q(node)
    left, right = to_q(node.left), to_q(node.right)
    if node.op == "and":
        return left & right
    if node.op == "or":
        return left | right
    return left & ~right


def search(query: str) -> QuerySet[BibRecord]:
    return interop.shared_records().filter(to_q(parse_cql(query))).order_by("title", "pk")


# --- responses ---------------------------------------------------------------------------------


def _srw(tag: str) -> str:
    return f"{{{SRW_NS}}}{tag}"


def _diagnostics(parent: Element, diagnostics: list[Diagnostic]) -> None:
    if not diagnostics:
        return
    box = interop.sub(parent, _srw("diagnostics"))
    for diagnostic in diagnostics:
        element = sub(box, f"{{{DIAG_NS}}}diagnostic")
        sub(element, f"{{{DIAG_NS}}}uri", f"info:srw/diagnostic/1/{diagnostic.number}")
        if diagnostic.details:
            sub(element, f"{{{DIAG_NS}}}details", diagnostic.details)
        sub(element, f"{{{DIAG_NS}}}message", diagnostic.message)


def explain(base_url: str, host: str, diagnostics: list[Diagnostic] | None = None) -> bytes:
    root = Element(_srw("explainResponse"))
    sub(root, _srw("version"), VERSION)
    record = sub(root, _srw("record"))
    sub(record, _srw("recordSchema"), "http://explain.z3950.org/dtd/2.0/")
    sub(record, _srw("recordPacking"), "xml")
    data = sub(record, _srw("recordData"))
    zr = sub(data, f"{{{ZR_NS}}}explain")
    server = sub(zr, f"{{{ZR_NS}}}serverInfo", protocol="SRU", version=VERSION)
    hostname, _colon, port = host.partition(":")
    sub(server, f"{{{ZR_NS}}}host", hostname)
    sub(server, f"{{{ZR_NS}}}port", port or "80")
    sub(server, f"{{{ZR_NS}}}database", base_url.lstrip("/") or "sru")
    info = sub(zr, f"{{{ZR_NS}}}databaseInfo")
    sub(info, f"{{{ZR_NS}}}title", "Union catalog (shared records)", lang="en", primary="true")
    sub(info, f"{{{ZR_NS}}}description", "MARC 21 records shared by the member offices.", lang="en")
    index_info = sub(zr, f"{{{ZR_NS}}}indexInfo")
    sub(index_info, f"{{{ZR_NS}}}set", name="cql", identifier="info:srw/cql-context-set/1/cql-v1.2")
    sub(index_info, f"{{{ZR_NS}}}set", name="dc", identifier="info:srw/cql-context-set/1/dc-v1.1")
    sub(index_info, f"{{{ZR_NS}}}set", name="bath", identifier="http://zing.z3950.org/cql/bath/2.0/")
    for name in ("cql.anywhere", "dc.title", "dc.creator", "dc.subject", "bath.isbn"):
        context_set, index = name.split(".")
        element = sub(index_info, f"{{{ZR_NS}}}index", search="true", scan="false", sort="false")
        sub(element, f"{{{ZR_NS}}}title", index)
        mapping = sub(element, f"{{{ZR_NS}}}map")
        sub(mapping, f"{{{ZR_NS}}}name", index, set=context_set)
    schema_info = sub(zr, f"{{{ZR_NS}}}schemaInfo")
    for name, identifier in SCHEMAS.items():
        schema = sub(schema_info, f"{{{ZR_NS}}}schema", identifier=identifier, name=name, sort="false")
        sub(schema, f"{{{ZR_NS}}}title", "MARCXML" if name == "marcxml" else "Dublin Core")
    config = sub(zr, f"{{{ZR_NS}}}configInfo")
    sub(config, f"{{{ZR_NS}}}default", str(DEFAULT_RECORDS), type="numberOfRecords")
    sub(config, f"{{{ZR_NS}}}default", "marcxml", type="retrieveSchema")
    sub(config, f"{{{ZR_NS}}}setting", str(MAX_RECORDS), type="maximumRecords")
    _diagnostics(root, diagnostics or [])
    return interop.serialize(root)


def _positive(params: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    raw = params.get(name, "")
    if raw == "":
        return default
    # isdigit() is true of "²", which int() refuses; no position or count of ours has ten
    # digits, and a longer one was an OFFSET past bigint (or past int()'s 4,300 digits).
    if not (raw.isascii() and raw.isdigit()) or len(raw.lstrip("0")) > 9 or int(raw) < minimum:
        raise Diagnostic(6, "Unsupported parameter value", name)
    return int(raw)


def search_retrieve(params: Mapping[str, str]) -> bytes:
    root = Element(_srw("searchRetrieveResponse"))
    sub(root, _srw("version"), VERSION)
    query = params.get("query", "")
    try:
        if not query:
            raise Diagnostic(7, "Mandatory parameter not supplied", "query")
        start = _positive(params, "startRecord", 1, 1)
        maximum = min(_positive(params, "maximumRecords", DEFAULT_RECORDS, 0), MAX_RECORDS)
        schema = params.get("recordSchema", "") or "marcxml"
        schema = SCHEMA_BY_ID.get(schema, schema)
        if schema not in SCHEMAS:
            raise Diagnostic(66, "Unknown schema for retrieval", params.get("recordSchema", ""))
        if params.get("recordPacking", "xml") != "xml":
            raise Diagnostic(71, "Unsupported record data packing", params.get("recordPacking", ""))
        if params.get("sortKeys"):
            raise Diagnostic(80, "Sort not supported")
        results = search(query)
        total = results.count()
        if total and start > total:
            raise Diagnostic(61, "First record position out of range", str(start))
    except Diagnostic as diagnostic:
        sub(root, _srw("numberOfRecords"), "0")
        _echo(root, params)
        _diagnostics(root, [diagnostic])
        return interop.serialize(root)

    sub(root, _srw("numberOfRecords"), str(total))
    page = list(results[start - 1 : start - 1 + maximum]) if maximum else []
    if page:
        records = sub(root, _srw("records"))
        marc_by_id = interop.current_marc(page) if schema == "marcxml" else {}
        for position, record in enumerate(page, start=start):
            element = sub(records, _srw("record"))
            sub(element, _srw("recordSchema"), SCHEMAS[schema])
            sub(element, _srw("recordPacking"), "xml")
            data = sub(element, _srw("recordData"))
            if schema == "marcxml":
                if record.pk in marc_by_id:
                    data.append(interop.marcxml_element(marc_by_id[record.pk]))
            else:
                interop.dc_into(sub(data, f"{{{SRW_DC_NS}}}dc"), record)
            sub(element, _srw("recordPosition"), str(position))
    if start - 1 + len(page) < total and page:
        sub(root, _srw("nextRecordPosition"), str(start + len(page)))
    _echo(root, params)
    return interop.serialize(root)


def _echo(root: Element, params: Mapping[str, str]) -> None:
    echo = sub(root, _srw("echoedSearchRetrieveRequest"))
    sub(echo, _srw("version"), params.get("version", VERSION))
    for name in ("query", "startRecord", "maximumRecords", "recordPacking", "recordSchema"):
        if params.get(name):
            sub(echo, _srw(name), params[name])


def respond(params: Mapping[str, str], *, base_url: str, host: str) -> bytes:
    """The response document for one request (always HTTP 200: errors are diagnostics)."""
    unknown = [name for name in params if name not in KNOWN_PARAMETERS and not name.startswith("x-")]
    operation = params.get("operation", "") or ("searchRetrieve" if params.get("query") else "explain")
    version = params.get("version", "")
    problems: list[Diagnostic] = []
    if nul := _nul_diagnostic(params):
        problems.append(nul)
    elif version and version != VERSION:
        problems.append(Diagnostic(5, "Unsupported version", VERSION))
    elif unknown:
        problems.append(Diagnostic(8, "Unsupported parameter", unknown[0]))
    elif operation not in ("explain", "searchRetrieve"):
        problems.append(Diagnostic(4, "Unsupported operation", operation))
    elif operation == "searchRetrieve" and not version:
        problems.append(Diagnostic(7, "Mandatory parameter not supplied", "version"))
    if operation == "searchRetrieve" and not problems:
        return search_retrieve(params)
    if operation == "searchRetrieve":
        root = Element(_srw("searchRetrieveResponse"))
        sub(root, _srw("version"), VERSION)
        sub(root, _srw("numberOfRecords"), "0")
        _diagnostics(root, problems)
        return interop.serialize(root)
    return explain(base_url, host, problems)


def _nul_diagnostic(params: Mapping[str, str]) -> Diagnostic | None:
    """NUL cannot reach PostgreSQL (text cannot hold it) nor XML: in the query it is a syntax
    error, in another parameter an unsupported value, in a parameter's name an unsupported
    parameter. The details never echo the NUL."""
    for name, value in params.items():
        if "\x00" in name:
            return Diagnostic(8, "Unsupported parameter", interop.clean(name))
        if "\x00" in value:
            if name == "query":
                return Diagnostic(10, "Query syntax error", "NUL character in query")
            return Diagnostic(6, "Unsupported parameter value", name)
    return None

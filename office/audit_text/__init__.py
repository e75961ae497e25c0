"""An audit event as a sentence in the reader's language, built when read (issue 20).

`AuditEvent` stores codes: `verb` is `<app>.<entity>.<action>`, `data` a JSON dict of
machine values (amounts in minor units, status codes, ids, booleans). Nothing here is
stored: each page renders the event in the language of whoever reads it —

- the object: the target model's `verbose_name` (translated) and its name (a person's
  display name for a user; a few objects' names read live, `links.NAMES`; otherwise the name
  it had when the event was written);
- the action: the verb's last segment looked up in `ACTIONS` (a few verbs whose meaning takes
  a whole sentence have their own entry in `SENTENCES`); an unknown one is humanised;
- the actor: the person's display name, or "system" when nobody acted;
- the details: keys through `KEYS`, `*_minor` values as money (`office.money.format_money`),
  booleans as yes/no, None as "—", status codes as the target's status labels, other codes
  (a payment's purpose, where a change came from) through `codes.VALUES`, dates by locale,
  internal ids hidden (a payment id becomes a link when the reader may open the payment).

The object is a link when `links` knows its detail page and the reader may open it (the
model's `visible_to(reader)`, or its app's own guard in `links.OPENERS`; people: the
leadership of their office).

Use `lines_for(events, reader)` once per page (one query for all its objects, not one per row).

The modules: `words` (actions, sentences, entities), `keys` (data keys), `codes` (coded
values), `links` (pages, guards, live names), `objects` (loading), `details`, `render`."""

from office.audit_text.base import AuditLine, Detail, action_text, actor_name, humanise
from office.audit_text.keys import ID_KEYS, KEYS, LINKED_KEYS, NAMED_KEYS, PERSON_KEYS, STATUS_KEYS
from office.audit_text.links import LINKS, NAMES, OPENERS
from office.audit_text.render import line_for, lines_for
from office.audit_text.words import ACTIONS, ENTITIES, SENTENCES

__all__ = [
    "ACTIONS",
    "ENTITIES",
    "ID_KEYS",
    "KEYS",
    "LINKED_KEYS",
    "LINKS",
    "NAMED_KEYS",
    "NAMES",
    "OPENERS",
    "PERSON_KEYS",
    "SENTENCES",
    "STATUS_KEYS",
    "AuditLine",
    "Detail",
    "action_text",
    "actor_name",
    "humanise",
    "line_for",
    "lines_for",
]

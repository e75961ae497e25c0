"""The editable text form of a record (MARC mnemonic, one field a line)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from pymarc import Field, Indicators, Leader, Record, Subfield


def record_to_text(record: Record) -> str:
    """`LDR …` then `245 10 $aTitle /$cAuthor.`; blank indicators are `#`, `$` in data `{dollar}`."""
    lines = [f"LDR {record.leader}"]
    for f in record.fields:
        if f.is_control_field():
            lines.append(f"{f.tag} {f.data}")
        else:
            ind = (f.indicator1 or " ") + (f.indicator2 or " ")
            subs = "".join(f"${sf.code}{sf.value.replace('$', '{dollar}')}" for sf in f.subfields)
            lines.append(f"{f.tag} {ind.replace(' ', '#')} {subs}")
    return "\n".join(lines)


def record_from_text(text: str) -> Record:
    """Parse `record_to_text` output; ValueError names the line that is wrong."""
    record = Record(force_utf8=True, leader="00000nam a2200000 i 4500")
    seen_field = False
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        tag, body = line[:3], line[4:]
        if tag == "LDR":
            leader = body.ljust(24)[:24]
            record.leader = Leader(leader)
            continue
        if len(tag) != 3 or not tag.isalnum() or (len(line) > 3 and line[3] != " "):
            raise ValueError(_("Line %(n)d: start with a three-character tag and a space.") % {"n": number})
        if tag < "010" and tag.isdigit():
            record.add_field(Field(tag=tag, data=body))
        else:
            if len(body) < 4 or body[2] != " " or not body[3:].startswith("$"):
                raise ValueError(_("Line %(n)d: write two indicators (# for blank), a space, then $a…") % {"n": number})
            ind = body[:2].replace("#", " ")
            subfields = [
                Subfield(code=part[0], value=part[1:].replace("{dollar}", "$")) for part in body[4:].split("$") if part
            ]
            record.add_field(Field(tag=tag, indicators=Indicators(ind[0], ind[1]), subfields=subfields))
        seen_field = True
    if not seen_field:
        raise ValueError(_("The record has no fields."))
    return record

#!/usr/bin/python3
"""Validate EPCIS 2.0 JSON documents against GS1's EPCIS 2.0 JSON schema.

    test/epcis/validate.py SCHEMA_DIR DOC.json [DOC.json ...]

SCHEMA_DIR holds EPCIS-JSON-Schema.json (GS1's file, read where it is: it
is not part of lottrace).  Uses Debian's python3-jsonschema with format
checking (date-time: RFC 3339; uri).  Prints each document's verdict and
every violation; exits 1 on any.
"""
import json
import sys

import jsonschema


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(f"{argv[1]}/EPCIS-JSON-Schema.json", encoding="utf-8") as f:
        schema = json.load(f)
    checker = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    bad = 0
    for path in argv[2:]:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        errors = sorted(checker.iter_errors(doc), key=lambda e: list(e.absolute_path))
        events = len(doc.get("epcisBody", {}).get("eventList", []))
        print(f"{path}: {events} events, {len(errors)} violations")
        for e in errors:
            print(f"  at {'/'.join(map(str, e.absolute_path)) or '(document)'}: {e.message}")
        bad += bool(errors)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

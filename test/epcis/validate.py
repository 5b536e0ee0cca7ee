#!/usr/bin/python3
"""Validate EPCIS 2.0 JSON documents against GS1's EPCIS 2.0 JSON schema.

    test/epcis/validate.py DOC.json [DOC.json ...]

GS1's EPCIS-JSON-Schema.json is read where it is, not copied into lottrace:
from $LOTTRACE_EPCIS_SCHEMA (a directory) if set, or else from ../shared/epcis
beside this checkout, else from /work/shared/epcis.  Without it the check
cannot run, and that is an error (exit 2), not a pass.

Uses Debian's python3-jsonschema with format checking: date-time strictly
as RFC 3339 (checked here), uri.  Prints each document's verdict and every
violation; exits 1 on any.
"""
import datetime
import json
import os
import re
import sys

import jsonschema
import rfc3987  # noqa: F401 -- without it jsonschema skips format "uri" silently

# Strict RFC 3339 date-time (section 5.6): jsonschema checks "date-time"
# only with an optional module Debian 12 does not install by default, so the
# check is here, registered on the format checker.
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def rfc3339(value):
    if not isinstance(value, str):
        return True
    if not RFC3339.match(value):
        return False
    text = value.upper().replace("Z", "+00:00")
    frac = re.search(r"\.(\d+)", text)
    if frac:  # fromisoformat of Python 3.11 takes 6 fraction digits at most
        text = text.replace(frac.group(0), "." + (frac.group(1) + "000000")[:6])
    try:
        datetime.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


SCHEMA = "EPCIS-JSON-Schema.json"


def schema_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    tried = ([os.environ["LOTTRACE_EPCIS_SCHEMA"]] if os.environ.get("LOTTRACE_EPCIS_SCHEMA") else
             [os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "epcis")),
              "/work/shared/epcis"])
    for d in tried:
        if os.path.isfile(os.path.join(d, SCHEMA)):
            return d
    print(f"{SCHEMA} not found in {', '.join(tried)}: set LOTTRACE_EPCIS_SCHEMA "
          "to the directory holding GS1's EPCIS 2.0 schema", file=sys.stderr)
    sys.exit(2)


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    where = schema_dir()
    with open(os.path.join(where, SCHEMA), encoding="utf-8") as f:
        schema = json.load(f)
    print(f"schema: {os.path.join(where, SCHEMA)}")
    formats = jsonschema.FormatChecker()
    formats.checks("date-time")(rfc3339)
    if formats.conforms("not a URI", "uri"):
        print("format 'uri' is not checked (python3-rfc3987 missing?)", file=sys.stderr)
        return 2
    checker = jsonschema.Draft7Validator(schema, format_checker=formats)
    bad = 0
    for path in argv[1:]:
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

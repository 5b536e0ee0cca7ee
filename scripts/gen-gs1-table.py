#!/usr/bin/env python3
"""Generate src/gs1_table.c: lottrace's table of GS1 Application Identifiers.

    scripts/gen-gs1-table.py DICTIONARY [ISO_CODES_JSON_DIR] > src/gs1_table.c

DICTIONARY is the GS1 Barcode Syntax Dictionary (the plain-text release that
GS1 publishes under the Apache-2.0 licence).  ISO_CODES_JSON_DIR is Debian's
iso-codes JSON directory (default /usr/share/iso-codes/json) and supplies the
ISO 3166-1 and ISO 4217 code lists.  Only facts are taken over (AI, flags,
component formats, linter names, dlpkey/req/ex attributes); titles and
comments are not.  The output is committed, so building lottrace needs
neither input.  Python 3 standard library only.
"""

import json
import os
import re
import sys

# Linters the C core implements (GS1_LINT_<NAME>), and the ones it accepts
# without a deep check.  A linter name the dictionary introduces that is in
# neither set stops the generator: decide what to do with it first.
CHECKED = {
    "csum", "csumalpha", "gcppos1", "gcppos2",
    "yymmd0", "yymmdd", "yyyymmdd", "hh", "mi", "ss", "hhmi",
    "iso3166", "iso3166999", "iso3166alpha2", "iso4217", "iso5218",
    "yesno", "zero", "nonzero", "winding", "hyphen", "nozeroprefix",
    "hasnondigit", "pieceoftotal", "posinseqslash", "latitude", "longitude",
    "importeridx", "mediatype", "iban", "pcenc",
}
ACCEPTED = {"packagetype", "couponcode", "couponposoffer"}

FLAG_CHARS = set("*!?\"$%&'()+,-./:;<=>@[\\]^_`{|}~")
COMP_RE = re.compile(r"^(\[)?([NXYZ])(\.\.)?(\d+)(\])?((?:,[a-z0-9]+)*)$")
CSET = {"N": "GS1_CSET_N", "X": "GS1_CSET_X", "Y": "GS1_CSET_Y", "Z": "GS1_CSET_Z"}

# ISO 4217 numeric codes assigned after the iso-codes release used here.
ISO4217_SUPPLEMENT = {"924", "532"}		# ZWG (2024), XCG (2025)


def die(msg):
    sys.stderr.write("gen-gs1-table: %s\n" % msg)
    sys.exit(1)


def c_str(s):
    return "NULL" if s is None else '"%s"' % s


def parse_dictionary(path):
    release = None
    entries = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            m = re.match(r"^#\s*Release:\s*(\S+)", line)
            if m:
                release = m.group(1)
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            body = line.split("#", 1)[0]
            tok = body.split()
            ais = tok.pop(0)
            flags = ""
            if tok and set(tok[0]) <= FLAG_CHARS:
                flags = tok.pop(0)
            comps, attrs = [], []
            for t in tok:
                if "=" in t or t == "dlpkey":
                    attrs.append(t)
                elif attrs:
                    die("line %d: component %r after attributes" % (lineno, t))
                else:
                    comps.append(t)
            m = re.match(r"^(\d+)(?:-(\d+))?$", ais)
            if not m:
                die("line %d: bad AI %r" % (lineno, ais))
            lo = m.group(1)
            hi = m.group(2) or lo
            if len(lo) != len(hi) or not 2 <= len(lo) <= 4:
                die("line %d: bad AI range %r" % (lineno, ais))
            spec = parse_components(lineno, comps)
            attr = parse_attrs(lineno, attrs)
            for n in range(int(lo), int(hi) + 1):
                ai = str(n).zfill(len(lo))
                if ai in entries:
                    die("line %d: AI %s defined twice" % (lineno, ai))
                entries[ai] = (flags, spec, attr)
    if release is None:
        die("no release date found in the dictionary")
    return release, entries


def parse_components(lineno, comps):
    out = []
    seen_optional = False
    for i, c in enumerate(comps):
        m = COMP_RE.match(c)
        if not m:
            die("line %d: bad component %r" % (lineno, c))
        opt = m.group(1) is not None
        if opt != (m.group(5) is not None):
            die("line %d: unbalanced brackets in %r" % (lineno, c))
        variable = m.group(3) is not None
        n = int(m.group(4))
        if variable and i != len(comps) - 1:
            die("line %d: variable-length component not last" % lineno)
        if seen_optional and not opt:
            die("line %d: mandatory component after optional one" % lineno)
        seen_optional = seen_optional or opt
        lints = [x for x in m.group(6).split(",") if x]
        for l in lints:
            if l not in CHECKED and l not in ACCEPTED:
                die("line %d: unknown linter %r (add it to CHECKED or ACCEPTED)" % (lineno, l))
        if len(lints) > 4:
            die("line %d: more than 4 linters on a component" % lineno)
        out.append((m.group(2), 1 if variable else n, n, opt, lints))
    if not out or len(out) > 5:
        die("line %d: 1 to 5 components expected" % lineno)
    return out


def parse_attrs(lineno, attrs):
    dlpkey, req, ex = None, [], []
    for a in attrs:
        if a == "dlpkey":
            dlpkey = ""
        elif a.startswith("dlpkey="):
            dlpkey = a[len("dlpkey="):]
        elif a.startswith("req="):
            req.append(a[len("req="):])
        elif a.startswith("ex="):
            ex.append(a[len("ex="):])
        else:
            die("line %d: unknown attribute %r" % (lineno, a))
    for v in req + ex + ([dlpkey] if dlpkey else []):
        if not re.match(r"^[0-9n+,|]+$", v):
            die("line %d: unexpected attribute value %r" % (lineno, v))
    return (dlpkey, " ".join(req) if req else None, ",".join(ex) if ex else None)


def iso_lists(d):
    with open(os.path.join(d, "iso_3166-1.json"), encoding="utf-8") as f:
        c = json.load(f)["3166-1"]
    with open(os.path.join(d, "iso_4217.json"), encoding="utf-8") as f:
        cur = json.load(f)["4217"]
    num = sorted({int(x["numeric"]) for x in c})
    a2 = sorted({x["alpha_2"] for x in c})
    cnum = sorted({int(x["numeric"]) for x in cur if "numeric" in x} |
                  {int(x) for x in ISO4217_SUPPLEMENT})
    return num, a2, cnum


def wrap(items, per=12, indent="\t"):
    lines = []
    for i in range(0, len(items), per):
        lines.append(indent + ", ".join(items[i:i + per]) + ",")
    return "\n".join(lines)


def main():
    if len(sys.argv) not in (2, 3):
        die("usage: gen-gs1-table.py DICTIONARY [ISO_CODES_JSON_DIR]")
    release, entries = parse_dictionary(sys.argv[1])
    isodir = sys.argv[2] if len(sys.argv) == 3 else "/usr/share/iso-codes/json"
    num, a2, cnum = iso_lists(isodir)

    ais = sorted(entries)
    # The raw element-string parser relies on no AI being a prefix of another.
    for a in ais:
        for b in ais:
            if a != b and b.startswith(a):
                die("AI %s is a prefix of AI %s" % (a, b))
    # Every AI named as a qualifier must exist.
    for a in ais:
        dl = entries[a][2][0]
        if dl:
            for alt in dl.split("|"):
                for q in alt.split(","):
                    if q not in entries:
                        die("AI %s: unknown qualifier %s" % (a, q))

    o = []
    o.append("/*")
    o.append(" * gs1_table.c — GS1 Application Identifiers and ISO code lists for the GS1")
    o.append(" * parser (gs1_core.c).")
    o.append(" *")
    o.append(" * GENERATED by scripts/gen-gs1-table.py; do not edit by hand.")
    o.append(" *")
    o.append(" * Facts derived from the GS1 Barcode Syntax Dictionary, release %s" % release)
    o.append(" * (GS1 AISBL, Apache License 2.0).  ISO 3166-1 and ISO 4217 numeric codes")
    o.append(" * from Debian's iso-codes, plus ISO 4217 codes assigned since (%s)."
             % ", ".join(sorted(ISO4217_SUPPLEMENT)))
    o.append(" */")
    o.append('#include "gs1_core.h"')
    o.append("")
    o.append('const char gs1_dictionary_release[] = "%s";' % release)
    o.append("")
    o.append("const gs1_ai_def gs1_ai_table[] = {")
    for a in ais:
        flags, spec, (dlpkey, req, ex) = entries[a]
        fl = []
        if "*" in flags:
            fl.append("GS1_AI_PREDEF")
        if "?" in flags:
            fl.append("GS1_AI_DLATTR")
        minlen = sum(c[1] for c in spec if not c[3])
        maxlen = sum(c[2] for c in spec)
        if "*" in flags and minlen != maxlen:
            die("AI %s: predefined length but variable format" % a)
        comps = []
        for cs, mn, mx, opt, lints in spec:
            lt = ", ".join("GS1_LINT_" + l.upper() for l in lints) or "0"
            comps.append("{%s, %d, %d, %s, {%s}}" % (CSET[cs], mn, mx,
                                                     "true" if opt else "false", lt))
        o.append('\t{"%s", %d, %s, %d, %d, %d, {%s}, %s, %s, %s},' % (
            a, len(a), " | ".join(fl) or "0", minlen, maxlen, len(spec),
            ", ".join(comps), c_str(dlpkey), c_str(req), c_str(ex)))
    o.append("};")
    o.append("const int	gs1_ai_table_size = %d;" % len(ais))
    o.append("")
    o.append("/* ISO 3166-1 numeric country codes, ascending. */")
    o.append("const uint16_t gs1_iso3166_numeric[] = {")
    o.append(wrap([str(x) for x in num], 16))
    o.append("};")
    o.append("const int	gs1_iso3166_numeric_size = %d;" % len(num))
    o.append("")
    o.append("/* ISO 3166-1 alpha-2 country codes, ascending. */")
    o.append("const char gs1_iso3166_alpha2[][3] = {")
    o.append(wrap(['"%s"' % x for x in a2], 16))
    o.append("};")
    o.append("const int	gs1_iso3166_alpha2_size = %d;" % len(a2))
    o.append("")
    o.append("/* ISO 4217 numeric currency codes, ascending. */")
    o.append("const uint16_t gs1_iso4217_numeric[] = {")
    o.append(wrap([str(x) for x in cnum], 16))
    o.append("};")
    o.append("const int	gs1_iso4217_numeric_size = %d;" % len(cnum))
    print("\n".join(o))


if __name__ == "__main__":
    main()

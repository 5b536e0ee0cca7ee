#!/usr/bin/python3
"""Lot and serial codes through psycopg 3 (Debian's python3-psycopg), as an
ERP or reporting tool would use them: search_path "$user", public, so
lottrace is not on the path.  Run by test/shell/clients.sh:

    /usr/bin/python3 test/clients/psycopg_params.py CONNINFO

against a database with lottrace and the table stock_lot (id, lot lotcode,
sn serialcode, qty) holding 'LC<n>' / 'SN<n>' / n, indexed on lot and sn.

How psycopg 3 types a Python str parameter:
  * %s (text format): the "unknown" OID 0, so the server reads it as the
    other side's type, here lotcode -- code = code, and a bad code is 22P02;
  * %b (binary format): the text OID 25 -- the (code, text) operators:
    natural order, trimmed, a non-code simply equals nothing, index scan;
  * %s with StrDumper registered: text format, but the text OID 25.
Prints "ok: ..." per check; exits 1 if any check failed.
"""
import sys

import psycopg
from psycopg import pq
from psycopg.adapt import Dumper
from psycopg.types.string import StrDumper

failures = 0


def check(what, cond, detail=""):
    global failures
    if cond:
        print(f"ok: psycopg: {what}")
    else:
        failures += 1
        print(f"FAILED: psycopg: {what}" + (f" ({detail})" if detail else ""))


def one(cur, sql, params=None, **kw):
    cur.execute(sql, params, **kw)
    row = cur.fetchone()
    return row[0] if row else None


def plan(cur, sql, params=None):
    cur.execute("EXPLAIN (COSTS OFF) " + sql, params)
    return "\n".join(r[0] for r in cur.fetchall())


def uses_index(p):
    return ("Index Scan" in p or "Index Only Scan" in p or "Bitmap Index Scan" in p) \
        and "Seq Scan" not in p


def sqlstate_of(conn, sql, params):
    """The SQLSTATE the statement fails with, or None; the transaction is
    rolled back either way."""
    try:
        with conn.transaction():
            conn.execute(sql, params)
        return None
    except psycopg.Error as e:
        return e.sqlstate


class LotCode(str):
    """A str sent as a binary lotcode (lotcode_recv on the server)."""


def main():
    conn = psycopg.connect(sys.argv[1], autocommit=True)
    cur = conn.cursor()

    sp = one(cur, "SHOW search_path")
    check(f'search_path is the default ({sp})', sp == '"$user", public', sp)
    check("lottrace is not on the search_path",
          one(cur, "SELECT 'lottrace' <> ALL (current_schemas(true)::text[])"))

    # ------------------------------------------------- how str is typed
    t_bin = one(cur, "SELECT pg_typeof(%b)::text", ["L10"])
    check(f"%b sends str as text (pg_typeof: {t_bin})", t_bin == "text", t_bin)
    # %s sends OID 0: the server gives the parameter the type it infers,
    # here lotcode (a protocol-level prepared statement shows it)
    one(cur, "SELECT id FROM stock_lot WHERE lot = %s AND id > 0", ["LC3"], prepare=True)
    t_unk = one(cur, "SELECT parameter_types::text FROM pg_prepared_statements"
                " WHERE statement LIKE %b", ["%WHERE lot = $1 AND id > 0"])
    check(f"%s sends str as unknown: the server types it lotcode ({t_unk})",
          t_unk == "{lottrace.lotcode}", t_unk)

    # ------------------------------------------------ natural order
    check("'L2'::lottrace.lotcode < %b ('L10', text): natural order",
          one(cur, "SELECT 'L2'::lottrace.lotcode < %b", ["L10"]) is True)
    check("%b > 'L2'::lottrace.lotcode ('L10', text on the left)",
          one(cur, "SELECT %b > 'L2'::lottrace.lotcode", ["L10"]) is True)
    check("'S9'::lottrace.serialcode < %b ('S10', text)",
          one(cur, "SELECT 'S9'::lottrace.serialcode < %b", ["S10"]) is True)
    check("'L2'::lottrace.lotcode < %s ('L10', unknown -> lotcode)",
          one(cur, "SELECT 'L2'::lottrace.lotcode < %s", ["L10"]) is True)
    with conn.cursor() as tcur:
        tcur.adapters.register_dumper(str, StrDumper)   # text format, text OID
        check("StrDumper: %s is text-format text (pg_typeof)",
              one(tcur, "SELECT pg_typeof(%s)::text", ["x"]) == "text")
        check("'L2'::lottrace.lotcode < %s ('L10', text-format text)",
              one(tcur, "SELECT 'L2'::lottrace.lotcode < %s", ["L10"]) is True)
        check("text-format text: lot = %s (' LC3 ', trimmed) finds id 3",
              one(tcur, "SELECT id FROM stock_lot WHERE lot = %s", [" LC3 "]) == 3)
        p = plan(tcur, "SELECT id FROM stock_lot WHERE lot = %s", ["LC3"])
        check("text-format text: lot = %s is an index scan", uses_index(p), p)

    # the unknown OID reads the value as a code: a bad one is refused; as
    # text it is a text that equals no code
    # (two spaces in a row: no code since 1.1, when single spaces became valid)
    st = sqlstate_of(conn, "SELECT 'L2'::lottrace.lotcode = %s", ["L  2"])
    check(f"%s 'L  2' (unknown -> lotcode) fails with 22P02 (got {st})", st == "22P02")
    st = sqlstate_of(conn, "SELECT 'L2'::lottrace.lotcode = %b", ["L  2"])
    check(f"%b 'L  2' (text) is no error (got {st})", st is None)
    check("%b 'L  2' equals no code",
          one(cur, "SELECT count(*) FROM stock_lot WHERE lot = %b", ["L  2"]) == 0)

    # ------------------------------------------------ WHERE and the index
    check("WHERE lot = %b ('LC3') finds id 3",
          one(cur, "SELECT id FROM stock_lot WHERE lot = %b", ["LC3"]) == 3)
    check("WHERE lot = %b (' LC3 ', trimmed like input) finds id 3",
          one(cur, "SELECT id FROM stock_lot WHERE lot = %b", [" LC3 "]) == 3)
    check("WHERE %b = lot ('LC17') finds id 17",
          one(cur, "SELECT id FROM stock_lot WHERE %b = lot", ["LC17"]) == 17)
    check("WHERE sn = %b ('SN44') finds id 44",
          one(cur, "SELECT id FROM stock_lot WHERE sn = %b", ["SN44"]) == 44)
    check("count(*) WHERE lot < %b ('LC10') is 9 (natural order)",
          one(cur, "SELECT count(*) FROM stock_lot WHERE lot < %b", ["LC10"]) == 9)
    check("WHERE lot = %s ('LC3', unknown) finds id 3",
          one(cur, "SELECT id FROM stock_lot WHERE lot = %s", ["LC3"]) == 3)
    for sql, arg in (("SELECT id FROM stock_lot WHERE lot = %b", "LC3"),
                     ("SELECT id FROM stock_lot WHERE %b = lot", "LC3"),
                     ("SELECT id FROM stock_lot WHERE sn = %b", "SN44"),
                     ("SELECT id FROM stock_lot WHERE lot = ANY (%b)", ["LC3", "LC10"]),
                     ("SELECT id FROM stock_lot WHERE lot = %s", "LC3")):
        p = plan(cur, sql, [arg])
        check(f"EXPLAIN {sql} [{arg!r}]: index scan", uses_index(p), p)
    p = plan(cur, "SELECT id FROM stock_lot WHERE lot = %b", ["LC3"])
    check("EXPLAIN shows the (code, text) operator: Index Cond (lot = 'LC3'::text)",
          "(lot = 'LC3'::text)" in p, p)
    check("WHERE lot = ANY (%b) (text[]) finds ids 3, 10",
          [r[0] for r in cur.execute("SELECT id FROM stock_lot WHERE lot = ANY (%b) ORDER BY id",
                                     [["LC3", " LC10", "L  2"]])] == [3, 10])

    # ------------------------------------------------ server-side prepared
    # prepare=True: psycopg's own protocol-level prepared statement, typed
    # (text); after 5 custom plans the server may switch to a generic one.
    sql = "SELECT id FROM stock_lot WHERE lot = %b"
    for i in range(1, 9):
        got = one(cur, sql, [f"LC{i}"], prepare=True)
        if got != i:
            break
    check("prepare=True: 8 executions of lot = %b find the right ids", got == i == 8)
    row = cur.execute(
        "SELECT name, parameter_types::text, generic_plans, custom_plans FROM pg_prepared_statements"
        " WHERE statement LIKE %b", ["%WHERE lot = $1"]).fetchone()
    check(f"prepared statement: {row}", row is not None and row[1] == "{text}", row)
    if row:
        check("the server chose a generic plan (generic_plans > 0)", row[2] > 0, row)
        cur.execute("SET plan_cache_mode = force_generic_plan")
        p = plan(cur, f'EXECUTE "{row[0]}"(\'LC3\')')
        cur.execute("RESET plan_cache_mode")
        check("generic plan of the prepared lot = $1::text: index scan", uses_index(p), p)
        check("generic plan: Index Cond (lot = $1)", "(lot = $1)" in p, p)

    # ------------------------------------------------ ||
    check("lot || %b ('-x') = 'LC7-x'",
          one(cur, "SELECT lot || %b FROM stock_lot WHERE id = 7", ["-x"]) == "LC7-x")
    check("%b || lot ('x-') = 'x-LC7'",
          one(cur, "SELECT %b || lot FROM stock_lot WHERE id = 7", ["x-"]) == "x-LC7")
    check("lot || %s (' kg', unknown) = 'LC7 kg' (not read as a code)",
          one(cur, "SELECT lot || %s FROM stock_lot WHERE id = 7", [" kg"]) == "LC7 kg")
    check("pg_typeof(lot || %b) is text",
          one(cur, "SELECT pg_typeof(lot || %b)::text FROM stock_lot WHERE id = 7", ["x"]) == "text")
    check("string_agg(lot || '=' || qty, ',') = 'LC1=1,LC2=2,LC3=3'",
          one(cur, "SELECT string_agg(lot || '=' || qty, ',' ORDER BY id) FROM stock_lot WHERE id <= 3")
          == "LC1=1,LC2=2,LC3=3")
    check("string_agg(lot || %b || qty, %b)",
          one(cur, "SELECT string_agg(lot || %b || qty, %b ORDER BY id) FROM stock_lot WHERE id <= 2",
              ["=", ";"]) == "LC1=1;LC2=2")

    # ------------------------------------------------ results, text and binary
    row = cur.execute("SELECT lot, sn FROM stock_lot WHERE id = 7").fetchone()
    check(f"text format: lotcode and serialcode come back as str {row!r}", row == ("LC7", "SN7"))
    with conn.cursor(binary=True) as bcur:
        row = bcur.execute("SELECT lot, sn FROM stock_lot WHERE id = 7").fetchone()
        check(f"binary format: lotcode and serialcode are the raw bytes {row!r}",
              row == (b"LC7", b"SN7"))
        fmt_text = one(cur, "SELECT 'L{seq:4}-{yy}'::lottrace.codefmt")
        fmt_bin = one(bcur, "SELECT 'L{seq:4}-{yy}'::lottrace.codefmt")
        check(f"codefmt text output is canonical ({fmt_text!r})", fmt_text == "L{SEQ:4}-{YY}")
        check(f"codefmt binary: version byte 1, then the canonical text ({fmt_bin!r})",
              fmt_bin == b"\x01" + fmt_text.encode())

    # ------------------------------------------------ binary input of a code
    oids = dict(cur.execute("SELECT typname::text, oid::int FROM pg_type WHERE typnamespace ="
                            " 'lottrace'::regnamespace AND typname IN ('lotcode', 'codefmt')").fetchall())

    class LotCodeBinaryDumper(Dumper):
        format = pq.Format.BINARY
        oid = oids["lotcode"]

        def dump(self, obj):
            return obj.encode()

    with conn.cursor() as lcur:
        lcur.adapters.register_dumper(LotCode, LotCodeBinaryDumper)
        check("binary lotcode parameter: pg_typeof",
              one(lcur, "SELECT pg_typeof(%b)::text", [LotCode("LC3")]) == "lottrace.lotcode")
        check("binary lotcode parameter ' LC3 ' (trimmed like input) finds id 3",
              one(lcur, "SELECT id FROM stock_lot WHERE lot = %b", [LotCode(" LC3 ")]) == 3)
        # a code beyond GS1 character set 82 (1.1): the client encoding's bytes
        check("binary lotcode parameter 'Café 7' is the code 'Café 7'",
              one(lcur, "SELECT %b::text", [LotCode("Café 7")]) == "Café 7")
    with conn.cursor(binary=True) as bcur:
        got = one(bcur, "SELECT 'Café 7'::lottrace.lotcode")
        check(f"binary result of 'Café 7': its UTF-8 bytes ({got!r})", got == "Café 7".encode())
    for bad, want in (("L  2", "22P02"), ("L\t2", "22P02"), ("   ", "22P02"), ("L" * 51, "22001")):
        with conn.cursor() as lcur:
            lcur.adapters.register_dumper(LotCode, LotCodeBinaryDumper)
            try:
                lcur.execute("SELECT %b", [LotCode(bad)])
                st = None
            except psycopg.Error as e:
                st = e.sqlstate
        check(f"binary lotcode parameter {bad[:8]!r}: lotcode_recv refuses it with {want} (got {st})",
              st == want)

    conn.close()
    if failures:
        print(f"FAILED: psycopg: {failures} check(s) failed")
        sys.exit(1)
    print("ok: psycopg: all checks passed")


if __name__ == "__main__":
    try:
        main()
    except psycopg.Error as e:
        print(f"FAILED: psycopg: unexpected error {e.sqlstate}: {e}")
        sys.exit(1)

-- lottrace.codefmt: the code-format language, lottrace.render(),
-- lottrace.matches() and lottrace._code_root().
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
SET search_path = lottrace, public;

------------------------------------------------------------------------------
-- Canonical output
------------------------------------------------------------------------------

-- names are case-insensitive and printed upper case; white space around the
-- format is ignored; LEN is printed as a number; FILL "0" is the default
-- and left out, other FILLs kept; |ROOT kept as given (also the empty list)
SELECT f AS input, f::codefmt AS canonical
  FROM (VALUES ('{item}-{yyyy}{Mm}{dd}-{seq:4|item,yyyy}'),
               ('  L{Seq:06}  '),
               ('{SEQ:6:0}'),
               ('{SEQ:6:*}'),
               ('{ITEM:8:_}/{doc}'),
               ('{SEQ:6|}'),
               ('{alpha:3|Yl,ML,eyyyy}'),
               ('{SEQ:12}{CHK}'),
               ('A:B,C(1)!"%&''*+-./;<=>?_z'),
               ('{RAND:5}{YY}{Y}{DDD}{WW}{EYYYY}{EYY}{EMM}{EDD}'),
               ('{VARIANT}{CLASS:2}{CATEGORY}{ITEMTYPE}{LOTTYPE}{SUPPLIER}{SUPLOT:4:x}')) AS t(f);

-- the canonical text parses to itself: fmt::text::codefmt round-trips and
-- output(input(x)) is idempotent
SELECT f, f::codefmt::text::codefmt::text = f::codefmt::text AS round_trip,
       f::codefmt::text::codefmt::text::codefmt::text = f::codefmt::text AS idempotent
  FROM (VALUES ('{item}-{yyyy}{Mm}{dd}-{seq:4|item,yyyy}'), ('  L{Seq:06}  '),
               ('{SEQ:6|}'), ('{ITEM:8:_}/{doc}'), ('{SEQ:3::}'), ('{SEQ:3:,}')) AS t(f);

-- equality compares canonical text; the hash opclass makes DISTINCT work
SELECT '{item}'::codefmt = '{ITEM}'::codefmt AS same,
       '{SEQ:4:0}'::codefmt = '{SEQ:4}'::codefmt AS default_fill,
       '{SEQ:4}'::codefmt <> '{SEQ:5}'::codefmt AS differ,
       (SELECT count(*) FROM (SELECT DISTINCT f::codefmt
                                FROM unnest(ARRAY['{seq:4}', '{SEQ:04}', '{SEQ:4:0}', '{SEQ:4:x}']) f) s) AS distinct_formats;

-- text converts to codefmt on assignment
CREATE TEMP TABLE fmts (f codefmt);
INSERT INTO fmts SELECT '{doc}-{seq:3}'::text;
SELECT f FROM fmts;

------------------------------------------------------------------------------
-- Parse errors: SQLSTATE 22P02, the detail names the position and the problem
------------------------------------------------------------------------------

-- every kind of syntax error (the message is always: invalid code format
-- "<the format as written>")
SELECT what, left(f, 24) AS format, e.sqlstate,
       e.message = format('invalid code format "%s"', f) AS message_ok, e.detail
  FROM (VALUES
    ('empty',                  ''),
    ('only white space',       '   '),
    ('unknown name',           'A{FOO}'),
    ('unknown name (digits)',  '{SEQ6}'),
    ('missing name',           '{}'),
    ('missing name before :',  '{:4}'),
    ('SEQ without LEN',        '{SEQ}'),
    ('ALPHA without LEN',      '{ALPHA}'),
    ('RAND without LEN',       '{RAND}'),
    ('LEN missing after :',    '{SEQ:}'),
    ('LEN not a number',       '{SEQ:x}'),
    ('LEN 0',                  '{SEQ:0}'),
    ('SEQ LEN > 18',           '{SEQ:19}'),
    ('ALPHA LEN > 10',         '{ALPHA:11}'),
    ('RAND LEN > 50',          '{RAND:51}'),
    ('context LEN > 50',       '{ITEM:51}'),
    ('huge LEN',               '{SEQ:99999999999999999999}'),
    ('LEN on a date',          '{YYYY:4}'),
    ('LEN on YL',              '{YL:1}'),
    ('LEN on CHK',             '{SEQ:4}{CHK:1}'),
    ('FILL on ALPHA',          '{ALPHA:2:X}'),
    ('FILL on RAND',           '{RAND:2:X}'),
    ('FILL missing',           '{SEQ:4:}'),
    ('FILL is white space',    '{SEQ:4: }'),
    ('FILL outside set 82',    '{SEQ:4:#}'),
    ('FILL of 2 characters',   '{SEQ:4:ab}'),
    ('unterminated',           'AB{SEQ:4'),
    ('unterminated name',      'AB{ITEM'),
    ('unterminated root',      '{SEQ:4|ITEM'),
    ('stray }',                'A}B'),
    ('{ inside a segment',     '{{SEQ:4}'),
    ('white space inside',     'A B'),
    ('white space in segment', '{SEQ :4}'),
    ('character outside 82',   'A#B'),
    ('| outside a segment',    'A|B'),
    ('non-ASCII character',    'éA~'),
    ('second counter',         '{SEQ:4}-{ALPHA:2}'),
    ('two SEQs',               '{SEQ:2}{SEQ:2}'),
    ('|ROOT on a non-counter', '{ITEM|ITEM}'),
    ('unknown root name',      '{SEQ:4|FOO}'),
    ('root name not allowed',  '{SEQ:4|RAND}'),
    ('counter as root name',   '{SEQ:4|SEQ}'),
    ('duplicate root name',    '{SEQ:4|ITEM,yyyy,item}'),
    ('empty root name',        '{SEQ:4|ITEM,}'),
    ('empty first root name',  '{SEQ:4|,ITEM}'),
    ('bad root separator',     '{SEQ:4|ITEM;YYYY}'),
    ('CHK first',              '{CHK}'),
    ('CHK after a letter',     'A{SEQ:4}{CHK}'),
    ('CHK after ALPHA',        '{ALPHA:2}{CHK}'),
    ('CHK after RAND',         '{RAND:2}{CHK}'),
    ('CHK after YL',           '{YL}{YY}{CHK}'),
    ('CHK after ML',           '{ML}{CHK}'),
    ('CHK after SEQ with a non-digit FILL', '{SEQ:4:X}{CHK}'),
    ('too long: RAND',         '{RAND:50}X'),
    ('too long: LENs',         '{ITEM:30}{DOC:21}'),
    ('too long: literal',      repeat('A', 51)),
    ('too long: minimum of variable segments', repeat('{ITEM}', 51)),
    ('two variable segments between date parts', '{DD}{ITEM}{MM}{DOC}{YYYY}'),
    ('two variable segments between expiry parts', '{EYY}{ITEM}{DOC}{EMM}{EDD}')
  ) AS t(what, f),
  LATERAL pg_temp.err(format('SELECT %L::lottrace.codefmt', f)) AS e;

-- the error message quotes the whole format as written
SELECT * FROM pg_temp.err($$SELECT '{ITEM}-{SEQ:4}-{FOO:2}'::lottrace.codefmt$$);

-- allowed: one variable-length segment between the parts of a date, two
-- around them, and any number when no date parts are checked together
SELECT '{YY}{ITEM}{MM}{DD}'::codefmt, '{ITEM}{DD}{MM}{DOC}'::codefmt,
       '{DD}{ITEM}{DOC}{CLASS}'::codefmt, '{MM}{DD}{ITEM}{EMM}{DOC}{EDD}'::codefmt;

------------------------------------------------------------------------------
-- SEQ
------------------------------------------------------------------------------

-- SEQ renders the counter as-is, left-filled with 0 or with FILL
SELECT render('{SEQ:4}', NULL, 7) AS zero_filled, render('{SEQ:4}', NULL, 1234) AS full,
       render('{SEQ:4:*}', NULL, 7) AS star_filled, render('{SEQ:4}', NULL, 0) AS zero,
       render('{SEQ:18}', NULL, 999999999999999999) AS max18;

-- SEQ matches: LEN digits with FILL 0; FILL* then a canonical number otherwise
SELECT code, f, matches(code, f::codefmt)
  FROM (VALUES ('0007', '{SEQ:4}'), ('9999', '{SEQ:4}'), ('007', '{SEQ:4}'),
               ('00007', '{SEQ:4}'), ('00a7', '{SEQ:4}'),
               ('***7', '{SEQ:4:*}'), ('1234', '{SEQ:4:*}'), ('***0', '{SEQ:4:*}'),
               ('**07', '{SEQ:4:*}'), ('*1*4', '{SEQ:4:*}'), ('****', '{SEQ:4:*}'),
               ('7***', '{SEQ:4:*}')) AS t(code, f);

-- a counter value that does not fit LEN, or a negative one: 22003
SELECT * FROM pg_temp.err($$SELECT lottrace.render('{SEQ:4}', NULL, 10000)$$);
SELECT * FROM pg_temp.err($$SELECT lottrace.render('{SEQ:4}', NULL, -1)$$);

-- a format with a counter needs seq: 22023 with a hint
SELECT * FROM pg_temp.err($$SELECT lottrace.render('L{SEQ:4}', NULL)$$);

-- without a counter seq is not needed (and ignored when given)
SELECT render('ABC', NULL) AS no_seq, render('ABC', NULL, 5) AS seq_ignored;

------------------------------------------------------------------------------
-- ALPHA
------------------------------------------------------------------------------

-- ALPHA is base 26 with A = 0, fixed width
SELECT n, render('{ALPHA:2}', NULL, n)
  FROM unnest(ARRAY[0, 1, 25, 26, 27, 675]) AS n;

-- one letter and ten letters
SELECT render('{ALPHA:1}', NULL, 25) AS z,
       render('{ALPHA:10}', NULL, 141167095653375) AS max10;

-- ALPHA past its width, or negative: 22003
SELECT * FROM pg_temp.err($$SELECT lottrace.render('{ALPHA:2}', NULL, 676)$$);
SELECT * FROM pg_temp.err($$SELECT lottrace.render('{ALPHA:2}', NULL, -5)$$);

-- ALPHA matches LEN capital letters
SELECT code, matches(code, '{ALPHA:2}')
  FROM unnest(ARRAY['AZ', 'ZZ', 'A1', 'az', 'A', 'ABC']) AS code;

------------------------------------------------------------------------------
-- RAND
------------------------------------------------------------------------------

-- RAND gives LEN characters of 0-9A-Z, different each time
SELECT length(a) AS len, a ~ '^[0-9A-Z]{12}$' AS charset, a <> b AS differ
  FROM (SELECT render('{RAND:12}', NULL) AS a, render('{RAND:12}', NULL) AS b) AS t;

-- over many renders every one of the 36 characters shows up
SELECT count(DISTINCT c) AS distinct_chars
  FROM generate_series(1, 40) AS g, LATERAL regexp_split_to_table(render('{RAND:50}', NULL, g), '') AS c;

-- RAND matches LEN characters of 0-9A-Z
SELECT code, matches(code, 'X{RAND:4}')
  FROM unnest(ARRAY['XA9Z0', 'Xa9z0', 'XA9Z', 'XA9Z00', 'XA_Z0']) AS code;

------------------------------------------------------------------------------
-- Context segments
------------------------------------------------------------------------------

-- every context segment reads its key
SELECT render('{ITEM}/{VARIANT}/{CLASS}/{CATEGORY}/{ITEMTYPE}/{LOTTYPE}/{SUPPLIER}/{SUPLOT}/{DOC}',
              '{"item": "I", "variant": "V", "class": "C", "category": "K", "item_type": "T",
                "lot_type": "L", "supplier": "S", "supplier_lot": "SL", "doc": "D", "other": "x"}');

-- with LEN a value is left-filled (FILL, default 0) or cut to its leftmost LEN
SELECT render('{ITEM:6}', '{"item": "A1"}') AS filled,
       render('{ITEM:6:_}', '{"item": "A1"}') AS filled_underscore,
       render('{ITEM:3}', '{"item": "ABCDEF"}') AS cut,
       render('{ITEM:3}', '{"item": "ABC"}') AS exact;

-- numbers in the context use their text; JSON null counts as absent
SELECT render('{DOC}', '{"doc": 42}') AS int, render('{DOC}', '{"doc": 1.50}') AS num,
       render('{DOC:6}', '{"doc": 42}') AS filled;
SELECT * FROM pg_temp.err($$SELECT lottrace.render('{DOC}', '{"doc": null}')$$);

-- a missing key: 22023 naming the key
SELECT * FROM pg_temp.err($$SELECT lottrace.render('{ITEM}-{SEQ:3}', '{"doc": "X"}', 1)$$);
SELECT * FROM pg_temp.err($$SELECT lottrace.render('{SUPLOT:4}', NULL)$$);

-- a value with a character outside set 82 (in the part used), an empty
-- value for a variable-length segment, a value of another JSON type: 22023
SELECT * FROM pg_temp.err($$SELECT lottrace.render('{ITEM}', '{"item": "A B"}')$$);
SELECT * FROM pg_temp.err($$SELECT lottrace.render('{ITEM}', '{"item": "A#B"}')$$);
SELECT * FROM pg_temp.err($$SELECT lottrace.render('{ITEM}', '{"item": "Aé"}')$$);
SELECT render('{ITEM:2}', '{"item": "AB C"}') AS cut_before_the_space;
SELECT * FROM pg_temp.err($$SELECT lottrace.render('{ITEM}', '{"item": ""}')$$);
SELECT render('{ITEM:3}', '{"item": ""}') AS empty_filled;
SELECT * FROM pg_temp.err($$SELECT lottrace.render('{ITEM}', '{"item": true}')$$);
SELECT * FROM pg_temp.err($$SELECT lottrace.render('{ITEM}', '{"item": ["A"]}')$$);
SELECT * FROM pg_temp.err($$SELECT lottrace.render('{ITEM}', '["A"]')$$);

-- a code longer than 50 characters: 22001
SELECT * FROM pg_temp.err(format('SELECT lottrace.render(%L, %L)', '{ITEM}',
                                 jsonb_build_object('item', repeat('A', 51))));
SELECT * FROM pg_temp.err(format('SELECT lottrace.render(%L, %L, 1)', '{ITEM}{DOC}-{SEQ:3}',
                                 jsonb_build_object('item', repeat('A', 25), 'doc', repeat('B', 22))));
SELECT length(render('{ITEM}', jsonb_build_object('item', repeat('A', 50)))) AS fifty_is_fine;

-- matches: with the key in ctx the segment must equal the rendered value;
-- without it any set-82 text of the length (any non-empty run without LEN)
SELECT code, f, ctx, matches(code, f::codefmt, ctx::jsonb)
  FROM (VALUES ('0000A1', '{ITEM:6}', '{"item": "A1"}'),
               ('0000A2', '{ITEM:6}', '{"item": "A1"}'),
               ('0000A2', '{ITEM:6}', NULL),
               ('0000A2', '{ITEM:6}', '{"doc": "A1"}'),
               ('ABC-1', '{ITEM:3}-{SEQ:1}', '{"item": "ABCDEF"}'),
               ('__A1', '{ITEM:4:_}', '{"item": "A1"}'),
               ('00A1', '{ITEM:4:_}', '{"item": "A1"}'),
               ('A1-7', '{ITEM}-{SEQ:1}', '{"item": "A1"}'),
               ('A12-7', '{ITEM}-{SEQ:1}', '{"item": "A1"}'),
               ('A12-7', '{ITEM}-{SEQ:1}', NULL),
               ('-7', '{ITEM}-{SEQ:1}', NULL),
               ('A-B-7', '{ITEM}-{SEQ:1}', NULL),
               ('A B-7', '{ITEM}-{SEQ:1}', NULL),
               ('42X', '{DOC}X', '{"doc": 42}'),
               ('A B', '{ITEM}', '{"item": "A B"}'),
               ('X', '{ITEM}', '{"item": ""}')) AS t(code, f, ctx);

------------------------------------------------------------------------------
-- Dates
------------------------------------------------------------------------------

-- every date part, at year ends (2026-12-31 and 2027-01-01 are ISO week 53
-- of 2026, 2020-12-31 week 53 of 2020, 2024-12-30 week 1 of 2025)
SELECT d, render('{YYYY}-{YY}-{Y}-{MM}-{DD}-{DDD}-{WW}', jsonb_build_object('start_date', d))
  FROM unnest(ARRAY['2026-12-31', '2027-01-01', '2020-12-31', '2021-01-03',
                    '2024-12-30', '2024-02-29', '0001-01-01', '9999-12-31']::date[]) AS d;

-- the date parts agree with to_char() for every day of 2019-2028
SELECT count(*) AS days,
       count(*) FILTER (WHERE render('{YYYY}-{YY}-{Y}-{MM}-{DD}-{DDD}-{WW}', jsonb_build_object('start_date', d))
                               <> to_char(d, 'YYYY-YY-Y-MM-DD-DDD-IW')) AS mismatches
  FROM generate_series('2019-01-01'::date, '2028-12-31', '1 day') AS d;

-- ... and every rendered date matches, with and without the date in ctx
SELECT count(*) FILTER (WHERE NOT matches(c, f, x)) AS fail_with_ctx,
       count(*) FILTER (WHERE NOT matches(c, f)) AS fail_without_ctx
  FROM generate_series('2019-01-01'::date, '2028-12-31', '1 day') AS d,
       LATERAL (SELECT '{YYYY}{MM}{DD}-{DDD}-{WW}-{YY}{Y}'::codefmt AS f,
                       jsonb_build_object('start_date', d) AS x) AS a,
       LATERAL (SELECT render(f, x) AS c) AS b;

-- the expiry date parts read expiry_date
SELECT render('{YYYY}{MM}{DD}/{EYYYY}-{EYY}-{EMM}-{EDD}',
              '{"start_date": "2026-01-15", "expiry_date": "2028-02-29"}');

-- start_date defaults to today; expiry_date has no default (22023)
SELECT render('{YYYY}{MM}{DD}', NULL) = to_char(current_date, 'YYYYMMDD') AS today,
       render('{DDD}{WW}', '{}') = to_char(current_date, 'DDDIW') AS today_parts;
SELECT * FROM pg_temp.err($$SELECT lottrace.render('{EYYYY}{EMM}', '{"start_date": "2026-01-01"}')$$);

-- dates are ISO dates (a time part is ignored); anything else: 22007
SELECT render('{YYYY}{MM}{DD}', '{"start_date": "2026-01-05T10:30:00"}') AS timestamp_text;
SELECT v, e.sqlstate, e.message
  FROM unnest(ARRAY['"2026-02-30"', '"yesterday"', '"2026-1-5"', '"0000-01-01"',
                    '20260105', '"2026-01-05x"']) AS v,
       LATERAL pg_temp.err(format('SELECT lottrace.render(%L, %L)', '{YYYY}',
                                  '{"start_date": ' || v || '}')) AS e;

-- matches: a date in ctx fixes the parts, otherwise they must be real dates
SELECT code, f, ctx, matches(code, f::codefmt, ctx::jsonb)
  FROM (VALUES ('20260115', '{YYYY}{MM}{DD}', '{"start_date": "2026-01-15"}'),
               ('20260116', '{YYYY}{MM}{DD}', '{"start_date": "2026-01-15"}'),
               ('20260116', '{YYYY}{MM}{DD}', '{"expiry_date": "2026-01-15"}'),
               ('015-03', '{DDD}-{WW}', '{"start_date": "2026-01-15"}'),
               ('20260230', '{YYYY}{MM}{DD}', NULL),
               ('20240229', '{YYYY}{MM}{DD}', NULL),
               ('20230229', '{YYYY}{MM}{DD}', NULL),
               ('20000229', '{YYYY}{MM}{DD}', NULL),
               ('19000229', '{YYYY}{MM}{DD}', NULL),
               ('20261301', '{YYYY}{MM}{DD}', NULL),
               ('20260100', '{YYYY}{MM}{DD}', NULL),
               ('00000101', '{YYYY}{MM}{DD}', NULL),
               ('2026011A', '{YYYY}{MM}{DD}', NULL),
               ('29.02.2023', '{DD}.{MM}.{YYYY}', NULL),
               ('29.02.2024', '{DD}.{MM}.{YYYY}', NULL),
               ('240229', '{YY}{MM}{DD}', NULL),
               ('230229', '{YY}{MM}{DD}', NULL),
               ('30229', '{Y}{MM}{DD}', NULL),
               ('0229', '{MM}{DD}', NULL),
               ('0230', '{MM}{DD}', NULL),
               ('0431', '{MM}{DD}', NULL),
               ('31', '{DD}', NULL),
               ('32', '{DD}', NULL),
               ('2023-02-29', '{YYYY}-{EMM}-{DD}', NULL),
               ('2023X0229', '{YYYY}{ITEM}{MM}{DD}', NULL),
               ('2024X0229', '{YYYY}{ITEM}{MM}{DD}', NULL),
               ('2023XY0228', '{YYYY}{ITEM}{MM}{DD}', NULL),
               ('20230229', '{EYYYY}{EMM}{EDD}', NULL),
               ('20240229', '{EYYYY}{EMM}{EDD}', NULL),
               ('20230229', '{EYYYY}{EMM}{EDD}', '{"start_date": "2023-01-01"}'),
               ('2024366', '{YYYY}{DDD}', NULL),
               ('2023366', '{YYYY}{DDD}', NULL),
               ('2023365', '{YYYY}{DDD}', NULL),
               ('23366', '{YY}{DDD}', NULL),
               ('2023000', '{YYYY}{DDD}', NULL),
               ('2023367', '{YYYY}{DDD}', NULL),
               ('53', '{WW}', NULL),
               ('54', '{WW}', NULL),
               ('00', '{WW}', NULL)) AS t(code, f, ctx);

-- exhaustive: for years 1900, 2000, 2023 and 2024 and every month 00-13
-- and day 00-32, {YYYY}{MM}{DD} matches exactly the real dates; {YY}{MM}{DD}
-- likewise (YY read as 20YY); {MM}{DD} allows February 29
SELECT count(*) AS candidates,
       count(*) FILTER (WHERE matches(format('%s%s%s', to_char(y, 'FM0000'), to_char(m, 'FM00'), to_char(d, 'FM00')),
                                      '{YYYY}{MM}{DD}') IS DISTINCT FROM ok) AS yyyymmdd_wrong,
       count(*) FILTER (WHERE y >= 2000 AND
                              matches(format('%s%s%s', to_char(y % 100, 'FM00'), to_char(m, 'FM00'), to_char(d, 'FM00')),
                                      '{YY}{MM}{DD}') IS DISTINCT FROM ok) AS yymmdd_wrong,
       count(*) FILTER (WHERE y = 2024 AND
                              matches(format('%s%s', to_char(m, 'FM00'), to_char(d, 'FM00')),
                                      '{MM}{DD}') IS DISTINCT FROM ok) AS mmdd_wrong
  FROM unnest(ARRAY[1900, 2000, 2023, 2024]) AS y, generate_series(0, 13) AS m,
       generate_series(0, 32) AS d,
       LATERAL (SELECT m BETWEEN 1 AND 12 AND d >= 1 AND
                       d <= extract(day FROM make_date(y, greatest(least(m, 12), 1), 1)
                                             + interval '1 month - 1 day') AS ok) AS v;

------------------------------------------------------------------------------
-- Year and month letters
------------------------------------------------------------------------------

-- month letters are seeded A-L; year letters come from the table
INSERT INTO lottrace.year_letter (year, letter) VALUES (2026, 'F'), (2027, 'G');
SELECT d, render('{YL}{ML}-{SEQ:3}', jsonb_build_object('start_date', d), 5)
  FROM unnest(ARRAY['2026-01-10', '2026-03-10', '2027-12-01']::date[]) AS d;

-- no letter for the year (or month): 22023 naming the table and the year
SELECT * FROM pg_temp.err($$SELECT lottrace.render('{YL}', '{"start_date": "2031-05-01"}')$$);
UPDATE lottrace.month_letter SET letter = 'Q' WHERE month = 5;
DELETE FROM lottrace.month_letter WHERE month = 6;
SELECT render('{ML}', '{"start_date": "2026-05-01"}') AS changed_letter;
SELECT * FROM pg_temp.err($$SELECT lottrace.render('{YL}{ML}', '{"start_date": "2026-06-01"}')$$);

-- a letter added in the same transaction is seen at once
BEGIN;
INSERT INTO lottrace.year_letter VALUES (2031, 'M');
SELECT render('{YL}', '{"start_date": "2031-05-01"}') AS new_letter;
ROLLBACK;

-- matches never reads the tables: YL/ML are any letter A-Z, even with a start_date
SELECT code, matches(code, '{YL}{ML}'),
       matches(code, '{YL}{ML}', '{"start_date": "2026-03-10"}') AS with_start_date
  FROM unnest(ARRAY['FC', 'QQ', '1A', 'fa', 'F']) AS code;

-- a role without rights on the letter tables can still render letters
CREATE ROLE codefmt_user;
SET ROLE codefmt_user;
SELECT lottrace.render('{YL}{ML}', '{"start_date": "2026-03-10"}') AS as_plain_role;
SELECT * FROM pg_temp.err($$SELECT * FROM lottrace.year_letter$$);
RESET ROLE;
DROP ROLE codefmt_user;

------------------------------------------------------------------------------
-- CHK
------------------------------------------------------------------------------

-- GTIN-13 check digits: 950600013435 -> 2, 400638133393 -> 1, 590123412345 -> 7
SELECT n, render('{SEQ:12}{CHK}', NULL, n)
  FROM unnest(ARRAY[950600013435, 400638133393, 590123412345, 0]) AS n;

-- GTIN-14 with a fixed indicator digit, and a check digit after dates
SELECT render('1{SEQ:12}{CHK}', NULL, 950600013435) AS gtin14,
       render('{YY}{MM}{DD}{SEQ:4}{CHK}', '{"start_date": "2026-01-15"}', 42) AS dated;

-- matches accepts the right check digit only
SELECT code, matches(code, '{SEQ:12}{CHK}')
  FROM unnest(ARRAY['9506000134352', '9506000134353', '4006381333931', '950600013435']) AS code;

-- a context value may bring non-digits before CHK: render 22023, matches false
SELECT * FROM pg_temp.err($$SELECT lottrace.render('{ITEM}{CHK}', '{"item": "A1"}')$$);
SELECT matches('A11', '{ITEM}{CHK}') AS letters, matches('123', '{ITEM}{CHK}') AS right_digit,
       matches('124', '{ITEM}{CHK}') AS wrong_digit,
       render('{ITEM}{CHK}', '{"item": "12"}') AS rendered;

------------------------------------------------------------------------------
-- Counter roots (lottrace._code_root)
------------------------------------------------------------------------------

-- with |ROOT: the listed values joined by | in list order (context values
-- raw, date parts as rendered); names need not appear elsewhere
SELECT f, _code_root(f::codefmt, '{"item": "A100", "doc": "D7", "start_date": "2026-03-10",
                                   "expiry_date": "2027-09-30"}')
  FROM (VALUES ('{ITEM:3}-{SEQ:4|ITEM,YYYY}'),
               ('{ITEM:3}-{SEQ:4|YYYY,ITEM}'),
               ('{SEQ:6|}'),
               ('{ALPHA:2|DOC,EYY,EMM,WW}'),
               ('{SEQ:4|ML}'),
               ('{ITEM}-{YY}{SEQ:4}{RAND:3}'),
               ('{ITEM}{YY}{MM}{SEQ:4}{CHK}'),
               ('{DOC}/{YYYY}'),
               ('{ITEM:6:_}{SEQ:2}')) AS t(f);

-- | and \ in raw values are escaped, so the join is unambiguous
SELECT _code_root('{SEQ:4|ITEM,DOC}', '{"item": "A|B", "doc": "C\\D"}') AS a,
       _code_root('{SEQ:4|ITEM,DOC}', '{"item": "A", "doc": "B|C\\D"}') AS b;

-- root values may be anything (they are not part of the code)
SELECT _code_root('{SEQ:4|ITEM}', '{"item": "A 1 é"}');

-- a root needs its values: 22023 naming the key or the letter table
SELECT * FROM pg_temp.err($$SELECT lottrace._code_root('{SEQ:4|ITEM,DOC}', '{"item": "A"}')$$);
SELECT * FROM pg_temp.err($$SELECT lottrace._code_root('{SEQ:4|EYYYY}', '{}')$$);
SELECT * FROM pg_temp.err($$SELECT lottrace._code_root('{SEQ:4|YL}', '{"start_date": "2040-01-01"}')$$);

------------------------------------------------------------------------------
-- NULL handling
------------------------------------------------------------------------------

-- a NULL code or format gives NULL; a NULL ctx is an empty context
SELECT matches(NULL, '{SEQ:4}') IS NULL AS null_code,
       matches('0001', NULL) IS NULL AS null_fmt,
       matches('0001', '{SEQ:4}', NULL) AS null_ctx,
       render(NULL, '{}', 1) IS NULL AS render_null_fmt,
       render('A{SEQ:2}', NULL, 1) AS render_null_ctx,
       _code_root(NULL, '{}') IS NULL AS root_null_fmt;

-- matches: codes longer than 50 or empty never match; characters outside
-- set 82 never match
SELECT matches(repeat('A', 51), '{ITEM}') AS too_long, matches(repeat('A', 50), '{ITEM}') AS fifty,
       matches('', '{ITEM}') AS empty, matches('A B', '{ITEM}') AS space,
       matches('Aé', '{ITEM}') AS non_ascii;

------------------------------------------------------------------------------
-- Matching stays polynomial
------------------------------------------------------------------------------

-- 8 adjacent variable-length segments against a 50-character code that
-- fails only at its end: plain backtracking would try C(49,8) ~ 4.5e8
-- splits per call; the memoised matcher does 1000 calls in well under a second
SELECT count(*) FILTER (WHERE matches(repeat('A', 50),
         '{ITEM}{VARIANT}{CLASS}{CATEGORY}{ITEMTYPE}{LOTTYPE}{SUPPLIER}{SUPLOT}X')) AS matched,
       clock_timestamp() - statement_timestamp() < interval '5 seconds' AS fast
  FROM generate_series(1, 1000);

-- the same format still matches codes it can produce
SELECT matches(repeat('A', 49) || 'X', '{ITEM}{VARIANT}{CLASS}{CATEGORY}{ITEMTYPE}{LOTTYPE}{SUPPLIER}{SUPLOT}X') AS last_x,
       matches('ABCDEFGHX', '{ITEM}{VARIANT}{CLASS}{CATEGORY}{ITEMTYPE}{LOTTYPE}{SUPPLIER}{SUPLOT}X') AS shortest,
       matches('ABCDEFGX', '{ITEM}{VARIANT}{CLASS}{CATEGORY}{ITEMTYPE}{LOTTYPE}{SUPPLIER}{SUPLOT}X') AS too_short;

-- variable segments mixed with start and expiry date parts (one variable
-- segment between the parts of each date) and a CHK that fails at the end
SELECT count(*) FILTER (WHERE matches(repeat('1', 49) || 'A',
         '{ITEM}{YY}{DOC}{MM}{DD}{CLASS}{SUPPLIER}{EYY}{VARIANT}{EMM}{EDD}{CATEGORY}{LOTTYPE}{CHK}')) AS matched,
       clock_timestamp() - statement_timestamp() < interval '5 seconds' AS fast
  FROM generate_series(1, 1000);

-- ... and with the right check digit (49 ones: 25 * 3 + 24 * 1 = 99 -> 1) it matches
SELECT matches(repeat('1', 49) || '1', '{ITEM}{YY}{DOC}{MM}{DD}{CLASS}{SUPPLIER}{EYY}{VARIANT}{EMM}{EDD}{CATEGORY}{LOTTYPE}{CHK}') AS right_digit,
       matches(repeat('1', 49) || '2', '{ITEM}{YY}{DOC}{MM}{DD}{CLASS}{SUPPLIER}{EYY}{VARIANT}{EMM}{EDD}{CATEGORY}{LOTTYPE}{CHK}') AS wrong_digit;

------------------------------------------------------------------------------
-- Binary send / receive
------------------------------------------------------------------------------

-- binary COPY out and back in gives the same formats
CREATE TEMP TABLE fmt_out (id int, f codefmt);
INSERT INTO fmt_out VALUES (1, '{item}-{yyyy}{MM}{DD}-{seq:4|item,yyyy}'),
  (2, '{SEQ:6|}'), (3, '{ITEM:8:_}/{DOC}'), (4, '{SEQ:12}{CHK}'), (5, NULL);
\copy (SELECT id, f FROM fmt_out ORDER BY id) TO 'results/codefmt.bin' (FORMAT binary)
CREATE TEMP TABLE fmt_in (id int, f codefmt);
\copy fmt_in FROM 'results/codefmt.bin' (FORMAT binary)
SELECT o.id, o.f, i.f AS received, o.f::text IS NOT DISTINCT FROM i.f::text AS same
  FROM fmt_out o JOIN fmt_in i USING (id) ORDER BY id;

-- receive parses again: a non-canonical text is canonicalised, an invalid
-- one is rejected (22P02), an unknown version byte too (22P03)
CREATE TEMP TABLE raw_in (f codefmt);
\copy (SELECT '\x017b6974656d3a333a307d'::bytea) TO 'results/codefmt_noncanon.bin' (FORMAT binary)
\copy raw_in FROM 'results/codefmt_noncanon.bin' (FORMAT binary)
SELECT f AS canonicalised FROM raw_in;
\copy (SELECT '\x017b464f4f7d'::bytea) TO 'results/codefmt_invalid.bin' (FORMAT binary)
\copy raw_in FROM 'results/codefmt_invalid.bin' (FORMAT binary)
\copy (SELECT '\x027b4954454d7d'::bytea) TO 'results/codefmt_version.bin' (FORMAT binary)
\copy raw_in FROM 'results/codefmt_version.bin' (FORMAT binary)

------------------------------------------------------------------------------
-- Stored formats
------------------------------------------------------------------------------

-- a table column of codefmt: rendering and matching row by row (the
-- per-call cache switches formats and contexts correctly)
CREATE TEMP TABLE ct (id int, f codefmt, ctx jsonb, seq bigint);
INSERT INTO ct VALUES
  (1, '{ITEM}-{SEQ:3}', '{"item": "A"}', 1),
  (2, '{ITEM}-{SEQ:3}', '{"item": "B"}', 2),
  (3, '{DOC:4}/{ALPHA:2}', '{"doc": 7}', 27),
  (4, '{ITEM}-{SEQ:3}', '{"item": "A"}', 3),
  (5, 'X{YYYY}{MM}', '{"start_date": "2026-07-04"}', NULL);
SELECT id, render(f, ctx, seq) AS code, matches(render(f, ctx, seq), f, ctx) AS matches_ctx,
       matches(render(f, ctx, seq), f, '{"item": "A"}') AS matches_item_a
  FROM ct ORDER BY id;

DROP TABLE fmts, fmt_out, fmt_in, raw_in, ct;
DROP EXTENSION lottrace;

-- Every object of the extension documents itself: tables, views and their
-- columns, functions, types, operators, operator classes and families,
-- casts and event triggers carry a COMMENT (psql \d+ and \df+ show them).
-- Each query lists what lacks one: all must return no rows.
CREATE EXTENSION lottrace;

-- Objects that belong to the extension, without a comment.
SELECT pg_describe_object(d.classid, d.objid, 0) AS uncommented
  FROM pg_depend d
 WHERE d.refclassid = 'pg_extension'::regclass
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lottrace')
   AND d.deptype = 'e'
   AND obj_description(d.objid, d.classid::regclass::name) IS NULL
   -- array types and the tables' own sequences need none
   AND NOT (d.classid = 'pg_type'::regclass
            AND EXISTS (SELECT FROM pg_type t WHERE t.oid = d.objid AND t.typelem <> 0 AND t.typlen = -1))
   AND NOT (d.classid = 'pg_class'::regclass
            AND EXISTS (SELECT FROM pg_class c WHERE c.oid = d.objid AND c.relkind = 'S'))
 ORDER BY 1;

-- Columns of the extension's tables and views, without a comment.
SELECT c.oid::regclass AS relation, a.attname AS uncommented_column
  FROM pg_class c
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE c.relnamespace = 'lottrace'::regnamespace
   AND c.relkind IN ('r', 'v', 'p')
   AND col_description(c.oid, a.attnum) IS NULL
 ORDER BY c.oid::regclass::text COLLATE "C", a.attname;

-- Event triggers of the extension, without a comment (they are not in
-- pg_depend's 'e' list when created by the script on PostgreSQL < 16).
SELECT evtname AS uncommented_event_trigger
  FROM pg_event_trigger
 WHERE evtname LIKE 'lottrace%' AND obj_description(oid, 'pg_event_trigger') IS NULL;

DROP EXTENSION lottrace;

-- Checks the ERP workflows (test/erp/*/workflow.sql) call.  Each raises
-- an error, which stops the workflow (psql ON_ERROR_STOP), when what it
-- checks does not hold; so a workflow passes only if every check holds.
CREATE SCHEMA erp_test;

-- stmt fails with this SQLSTATE and constraint name (and changes nothing:
-- it runs in a subtransaction that is rolled back).
CREATE FUNCTION erp_test.expect_error(label text, stmt text, want_state text,
                                      want_constraint text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  s text; c text; m text;
BEGIN
  BEGIN
    EXECUTE stmt;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE, c = CONSTRAINT_NAME, m = MESSAGE_TEXT;
    IF s <> want_state OR coalesce(nullif(c, ''), '-') <> coalesce(want_constraint, '-') THEN
      RAISE EXCEPTION 'check "%": expected % %, got % % (%)', label, want_state,
        coalesce(want_constraint, ''), s, c, m;
    END IF;
    RAISE NOTICE 'ok: % refused: % % (%)', label, s, c, m;
    RETURN;
  END;
  RAISE EXCEPTION 'check "%": expected % %, but the statement succeeded', label, want_state,
    coalesce(want_constraint, '');
END
$$;

-- Two queries give the same rows (as multisets): the ERP's own figures and
-- lottrace's.  Each must return (lot text, location text, qty numeric);
-- rows with qty 0 are left out on both sides.
CREATE FUNCTION erp_test.same(label text, erp_query text, lottrace_query text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  d text;
BEGIN
  EXECUTE format(
    'WITH a AS (SELECT lot::text AS lot, location::text AS location, sum(qty)::numeric AS qty FROM (%s) x GROUP BY 1, 2 HAVING sum(qty) <> 0),'
    '     b AS (SELECT lot::text AS lot, location::text AS location, sum(qty)::numeric AS qty FROM (%s) y GROUP BY 1, 2 HAVING sum(qty) <> 0)'
    ' SELECT string_agg(format(''%%s %%s/%%s: %%s'', side, lot, location, qty), ''; '' ORDER BY lot, location, side)'
    '   FROM ((SELECT ''erp'' AS side, * FROM (SELECT * FROM a EXCEPT SELECT * FROM b) p)'
    '         UNION ALL (SELECT ''lottrace'', * FROM (SELECT * FROM b EXCEPT SELECT * FROM a) q)) z',
    erp_query, lottrace_query) INTO d;
  IF d IS NOT NULL THEN
    RAISE EXCEPTION 'check "%": the ERP''s figures and lottrace''s differ: %', label, d;
  END IF;
  RAISE NOTICE 'ok: % (the ERP and lottrace agree)', label;
END
$$;

-- lottrace.verify() finds nothing.
CREATE FUNCTION erp_test.verify_clean(label text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  d text;
BEGIN
  SELECT string_agg(problem || ': ' || detail, '; ') INTO d FROM lottrace.verify();
  IF d IS NOT NULL THEN
    RAISE EXCEPTION 'check "%": lottrace.verify() reports %', label, d;
  END IF;
  RAISE NOTICE 'ok: % (verify() is empty)', label;
END
$$;

-- A condition holds.
CREATE FUNCTION erp_test.check(label text, ok boolean)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ok IS DISTINCT FROM true THEN
    RAISE EXCEPTION 'check "%" does not hold', label;
  END IF;
  RAISE NOTICE 'ok: %', label;
END
$$;

-- The extension installs into schema lottrace and loads its library.
CREATE EXTENSION lottrace;
SELECT extname, extversion, extrelocatable, n.nspname
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE extname = 'lottrace';
LOAD 'lottrace';
SHOW lottrace.default_status;
SHOW lottrace.expired_status;
DROP EXTENSION lottrace;

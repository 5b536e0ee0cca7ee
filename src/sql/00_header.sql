-- lottrace 1.0 — install script.
-- Assembled by the Makefile from src/sql/*.sql (in name order).
-- Every object lives in schema lottrace; the ones users touch carry COMMENTs.

\echo Use "CREATE EXTENSION lottrace" to load this file. \quit

-- The types and pure functions are usable by everyone; the registers and the
-- state-changing functions are granted by the DBA (see docs/SECURITY.md).
GRANT USAGE ON SCHEMA lottrace TO PUBLIC;

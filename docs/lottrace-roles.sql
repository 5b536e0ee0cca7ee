-- lottrace: the roles a DBA creates (docs/SECURITY.md explains each line).
--
-- Run as a superuser in the database where lottrace is installed, after
-- CREATE EXTENSION lottrace.  Replace erp.stock_moves (and its sequence) by
-- your attached ERP table(s), and erp_owner by the role that owns them.
-- The four roles are NOLOGIN groups: GRANT them to login roles.
-- sql/19_security.sql runs this file as it is and checks every grant.

CREATE ROLE lottrace_reader NOLOGIN;
CREATE ROLE lottrace_operator NOLOGIN;
CREATE ROLE lottrace_quality NOLOGIN;
CREATE ROLE lottrace_admin NOLOGIN;

------------------------------------------------------------------------------
-- Reader: reports, dashboards, traceability, recalls.  Reads; writes nothing.
------------------------------------------------------------------------------
GRANT USAGE ON SCHEMA lottrace TO lottrace_reader;
GRANT SELECT ON lottrace.lot_register, lottrace.lot_stock, lottrace.serial_register,
                lottrace.genealogy, lottrace.expiring_lots, lottrace.unavailable_stock,
                lottrace.stock_by_item, lottrace.status_history, lottrace.movements,
                lottrace.serials_by_customer, lottrace.reservations, lottrace.holds,
                lottrace.recall_drills, lottrace.receipt_mismatches
  TO lottrace_reader;
-- trace_forward/backward, recall, mass_balance, trace_events, trace_dot and
-- suggest_pick run with the caller's rights and read the registers
GRANT SELECT ON lottrace.lot, lottrace.serial, lottrace.lot_status_log,
                lottrace.batch_member, lottrace.lot_link
  TO lottrace_reader;
GRANT SELECT ON lottrace.item, lottrace.reason, lottrace.lot_status, lottrace.lot_type,
                lottrace.lot_evaluation, lottrace.warehouse, lottrace.code_type,
                lottrace.shelf_life_rule, lottrace.party, lottrace.item_variant
  TO lottrace_reader;
-- lottrace.movements reads the attached tables with the caller's rights, and
-- so do serials_by_customer, recall, mass_balance and trace_events
GRANT USAGE ON SCHEMA erp TO lottrace_reader;
GRANT SELECT ON erp.stock_moves TO lottrace_reader;

------------------------------------------------------------------------------
-- Operator: the ERP application and warehouse clerks.  Moves stock through
-- the ERP table (the triggers write the registers), sees stock, asks what to
-- pick, draws codes for labels.  No privilege on the registers themselves.
------------------------------------------------------------------------------
GRANT USAGE ON SCHEMA erp TO lottrace_operator;
GRANT SELECT, INSERT, UPDATE, DELETE ON erp.stock_moves TO lottrace_operator;
GRANT USAGE ON SEQUENCE erp.stock_moves_id_seq TO lottrace_operator;
GRANT USAGE ON SCHEMA lottrace TO lottrace_operator;
GRANT SELECT ON lottrace.lot_register, lottrace.lot_stock, lottrace.serial_register
  TO lottrace_operator;
-- suggest_pick(item, warehouse, qty) reads these with the caller's rights
GRANT SELECT ON lottrace.lot, lottrace.item, lottrace.lot_status TO lottrace_operator;
-- codes for labels printed before the movement is posted
GRANT EXECUTE ON FUNCTION lottrace.next_code(text, jsonb) TO lottrace_operator;
-- reservations for orders and pick lists (1.2): reserve, reserve a serial,
-- pick and reserve in one call, release; they see what is reserved
GRANT EXECUTE ON FUNCTION
  lottrace.reserve(text, text, text, numeric, text, text, text, timestamptz),
  lottrace.reserve_serial(text, text, text, text, text, timestamptz),
  lottrace.reserve_pick(text, text, numeric, text, text, text, timestamptz),
  lottrace.release(bigint, text), lottrace.release_doc(text, text)
  TO lottrace_operator;
GRANT SELECT ON lottrace.reservations TO lottrace_operator;

------------------------------------------------------------------------------
-- Quality manager: everything the reader sees, plus lot statuses (logged),
-- the editable columns of lots and serials, manual genealogy links, the
-- daily expiry job, quality grades.  Moves no stock, configures nothing.
------------------------------------------------------------------------------
GRANT lottrace_reader TO lottrace_quality;
GRANT UPDATE (status, notes, evaluation, saleable, force_closed, expiry_date, lot_type,
              supplier, supplier_lot, manufacturer, packages)
  ON lottrace.lot TO lottrace_quality;
GRANT UPDATE (customer_code, supplier_code, supplier, expiry_date, cancelled, force_closed,
              reserved)
  ON lottrace.serial TO lottrace_quality;
-- link_lots() inserts, or updates the quantity of an existing link
GRANT INSERT (parent_lot_id, child_lot_id, qty), UPDATE (qty), DELETE
  ON lottrace.lot_link TO lottrace_quality;
GRANT INSERT, UPDATE, DELETE ON lottrace.lot_evaluation TO lottrace_quality;
-- suppliers' EPCIS shipping data as expected receipts (1.2)
GRANT EXECUTE ON FUNCTION lottrace.epcis_import(jsonb) TO lottrace_quality;
GRANT SELECT ON lottrace.expected_receipt TO lottrace_quality;
-- holds and recall holds (1.2), logged in lottrace.hold_log
GRANT EXECUTE ON FUNCTION
  lottrace.hold(text, text, text, text, numeric, text, timestamptz),
  lottrace.hold_serial(text, text, text, text, timestamptz),
  lottrace.release_hold(bigint, text),
  lottrace.recall_hold(text, text, text, text),
  lottrace.release_recall(bigint, text)
  TO lottrace_quality;
GRANT SELECT ON lottrace.holds, lottrace.reservations, lottrace.hold_log, lottrace.recall_action
  TO lottrace_quality;
-- recall drills (1.2): mock_recall stores each drill (it runs as the
-- extension owner, so nobody writes lottrace.recall_drill directly); the
-- reader (an auditor) sees the recall_drills view, the quality manager
-- also the lots and customers each drill found
GRANT EXECUTE ON FUNCTION lottrace.mock_recall(text, text, text, text) TO lottrace_quality;
GRANT SELECT ON lottrace.recall_drill TO lottrace_quality;

------------------------------------------------------------------------------
-- Administrator: configuration (items, reasons, code types and counters,
-- warehouses, statuses, letters), verify() and rebuild(), and what the
-- quality manager does.
------------------------------------------------------------------------------
GRANT lottrace_quality TO lottrace_admin;
GRANT SELECT, INSERT, UPDATE, DELETE
  ON lottrace.item, lottrace.reason, lottrace.code_type, lottrace.code_counter,
     lottrace.warehouse, lottrace.lot_status, lottrace.lot_type, lottrace.year_letter,
     lottrace.month_letter, lottrace.shelf_life_rule, lottrace.party, lottrace.item_variant
  TO lottrace_admin;
GRANT SELECT ON lottrace.attachment TO lottrace_admin;
GRANT EXECUTE ON FUNCTION lottrace.verify(), lottrace.rebuild(),
                          lottrace.next_code(text, jsonb)
  TO lottrace_admin;

------------------------------------------------------------------------------
-- Attaching: the owner of the ERP table runs attach() and detach(); it
-- needs nothing else of lottrace's.  Whoever may attach a table can put
-- stock into any lot through it: grant it only to the role that owns the
-- ERP schema, never to application roles.
------------------------------------------------------------------------------
GRANT EXECUTE ON FUNCTION
  lottrace.attach(regclass, text, text, text, text, text, text, text, text, text, text,
                  text, text, text, text, boolean, text, text, boolean, text, text, text, text, text, text, text, boolean),
  lottrace.detach(regclass)
  TO erp_owner;

/*
 * lottrace 1.1 -> 1.2: availability that holds in real operations.
 *
 *   * reservations and holds: lottrace.reservation, lottrace.hold and the
 *     lot's cached claims (lottrace.lot.claims), which the engine reads when
 *     it writes a lot, so that an unload eating into stock reserved by
 *     someone else, or held, is refused (lottrace_lot_reserved,
 *     lottrace_lot_unavailable); recall_hold over the genealogy;
 *   * shelf-life rules at receipt and at shipment (lottrace_shelf_life) and
 *     expiry taken from the components;
 *   * lot master data: production and best-before dates, attributes, the
 *     unit of measure of each item.
 * docs/TRACEABILITY.md explains the choices.
 */
\echo Use "ALTER EXTENSION lottrace UPDATE TO '1.2'" to load this file. \quit

-- =====================================================================
-- Reservations and holds
-- =====================================================================

-- (end of reservations and holds)
--
--
--

-- =====================================================================
-- Shelf life
-- =====================================================================

-- (end of shelf life)
--
--
--

-- =====================================================================
-- Lot master data
-- =====================================================================

-- (end of lot master data)
--
--
--

-- =====================================================================
-- Views (lot_register, lot_stock and the new ones)
-- =====================================================================

-- (end of views)

-- Variant (d) of the benchmark: the "plain" PL/pgSQL row trigger, what an
-- ERP team writes in an afternoon -- the core rules only, INSERT only:
--
--   * lot register: a lot is created by its first load;
--   * balance per lot and warehouse (loaded, on hand);
--   * no negative stock: an unload needs the stock in that warehouse;
--   * status / expiry gating: a lot whose status is not AVAILABLE, or that
--     is expired on the movement's date, cannot be unloaded;
--   * serial state: a serial is in stock once (in one warehouse), and is
--     unloaded only from where it is in stock.
--
-- Nothing else: no code syntax or format, no quantity or document checks,
-- no UPDATE or DELETE, no locks beyond what the statements take.  Its own
-- tables in schema "plain"; items and reasons are two small lookup tables.
-- Simpler than plpgsql.sql (variant c), which applies every lottrace rule.

CREATE SCHEMA plain;

CREATE TABLE plain.item (
    item          text PRIMARY KEY,
    tracking      text NOT NULL DEFAULT 'none' CHECK (tracking IN ('none', 'lot', 'serial')),
    validity_days int
);
CREATE TABLE plain.reason (
    code      text PRIMARY KEY,
    direction text NOT NULL CHECK (direction IN ('load', 'unload'))
);
CREATE TABLE plain.lot (
    item        text NOT NULL,
    code        text NOT NULL,
    status      text NOT NULL DEFAULT 'AVAILABLE',
    expiry_date date,
    PRIMARY KEY (item, code)
);
CREATE TABLE plain.balance (
    item       text NOT NULL,
    lot        text NOT NULL,
    wh         text NOT NULL,
    loaded_qty numeric NOT NULL,
    on_hand    numeric NOT NULL,
    PRIMARY KEY (item, lot, wh)
);
CREATE TABLE plain.serial (
    item     text NOT NULL,
    code     text NOT NULL,
    in_stock boolean NOT NULL,
    wh       text,
    PRIMARY KEY (item, code)
);

CREATE FUNCTION plain.on_move() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_tracking text;
  v_validity int;
  v_dir      text;
  v_status   text;
  v_expiry   date;
  v_onhand   numeric;
BEGIN
  SELECT tracking, validity_days INTO v_tracking, v_validity FROM plain.item WHERE item = NEW.item;
  IF NOT FOUND OR v_tracking = 'none' THEN
    RETURN NULL;
  END IF;
  SELECT direction INTO v_dir FROM plain.reason WHERE code = NEW.reason;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown reason "%"', NEW.reason USING ERRCODE = '23503', CONSTRAINT = 'plain_reason';
  END IF;

  IF v_tracking = 'lot' THEN
    IF v_dir = 'load' THEN
      INSERT INTO plain.lot (item, code, expiry_date)
      VALUES (NEW.item, NEW.lot, NEW.moved_on + v_validity)
      ON CONFLICT DO NOTHING;
      INSERT INTO plain.balance AS b (item, lot, wh, loaded_qty, on_hand)
      VALUES (NEW.item, NEW.lot, NEW.wh, NEW.qty, NEW.qty)
      ON CONFLICT (item, lot, wh) DO UPDATE
         SET loaded_qty = b.loaded_qty + NEW.qty, on_hand = b.on_hand + NEW.qty;
    ELSE
      SELECT status, expiry_date INTO v_status, v_expiry FROM plain.lot WHERE item = NEW.item AND code = NEW.lot;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'lot "%" of item "%" does not exist', NEW.lot, NEW.item
          USING ERRCODE = '23503', CONSTRAINT = 'plain_lot_unknown';
      END IF;
      IF v_status <> 'AVAILABLE' THEN
        RAISE EXCEPTION 'lot "%" of item "%" is %', NEW.lot, NEW.item, v_status
          USING ERRCODE = '23514', CONSTRAINT = 'plain_lot_unavailable';
      END IF;
      IF NEW.moved_on >= v_expiry THEN
        RAISE EXCEPTION 'lot "%" of item "%" expired on %', NEW.lot, NEW.item, v_expiry
          USING ERRCODE = '23514', CONSTRAINT = 'plain_lot_expired';
      END IF;
      UPDATE plain.balance SET on_hand = on_hand - NEW.qty
       WHERE item = NEW.item AND lot = NEW.lot AND wh = NEW.wh
      RETURNING on_hand INTO v_onhand;
      IF NOT FOUND OR v_onhand < 0 THEN
        RAISE EXCEPTION 'not enough stock of lot "%" of item "%" in warehouse "%"', NEW.lot, NEW.item, NEW.wh
          USING ERRCODE = '23514', CONSTRAINT = 'plain_negative_stock';
      END IF;
    END IF;
  ELSIF v_dir = 'load' THEN
    INSERT INTO plain.serial AS s (item, code, in_stock, wh) VALUES (NEW.item, NEW.serial, true, NEW.wh)
    ON CONFLICT (item, code) DO UPDATE SET in_stock = true, wh = NEW.wh WHERE NOT s.in_stock;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'serial "%" of item "%" is already in stock', NEW.serial, NEW.item
        USING ERRCODE = '23505', CONSTRAINT = 'plain_serial_in_stock';
    END IF;
  ELSE
    UPDATE plain.serial SET in_stock = false, wh = NULL
     WHERE item = NEW.item AND code = NEW.serial AND in_stock AND wh = NEW.wh;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'serial "%" of item "%" is not in stock in warehouse "%"', NEW.serial, NEW.item, NEW.wh
        USING ERRCODE = '23514', CONSTRAINT = 'plain_serial_not_in_stock';
    END IF;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER plain_move AFTER INSERT ON erp_stock
  FOR EACH ROW EXECUTE FUNCTION plain.on_move();

-- Variant (c) of the benchmark: the same rules as lottrace, written the way a
-- competent team would write them without lottrace -- one PL/pgSQL AFTER ROW
-- trigger on the ERP table that keeps its own registers.
--
-- Registers: plt.lot (unique item + code), plt.lot_balance (one row per lot
-- and warehouse), plt.serial (unique item + code, in/out state and place).
-- Configuration (mirrors lottrace's): plt.code_type (the code format as an
-- equivalent regular expression), plt.item, plt.reason, plt.lot_status,
-- plt.warehouse.
--
-- Rules, per row, as lottrace applies them: reason known, qty > 0, document
-- when the reason requires one, lot / serial required, code syntax (GS1
-- character set 82, 1-50 characters), code format of a new lot / serial,
-- new_lot_only, unload of an unknown lot, status availability and expiry
-- minus block days (unless the reason allows unavailable lots), negative
-- stock (unless the warehouse allows it), serial quantity 1, serial in / out
-- state and warehouse, cancelled serials.  UPDATE reverses the old row and
-- applies the new one, DELETE reverses, like lottrace.
--
-- Written for speed where it costs nothing in clarity: one function, no
-- per-row dynamic SQL, every lookup a primary-key or unique-index probe
-- (PL/pgSQL keeps the plans prepared), INSERT ... ON CONFLICT for balances
-- and serials (one statement instead of select-then-insert), the unloaded
-- lot locked with SELECT ... FOR UPDATE (orders it against status changes,
-- like lottrace's lock), the warehouse table read only when stock goes
-- negative, no foreign keys between the registers (the trigger is their
-- only writer).  An AFTER ROW trigger leaves COPY its multi-row inserts into
-- the ERP table.  The one thing a row trigger cannot do is judge the final
-- state of a statement: stock is checked after every row (an unload written
-- before its load in the same statement is refused; the benchmark's data
-- never does that).

CREATE SCHEMA plt;

CREATE TABLE plt.lot_status (
    code      text PRIMARY KEY,
    available boolean NOT NULL DEFAULT true
);
CREATE TABLE plt.warehouse (
    code           text PRIMARY KEY,
    allow_negative boolean NOT NULL DEFAULT false
);
CREATE TABLE plt.code_type (
    code    text PRIMARY KEY,
    kind    text NOT NULL CHECK (kind IN ('lot', 'serial')),
    pattern text NOT NULL          -- regular expression equivalent to the format
);
CREATE TABLE plt.item (
    item              text PRIMARY KEY,
    lot_tracked       boolean NOT NULL DEFAULT false,
    serial_tracked    boolean NOT NULL DEFAULT false,
    lot_code_type     text REFERENCES plt.code_type,
    serial_code_type  text REFERENCES plt.code_type,
    initial_status    text REFERENCES plt.lot_status,
    lot_validity_days int,
    block_days        int NOT NULL DEFAULT 0
);
CREATE TABLE plt.reason (
    code              text PRIMARY KEY,
    direction         text NOT NULL CHECK (direction IN ('load', 'unload')),
    new_lot_only      boolean NOT NULL DEFAULT false,
    allow_unavailable boolean NOT NULL DEFAULT false,
    requires_doc      boolean NOT NULL DEFAULT false
);

CREATE TABLE plt.lot (
    lot_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item        text NOT NULL,
    code        text NOT NULL,
    status      text NOT NULL,
    start_date  date,
    expiry_date date,
    initial_qty numeric,
    UNIQUE (item, code)
);
CREATE TABLE plt.lot_balance (
    lot_id     bigint NOT NULL,
    wh         text NOT NULL,
    loaded_qty numeric NOT NULL DEFAULT 0,
    on_hand    numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (lot_id, wh)
);
CREATE TABLE plt.serial (
    serial_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item       text NOT NULL,
    code       text NOT NULL,
    lot_id     bigint,
    state      text NOT NULL CHECK (state IN ('in_stock', 'out')),
    warehouse  text,
    start_date date,
    cancelled  boolean NOT NULL DEFAULT false,
    load_doc   text,
    unload_doc text,
    UNIQUE (item, code)
);

CREATE FUNCTION plt.erp_stock_move() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  r         erp_stock;
  sgn       int;            -- +1: apply the row, -1: reverse it
  it        plt.item;
  rs        plt.reason;
  delta     numeric;        -- signed effect on stock
  v_day     date;
  v_lot     bigint;
  v_expiry  date;
  v_avail   boolean;
  v_onhand  numeric;
  v_serial  bigint;
  v_state   text;
  v_cancel  boolean;
  v_pattern text;
  v_new     boolean;
BEGIN
  -- an UPDATE that leaves the movement as it was (the ERP's own columns) is no movement
  IF TG_OP = 'UPDATE' AND (NEW.id, NEW.item, NEW.wh, NEW.lot, NEW.serial, NEW.qty, NEW.reason, NEW.doc, NEW.moved_on)
                          IS NOT DISTINCT FROM
                          (OLD.id, OLD.item, OLD.wh, OLD.lot, OLD.serial, OLD.qty, OLD.reason, OLD.doc, OLD.moved_on) THEN
    RETURN NULL;
  END IF;
  FOR pass IN 1..2 LOOP
    IF pass = 1 THEN
      CONTINUE WHEN TG_OP = 'INSERT';
      r := OLD; sgn := -1;
    ELSE
      EXIT WHEN TG_OP = 'DELETE';
      r := NEW; sgn := 1;
    END IF;

    SELECT * INTO it FROM plt.item WHERE item = r.item;
    CONTINUE WHEN NOT FOUND OR NOT (it.lot_tracked OR it.serial_tracked);   -- not governed

    SELECT * INTO rs FROM plt.reason WHERE code = r.reason;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'unknown movement reason "%"', r.reason
        USING ERRCODE = '23503', CONSTRAINT = 'plt_reason', DETAIL = format('Row id %s.', r.id);
    END IF;
    IF r.qty IS NULL OR r.qty <= 0 THEN
      RAISE EXCEPTION 'quantity must be positive (item "%", warehouse "%")', r.item, r.wh
        USING ERRCODE = '23514', CONSTRAINT = 'plt_qty';
    END IF;
    IF sgn > 0 AND rs.requires_doc AND coalesce(r.doc, '') = '' THEN
      RAISE EXCEPTION 'reason "%" requires a document (item "%")', r.reason, r.item
        USING ERRCODE = '23502', CONSTRAINT = 'plt_doc_required';
    END IF;
    delta := CASE WHEN rs.direction = 'load' THEN r.qty ELSE -r.qty END * sgn;
    v_day := coalesce(r.moved_on, current_date);
    v_lot := NULL;

    IF it.lot_tracked THEN
      IF coalesce(r.lot, '') = '' THEN
        RAISE EXCEPTION 'item "%" is lot-tracked: the movement in warehouse "%" needs a lot', r.item, r.wh
          USING ERRCODE = '23502', CONSTRAINT = 'plt_lot_required';
      END IF;
      IF r.lot !~ '^[-!"%&''()*+,./0-9:;<=>?A-Z_a-z]{1,50}$' THEN
        RAISE EXCEPTION 'lot code "%" of item "%" is not a valid code', r.lot, r.item
          USING ERRCODE = '22P02', CONSTRAINT = 'plt_code_syntax';
      END IF;

      IF delta > 0 THEN
        -- a load (or the reversal of an unload): find or create the lot
        SELECT lot_id INTO v_lot FROM plt.lot WHERE item = r.item AND code = r.lot;
        IF NOT FOUND THEN
          IF sgn > 0 AND it.lot_code_type IS NOT NULL THEN
            SELECT pattern INTO v_pattern FROM plt.code_type WHERE code = it.lot_code_type;
            IF r.lot !~ v_pattern THEN
              RAISE EXCEPTION 'lot code "%" does not match the code type "%" of item "%"',
                              r.lot, it.lot_code_type, r.item
                USING ERRCODE = '23514', CONSTRAINT = 'plt_code_format';
            END IF;
          END IF;
          INSERT INTO plt.lot (item, code, status, start_date, expiry_date, initial_qty)
          VALUES (r.item, r.lot, coalesce(it.initial_status, 'AVAILABLE'), v_day,
                  v_day + it.lot_validity_days, r.qty)
          ON CONFLICT (item, code) DO NOTHING
          RETURNING lot_id INTO v_lot;
          IF v_lot IS NULL THEN      -- created meanwhile by a concurrent transaction
            SELECT lot_id INTO v_lot FROM plt.lot WHERE item = r.item AND code = r.lot;
          END IF;
        ELSIF sgn > 0 AND rs.new_lot_only THEN
          RAISE EXCEPTION 'lot "%" of item "%" already exists (reason "%" creates new lots only)',
                          r.lot, r.item, r.reason
            USING ERRCODE = '23505', CONSTRAINT = 'plt_new_lot_only';
        END IF;
        INSERT INTO plt.lot_balance AS b (lot_id, wh, loaded_qty, on_hand)
        VALUES (v_lot, r.wh, CASE WHEN sgn > 0 THEN delta ELSE 0 END, delta)
        ON CONFLICT (lot_id, wh) DO UPDATE
           SET loaded_qty = b.loaded_qty + excluded.loaded_qty,
               on_hand = b.on_hand + excluded.on_hand;
      ELSE
        -- an unload (or the reversal of a load): lock the lot, check it, take the stock
        SELECT l.lot_id, l.expiry_date, s.available INTO v_lot, v_expiry, v_avail
          FROM plt.lot l JOIN plt.lot_status s ON s.code = l.status
         WHERE l.item = r.item AND l.code = r.lot
           FOR UPDATE OF l;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'lot "%" of item "%" does not exist (unload from warehouse "%")', r.lot, r.item, r.wh
            USING ERRCODE = '23503', CONSTRAINT = 'plt_lot_unknown';
        END IF;
        IF sgn > 0 AND NOT rs.allow_unavailable THEN
          IF NOT v_avail THEN
            RAISE EXCEPTION 'lot "%" of item "%" cannot be unloaded from warehouse "%": its status is not available',
                            r.lot, r.item, r.wh
              USING ERRCODE = '23514', CONSTRAINT = 'plt_lot_unavailable';
          END IF;
          IF v_expiry IS NOT NULL AND v_day >= v_expiry - it.block_days THEN
            RAISE EXCEPTION 'lot "%" of item "%" cannot be unloaded from warehouse "%": blocked by expiry on %',
                            r.lot, r.item, r.wh, v_expiry - it.block_days
              USING ERRCODE = '23514', CONSTRAINT = 'plt_lot_expired';
          END IF;
        END IF;
        UPDATE plt.lot_balance
           SET on_hand = on_hand + delta,
               loaded_qty = loaded_qty + CASE WHEN sgn < 0 THEN delta ELSE 0 END
         WHERE lot_id = v_lot AND wh = r.wh
        RETURNING on_hand INTO v_onhand;
        IF NOT FOUND THEN
          v_onhand := delta;
          INSERT INTO plt.lot_balance (lot_id, wh, loaded_qty, on_hand)
          VALUES (v_lot, r.wh, CASE WHEN sgn < 0 THEN delta ELSE 0 END, delta);
        END IF;
        IF v_onhand < 0
           AND NOT coalesce((SELECT allow_negative FROM plt.warehouse WHERE code = r.wh), false) THEN
          RAISE EXCEPTION 'stock of lot "%" of item "%" in warehouse "%" would be %', r.lot, r.item, r.wh, v_onhand
            USING ERRCODE = '23514', CONSTRAINT = 'plt_negative_stock';
        END IF;
      END IF;
    END IF;

    IF it.serial_tracked THEN
      IF coalesce(r.serial, '') = '' THEN
        RAISE EXCEPTION 'item "%" is serial-tracked: the movement in warehouse "%" needs a serial', r.item, r.wh
          USING ERRCODE = '23502', CONSTRAINT = 'plt_serial_required';
      END IF;
      IF r.qty <> 1 THEN
        RAISE EXCEPTION 'serial "%" of item "%": quantity must be 1', r.serial, r.item
          USING ERRCODE = '23514', CONSTRAINT = 'plt_serial_qty';
      END IF;
      IF r.serial !~ '^[-!"%&''()*+,./0-9:;<=>?A-Z_a-z]{1,50}$' THEN
        RAISE EXCEPTION 'serial "%" of item "%" is not a valid code', r.serial, r.item
          USING ERRCODE = '22P02', CONSTRAINT = 'plt_code_syntax';
      END IF;

      IF delta > 0 THEN
        -- into stock: create the serial, or bring an existing one back in
        INSERT INTO plt.serial AS s (item, code, lot_id, state, warehouse, start_date, load_doc)
        VALUES (r.item, r.serial, v_lot, 'in_stock', r.wh, v_day, r.doc)
        ON CONFLICT (item, code) DO UPDATE
           SET state = 'in_stock', warehouse = excluded.warehouse, lot_id = excluded.lot_id,
               load_doc = excluded.load_doc, unload_doc = NULL
         WHERE s.state = 'out' AND NOT s.cancelled
        RETURNING serial_id, (xmax = 0) INTO v_serial, v_new;
        IF v_serial IS NULL THEN
          SELECT state, cancelled INTO v_state, v_cancel FROM plt.serial WHERE item = r.item AND code = r.serial;
          IF v_cancel THEN
            RAISE EXCEPTION 'serial "%" of item "%" is cancelled', r.serial, r.item
              USING ERRCODE = '23514', CONSTRAINT = 'plt_serial_cancelled';
          END IF;
          RAISE EXCEPTION 'serial "%" of item "%" is already in stock (load into warehouse "%")', r.serial, r.item, r.wh
            USING ERRCODE = '23505', CONSTRAINT = 'plt_serial_in_stock';
        END IF;
        IF v_new AND sgn > 0 AND it.serial_code_type IS NOT NULL THEN   -- a new serial
          SELECT pattern INTO v_pattern FROM plt.code_type WHERE code = it.serial_code_type;
          IF r.serial !~ v_pattern THEN
            RAISE EXCEPTION 'serial "%" does not match the code type "%" of item "%"', r.serial, it.serial_code_type, r.item
              USING ERRCODE = '23514', CONSTRAINT = 'plt_code_format';
          END IF;
        END IF;
      ELSE
        -- out of stock: must be in stock in that warehouse
        UPDATE plt.serial
           SET state = 'out', warehouse = NULL, unload_doc = r.doc
         WHERE item = r.item AND code = r.serial
           AND state = 'in_stock' AND warehouse = r.wh AND NOT cancelled
        RETURNING serial_id INTO v_serial;
        IF NOT FOUND THEN
          SELECT cancelled INTO v_cancel FROM plt.serial WHERE item = r.item AND code = r.serial;
          IF v_cancel THEN
            RAISE EXCEPTION 'serial "%" of item "%" is cancelled', r.serial, r.item
              USING ERRCODE = '23514', CONSTRAINT = 'plt_serial_cancelled';
          END IF;
          RAISE EXCEPTION 'serial "%" of item "%" is not in stock in warehouse "%"', r.serial, r.item, r.wh
            USING ERRCODE = '23514', CONSTRAINT = 'plt_serial_not_in_stock';
        END IF;
      END IF;
    END IF;
  END LOOP;
  RETURN NULL;
END
$$;

CREATE TRIGGER plt_move AFTER INSERT OR UPDATE OR DELETE ON erp_stock
  FOR EACH ROW EXECUTE FUNCTION plt.erp_stock_move();

-- The ERP table of the benchmark, identical in every variant.
CREATE TABLE erp_stock (
    id       bigserial PRIMARY KEY,
    item     text,
    wh       text,
    lot      text,
    serial   text,
    qty      numeric(14,3),
    reason   text,
    doc      text,
    moved_on date
);
CREATE INDEX erp_stock_item_lot_idx ON erp_stock (item, lot);

# W3: the W1 rows of gen-data.awk (item,wh,lot,serial,qty,reason,doc,moved_on)
# as Odoo-shaped stock_move rows (schema-odoo.sql):
# product_id,location_id,location_dest_id,lot_id,product_qty,state,reference,date
#   awk -F, -v nl=LOTS -f odoo-rows.awk batch-01.csv
# A receipt moves from Vendors (11) into its warehouse, a shipment from its
# warehouse to Customers (12); every row is done.
BEGIN { OFS = "," }
{
  k = substr($1, 1, 3); n = substr($1, 4) + 0
  prod = k == "LOT" ? n : k == "SER" ? 1500 + n : 1700 + n
  wh = substr($2, 2) + 0
  lot = $3 != "" ? substr($3, 2) + 0 : $4 != "" ? nl + substr($4, 3) : ""
  if ($6 == "RCV") { from = 11; to = wh } else { from = wh; to = 12 }
  print prod, from, to, lot, $5, "done", $7, $8
}

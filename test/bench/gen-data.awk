# Deterministic data generator of the bulk-import workload (W1) and of the
# 10M-row memory test: pure arithmetic, no randomness, so every run and every
# variant reads byte-identical rows.
#
#   awk -v nl=LOTS -v ns=SERIALS -v nu=UNTRACKED [-v nb=10 -v out=DIR/batch-] -f gen-data.awk
#
# Rows (CSV, columns item,wh,lot,serial,qty,reason,doc,moved_on; an empty
# field is NULL):
#   lot i (1..nl)        item LOT0001..LOT1500 (i mod 1500), code L{SEQ:7} = L0000001...,
#                        loaded into 4 of the 10 warehouses (W01..W10) with 100..500
#                        units each, then unloaded from each of them (20-60 % of the
#                        load, so stock never goes negative);
#   serial j (1..ns)     item SER001..SER200, code SN00000001..., loaded into one
#                        warehouse; the even ones are unloaded from it again;
#   untracked u (1..nu)  item UNT001..UNT300, one load of 50 and one unload of 10.
# Load dates run over 300 days from 2025-01-01; each unload is 30 days after
# its load.  All loads come before all unloads; inside each phase the rows are
# in date order (lots, serials and untracked rows of a day interleaved).
#
# With nb and out the rows go to nb files of (nearly) equal size out01.csv
# ... outNN.csv; otherwise to standard output.  Total rows: 8 nl + ns +
# floor(ns/2) + 2 nu (1,000,000 for nl = ns = 100000, nu = 25000).

function datestr(d,    m) {          # day offset from 2025-01-01 -> ISO date
  y = 2025
  while (1) {
    for (m = 1; m <= 12; m++) {
      ml = mlen[m]
      if (m == 2 && y % 4 == 0) ml = 29
      if (d < ml) return sprintf("%04d-%02d-%02d", y, m, d + 1)
      d -= ml
    }
    y++
  }
}
function day(i, n) { return int((i - 1) * 300 / n) }
function emit(line) {
  if (nb > 0) {
    b = int(row * nb / total) + 1
    print line > (out sprintf("%02d", b) ".csv")
  } else
    print line
  row++
}
BEGIN {
  split("31 28 31 30 31 30 31 31 30 31 30 31", mlen, " ")
  nl += 0; ns += 0; nu += 0; nb += 0
  total = 8 * nl + ns + int(ns / 2) + 2 * nu
  row = 0
  for (d = 0; d < 340; d++) ds[d] = datestr(d)

  # loads
  li = 1; sj = 1; uu = 1
  for (d = 0; d < 300; d++) {
    for (; li <= nl && day(li, nl) == d; li++) {
      item = sprintf("LOT%04d", (li - 1) % 1500 + 1); code = sprintf("L%07d", li)
      for (k = 0; k < 4; k++) {
        q = 100 + (li * 37 + k * 11) % 401
        emit(item ",W" sprintf("%02d", (li + 3 * k) % 10 + 1) "," code ",," q ",RCV,GRN" li "," ds[d])
      }
    }
    for (; sj <= ns && day(sj, ns) == d; sj++)
      emit(sprintf("SER%03d", (sj - 1) % 200 + 1) ",W" sprintf("%02d", (sj * 7) % 10 + 1) ",," \
           sprintf("SN%08d", sj) ",1,RCV,GRN-S" sj "," ds[d])
    for (; uu <= nu && day(uu, nu) == d; uu++)
      emit(sprintf("UNT%03d", (uu - 1) % 300 + 1) ",W" sprintf("%02d", uu % 10 + 1) ",,,50,RCV,GRN-U" uu "," ds[d])
  }
  # unloads, 30 days after their loads
  li = 1; sj = 1; uu = 1
  for (d = 0; d < 300; d++) {
    for (; li <= nl && day(li, nl) == d; li++) {
      item = sprintf("LOT%04d", (li - 1) % 1500 + 1); code = sprintf("L%07d", li)
      for (k = 0; k < 4; k++) {
        q = 100 + (li * 37 + k * 11) % 401
        emit(item ",W" sprintf("%02d", (li + 3 * k) % 10 + 1) "," code ",," int(q * (2 + (li + k) % 5) / 10) \
             ",SHIP,INV" li "," ds[d + 30])
      }
    }
    for (; sj <= ns && day(sj, ns) == d; sj++)
      if (sj % 2 == 0)
        emit(sprintf("SER%03d", (sj - 1) % 200 + 1) ",W" sprintf("%02d", (sj * 7) % 10 + 1) ",," \
             sprintf("SN%08d", sj) ",1,SHIP,INV-S" sj "," ds[d + 30])
    for (; uu <= nu && day(uu, nu) == d; uu++)
      emit(sprintf("UNT%03d", (uu - 1) % 300 + 1) ",W" sprintf("%02d", uu % 10 + 1) ",,,10,SHIP,INV-U" uu "," ds[d + 30])
  }
  if (row != total) { print "gen-data.awk: wrote " row " rows, expected " total > "/dev/stderr"; exit 1 }
}

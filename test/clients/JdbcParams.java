/*
 * Lot and serial codes through pgJDBC (Debian's libpostgresql-jdbc-java), as
 * an ERP would use them: PreparedStatement.setString, search_path
 * "$user", public (lottrace not on the path).  Compiled and run by
 * test/shell/clients.sh:
 *
 *     java -cp /usr/share/java/postgresql.jar:DIR JdbcParams JDBC-URL
 *
 * against a database with lottrace and stock_lot (id, lot lotcode,
 * sn serialcode, qty) holding 'LC<n>' / 'SN<n>' / n, indexed on lot and sn.
 *
 * setString sends the parameter typed varchar (the default stringtype), so
 * the (code, text) operators apply through varchar's binary cast to text:
 * natural order, trimmed, a non-code equals nothing, index scan.  With
 * stringtype=unspecified it is sent untyped and read as a lotcode.
 * Prints "ok: ..." per check; exits 1 if any check failed.
 */
import java.sql.*;
import java.util.ArrayList;
import java.util.List;

public class JdbcParams {
    static int failures = 0;

    static void check(String what, boolean cond, Object detail) {
        if (cond) {
            System.out.println("ok: jdbc: " + what);
        } else {
            failures++;
            System.out.println("FAILED: jdbc: " + what + (detail != null ? " (" + detail + ")" : ""));
        }
    }

    static void check(String what, boolean cond) { check(what, cond, null); }

    /* The first column of the first row, as a String (null if no row). */
    static String one(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++)
                ps.setString(i + 1, args[i]);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static String plan(Connection c, String sql, String... args) throws SQLException {
        StringBuilder sb = new StringBuilder();
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN (COSTS OFF) " + sql)) {
            for (int i = 0; i < args.length; i++)
                ps.setString(i + 1, args[i]);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next())
                    sb.append(rs.getString(1)).append('\n');
            }
        }
        return sb.toString();
    }

    static boolean usesIndex(String p) {
        return (p.contains("Index Scan") || p.contains("Index Only Scan") || p.contains("Bitmap Index Scan"))
            && !p.contains("Seq Scan");
    }

    /* The SQLSTATE the statement fails with, or null. */
    static String sqlstateOf(Connection c, String sql, String... args) {
        try {
            one(c, sql, args);
            return null;
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    public static void main(String[] argv) throws Exception {
        try {
            run(argv[0]);
        } catch (SQLException e) {
            System.out.println("FAILED: jdbc: unexpected error " + e.getSQLState() + ": " + e.getMessage());
            System.exit(1);
        }
        if (failures > 0) {
            System.out.println("FAILED: jdbc: " + failures + " check(s) failed");
            System.exit(1);
        }
        System.out.println("ok: jdbc: all checks passed");
    }

    static void run(String url) throws SQLException {
        String sep = url.contains("?") ? "&" : "?";

        try (Connection c = DriverManager.getConnection(url)) {
            String sp = one(c, "SHOW search_path");
            check("search_path is the default (" + sp + ")", "\"$user\", public".equals(sp), sp);
            check("setString sends varchar (pg_typeof)",
                  "character varying".equals(one(c, "SELECT pg_typeof(?)::text", "L10")));

            // natural order
            check("'L2'::lottrace.lotcode < ? (setString \"L10\"): natural order",
                  "t".equals(one(c, "SELECT 'L2'::lottrace.lotcode < ?", "L10")));
            check("? > 'L2'::lottrace.lotcode (setString \"L10\", on the left)",
                  "t".equals(one(c, "SELECT ? > 'L2'::lottrace.lotcode", "L10")));
            check("'S9'::lottrace.serialcode < ? (setString \"S10\")",
                  "t".equals(one(c, "SELECT 'S9'::lottrace.serialcode < ?", "S10")));
            check("'L2'::lottrace.lotcode = ? (\"L  2\", not a code): false, no error",
                  "f".equals(one(c, "SELECT 'L2'::lottrace.lotcode = ?", "L  2")));

            // WHERE, the index
            check("WHERE lot = ? (\"LC3\") finds id 3",
                  "3".equals(one(c, "SELECT id FROM stock_lot WHERE lot = ?", "LC3")));
            check("WHERE lot = ? (\" LC3 \", trimmed like input) finds id 3",
                  "3".equals(one(c, "SELECT id FROM stock_lot WHERE lot = ?", " LC3 ")));
            check("WHERE sn = ? (\"SN44\") finds id 44",
                  "44".equals(one(c, "SELECT id FROM stock_lot WHERE sn = ?", "SN44")));
            check("count(*) WHERE lot < ? (\"LC10\") is 9 (natural order)",
                  "9".equals(one(c, "SELECT count(*) FROM stock_lot WHERE lot < ?", "LC10")));
            String[][] planned = {
                {"SELECT id FROM stock_lot WHERE lot = ?", "LC3"},
                {"SELECT id FROM stock_lot WHERE ? = lot", "LC3"},
                {"SELECT id FROM stock_lot WHERE sn = ?", "SN44"},
                {"SELECT count(*) FROM stock_lot WHERE lot BETWEEN ? AND ?", "LC9", "LC11"},
            };
            for (String[] q : planned) {
                String[] args = java.util.Arrays.copyOfRange(q, 1, q.length);
                String p = plan(c, q[0], args);
                check("EXPLAIN " + q[0] + " (setString): index scan", usesIndex(p), p);
            }
            String p = plan(c, "SELECT id FROM stock_lot WHERE lot = ?", "LC3");
            check("EXPLAIN shows the (code, text) operator: Index Cond (lot = 'LC3'::text)",
                  p.contains("(lot = 'LC3'::text)"), p);

            // ||
            check("lot || ? (\"-x\") = LC7-x",
                  "LC7-x".equals(one(c, "SELECT lot || ? FROM stock_lot WHERE id = 7", "-x")));
            check("? || lot (\"x-\") = x-LC7",
                  "x-LC7".equals(one(c, "SELECT ? || lot FROM stock_lot WHERE id = 7", "x-")));
            check("string_agg(lot || '=' || qty, ',') = LC1=1,LC2=2,LC3=3",
                  "LC1=1,LC2=2,LC3=3".equals(one(c,
                      "SELECT string_agg(lot || '=' || qty, ',' ORDER BY id) FROM stock_lot WHERE id <= 3")));

            // getString / metadata on code columns
            try (PreparedStatement ps = c.prepareStatement("SELECT lot, sn FROM stock_lot WHERE id = ?")) {
                ps.setInt(1, 7);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    check("ResultSet.getString on lotcode / serialcode: LC7 / SN7",
                          "LC7".equals(rs.getString(1)) && "SN7".equals(rs.getString("sn")),
                          rs.getString(1) + " " + rs.getString(2));
                    String tn = rs.getMetaData().getColumnTypeName(1);
                    check("column type name of lot is lotcode (" + tn + ")", tn.contains("lotcode"), tn);
                    Object o = rs.getObject(1);
                    check("getObject on lotcode gives the code as text (" + o.getClass().getName() + ")",
                          "LC7".equals(o.toString()), o);
                }
            }
        }

        // prepareThreshold=1: named server-side statement from the first
        // execution; after 5 custom plans the server may use a generic plan.
        try (Connection c = DriverManager.getConnection(url + sep + "prepareThreshold=1")) {
            boolean right = true;
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM stock_lot WHERE lot = ?")) {
                for (int i = 1; i <= 8; i++) {
                    ps.setString(1, "LC" + i);
                    try (ResultSet rs = ps.executeQuery()) {
                        right &= rs.next() && rs.getInt(1) == i;
                    }
                }
                check("prepareThreshold=1: 8 executions of lot = ? find the right ids", right);
                String name = null, types = null;
                long generic = -1;
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery(
                         "SELECT name, parameter_types::text, generic_plans FROM pg_prepared_statements"
                         + " WHERE statement LIKE '%WHERE lot = $1'")) {
                    if (rs.next()) {
                        name = rs.getString(1);
                        types = rs.getString(2);
                        generic = rs.getLong(3);
                    }
                }
                check("server-side prepared statement " + name + " with parameter types " + types,
                      "{\"character varying\"}".equals(types), types);
                check("the server chose a generic plan (generic_plans = " + generic + ")", generic > 0);
                if (name != null) {
                    StringBuilder sb = new StringBuilder();
                    try (Statement st = c.createStatement()) {
                        st.execute("SET plan_cache_mode = force_generic_plan");
                        try (ResultSet rs = st.executeQuery("EXPLAIN (COSTS OFF) EXECUTE \"" + name + "\"('LC3')")) {
                            while (rs.next())
                                sb.append(rs.getString(1)).append('\n');
                        }
                        st.execute("RESET plan_cache_mode");
                    }
                    String gp = sb.toString();
                    check("generic plan of the prepared lot = $1::varchar: index scan", usesIndex(gp), gp);
                    check("generic plan: Index Cond (lot = ($1)::text)", gp.contains("(lot = ($1)::text)"), gp);
                }
            }
        }

        // stringtype=unspecified: setString sends the parameter untyped, so
        // the server reads it as a lotcode -- still natural order and the
        // index, but a value that is not a code is an error.
        try (Connection c = DriverManager.getConnection(url + sep + "stringtype=unspecified")) {
            check("stringtype=unspecified: 'L2'::lottrace.lotcode < ? (\"L10\")",
                  "t".equals(one(c, "SELECT 'L2'::lottrace.lotcode < ?", "L10")));
            check("stringtype=unspecified: WHERE lot = ? (\"LC3\") finds id 3",
                  "3".equals(one(c, "SELECT id FROM stock_lot WHERE lot = ?", "LC3")));
            String st = sqlstateOf(c, "SELECT 'L2'::lottrace.lotcode = ?", "L  2");
            check("stringtype=unspecified: \"L  2\" is read as a lotcode and fails with 22P02 (got " + st + ")",
                  "22P02".equals(st));
        }
    }
}

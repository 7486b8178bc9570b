package io.smsrouter.http;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CSV of a campaign's recipients (RFC 4180: comma-separated, fields in double quotes may hold
 * commas, quotes doubled and line breaks; CRLF or LF; a UTF-8 byte-order mark is skipped). The
 * header row names the columns: {@code to} is the number, every other column a template variable.
 */
final class Csv {
    private Csv() {
    }

    /** {@code {to, vars map or null}} per data row; blank lines are skipped. */
    static List<Object[]> recipients(String body, int max) {
        List<List<String>> rows = parse(body);
        if (rows.isEmpty()) {
            throw ApiError.bad("bad_csv", "the CSV is empty: expected a header row (to,var1,…) and a row per recipient");
        }
        List<String> header = rows.get(0);
        int toCol = -1;
        for (int i = 0; i < header.size(); i++) {
            String h = header.get(i).strip();
            header.set(i, h);
            if (h.equalsIgnoreCase("to")) {
                toCol = i;
            } else if (h.isEmpty()) {
                throw ApiError.bad("bad_csv", "line 1: column " + (i + 1) + " has no name");
            }
        }
        if (toCol < 0) {
            throw ApiError.bad("bad_csv", "line 1: expected a header row with a column named to, got " + header);
        }
        if (rows.size() - 1 > max) {
            throw new ApiError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too_many_recipients",
                    "at most " + max + " recipients, got " + (rows.size() - 1));
        }
        List<Object[]> out = new ArrayList<>(rows.size() - 1);
        for (int r = 1; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (row.size() == 1 && row.get(0).isBlank()) {
                continue;
            }
            if (row.size() != header.size()) {
                throw ApiError.bad("bad_csv", "row " + (r + 1) + ": " + row.size() + " fields, the header has "
                        + header.size());
            }
            Map<String, Object> vars = null;
            for (int i = 0; i < header.size(); i++) {
                if (i == toCol) {
                    continue;
                }
                if (vars == null) {
                    vars = new LinkedHashMap<>();
                }
                vars.put(header.get(i), row.get(i));
            }
            out.add(new Object[]{row.get(toCol).strip(), vars});
        }
        if (out.isEmpty()) {
            throw ApiError.bad("bad_csv", "the CSV has a header but no recipients");
        }
        return out;
    }

    static List<List<String>> parse(String s) {
        List<List<String>> rows = new ArrayList<>();
        int i = s.startsWith("\uFEFF") ? 1 : 0;
        int n = s.length();
        List<String> row = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        while (i < n) {
            char c = s.charAt(i++);
            any = true;
            if (quoted) {
                if (c == '"') {
                    if (i < n && s.charAt(i) == '"') {
                        f.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    f.append(c);
                }
            } else if (c == '"' && f.isEmpty()) {
                quoted = true;
            } else if (c == ',') {
                row.add(f.toString());
                f.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i < n && s.charAt(i) == '\n') {
                    i++;
                }
                row.add(f.toString());
                f.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                any = false;
            } else {
                f.append(c);
            }
        }
        if (quoted) {
            throw ApiError.bad("bad_csv", "row " + (rows.size() + 1) + ": a quoted field is not closed");
        }
        if (any) {
            row.add(f.toString());
            rows.add(row);
        }
        return rows;
    }

    /** A field for a CSV we write: quoted when it holds a comma, quote or line break. */
    static String field(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}

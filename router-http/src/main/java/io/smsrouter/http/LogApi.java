package io.smsrouter.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.smsrouter.core.account.Account;
import io.smsrouter.core.billing.Amounts;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.engine.SmsLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/log}: the SMS log, read from the journal. With an account's key its own
 * messages; with the admin token every account's, or one ({@code account=}). Filters {@code from}
 * and {@code to} (ISO-8601 instants; default the last 24 hours), {@code msisdn}, {@code sender};
 * {@code limit} (default 1000, at most 100,000); {@code format=csv} for a CSV file instead of JSON.
 * Reading the journal takes a while, so the server runs it off the event loop ({@link #isSlow}).
 */
final class LogApi {
    private static final Logger log = LoggerFactory.getLogger(LogApi.class);
    static final String PATH = "/api/v1/log";
    static final int DEFAULT_LIMIT = 1000;
    static final int MAX_LIMIT = 100_000;
    private static final long DAY_MS = 86_400_000L;
    private static final String[] COLUMNS = {"id", "account", "origin", "from", "to", "segments", "price",
        "refunded", "state", "error", "operator", "upstreamId", "acceptedAt", "doneAt", "text"};

    private final ObjectMapper json;
    private final Engine engine;
    private final KeyOrAdmin auth;

    LogApi(ObjectMapper json, Engine engine, MessageApi keys, AdminAuth admin) {
        this.json = json;
        this.engine = engine;
        this.auth = new KeyOrAdmin(keys, admin);
    }

    static boolean handles(String path) {
        return path.equals(PATH) || path.equals(PATH + "/");
    }

    FullHttpResponse handle(FullHttpRequest req) {
        KeyOrAdmin.Caller caller = auth.caller(req);
        if (caller == null) {
            return KeyOrAdmin.unauthorized();
        }
        if (caller.refusal() != null) {
            return caller.refusal();
        }
        Account account = caller.account();
        try {
            ApiError.requireMethod(req.method(), HttpMethod.GET);
            Map<String, List<String>> params = new QueryStringDecoder(req.uri()).parameters();
            String accountId = account != null ? account.id() : ApiError.param(params, "account");
            if (account == null && accountId != null && engine.accounts().get(accountId) == null) {
                throw new ApiError(HttpResponseStatus.NOT_FOUND, "unknown_account", "no account " + accountId);
            }
            long now = System.currentTimeMillis();
            long to = time(params, "to", now);
            long from = time(params, "from", to - DAY_MS);
            if (from > to) {
                throw ApiError.bad("bad_request", "from: must not be after to");
            }
            String msisdn = ApiError.param(params, "msisdn");
            int limit = ApiError.intParam(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
            String format = ApiError.param(params, "format");
            if (format != null && !format.equals("csv") && !format.equals("json")) {
                throw ApiError.bad("bad_request", "format: expected csv or json, got \"" + format + "\"");
            }
            // one more than asked: whether anything was left out
            List<SmsLog.Row> rows = engine.smsLog(new SmsLog.Query(accountId, from, to,
                    msisdn == null ? null : MessageApi.msisdn("msisdn", msisdn), ApiError.param(params, "sender"),
                    limit + 1));
            boolean truncated = rows.size() > limit;
            if (truncated) {
                rows = rows.subList(0, limit);
            }
            return "csv".equals(format) ? csv(rows, truncated) : json(rows, from, to, truncated);
        } catch (ApiError e) {
            return e.response();
        } catch (io.smsrouter.core.cluster.ClusterUnavailableException e) {
            // cluster mode: the shared log is in PostgreSQL, which does not answer; the caller tries again
            log.warn("SMS log request {} refused: {}", req.uri(), e.getMessage());
            return HttpServer.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "cluster_unavailable",
                    "the cluster's database is unavailable: the log cannot be read now; try again");
        } catch (RuntimeException e) {
            log.error("SMS log request {} failed", req.uri(), e);
            return HttpServer.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable",
                    "the log could not be read: " + e.getMessage());
        }
    }

    private static long time(Map<String, List<String>> params, String name, long dflt) {
        String v = ApiError.param(params, name);
        if (v == null) {
            return dflt;
        }
        try {
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw ApiError.bad("bad_request", name + ": expected an ISO-8601 instant such as "
                    + "2026-11-26T09:00:00Z, got \"" + v + "\"");
        }
    }

    private FullHttpResponse json(List<SmsLog.Row> rows, long from, long to, boolean truncated) {
        ObjectNode root = json.createObjectNode();
        root.put("from", Instant.ofEpochMilli(from).toString());
        root.put("to", Instant.ofEpochMilli(to).toString());
        root.put("count", rows.size());
        root.put("truncated", truncated);
        ArrayNode items = root.putArray("items");
        for (SmsLog.Row r : rows) {
            ObjectNode o = items.addObject();
            String[] v = values(r);
            for (int i = 0; i < COLUMNS.length; i++) {
                if (v[i] == null) {
                    continue;
                }
                switch (COLUMNS[i]) {
                    case "segments", "error" -> o.put(COLUMNS[i], Integer.parseInt(v[i]));
                    case "refunded" -> o.put(COLUMNS[i], Boolean.parseBoolean(v[i]));
                    default -> o.put(COLUMNS[i], v[i]);
                }
            }
        }
        return HttpServer.json(HttpResponseStatus.OK, root.toString());
    }

    private static FullHttpResponse csv(List<SmsLog.Row> rows, boolean truncated) {
        StringBuilder sb = new StringBuilder(128 + rows.size() * 160);
        sb.append('\uFEFF'); // a byte order mark: spreadsheets then read the file as UTF-8
        sb.append(String.join(",", COLUMNS)).append("\r\n");
        for (SmsLog.Row r : rows) {
            String[] v = values(r);
            for (int i = 0; i < v.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                csvField(sb, v[i] == null ? "" : v[i]);
            }
            sb.append("\r\n");
        }
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(body));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/csv; charset=utf-8");
        resp.headers().set(HttpHeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"sms-log.csv\"");
        resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        resp.headers().set("X-Truncated", Boolean.toString(truncated));
        return resp;
    }

    /**
     * RFC 4180: quoted when it holds a comma, a quote or a line break; a leading = + - @ tab or CR
     * is defused for spreadsheets (OWASP CSV injection), numbers such as +79161234567 excepted.
     */
    private static void csvField(StringBuilder sb, String v) {
        String s = !v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0 && !v.matches("[+-]?[0-9.]+") ? "'" + v : v;
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            sb.append('"').append(s.replace("\"", "\"\"")).append('"');
        } else {
            sb.append(s);
        }
    }

    private static String[] values(SmsLog.Row r) {
        return new String[]{Long.toString(r.id), r.accountId, r.origin, r.sender, r.recipient,
            Integer.toString(r.segments), r.price < 0 ? null : Amounts.format(r.price), Boolean.toString(r.refunded),
            r.state, Integer.toString(r.error), r.operatorId, r.upstreamId,
            Instant.ofEpochMilli(r.acceptedAtMs).toString(), r.doneAtMs == 0 ? null : Instant.ofEpochMilli(r.doneAtMs)
                .toString(), r.text};
    }
}

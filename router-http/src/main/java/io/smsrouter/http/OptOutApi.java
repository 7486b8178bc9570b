package io.smsrouter.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.smsrouter.core.account.Account;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.policy.OptOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/optouts}: subscribers who withdrew consent. With an account's API key the
 * entries are that account's (for one sender name, or with no {@code sender} for all of them);
 * with the admin token also global ones (no {@code account}: no account may send to the number)
 * or any account's ({@code account}). Every change is journaled before it is answered.
 */
final class OptOutApi {
    private static final Logger log = LoggerFactory.getLogger(OptOutApi.class);
    static final String PATH = "/api/v1/optouts";
    private static final int DEFAULT_LIMIT = 1000;

    private final ObjectMapper json;
    private final Engine engine;
    private final KeyOrAdmin auth;

    OptOutApi(ObjectMapper json, Engine engine, MessageApi keys, AdminAuth admin) {
        this.json = json;
        this.engine = engine;
        this.auth = new KeyOrAdmin(keys, admin);
    }

    static boolean handles(String path) {
        return path.equals(PATH) || path.startsWith(PATH + "/");
    }

    FullHttpResponse handle(FullHttpRequest req, String path) {
        KeyOrAdmin.Caller caller = auth.caller(req);
        if (caller == null) {
            return KeyOrAdmin.unauthorized();
        }
        if (caller.refusal() != null) {
            return caller.refusal();
        }
        boolean admin = caller.admin();
        Account account = caller.account();
        Map<String, List<String>> params = new QueryStringDecoder(req.uri()).parameters();
        try {
            if (path.equals(PATH) || path.equals(PATH + "/")) {
                if (req.method() == HttpMethod.POST) {
                    return add(account, ApiError.body(json, req));
                }
                if (req.method() == HttpMethod.GET) {
                    return list(account, params);
                }
                throw new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "use GET or POST");
            }
            if (req.method() != HttpMethod.DELETE) {
                throw new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "use DELETE");
            }
            String msisdn = QueryStringDecoder.decodeComponent(path.substring(PATH.length() + 1));
            String accountId = account != null ? account.id() : ApiError.param(params, "account");
            return remove(accountId, ApiError.param(params, "sender"), msisdn, admin);
        } catch (ApiError e) {
            return e.response();
        } catch (IllegalArgumentException e) {
            return ApiError.bad("bad_request", e.getMessage()).response();
        } catch (io.smsrouter.core.cluster.ClusterUnavailableException e) {
            // cluster mode: the shared store (PostgreSQL) is down; nothing was recorded, the caller tries again
            log.warn("opt-out request {} {} refused: {}", req.method(), path, e.getMessage());
            return HttpServer.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "cluster_unavailable",
                    "the cluster's database is unavailable: the opt-out was not recorded; try again");
        } catch (RuntimeException e) {
            log.error("opt-out request {} {} failed", req.method(), path, e);
            return HttpServer.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable",
                    "the opt-out could not be recorded: " + e.getMessage());
        }
    }

    private FullHttpResponse add(Account account, JsonNode body) {
        String msisdn = MessageApi.msisdn("msisdn", ApiError.string(body, "msisdn", true));
        String sender = ApiError.string(body, "sender", false);
        String accountId = account != null ? account.id() : ApiError.string(body, "account", false);
        if (account != null && body.hasNonNull("account") && !account.id().equals(body.get("account").asText())) {
            throw new ApiError(HttpResponseStatus.FORBIDDEN, "forbidden", "an account key records its own opt-outs only");
        }
        if (accountId != null && engine.accounts().get(accountId) == null) {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, "unknown_account", "no account " + accountId);
        }
        if (accountId == null && sender != null) {
            throw ApiError.bad("bad_request", "sender: a global opt-out (no account) is for every sender");
        }
        OptOut o = new OptOut(accountId, sender == null || sender.isBlank() ? null : sender, msisdn,
                System.currentTimeMillis(), account != null ? "api" : "admin");
        boolean created = engine.optOut(o);
        ObjectNode out = describe(json.createObjectNode(), o);
        out.put("created", created);
        return HttpServer.json(created ? HttpResponseStatus.CREATED : HttpResponseStatus.OK, out.toString());
    }

    private FullHttpResponse list(Account account, Map<String, List<String>> params) {
        String accountId = account != null ? account.id() : ApiError.param(params, "account");
        String msisdn = ApiError.param(params, "msisdn");
        int limit = ApiError.intParam(params, "limit", DEFAULT_LIMIT, 1, 100_000);
        List<OptOut> entries = engine.optOuts().list(accountId,
                msisdn == null ? null : MessageApi.msisdn("msisdn", msisdn), limit);
        ObjectNode root = json.createObjectNode();
        // an account sees the count of its own entries only
        root.put("total", account == null && accountId == null && msisdn == null ? engine.optOuts().size()
                : entries.size());
        ArrayNode items = root.putArray("items");
        entries.forEach(o -> describe(items.addObject(), o));
        return HttpServer.json(HttpResponseStatus.OK, root.toString());
    }

    private FullHttpResponse remove(String accountId, String sender, String msisdnText, boolean admin) {
        String msisdn = MessageApi.msisdn("msisdn", msisdnText);
        if (accountId == null && !admin) {
            throw new ApiError(HttpResponseStatus.FORBIDDEN, "forbidden", "only the admin token removes global opt-outs");
        }
        if (!engine.optIn(accountId, sender, msisdn, admin ? "admin" : "api")) {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, "not_found", "no opt-out of " + msisdn
                    + (accountId == null ? " (global)" : " for account " + accountId)
                    + (sender == null ? "" : " and sender " + sender));
        }
        ObjectNode out = json.createObjectNode();
        out.put("msisdn", msisdn);
        out.put("removed", true);
        return HttpServer.json(HttpResponseStatus.OK, out.toString());
    }

    private static ObjectNode describe(ObjectNode o, OptOut e) {
        o.put("msisdn", e.msisdn());
        if (e.accountId() != null) {
            o.put("account", e.accountId());
        }
        if (e.sender() != null) {
            o.put("sender", e.sender());
        }
        o.put("scope", e.scope().name().toLowerCase(java.util.Locale.ROOT));
        o.put("at", Instant.ofEpochMilli(e.atMs()).toString());
        o.put("source", e.source());
        return o;
    }

}

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
import io.smsrouter.core.billing.Amounts;
import io.smsrouter.core.billing.Billing;
import io.smsrouter.core.engine.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Prepaid balances. {@code GET /api/v1/balance}: with an account's API key its own figures; with
 * the admin token every billed account's, or one ({@code ?account=}).
 * {@code POST /api/v1/balance/topups} (admin token) {@code {"account","amount"}} adds to a balance,
 * journaled before the answer. Amounts are decimal strings ({@code "100.50"}), exact.
 */
final class BalanceApi {
    private static final Logger log = LoggerFactory.getLogger(BalanceApi.class);
    static final String PATH = "/api/v1/balance";
    static final String TOPUPS = PATH + "/topups";

    private final ObjectMapper json;
    private final Engine engine;
    private final KeyOrAdmin auth;

    BalanceApi(ObjectMapper json, Engine engine, MessageApi keys, AdminAuth admin) {
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
        try {
            if (path.equals(PATH) || path.equals(PATH + "/")) {
                ApiError.requireMethod(req.method(), HttpMethod.GET);
                Map<String, List<String>> params = new QueryStringDecoder(req.uri()).parameters();
                return get(account != null ? account.id() : ApiError.param(params, "account"), account == null);
            }
            if (path.equals(TOPUPS)) {
                ApiError.requireMethod(req.method(), HttpMethod.POST);
                if (!admin) {
                    throw new ApiError(HttpResponseStatus.FORBIDDEN, "forbidden", "top-ups need the admin token");
                }
                return topUp(ApiError.body(json, req));
            }
            throw new ApiError(HttpResponseStatus.NOT_FOUND, "not_found", "no such endpoint: " + path);
        } catch (ApiError e) {
            return e.response();
        } catch (io.smsrouter.core.billing.CreditPool.Unavailable e) {
            log.warn("balance request {} {}: the shared balance store did not answer: {}", req.method(), path,
                    e.getMessage());
            return HttpServer.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable",
                    (req.method() == HttpMethod.POST ? "the top-up could not be recorded: "
                            : "the balance could not be read: ") + e.getMessage());
        } catch (RuntimeException e) {
            log.error("balance request {} {} failed", req.method(), path, e);
            return HttpServer.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable",
                    (req.method() == HttpMethod.POST ? "the top-up could not be recorded: "
                            : "the balance could not be read: ") + e.getMessage());
        }
    }

    private FullHttpResponse get(String accountId, boolean admin) {
        Billing bill = engine.billing();
        if (accountId == null) { // the admin, for every billed account
            ObjectNode root = json.createObjectNode();
            ArrayNode items = root.putArray("items");
            if (bill != null) {
                // with shared balances (cluster mode) each figure is the cluster's, read from its store
                bill.balances().forEach(b -> describe(items.addObject(), engine.credit() == null ? b
                        : engine.balance(b.accountId())));
            }
            return HttpServer.json(HttpResponseStatus.OK, root.toString());
        }
        if (admin && engine.accounts().get(accountId) == null) {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, "unknown_account", "no account " + accountId);
        }
        Billing.Balance b = bill == null || !bill.billed(accountId) ? null : engine.balance(accountId);
        if (b == null) {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, "not_billed",
                    "account " + accountId + " has no prepaid balance (it is not billed)");
        }
        return HttpServer.json(HttpResponseStatus.OK, describe(json.createObjectNode(), b).toString());
    }

    private FullHttpResponse topUp(JsonNode body) {
        String accountId = ApiError.string(body, "account", true);
        JsonNode a = body.get("amount");
        if (a == null || !(a.isTextual() || a.isNumber())) {
            throw ApiError.bad("bad_request", "amount: expected an amount such as \"100.50\"");
        }
        long amount;
        try {
            amount = Amounts.parse(a.asText());
        } catch (IllegalArgumentException e) {
            throw ApiError.bad("bad_amount", "amount: " + e.getMessage());
        }
        if (amount == 0) {
            throw ApiError.bad("bad_amount", "amount: expected more than 0");
        }
        if (engine.accounts().get(accountId) == null) {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, "unknown_account", "no account " + accountId);
        }
        boolean billed;
        try {
            billed = engine.topUp(accountId, amount);
        } catch (IllegalArgumentException tooMuch) {
            throw ApiError.bad("bad_amount", "amount: " + tooMuch.getMessage());
        }
        if (!billed) {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, "not_billed",
                    "account " + accountId + " has no prepaid balance (give it one in the config)");
        }
        log.info("balance of {} topped up by {}", accountId, Amounts.format(amount));
        return HttpServer.json(HttpResponseStatus.OK,
                describe(json.createObjectNode(), engine.balance(accountId)).toString());
    }

    private static ObjectNode describe(ObjectNode o, Billing.Balance b) {
        o.put("account", b.accountId());
        o.put("balance", Amounts.format(b.available()));
        o.put("reserved", Amounts.format(b.reserved()));
        o.put("spent", Amounts.format(b.spent()));
        o.put("initial", Amounts.format(b.initial()));
        o.put("topUps", Amounts.format(b.topUps()));
        return o;
    }
}

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
import io.smsrouter.core.policy.Consent;
import io.smsrouter.core.policy.ConsentRegistry;
import io.smsrouter.core.policy.OptOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/consents}: subscribers' consents to advertising, and their withdrawals, as an
 * append-only history per number (what a company shows a regulator). An account with
 * {@code requireConsent} sends promo messages only to numbers with a consent in force. With an
 * account's API key the entries are that account's; with the admin token any account's
 * ({@code account}). Every change is journaled before it is answered.
 */
final class ConsentApi {
    private static final Logger log = LoggerFactory.getLogger(ConsentApi.class);
    static final String PATH = "/api/v1/consents";

    private final ObjectMapper json;
    private final Engine engine;
    private final KeyOrAdmin auth;

    ConsentApi(ObjectMapper json, Engine engine, MessageApi keys, AdminAuth admin) {
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
        Account account = caller.account();
        Map<String, List<String>> params = new QueryStringDecoder(req.uri()).parameters();
        try {
            if (path.equals(PATH) || path.equals(PATH + "/")) {
                if (req.method() != HttpMethod.POST) {
                    throw new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "use POST");
                }
                return give(account, ApiError.body(json, req));
            }
            String msisdn = MessageApi.msisdn("msisdn",
                    QueryStringDecoder.decodeComponent(path.substring(PATH.length() + 1)));
            if (req.method() == HttpMethod.GET) {
                return history(accounts(account, ApiError.param(params, "account")), msisdn);
            }
            if (req.method() == HttpMethod.DELETE) {
                return withdraw(account, params, msisdn);
            }
            throw new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "use GET or DELETE");
        } catch (ApiError e) {
            return e.response();
        } catch (IllegalArgumentException e) {
            return ApiError.bad("bad_request", e.getMessage()).response();
        } catch (io.smsrouter.core.cluster.ClusterUnavailableException e) {
            // cluster mode: the shared store (PostgreSQL) is down; nothing was recorded, the caller tries again
            log.warn("consent request {} {} refused: {}", req.method(), path, e.getMessage());
            return HttpServer.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "cluster_unavailable",
                    "the cluster's database is unavailable: the consent was not recorded; try again");
        } catch (RuntimeException e) {
            log.error("consent request {} {} failed", req.method(), path, e);
            return HttpServer.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable",
                    "the consent could not be recorded: " + e.getMessage());
        }
    }

    private FullHttpResponse give(Account account, JsonNode body) {
        String msisdn = MessageApi.msisdn("msisdn", ApiError.string(body, "msisdn", true));
        String accountId = accountOf(account, ApiError.string(body, "account", false), "account");
        String sender = sender(engine.accounts().get(accountId), ApiError.string(body, "sender", false));
        String source = source(ApiError.string(body, "source", true));
        String evidence = evidence(ApiError.string(body, "evidence", false));
        String givenAtText = ApiError.string(body, "givenAt", false);
        long now = System.currentTimeMillis();
        long givenAt = now;
        if (givenAtText != null) {
            try {
                givenAt = OffsetDateTime.parse(givenAtText).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                throw ApiError.bad("invalid_given_at", "givenAt: expected an ISO-8601 time with an offset "
                        + "(2026-11-20T14:05:00+03:00), got \"" + cut(givenAtText) + "\"");
            }
            if (givenAt > now + Engine.CONSENT_CLOCK_SKEW_MS) {
                throw ApiError.bad("invalid_given_at", "givenAt: " + givenAtText + " is in the future");
            }
            if (givenAt < 0) {
                throw ApiError.bad("invalid_given_at", "givenAt: before 1970");
            }
        }
        Engine.ConsentChange change = engine.giveConsent(accountId, sender, msisdn, source, evidence, givenAt,
                account != null ? "api" : "admin");
        ObjectNode out = describe(json.createObjectNode(), change.entry());
        out.put("inForce", change.inForce());
        ArrayNode lifted = out.putArray("optOutsLifted");
        change.optOuts().forEach(o -> describe(lifted.addObject(), o));
        return HttpServer.json(HttpResponseStatus.CREATED, out.toString());
    }

    private FullHttpResponse history(List<String> accountIds, String msisdn) {
        ObjectNode root = json.createObjectNode();
        root.put("msisdn", msisdn);
        ArrayNode accounts = root.putArray("accounts");
        ConsentRegistry consents = engine.consents();
        for (String accountId : accountIds) {
            List<Consent> history = consents.history(accountId, msisdn);
            if (history.isEmpty() && accountIds.size() > 1) {
                continue; // the admin's view lists the accounts that have one
            }
            ObjectNode a = accounts.addObject();
            a.put("account", accountId);
            ObjectNode inForce = a.putObject("inForce");
            ObjectNode senders = json.createObjectNode();
            for (ConsentRegistry.InForce f : consents.status(accountId, msisdn)) {
                if (f.sender() == null) {
                    inForce.put("anySender", f.inForce());
                } else {
                    senders.put(f.sender(), f.inForce());
                }
            }
            inForce.set("senders", senders);
            ArrayNode h = a.putArray("history");
            history.forEach(c -> describe(h.addObject(), c));
            ArrayNode optOuts = a.putArray("optOuts");
            engine.optOuts().list(accountId, msisdn, 1000).forEach(o -> describe(optOuts.addObject(), o));
        }
        return HttpServer.json(HttpResponseStatus.OK, root.toString());
    }

    private FullHttpResponse withdraw(Account account, Map<String, List<String>> params, String msisdn) {
        String named = ApiError.param(params, "account");
        String senderParam = ApiError.param(params, "sender");
        String source = source(ApiError.param(params, "source") == null ? "other" : ApiError.param(params, "source"));
        String evidence = evidence(ApiError.param(params, "evidence"));
        List<String> accountIds;
        if (account == null && named == null) {
            // the admin without an account: the subscriber withdraws from every account that has a history
            accountIds = new ArrayList<>();
            for (Account a : engine.accounts().all()) {
                if (!engine.consents().history(a.id(), msisdn).isEmpty()) {
                    accountIds.add(a.id());
                }
            }
            if (accountIds.isEmpty()) {
                throw new ApiError(HttpResponseStatus.NOT_FOUND, "not_found", "no account has a consent history for "
                        + msisdn + "; name one with account= to record the withdrawal anyway");
            }
        } else {
            accountIds = List.of(accountOf(account, named, "account"));
        }
        for (String accountId : accountIds) {
            sender(engine.accounts().get(accountId), senderParam); // refused before anything is recorded
        }
        ObjectNode root = json.createObjectNode();
        root.put("msisdn", msisdn);
        ArrayNode items = root.putArray("withdrawals");
        for (String accountId : accountIds) {
            String sender = sender(engine.accounts().get(accountId), senderParam);
            boolean had = engine.consents().inForce(accountId, sender, msisdn);
            Engine.ConsentChange change = engine.withdrawConsent(accountId, sender, msisdn, source, evidence,
                    account != null ? "api" : "admin");
            ObjectNode item = describe(items.addObject(), change.entry());
            item.put("hadConsent", had);
            item.put("optedOut", engine.optOuts().isOptedOut(accountId, sender, msisdn));
        }
        return HttpServer.json(HttpResponseStatus.OK, root.toString());
    }

    /** The account a request is about: the key's own, or the one the admin names. */
    private String accountOf(Account caller, String named, String field) {
        if (caller != null) {
            if (named != null && !caller.id().equals(named)) {
                throw new ApiError(HttpResponseStatus.FORBIDDEN, "forbidden",
                        "an account key records and reads its own consents only");
            }
            return caller.id();
        }
        if (named == null) {
            throw ApiError.bad("missing_field", field + ": required with the admin token (the account the consent "
                    + "is given to)");
        }
        if (engine.accounts().get(named) == null) {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, "unknown_account", "no account " + named);
        }
        return named;
    }

    /** The accounts whose history to show: the key's own, the one the admin names, or every one. */
    private List<String> accounts(Account caller, String named) {
        if (caller != null || named != null) {
            return List.of(accountOf(caller, named, "account"));
        }
        List<String> all = new ArrayList<>();
        engine.accounts().all().forEach(a -> all.add(a.id()));
        return all;
    }

    private static String sender(Account account, String sender) {
        if (sender == null || sender.isBlank()) {
            return null;
        }
        if (account != null && !account.senderAllowed(sender)) {
            throw new ApiError(HttpResponseStatus.FORBIDDEN, "sender_not_allowed",
                    "sender: " + cut(sender) + " is not a sender name of the account");
        }
        return sender;
    }

    private static String source(String source) {
        if (!Consent.SOURCES.contains(source)) {
            throw ApiError.bad("invalid_source", "source: expected one of " + String.join(", ", Consent.SOURCES)
                    + ", got \"" + cut(source) + "\"");
        }
        return source;
    }

    private static String evidence(String evidence) {
        if (evidence != null && evidence.length() > Consent.MAX_EVIDENCE_CHARS) {
            throw ApiError.bad("bad_request", "evidence: at most " + Consent.MAX_EVIDENCE_CHARS
                    + " characters (keep a reference to the document, not the document), got " + evidence.length());
        }
        return evidence;
    }

    private static String cut(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    private static ObjectNode describe(ObjectNode o, Consent c) {
        o.put("entry", c.id());
        o.put("type", c.granted() ? "consent" : "withdrawal");
        o.put("msisdn", c.msisdn());
        o.put("account", c.accountId());
        if (c.sender() == null) {
            o.putNull("sender");
        } else {
            o.put("sender", c.sender());
        }
        o.put("source", c.source());
        o.put("evidence", c.evidence());
        o.put("givenAt", Instant.ofEpochMilli(c.givenAtMs()).toString());
        o.put("recordedAt", Instant.ofEpochMilli(c.recordedAtMs()).toString());
        o.put("recordedBy", c.recordedBy());
        return o;
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

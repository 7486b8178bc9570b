package io.smsrouter.server.config;

import java.util.List;

/**
 * A client of the router: an aggregator, a shop, an OTP service ({@code accounts[]} in
 * {@code conf/router.yaml}). It binds over SMPP with {@code id}/{@code password} and calls the HTTP
 * API with {@code apiKey}.
 *
 * @param id         SMPP {@code system_id}, 1..15 printable ASCII characters (SMPP 3.4 section 4.1.1); required
 * @param password   SMPP bind password, 1..8 printable ASCII characters (SMPP 3.4 section 4.1.1), or its
 *                   hash from {@code scripts/hash-secret} ({@code pbkdf2-sha256$<iterations>$<salt>$<hash>});
 *                   required
 * @param apiKey     HTTP API bearer key, plain or a hash like the password's; null when the account has no
 *                   HTTP access
 * @param moderation one of {@link #MODERATION_MODES}: {@code none} never holds, {@code auto} holds a
 *                   message whose text or sender contains a stop word, {@code manual} holds every
 *                   message; default {@value #DEFAULT_MODERATION}
 * @param tps        submit rate limit, messages per second, 0 = unlimited; default {@value #DEFAULT_TPS}
 * @param maxBinds   SMPP sessions the account may hold at once, 1..1000; default {@value #DEFAULT_MAX_BINDS}
 * @param senders    allowed sender names ({@code source_addr}); empty = any sender allowed
 * @param trafficClass the class of the account's messages that name none (SMPP priority_flag 0,
 *                   no HTTP category): otp, service, transactional or promo; default transactional
 * @param callbackUrl where receipts of the account's HTTP messages are POSTed when a message names
 *                   no {@code callbackUrl} of its own; null: none
 * @param balance    prepaid: the starting balance in millionths (config {@code balance: 100.50});
 *                   null: the account is not billed
 * @param dedupWindowSeconds one SMS per phone: a message with the same sender and text to the same
 *                   number within this many seconds of the first is answered OK but not sent
 *                   (marked duplicate); 0: off (default)
 * @param sendingWindow local hours of the recipient in which its promo messages go out, such as
 *                   {@code 09:00-21:00}; null: {@code compliance.sendingWindow}
 * @param moUrl      where subscribers' messages to the account's senders are POSTed (JSON) instead
 *                   of being sent to its SMPP binds; null: over SMPP
 * @param allowedIps addresses (IPv4, IPv6) and CIDR networks its SMPP binds and HTTP requests may come
 *                   from ({@code 10.0.0.0/8}, {@code 192.0.2.7}, {@code ::1/128}); empty = any address
 * @param clientCert SHA-256 fingerprint of the TLS client certificate the account must bind with
 *                   (64 hex digits, colons and case as {@code openssl x509 -fingerprint -sha256}
 *                   prints them, stored as lower-case hex); such an account binds only on the
 *                   {@code smpp.tls} port presenting that certificate, any other bind of it is
 *                   refused with {@code ESME_RBINDFAIL} before its password is checked; null: none
 * @param requireConsent consent for advertising: the account's {@code promo} messages (its class, or
 *                   priority_flag 4 / HTTP {@code category: promo}) go only to numbers with a consent in
 *                   force for the account or the sender ({@code /api/v1/consents}); others are refused
 *                   with {@code ROUTER_RNOCONSENT} 0x413 / HTTP 403 {@code no_consent}; default false
 */
public record AccountConfig(String id, String password, String apiKey, String moderation, int tps, int maxBinds,
                            List<String> senders, String callbackUrl, String trafficClass, Long balance,
                            int dedupWindowSeconds, String sendingWindow, String moUrl, List<String> allowedIps,
                            String clientCert, boolean requireConsent) {

    public AccountConfig(String id, String password, String apiKey, String moderation, int tps, int maxBinds,
                         List<String> senders, String callbackUrl, String trafficClass, Long balance,
                         int dedupWindowSeconds, String sendingWindow, String moUrl, List<String> allowedIps,
                         String clientCert) {
        this(id, password, apiKey, moderation, tps, maxBinds, senders, callbackUrl, trafficClass, balance,
                dedupWindowSeconds, sendingWindow, moUrl, allowedIps, clientCert, false);
    }

    /** The same account, sending promo messages only to numbers with a consent on record ({@code true}). */
    public AccountConfig withRequireConsent(boolean require) {
        return new AccountConfig(id, password, apiKey, moderation, tps, maxBinds, senders, callbackUrl, trafficClass,
                balance, dedupWindowSeconds, sendingWindow, moUrl, allowedIps, clientCert, require);
    }

    public AccountConfig(String id, String password, String apiKey, String moderation, int tps, int maxBinds,
                         List<String> senders, String callbackUrl, String trafficClass, Long balance,
                         int dedupWindowSeconds, String sendingWindow, String moUrl, List<String> allowedIps) {
        this(id, password, apiKey, moderation, tps, maxBinds, senders, callbackUrl, trafficClass, balance,
                dedupWindowSeconds, sendingWindow, moUrl, allowedIps, null);
    }

    /** The same account, pinned to the client certificate of this SHA-256 fingerprint. */
    public AccountConfig withClientCert(String sha256) {
        return new AccountConfig(id, password, apiKey, moderation, tps, maxBinds, senders, callbackUrl, trafficClass,
                balance, dedupWindowSeconds, sendingWindow, moUrl, allowedIps, sha256, requireConsent);
    }

    public AccountConfig(String id, String password, String apiKey, String moderation, int tps, int maxBinds,
                         List<String> senders, String callbackUrl, String trafficClass, Long balance,
                         int dedupWindowSeconds, String sendingWindow, String moUrl) {
        this(id, password, apiKey, moderation, tps, maxBinds, senders, callbackUrl, trafficClass, balance,
                dedupWindowSeconds, sendingWindow, moUrl, List.of());
    }

    public AccountConfig(String id, String password, String apiKey, String moderation, int tps, int maxBinds,
                         List<String> senders, String callbackUrl, String trafficClass, Long balance,
                         int dedupWindowSeconds, String sendingWindow) {
        this(id, password, apiKey, moderation, tps, maxBinds, senders, callbackUrl, trafficClass, balance,
                dedupWindowSeconds, sendingWindow, null);
    }

    public AccountConfig(String id, String password, String apiKey, String moderation, int tps, int maxBinds,
                         List<String> senders, String callbackUrl, String trafficClass) {
        this(id, password, apiKey, moderation, tps, maxBinds, senders, callbackUrl, trafficClass, null, 0, null, null);
    }

    public static final List<String> TRAFFIC_CLASSES = List.of("otp", "service", "transactional", "promo");
    public static final String DEFAULT_TRAFFIC_CLASS = "transactional";

    public AccountConfig(String id, String password, String apiKey, String moderation, int tps, int maxBinds,
                         List<String> senders) {
        this(id, password, apiKey, moderation, tps, maxBinds, senders, null, DEFAULT_TRAFFIC_CLASS);
    }

    public AccountConfig(String id, String password, String apiKey, String moderation, int tps, int maxBinds,
                         List<String> senders, String callbackUrl) {
        this(id, password, apiKey, moderation, tps, maxBinds, senders, callbackUrl, DEFAULT_TRAFFIC_CLASS);
    }

    public static final String MODERATION_NONE = "none";
    public static final String MODERATION_AUTO = "auto";
    public static final String MODERATION_MANUAL = "manual";
    public static final List<String> MODERATION_MODES = List.of(MODERATION_NONE, MODERATION_AUTO, MODERATION_MANUAL);
    public static final String DEFAULT_MODERATION = MODERATION_NONE;
    public static final int DEFAULT_TPS = 0;
    public static final int DEFAULT_MAX_BINDS = 4;
    public static final int MAX_MAX_BINDS = 1000;

    public AccountConfig {
        senders = senders == null ? List.of() : List.copyOf(senders);
        trafficClass = trafficClass == null ? DEFAULT_TRAFFIC_CLASS : trafficClass;
        allowedIps = allowedIps == null ? List.of() : List.copyOf(allowedIps);
    }

    /** A copy that only admits binds and requests from {@code ips} (CIDR networks or addresses). */
    public AccountConfig withAllowedIps(List<String> ips) {
        return new AccountConfig(id, password, apiKey, moderation, tps, maxBinds, senders, callbackUrl, trafficClass,
                balance, dedupWindowSeconds, sendingWindow, moUrl, ips, clientCert, requireConsent);
    }

    /** True when {@code sender} may be used by this account. */
    public boolean allowsSender(String sender) {
        return senders.isEmpty() || senders.contains(sender);
    }

    @Override
    public String toString() {
        return "AccountConfig[id=" + id + ", password=***, apiKey=" + (apiKey == null ? "null" : "***")
                + ", moderation=" + moderation + ", tps=" + tps + ", maxBinds=" + maxBinds + ", senders=" + senders
                + ", callbackUrl=" + callbackUrl + ", trafficClass=" + trafficClass + ", balance=" + balance
                + ", dedupWindowSeconds=" + dedupWindowSeconds + ", sendingWindow=" + sendingWindow
                + ", moUrl=" + moUrl + ", allowedIps=" + allowedIps
                + ", clientCert=" + clientCert + ", requireConsent=" + requireConsent + "]";
    }
}

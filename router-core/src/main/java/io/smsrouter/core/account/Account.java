package io.smsrouter.core.account;

import java.util.List;
import java.util.Set;

/**
 * A client of the router: SMPP credentials, HTTP key and the limits that apply to its traffic.
 *
 * @param tps     submit rate limit in messages per second; 0 means unlimited
 * @param senders allowed sender names (compared ignoring case); empty means any
 * @param trafficClass the class of its messages that do not name one (SMPP priority_flag 0)
 * @param password   SMPP bind password as configured: plain, or a hash ({@link Secret})
 * @param apiKey     HTTP API key as configured: plain, or a hash; null when none
 * @param allowedIps addresses its SMPP binds and HTTP requests may come from; {@link IpAllowList#ANY} when any
 * @param clientCertSha256 SHA-256 fingerprint (64 lower-case hex digits) of the TLS client
 *                certificate it must bind with; null: no certificate required
 * @param requireConsent its {@code promo} messages go only to numbers with a consent to advertising
 *                in force for the account or the sender (a {@code ConsentRegistry} entry); others
 *                are refused before they are journaled
 */
public record Account(String id, String password, String apiKey, Moderation moderation, int tps, int maxBinds,
                      Set<String> senders, TrafficClass trafficClass, IpAllowList allowedIps, String clientCertSha256,
                      boolean requireConsent) {

    public static final TrafficClass DEFAULT_CLASS = TrafficClass.TRANSACTIONAL;

    public Account {
        senders = senders == null ? Set.of() : Set.copyOf(senders.stream()
                .map(s -> s.toLowerCase(java.util.Locale.ROOT)).toList());
        trafficClass = trafficClass == null ? DEFAULT_CLASS : trafficClass;
        allowedIps = allowedIps == null ? IpAllowList.ANY : allowedIps;
    }

    public Account(String id, String password, String apiKey, Moderation moderation, int tps, int maxBinds,
                   Set<String> senders, TrafficClass trafficClass, IpAllowList allowedIps, String clientCertSha256) {
        this(id, password, apiKey, moderation, tps, maxBinds, senders, trafficClass, allowedIps, clientCertSha256,
                false);
    }

    public Account(String id, String password, String apiKey, Moderation moderation, int tps, int maxBinds,
                   Set<String> senders, TrafficClass trafficClass) {
        this(id, password, apiKey, moderation, tps, maxBinds, senders, trafficClass, IpAllowList.ANY);
    }

    public Account(String id, String password, String apiKey, Moderation moderation, int tps, int maxBinds,
                   Set<String> senders, TrafficClass trafficClass, IpAllowList allowedIps) {
        this(id, password, apiKey, moderation, tps, maxBinds, senders, trafficClass, allowedIps, null);
    }

    public Account(String id, String password, String apiKey, Moderation moderation, int tps, int maxBinds,
                   Set<String> senders) {
        this(id, password, apiKey, moderation, tps, maxBinds, senders, DEFAULT_CLASS);
    }

    public static Account of(String id, String password, String apiKey, Moderation moderation, int tps,
                             int maxBinds, List<String> senders, TrafficClass trafficClass) {
        return new Account(id, password, apiKey, moderation, tps, maxBinds,
                senders == null ? Set.of() : Set.copyOf(senders), trafficClass);
    }

    public static Account of(String id, String password, String apiKey, Moderation moderation, int tps,
                             int maxBinds, List<String> senders) {
        return new Account(id, password, apiKey, moderation, tps, maxBinds,
                senders == null ? Set.of() : Set.copyOf(senders));
    }

    /** A copy that only admits binds and requests from {@code allowed}. */
    public Account withAllowedIps(IpAllowList allowed) {
        return new Account(id, password, apiKey, moderation, tps, maxBinds, senders, trafficClass, allowed,
                clientCertSha256, requireConsent);
    }

    /** The same account, binding only with the client certificate of this fingerprint (null: any bind). */
    public Account withClientCert(String sha256) {
        return new Account(id, password, apiKey, moderation, tps, maxBinds, senders, trafficClass, allowedIps, sha256,
                requireConsent);
    }

    /** The same account, sending promo messages only to numbers that consented ({@code true}) or to any. */
    public Account withRequireConsent(boolean require) {
        return new Account(id, password, apiKey, moderation, tps, maxBinds, senders, trafficClass, allowedIps,
                clientCertSha256, require);
    }

    /**
     * Whether a bind that presented this certificate (its SHA-256 fingerprint, null for none or a
     * plain connection) may go on to the password check.
     */
    public boolean admitsClientCertificate(String presentedSha256) {
        return clientCertSha256 == null || clientCertSha256.equals(presentedSha256);
    }

    public boolean senderAllowed(String sender) {
        return senders.isEmpty() || senders.contains(sender.toLowerCase(java.util.Locale.ROOT));
    }

    /** Without the password and the API key, so that logging an account never logs its secrets. */
    @Override
    public String toString() {
        return "Account[id=" + id + ", password=***, apiKey=" + (apiKey == null ? "null" : "***") + ", moderation="
                + moderation + ", tps=" + tps + ", maxBinds=" + maxBinds + ", senders=" + senders + ", trafficClass="
                + trafficClass + ", allowedIps=" + allowedIps + ", clientCertSha256=" + clientCertSha256
                + ", requireConsent=" + requireConsent + "]";
    }
}

package io.smsrouter.server.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The whole router configuration, loaded and validated from one YAML file by {@link ConfigLoader}.
 * Immutable: a reload builds a new instance.
 *
 * @param file       the file it was read from, as given
 * @param smpp       the client-facing SMPP listener
 * @param http       the HTTP listener
 * @param admin      administration
 * @param journal    the message journal
 * @param accounts   clients, at least one, ids unique
 * @param operators  upstream SMSCs, ids unique
 * @param routes     the ordered routing table; every operator id in it is one of {@code operators}
 * @param moderation moderation
 * @param simulator  the in-process operator simulator
 * @param compliance opt-out keywords and exemptions
 * @param billing    prices of billed accounts
 * @param links      tracked short links of campaigns
 * @param cluster    cluster mode (several nodes on Kafka); null on the embedded single node
 */
public record RouterConfig(Path file, SmppConfig smpp, HttpConfig http, AdminConfig admin, JournalConfig journal,
                           List<AccountConfig> accounts, List<OperatorConfig> operators, List<RouteConfig> routes,
                           ModerationConfig moderation, SimulatorConfig simulator, ComplianceConfig compliance,
                           BillingConfig billing, LinksConfig links, ClusterConfig cluster) {

    /** The embedded single node: no {@code cluster} section. */
    public RouterConfig(Path file, SmppConfig smpp, HttpConfig http, AdminConfig admin, JournalConfig journal,
                        List<AccountConfig> accounts, List<OperatorConfig> operators, List<RouteConfig> routes,
                        ModerationConfig moderation, SimulatorConfig simulator, ComplianceConfig compliance,
                        BillingConfig billing, LinksConfig links) {
        this(file, smpp, http, admin, journal, accounts, operators, routes, moderation, simulator, compliance,
                billing, links, null);
    }

    public RouterConfig(Path file, SmppConfig smpp, HttpConfig http, AdminConfig admin, JournalConfig journal,
                        List<AccountConfig> accounts, List<OperatorConfig> operators, List<RouteConfig> routes,
                        ModerationConfig moderation, SimulatorConfig simulator, ComplianceConfig compliance,
                        BillingConfig billing) {
        this(file, smpp, http, admin, journal, accounts, operators, routes, moderation, simulator, compliance,
                billing, LinksConfig.defaults());
    }

    public RouterConfig(Path file, SmppConfig smpp, HttpConfig http, AdminConfig admin, JournalConfig journal,
                        List<AccountConfig> accounts, List<OperatorConfig> operators, List<RouteConfig> routes,
                        ModerationConfig moderation, SimulatorConfig simulator, ComplianceConfig compliance) {
        this(file, smpp, http, admin, journal, accounts, operators, routes, moderation, simulator, compliance,
                BillingConfig.defaults());
    }

    public RouterConfig(Path file, SmppConfig smpp, HttpConfig http, AdminConfig admin, JournalConfig journal,
                        List<AccountConfig> accounts, List<OperatorConfig> operators, List<RouteConfig> routes,
                        ModerationConfig moderation, SimulatorConfig simulator) {
        this(file, smpp, http, admin, journal, accounts, operators, routes, moderation, simulator,
                ComplianceConfig.defaults());
    }

    public RouterConfig {
        compliance = compliance == null ? ComplianceConfig.defaults() : compliance;
        billing = billing == null ? BillingConfig.defaults() : billing;
        links = links == null ? LinksConfig.defaults() : links;
        accounts = accounts == null ? List.of() : List.copyOf(accounts);
        operators = operators == null ? List.of() : List.copyOf(operators);
        routes = routes == null ? List.of() : List.copyOf(routes);
    }

    public Optional<AccountConfig> account(String id) {
        return accounts.stream().filter(a -> a.id().equals(id)).findFirst();
    }

    public Optional<OperatorConfig> operator(String id) {
        return operators.stream().filter(o -> o.id().equals(id)).findFirst();
    }
}

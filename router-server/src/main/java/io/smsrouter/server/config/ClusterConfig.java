package io.smsrouter.server.config;

import java.util.List;

/**
 * Cluster mode ({@code cluster:} in {@code conf/router.yaml}, shared/SPEC.md §7): this router is
 * one node of several that share their work through Apache Kafka. Absent (null in
 * {@link RouterConfig#cluster()}) on the embedded single node. Only {@code router-cluster.jar}
 * runs it; the embedded {@code router.jar} refuses to start with this section.
 *
 * @param nodeId   required; this node's id, unique in the cluster: 1 to 32 letters, digits,
 *                 {@code _} or {@code -} (it names the node's Kafka client ids and group member)
 * @param kafka    required; where the Kafka cluster is
 * @param ack      when a client's message is acknowledged: {@code replicated} (after Kafka
 *                 {@code acks=all}: survives the loss of this node and its disk) or {@code local}
 *                 (after this node's own journal, shipped to Kafka afterwards); default
 *                 {@value #DEFAULT_ACK}
 * @param postgres the PostgreSQL database shared by the nodes (opt-outs and consents, balances,
 *                 moderation queue: issue 12), connected to and migrated at start by router-cluster;
 *                 null when left out (cluster mode on Kafka alone)
 */
public record ClusterConfig(String nodeId, Kafka kafka, String ack, Postgres postgres) {

    public static final String ACK_REPLICATED = "replicated";
    public static final String ACK_LOCAL = "local";
    public static final List<String> ACKS = List.of(ACK_REPLICATED, ACK_LOCAL);
    public static final String DEFAULT_ACK = ACK_REPLICATED;
    public static final String DEFAULT_TOPIC_PREFIX = "router";
    public static final int MAX_NODE_ID_LENGTH = 32;
    public static final int MAX_TOPIC_PREFIX_LENGTH = 100;

    public ClusterConfig {
        ack = ack == null ? DEFAULT_ACK : ack;
    }

    /** True with {@code ack: replicated}. */
    public boolean replicatedAck() {
        return ACK_REPLICATED.equals(ack);
    }

    /**
     * The Kafka cluster.
     *
     * @param bootstrap   required; Kafka's {@code bootstrap.servers}: {@code host:port} pairs,
     *                    comma-separated, at least one (kept as written, spaces removed)
     * @param topicPrefix the start of every topic name this router uses ({@code router.opA}, ...):
     *                    1 to {@value #MAX_TOPIC_PREFIX_LENGTH} letters, digits, {@code .}, {@code _}
     *                    or {@code -} (Kafka's topic name characters), so that several routers can
     *                    share one Kafka cluster; default {@value #DEFAULT_TOPIC_PREFIX}
     */
    public record Kafka(String bootstrap, String topicPrefix) {
        public Kafka {
            topicPrefix = topicPrefix == null ? DEFAULT_TOPIC_PREFIX : topicPrefix;
        }

        /** The bootstrap servers one by one. */
        public List<String> servers() {
            return List.of(bootstrap.split(","));
        }
    }

    /**
     * The nodes' shared PostgreSQL database (issue 12).
     *
     * @param url      required; a JDBC URL {@code jdbc:postgresql://host[:port]/database[?...]}
     * @param user     required; the database user, 1 to 63 characters
     * @param password required; the user's password, 1 to 256 printable ASCII characters; never
     *                 shown in a message or a log
     * @param settleAfterSeconds a node with credit leases that neither PostgreSQL nor Kafka has
     *                 heard from for this long is taken for dead: another node settles its leases
     *                 (what it spent stays spent, the rest goes back to the balance); 0 = never;
     *                 default {@value #DEFAULT_SETTLE_AFTER_SECONDS}
     */
    public record Postgres(String url, String user, String password, int settleAfterSeconds) {
        public static final int DEFAULT_SETTLE_AFTER_SECONDS = 300;
        public static final int MAX_SETTLE_AFTER_SECONDS = 30 * 24 * 3600;

        public Postgres(String url, String user, String password) {
            this(url, user, password, DEFAULT_SETTLE_AFTER_SECONDS);
        }

        @Override
        public String toString() {
            return "Postgres[url=" + url + ", user=" + user + ", password=***, settleAfterSeconds="
                    + settleAfterSeconds + "]";
        }
    }
}

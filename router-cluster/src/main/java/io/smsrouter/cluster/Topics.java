package io.smsrouter.cluster;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The cluster's topics, all named {@code <topicPrefix>.<name>}:
 * <ul>
 *   <li>{@code out.<operator>} and {@code otp.<operator>}: accepted messages for an operator, one
 *   partition per bind of the operator (so the owner of partition i runs bind i), OTP apart so
 *   that it never waits behind bulk in Kafka;</li>
 *   <li>{@code correlations}: operator id to our id, kept for the receipt validity, read by every
 *   node (a receipt may come on any node's bind);</li>
 *   <li>{@code receipts}: receipts and subscribers' messages for accounts, keyed by account, with
 *   the marks of those a client took;</li>
 *   <li>{@code nodes}: compacted, each node's heartbeat;</li>
 *   <li>{@code optouts} (only with {@code cluster.postgres}): compacted, the state of each opt-out
 *   key and each consent entry as PostgreSQL has it, folded by every node;</li>
 *   <li>{@code charges} (only with {@code cluster.postgres}): what a node charged for each message
 *   it keeps in PostgreSQL (held, scheduled), read only to settle a dead node's credit.</li>
 * </ul>
 * Replication factor 3 (fewer brokers: all of them) and {@code min.insync.replicas} 2, so an
 * {@code acks=all} write survives the loss of a broker.
 */
final class Topics {
    static final int SHARED_PARTITIONS = 6;

    final String prefix;

    Topics(String prefix) {
        this.prefix = prefix;
    }

    String out(String operatorId) {
        return prefix + ".out." + operatorId;
    }

    String otp(String operatorId) {
        return prefix + ".otp." + operatorId;
    }

    String correlations() {
        return prefix + ".correlations";
    }

    String receipts() {
        return prefix + ".receipts";
    }

    /** Charges of messages the cluster keeps in PostgreSQL (held, scheduled), with {@code cluster.postgres}. */
    String charges() {
        return prefix + ".charges";
    }

    String nodes() {
        return prefix + ".nodes";
    }

    /** Opt-outs and consents (cluster mode with PostgreSQL): compacted, every node folds it. */
    String optouts() {
        return prefix + ".optouts";
    }

    /**
     * The topics' descriptions; a topic created a moment ago (by this node or another starting with
     * it) may not be known to every broker yet: asked again for up to 30 s.
     */
    private static Map<String, TopicDescription> describe(Admin admin, java.util.Set<String> names) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    /** The operator of an {@code out.} or {@code otp.} topic, or null. */
    String operatorOf(String topic) {
        if (topic.startsWith(prefix + ".out.")) {
            return topic.substring(prefix.length() + 5);
        }
        if (topic.startsWith(prefix + ".otp.")) {
            return topic.substring(prefix.length() + 5);
        }
        return null;
    }

    boolean isOtp(String topic) {
        return topic.startsWith(prefix + ".otp.");
    }

    /**
     * Creates the topics that are missing. An operator topic that exists with another partition
     * count than the operator's binds stops the start: shares would no longer match binds.
     */
    void ensure(Admin admin, Map<String, Integer> bindsByOperator, long retentionMs) throws Exception {
        ensure(admin, bindsByOperator, retentionMs, false);
    }

    /** {@link #ensure(Admin, Map, long)}, with the {@code optouts} topic when {@code policies}. */
    void ensure(Admin admin, Map<String, Integer> bindsByOperator, long retentionMs, boolean policies)
            throws Exception {
        int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
        short rf = (short) Math.min(3, brokers);
        String minIsr = Integer.toString(Math.min(2, rf));
        Map<String, Integer> want = new HashMap<>();
        bindsByOperator.forEach((op, binds) -> {
            want.put(out(op), binds);
            want.put(otp(op), binds);
        });
        want.put(correlations(), SHARED_PARTITIONS);
        want.put(receipts(), SHARED_PARTITIONS);
        want.put(nodes(), 1);
        if (policies) {
            want.put(optouts(), SHARED_PARTITIONS);
            want.put(charges(), 1);
        }
        List<NewTopic> create = new ArrayList<>();
        for (Map.Entry<String, Integer> e : want.entrySet()) {
            Map<String, String> cfg = new HashMap<>();
            cfg.put("min.insync.replicas", minIsr);
            if (e.getKey().equals(nodes()) || e.getKey().equals(optouts())) {
                cfg.put("cleanup.policy", "compact");
            } else {
                cfg.put("retention.ms", Long.toString(retentionMs));
            }
            create.add(new NewTopic(e.getKey(), e.getValue(), rf).configs(cfg));
        }
        for (var f : admin.createTopics(create).values().entrySet()) {
            try {
                f.getValue().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + f.getKey() + ": " + ex.getCause(), ex);
                }
            }
        }
        Map<String, TopicDescription> found = describe(admin, want.keySet());
        for (Map.Entry<String, Integer> e : want.entrySet()) {
            int has = found.get(e.getKey()).partitions().size();
            if (operatorOf(e.getKey()) != null && has != e.getValue()) {
                throw new IllegalStateException("topic " + e.getKey() + " has " + has + " partitions but operator "
                        + operatorOf(e.getKey()) + " has " + e.getValue() + " binds; each bind is one partition, "
                        + "so change them together (delete the topic when nothing waits in it)");
            }
        }
    }
}

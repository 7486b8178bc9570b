package io.smsrouter.core.cluster;

import java.util.List;

/**
 * What one node of a cluster knows about the whole cluster, for {@code GET /api/v1/cluster} and
 * the metrics. Implemented by the cluster module (Kafka group membership and offsets); absent
 * (null) on an embedded router. Every call may ask the brokers, so callers keep it off hot paths.
 */
public interface ClusterView {

    /** This node's {@code cluster.nodeId}. */
    String nodeId();

    /** How a node's client messages are acknowledged: {@code replicated} or {@code local}. */
    String ack();

    /** The nodes known to the cluster, this one included, sorted by id. */
    List<Node> nodes();

    /** Every share of every operator (one partition of its outbound topic), sorted by operator and partition. */
    List<Share> shares();

    /** Messages a new owner of a share found already sent by the earlier one and skipped, since start. */
    default long duplicatesSkipped() {
        return 0;
    }

    /** Receipts this node handed to its clients (sessions or callbacks) for the cluster, since start. */
    default long receiptsHanded() {
        return 0;
    }

    /**
     * A router node. {@code state} is {@code up} (a live member of the consumer group) or {@code
     * down} (known, but not a member now); {@code smpp} and {@code http} are the {@code host:port}
     * it listens on, null when unknown.
     */
    record Node(String id, String state, String smpp, String http) {
    }

    /**
     * One share of an operator: partition {@code partition} of its outbound traffic, owned by node
     * {@code owner} (null while no node owns it), which holds {@code binds} of the operator's binds
     * and {@code tps} of its rate for it; {@code lag} messages wait in Kafka for it (-1 unknown).
     */
    record Share(String operatorId, int partition, String owner, int binds, int tps, long lag) {
    }
}

package io.smsrouter.cluster;

import io.smsrouter.server.ClusterSupport;

/**
 * Cluster mode on Apache Kafka, found by the router through {@code META-INF/services}. For now it
 * only proves that router-cluster.jar carries cluster mode (a node with a {@code cluster} section
 * starts); the Kafka-backed acceptance, operator ownership and receipts fill it in (issue 11).
 */
public final class KafkaClusterSupport implements ClusterSupport {
}

package io.smsrouter.cluster;

import io.smsrouter.core.cluster.ClusterView;
import io.smsrouter.server.ClusterSupport;
import io.smsrouter.server.config.ClusterConfig;
import io.smsrouter.smpp.upstream.OperatorConnector;

import java.util.Map;

/** Cluster mode on Apache Kafka: found by {@link java.util.ServiceLoader} in router-cluster.jar. */
public final class KafkaClusterSupport implements ClusterSupport {

    @Override
    public Node node(ClusterConfig cluster, Context c) {
        KafkaClusterNode node = new KafkaClusterNode(new KafkaClusterNode.Settings(cluster.nodeId(),
                KafkaClusterNode.slotOf(cluster.nodeId()), cluster.kafka().bootstrap(), cluster.kafka().topicPrefix(),
                cluster.replicatedAck(), c.receiptValidity()), c.engine(), c.correlator(), c.clients(),
                c.bindsByOperator(), c.tpsByBind(), c.smpp(), c.http(), cluster.postgres());
        return new Node() {
            @Override
            public void open() throws Exception {
                node.open();
            }

            @Override
            public void start(Map<String, OperatorConnector> operators) {
                node.start(operators);
            }

            @Override
            public ClusterView view() {
                return node;
            }

            @Override
            public void close() {
                node.close();
            }
        };
    }
}

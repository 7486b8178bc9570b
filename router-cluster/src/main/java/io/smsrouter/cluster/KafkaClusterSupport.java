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
                cluster.replicatedAck(), c.receiptValidity(), c.logRetention()), c.engine(), c.correlator(), c.clients(),
                c.bindsByOperator(), c.tpsByBind(), c.smpp(), c.http(), cluster.postgres());
        return new Node() {
            private io.smsrouter.cluster.pg.ClusterBalances balances;

            @Override
            public void open() throws Exception {
                node.open();
                if (node.pg() != null) {
                    balances = io.smsrouter.cluster.pg.ClusterBalances.open(node.pg().dataSource(), cluster.nodeId(),
                            c.engine(), c.balances());
                }
            }

            @Override
            public void recovered() {
                if (balances != null) {
                    balances.recovered();
                }
            }

            @Override
            public void start(Map<String, OperatorConnector> operators) {
                node.start(operators);
            }

            @Override
            public java.util.function.Function<String, io.smsrouter.core.template.TemplateStore> templateStores() {
                return node.templateStores();
            }

            @Override
            public ClusterView view() {
                return node;
            }

            @Override
            public void close() {
                if (balances != null) {
                    balances.close(); // gives back unspent credit while the database is still open
                }
                node.close();
            }
        };
    }
}

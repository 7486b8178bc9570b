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
                            c.engine(), c.balances(), balancesKafka(node),
                            java.time.Duration.ofSeconds(cluster.postgres().settleAfterSeconds()));
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

    /** What the shared balances need of Kafka: this node's figures read consistently, a dead node's later charges. */
    static io.smsrouter.cluster.pg.ClusterBalances.Kafka balancesKafka(KafkaClusterNode node) {
        return new io.smsrouter.cluster.pg.ClusterBalances.Kafka() {
            @Override
            public io.smsrouter.cluster.pg.PgCreditPool.Figures figures(
                    java.util.function.Supplier<Map<String, Long>> durable,
                    java.util.function.Supplier<java.util.List<io.smsrouter.core.billing.Billing.Balance>> balances) {
                KafkaClusterNode.Consistent<Object[]> c = node.consistently(
                        () -> new Object[]{balances.get(), durable.get()});
                @SuppressWarnings("unchecked")
                java.util.List<io.smsrouter.core.billing.Billing.Balance> b =
                        (java.util.List<io.smsrouter.core.billing.Billing.Balance>) c.value()[0];
                @SuppressWarnings("unchecked")
                Map<String, Long> d = (Map<String, Long>) c.value()[1];
                return new io.smsrouter.cluster.pg.PgCreditPool.Figures(b, d, c.shippedTo());
            }

            @Override
            public io.smsrouter.cluster.pg.PgCreditPool.Tail chargesAfter(
                    String nodeId, Map<org.apache.kafka.common.TopicPartition, Long> from) {
                return node.chargesAfter(nodeId, from);
            }

            @Override
            public long lastHeardMs(String nodeId) {
                return node.lastHeardMs(nodeId);
            }
        };
    }
}

package io.smsrouter.cluster;

import io.smsrouter.server.ClusterSupport;
import io.smsrouter.server.Router;
import io.smsrouter.server.config.ConfigLoader;
import io.smsrouter.server.config.RouterConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On router-cluster's class path (what router-cluster.jar carries) a config with a {@code cluster}
 * section finds cluster mode (through META-INF/services); router-server's own test shows the
 * embedded router refusing the same config. Starting a node on real brokers is ClusterFlowTest's.
 */
class ClusterSupportLookupTest {

    @Test
    @Timeout(60)
    void shouldFindKafkaClusterSupportForAConfigWithAClusterSection(@TempDir Path dir) throws Exception {
        RouterConfig config = ConfigLoader.parse("""
                smpp: {host: 127.0.0.1, port: 0}
                http: {host: 127.0.0.1, port: 0}
                journal: {dir: "%s"}
                accounts: [{id: shop, password: secret1}]
                simulator: {enabled: false}
                cluster:
                  nodeId: r1
                  kafka: {bootstrap: "127.0.0.1:9092"}
                """.formatted(dir.resolve("journal")), Path.of("r1.yaml"), dir);
        assertThat(ClusterSupport.load(config)).isInstanceOf(KafkaClusterSupport.class);
        // and the router built on it is a node: it has a view of its cluster (not connected before start)
        try (Router router = new Router(config)) {
            assertThat(router.clusterView()).isNotNull();
        }
    }
}

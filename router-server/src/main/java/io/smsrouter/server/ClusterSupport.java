package io.smsrouter.server;

import io.smsrouter.server.config.ConfigException;
import io.smsrouter.server.config.RouterConfig;

import java.util.ServiceLoader;

/**
 * Cluster mode's entry point into the router (shared/SPEC.md §7). The implementation lives in the
 * {@code router-cluster} module and is found with {@link ServiceLoader} when the config has a
 * {@code cluster} section; the embedded {@code router.jar} has none on its class path, so a cluster
 * config stops its start. Its methods come with the Kafka-backed implementations (issue 11).
 */
public interface ClusterSupport {

    /** What stops the start of a cluster config on a class path without cluster mode. */
    String NOT_ON_CLASS_PATH = "cluster: cluster mode needs router-cluster.jar (scripts/cluster); "
            + "this jar is the embedded router";

    /**
     * The cluster mode on the class path for a config with a {@code cluster} section, null for one
     * without; a {@link ConfigException} naming the key when the config asks for cluster mode and
     * this is the embedded router.
     */
    static ClusterSupport load(RouterConfig config) {
        if (config.cluster() == null) {
            return null;
        }
        return ServiceLoader.load(ClusterSupport.class).findFirst().orElseThrow(() -> new ConfigException(
                (config.file() == null ? "" : config.file() + ": ") + NOT_ON_CLASS_PATH));
    }
}

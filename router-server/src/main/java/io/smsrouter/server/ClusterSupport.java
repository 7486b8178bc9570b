package io.smsrouter.server;

/**
 * Cluster mode's entry point into the router (shared/SPEC.md §7). The implementation lives in the
 * {@code router-cluster} module and is found with {@link java.util.ServiceLoader} when the config
 * has a {@code cluster} section; the embedded {@code router.jar} has none on its class path, so a
 * cluster config stops its start (see {@link Router}). Its methods come with the Kafka-backed
 * implementations (issue 11).
 */
public interface ClusterSupport {
}

package io.smsrouter.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.smsrouter.core.cluster.ClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/cluster} (admin token; shared/SPEC.md §7): the nodes of the cluster and their
 * state, which node owns which share of each operator, and the consumer lag of each share, as this
 * node sees them ({@link ClusterView}). An embedded router has no view: 404 {@code not_clustered}.
 * A view may ask the Kafka brokers, so the server runs this off the event loop.
 */
final class ClusterApi {
    private static final Logger log = LoggerFactory.getLogger(ClusterApi.class);
    static final String PATH = "/api/v1/cluster";

    private final ObjectMapper json;
    private final AdminAuth auth;
    private volatile ClusterView view;

    ClusterApi(ObjectMapper json, AdminAuth auth) {
        this.json = json;
        this.auth = auth;
    }

    static boolean handles(String path) {
        return path.equals(PATH) || path.equals(PATH + "/");
    }

    void view(ClusterView v) {
        this.view = v;
    }

    FullHttpResponse handle(FullHttpRequest req) {
        AdminAuth.Verdict caller = auth.check(req);
        FullHttpResponse refused = caller.unlessAdmin();
        if (refused != null) {
            return refused;
        }
        try {
            ApiError.requireMethod(req.method(), HttpMethod.GET);
            ClusterView v = view;
            if (v == null) {
                throw new ApiError(HttpResponseStatus.NOT_FOUND, "not_clustered",
                        "this router is not part of a cluster (its config has no cluster section)");
            }
            return HttpServer.json(HttpResponseStatus.OK, json.writeValueAsString(render(v)));
        } catch (ApiError e) {
            return e.response();
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            log.warn("GET {} failed: {}", PATH, e.toString());
            return HttpServer.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "cluster_unavailable",
                    "the cluster's state could not be read now: " + e.getMessage());
        }
    }

    private ObjectNode render(ClusterView v) {
        ObjectNode o = json.createObjectNode();
        o.put("node", v.nodeId());
        o.put("ack", v.ack());
        ArrayNode nodes = o.putArray("nodes");
        for (ClusterView.Node n : v.nodes()) {
            ObjectNode e = nodes.addObject();
            e.put("id", n.id());
            e.put("state", n.state());
            e.put("smpp", n.smpp());
            e.put("http", n.http());
        }
        ArrayNode shares = o.putArray("shares");
        for (ClusterView.Share s : v.shares()) {
            ObjectNode e = shares.addObject();
            e.put("operator", s.operatorId());
            e.put("partition", s.partition());
            e.put("owner", s.owner());
            e.put("binds", s.binds());
            e.put("tps", s.tps());
            e.put("lag", s.lag());
        }
        return o;
    }
}

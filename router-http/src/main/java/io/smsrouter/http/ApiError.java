package io.smsrouter.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;

/**
 * A refused API request: the HTTP status, the error code of the API's table and a message saying
 * what was wrong. Answered as {@code {"error":{"code","message"}}}. Also the request-reading
 * helpers the API classes share, which throw it.
 */
final class ApiError extends RuntimeException {
    final HttpResponseStatus status;
    final String code;
    private int retryAfterSeconds;

    ApiError(HttpResponseStatus status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static ApiError bad(String code, String message) {
        return new ApiError(HttpResponseStatus.BAD_REQUEST, code, message);
    }

    ApiError retryAfter(int seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    FullHttpResponse response() {
        FullHttpResponse r = HttpServer.error(status, code, getMessage());
        if (retryAfterSeconds > 0) {
            r.headers().setInt(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        }
        return r;
    }

    ObjectNode errorNode(ObjectMapper json) {
        ObjectNode e = json.createObjectNode();
        e.put("code", code);
        e.put("message", getMessage());
        return e;
    }

    /** The request body as a JSON object (an empty one for an empty body). */
    static JsonNode body(ObjectMapper json, FullHttpRequest req) {
        if (req.content().readableBytes() == 0) {
            return json.createObjectNode();
        }
        try {
            JsonNode n = json.readTree(req.content().toString(StandardCharsets.UTF_8));
            if (n == null || !n.isObject()) {
                throw bad("bad_request", "expected a JSON object");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw bad("bad_json", "the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** A string field; null when absent and not required. */
    static String string(JsonNode body, String field, boolean required) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw bad("missing_field", field + ": required");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw bad("bad_request", field + ": expected a string");
        }
        return n.asText();
    }

    static long messageId(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw bad("bad_request", "expected a message id (digits), got \"" + s + "\"");
        }
    }

    /** A query parameter's first value; null when absent or empty. */
    static String param(java.util.Map<String, java.util.List<String>> params, String name) {
        java.util.List<String> v = params.get(name);
        return v == null || v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
    }

    /** An integer query parameter in {@code min..max}, {@code dflt} when absent. */
    static int intParam(java.util.Map<String, java.util.List<String>> params, String name, int dflt, int min, int max) {
        String v = param(params, name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the error
        }
        throw bad("bad_request", name + ": expected an integer " + min + ".." + max + ", got \"" + v + "\"");
    }

    static void requireMethod(HttpMethod actual, HttpMethod expected) {
        if (!actual.equals(expected)) {
            throw new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "use " + expected.name());
        }
    }
}

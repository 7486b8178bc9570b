package io.smsrouter.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.io.IOException;
import java.io.InputStream;

/**
 * {@code GET /api/v1/openapi.yaml}: the OpenAPI 3.0 description of this server's HTTP API, kept
 * beside the code as the resource {@code openapi.yaml} (checked against the server by
 * OpenApiContractTest). No authentication: it holds no account data.
 */
final class ApiDocs {
    static final String PATH = "/api/v1/openapi.yaml";
    static final String CONTENT_TYPE = "application/yaml; charset=utf-8";
    private static final byte[] DOCUMENT = load();

    private ApiDocs() {
    }

    private static byte[] load() {
        try (InputStream in = ApiDocs.class.getResourceAsStream("openapi.yaml")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    static FullHttpResponse response(HttpMethod method) {
        if (method != HttpMethod.GET) {
            return HttpServer.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "use GET");
        }
        if (DOCUMENT == null) {
            return HttpServer.error(HttpResponseStatus.NOT_FOUND, "not_found", "the API document is not in this build");
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(DOCUMENT));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, DOCUMENT.length);
        return r;
    }
}

package io.darner.server;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * What the API's HTTP responses carry: status and Content-Type (which the binding writes
 * itself), no message header. Camel answers with the message's headers, and these begin as
 * the request's: without this filter a call echoed its own headers, the bearer token of a
 * public endpoint's caller among them. Incoming headers are filtered as by platform-http's default strategy.
 */
final class ResponseHeaderFilter extends HttpHeaderFilterStrategy {
    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return true;
    }
}

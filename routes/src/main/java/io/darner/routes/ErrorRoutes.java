package io.darner.routes;

import io.darner.processors.ApiException;
import io.darner.processors.api.ErrorResponder;
import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * The one route configuration for error handling, {@code errors}: every API entry route and every
 * background route (fan-out, track, reconcile) uses it. Lifecycle steps called with
 * {@code direct:} have no error handler of their own, so a failure returns to the entry route and
 * is answered here once: a refused request as 4xx naming the field and the fix, anything else as 500.
 */
public final class ErrorRoutes extends RouteConfigurationBuilder {
    public static final String ID = "errors";

    @Override
    public void configuration() {
        ErrorResponder responder = new ErrorResponder();
        routeConfiguration(ID)
                .onException(ApiException.class).handled(true).process(responder).end()
                .onException(Exception.class).handled(true).process(responder).end();
    }
}

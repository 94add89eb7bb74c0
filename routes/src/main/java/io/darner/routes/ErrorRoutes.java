package io.darner.routes;

import io.darner.processors.ApiException;
import io.darner.processors.api.ErrorResponder;
import io.darner.processors.lifecycle.AuditProcessor;
import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * All error handling of the control plane, in one place. Two route configurations:
 * <ul>
 *   <li>{@code errors}, for every entry route — the API's {@code api-*} routes and the background
 *       routes (fan-out, track, reconcile): a failure is answered once, a refused request as 4xx
 *       naming the field and the fix, anything else as 500 (and logged);</li>
 *   <li>{@code steps}, for lifecycle steps called with {@code direct:}: no error handler, so a
 *       failure goes back to the entry route that called the step instead of being swallowed
 *       half-way, and the steps after it do not run.</li>
 * </ul>
 */
public final class ErrorRoutes extends RouteConfigurationBuilder {
    public static final String ID = "errors";
    public static final String STEPS = "steps";

    private final AuditProcessor audit;

    public ErrorRoutes() {
        this(null);
    }

    /** With {@code audit}: every refused or failed change or login is an audit row too. */
    public ErrorRoutes(AuditProcessor audit) {
        this.audit = audit;
    }

    @Override
    public void configuration() {
        ErrorResponder responder = new ErrorResponder(audit);
        routeConfiguration(ID)
                .onException(ApiException.class).handled(true).process(responder).end()
                .onException(Exception.class).handled(true).process(responder).end();
        routeConfiguration(STEPS).errorHandler(noErrorHandler());
    }
}

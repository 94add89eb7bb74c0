package io.darner.routes;

import org.apache.camel.Route;
import org.apache.camel.spi.Resource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The lifecycle has one YAML file per step and the route id is the file name; the routes the tests below advise all exist. */
class RouteIdsTest extends LifecycleTestSupport {
    static final List<String> LIFECYCLE = List.of("audit", "authenticate", "authorize", "fan-out", "reconcile", "resolve-cluster",
            "schedule", "track", "validate", "verify");

    @Test
    void everyYamlFileIsOneRouteNamedAfterIt() throws Exception {
        start();
        List<String> files = LifecycleHarness.yamlRoutes(context).stream().map(Resource::getLocation)
                .map(l -> l.substring(l.lastIndexOf('/') + 1, l.length() - ".yaml".length())).toList();
        assertThat(files).containsExactlyElementsOf(LIFECYCLE);
        List<String> ids = context.getRoutes().stream().map(Route::getRouteId).toList();
        System.out.println("ROUTES " + ids);
        System.out.println("REST " + h.rest.bound());
        assertThat(ids).containsAll(LIFECYCLE);
    }
}

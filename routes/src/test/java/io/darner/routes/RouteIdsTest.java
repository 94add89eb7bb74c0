package io.darner.routes;

import org.apache.camel.Route;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
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
        assertThat(ids).containsAll(LIFECYCLE);
    }

    @Test
    void entryRoutesAnswerErrorsAndStepsPassThemBack() throws Exception {
        start();
        ModelCamelContext model = (ModelCamelContext) context;
        for (Route r : context.getRoutes()) {
            RouteDefinition d = model.getRouteDefinition(r.getRouteId());
            boolean entry = r.getRouteId().startsWith("api-") || List.of("fan-out", "track", "reconcile").contains(r.getRouteId());
            if (entry) {
                assertThat(d.getRouteConfigurationId()).as(r.getRouteId()).isEqualTo(ErrorRoutes.ID);
            } else {
                assertThat(d.getRouteConfigurationId()).as(r.getRouteId()).isNotEqualTo(ErrorRoutes.ID);
            }
        }
        // a step's failure reaches the entry route, which answers it once
        InMemoryRest.Response r = call("POST", "/api/v1/tasks", "{\"source\":\"ftp://o/a\",\"target\":\"/a\",\"nodes\":[{\"id\":\"n1\"}]}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo("source");
    }
}

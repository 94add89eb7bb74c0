package io.darner.server;

import io.darner.processors.ApiException;
import io.darner.processors.Json;
import io.darner.processors.store.UserStore;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OpenAPI document ({@code /api/v1/openapi.json}) is served by Camel's rest-api endpoint,
 * outside the API routes and so outside their {@code authenticate} step. This filter asks it for
 * a bearer token as every endpoint but health and login does, answering 401 with the API's error body.
 */
final class OpenApiAuthFilter extends OncePerRequestFilter {
    static final String PATH = "/api/v1/openapi.json";
    private final UserStore users;

    OpenApiAuthFilter(UserStore users) {
        this.users = users;
    }

    /** Camel copies request headers into the response: the token must not travel back. */
    private static HttpServletRequest withoutAuthorization(HttpServletRequest request) {
        return new HttpServletRequestWrapper(request) {
            @Override
            public String getHeader(String name) {
                return "Authorization".equalsIgnoreCase(name) ? null : super.getHeader(name);
            }

            @Override
            public Enumeration<String> getHeaders(String name) {
                return "Authorization".equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
            }

            @Override
            public Enumeration<String> getHeaderNames() {
                return Collections.enumeration(Collections.list(super.getHeaderNames()).stream()
                        .filter(h -> !"Authorization".equalsIgnoreCase(h)).toList());
            }
        };
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        ApiException refused = null;
        if (header == null || header.isBlank()) refused = ApiException.unauthorized("no credentials were sent");
        else if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) refused = ApiException.unauthorized("only bearer tokens are accepted");
        else if (users.byToken(header.substring(7).trim()).isEmpty()) refused = ApiException.unauthorized("the bearer token is unknown or expired");
        if (refused == null) {
            chain.doFilter(withoutAuthorization(request), response);
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", refused.status());
        body.put("error", refused.getMessage());
        body.put("field", refused.field());
        body.put("fix", refused.fix());
        response.setStatus(refused.status());
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(Json.MAPPER.writeValueAsString(body));
    }
}

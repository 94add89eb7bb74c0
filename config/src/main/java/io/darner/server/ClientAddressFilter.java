package io.darner.server;

import io.darner.processors.Props;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Hands the caller's network address to the routes as the request header
 * {@value Props#CLIENT_HEADER} (Camel copies request headers into the message), for the audit
 * trail. A header of that name sent by the client is replaced, never trusted.
 */
final class ClientAddressFilter extends OncePerRequestFilter {
    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String address = request.getRemoteAddr();
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public String getHeader(String name) {
                return Props.CLIENT_HEADER.equalsIgnoreCase(name) ? address : super.getHeader(name);
            }

            @Override
            public Enumeration<String> getHeaders(String name) {
                return Props.CLIENT_HEADER.equalsIgnoreCase(name) ? Collections.enumeration(List.of(address)) : super.getHeaders(name);
            }

            @Override
            public Enumeration<String> getHeaderNames() {
                return Collections.enumeration(Stream.concat(Collections.list(super.getHeaderNames()).stream()
                        .filter(h -> !Props.CLIENT_HEADER.equalsIgnoreCase(h)), Stream.of(Props.CLIENT_HEADER)).toList());
            }
        }, response);
    }
}

package com.stateset.sandbox.server.http;

import com.stateset.sandbox.server.errors.DomainException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.util.List;
import java.util.Map;

/**
 * Every query parameter of the API takes one value: one given twice is a 400 naming it, rather
 * than the first value silently winning (a client that meant a list learns it is not one).
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public final class RepeatedQueryFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        for (Map.Entry<String, List<String>> parameter : request.getUriInfo().getQueryParameters().entrySet()) {
            if (parameter.getValue().size() > 1) {
                throw DomainException.validation(parameter.getKey(), "given " + parameter.getValue().size()
                        + " times; it takes one value");
            }
        }
    }
}

package dev.weft.proxy.route;

import java.util.List;

/** Envoy's {@code RouteMatch}: path, headers (all must match), query parameters (all must match). */
public record RouteMatch(PathMatcher path, List<HeaderMatcher> headers, List<QueryParameterMatcher> queryParameters) {

    public RouteMatch {
        headers = List.copyOf(headers);
        queryParameters = List.copyOf(queryParameters);
    }

    public boolean matches(RequestView request) {
        if (!path.matches(request.path())) {
            return false;
        }
        for (HeaderMatcher header : headers) {
            if (!header.matches(request.headerValues(header.name()))) {
                return false;
            }
        }
        for (QueryParameterMatcher query : queryParameters) {
            if (!query.matches(request.queryValues(query.name()))) {
                return false;
            }
        }
        return true;
    }
}

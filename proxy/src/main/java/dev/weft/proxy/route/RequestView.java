package dev.weft.proxy.route;

import java.util.List;

/** What route matching reads of a request; the HTTP layer adapts its request type to this. */
public interface RequestView {

    /** Host / :authority as sent. */
    String authority();

    /** The path without the query string. */
    String path();

    String method();

    /** Values of a header (name lower case); {@code :method}, {@code :path}, {@code :authority} too. */
    List<String> headerValues(String lowerCaseName);

    List<String> queryValues(String name);
}

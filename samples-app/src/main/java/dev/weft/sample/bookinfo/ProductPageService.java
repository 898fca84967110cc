package dev.weft.sample.bookinfo;

import dev.weft.sample.bookinfo.HttpService.Request;
import dev.weft.sample.bookinfo.HttpService.Response;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * productpage (productpage.py): the web page and the REST API in front of details, reviews and
 * ratings. Every call carries the trace headers of the request being served, and end-user when
 * someone is logged in. Calls time out after 3 s and are not retried, except the call to reviews,
 * which the original deliberately makes twice ("bug introduced explicitly for illustration in the
 * fault injection task").
 */
final class ProductPageService implements HttpService.Handler {

    static final String USER_COOKIE = "user";
    static final int REVIEWS_ATTEMPTS = 2;

    /** What productpage answers when it cannot get what it asked a backend for (the original's wording). */
    static final String DETAILS_ERROR = "Sorry, product details are currently unavailable for this book.";
    static final String REVIEWS_ERROR = "Sorry, product reviews are currently unavailable for this book.";
    static final String RATINGS_ERROR = "Sorry, product ratings are currently unavailable for this book.";

    /** A backend's answer as the page and the API use it: the status and the parsed body (or the error object). */
    record Fetched(int status, Json body) {
        boolean ok() {
            return status == 200;
        }
    }

    private final Settings settings;
    private final Upstream upstream;

    ProductPageService(Settings settings, Upstream upstream) {
        this.settings = settings;
        this.upstream = upstream;
    }

    @Override
    public Response handle(Request request) {
        String path = request.path();
        String method = request.method();
        boolean get = method.equals("GET") || method.equals("HEAD");
        if (path.equals("/login")) {
            return method.equals("POST") ? login(request) : Response.methodNotAllowed();
        }
        if (!get) {
            return Response.methodNotAllowed();
        }
        switch (path) {
            case "/", "/index.html" -> {
                return Response.html(200, ProductPageHtml.index(settings));
            }
            case "/health" -> {
                return Response.html(200, "Product page is healthy");
            }
            case "/logout" -> {
                return Response.redirect(backTo(request), List.of(Map.entry("Set-Cookie",
                        USER_COOKIE + "=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/")));
            }
            case "/productpage" -> {
                return productPage(request);
            }
            case "/api/v1/products" -> {
                return json(200, new Json.Arr(List.of(Products.PRODUCT)));
            }
            default -> {
                return api(request, path);
            }
        }
    }

    private Response api(Request request, String path) {
        String prefix = "/api/v1/products/";
        if (!path.startsWith(prefix)) {
            return Response.notFound();
        }
        String[] parts = path.substring(prefix.length()).split("/", -1);
        if (parts[0].isEmpty() || parts.length > 2) {
            return Response.notFound();
        }
        String productId = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
        Map<String, String> headers = forwardHeaders(request);
        Fetched fetched;
        if (parts.length == 1) {
            fetched = details(productId, headers);
        } else if (parts[1].equals("reviews")) {
            fetched = reviews(productId, headers);
        } else if (parts[1].equals("ratings")) {
            fetched = ratings(productId, headers);
        } else {
            return Response.notFound();
        }
        return json(fetched.status(), fetched.body());
    }

    private Response productPage(Request request) {
        int productId = 0;
        Map<String, String> headers = forwardHeaders(request);
        String user = user(request);
        Fetched details = details(String.valueOf(productId), headers);
        Fetched reviews = reviews(String.valueOf(productId), headers);
        return Response.html(200, ProductPageHtml.productPage(user, Products.PRODUCT, details, reviews));
    }

    /** Flask's redirect(request.referrer), kept on this site: only the referrer's path and query. */
    private static String backTo(Request request) {
        String referrer = request.header("referer");
        if (referrer != null) {
            try {
                URI uri = new URI(referrer);
                if (uri.getRawPath() != null && uri.getRawPath().startsWith("/")) {
                    return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
                }
            } catch (java.net.URISyntaxException ignored) {
                // fall through to the product page
            }
        }
        return "/productpage";
    }

    private static Response login(Request request) {
        String user = request.formValue("username");
        String cookie = user == null || user.isEmpty()
                ? USER_COOKIE + "=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/"
                : USER_COOKIE + "=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "; HttpOnly; Path=/; SameSite=Lax";
        return Response.redirect(backTo(request), List.of(Map.entry("Set-Cookie", cookie)));
    }

    /** The logged-in user from the cookie, or "" when nobody is. */
    static String user(Request request) {
        String raw = request.cookie(USER_COOKIE);
        if (raw == null || raw.isEmpty()) {
            return "";
        }
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            return raw;
        }
    }

    /** productpage.py's getForwardHeaders: end-user from the login, then the propagated headers. */
    private static Map<String, String> forwardHeaders(Request request) {
        var headers = new LinkedHashMap<String, String>();
        String user = user(request);
        if (!user.isEmpty()) {
            headers.put("end-user", user);
        }
        headers.putAll(Propagation.copy(request, Propagation.PRODUCTPAGE));
        return headers;
    }

    private Fetched details(String productId, Map<String, String> headers) {
        var result = upstream.get(settings.details().uri("/details/" + segment(productId)), headers,
                settings.upstreamTimeout());
        return parsed(result, DETAILS_ERROR);
    }

    private Fetched reviews(String productId, Map<String, String> headers) {
        Upstream.Result result = null;
        for (int attempt = 0; attempt < REVIEWS_ATTEMPTS; attempt++) {
            result = upstream.get(settings.reviews().uri("/reviews/" + segment(productId)), headers,
                    settings.upstreamTimeout());
            Fetched fetched = parsed(result, REVIEWS_ERROR);
            if (fetched.ok()) {
                return fetched;
            }
        }
        return parsed(result, REVIEWS_ERROR);
    }

    private Fetched ratings(String productId, Map<String, String> headers) {
        var result = upstream.get(settings.ratings().uri("/ratings/" + segment(productId)), headers,
                settings.upstreamTimeout());
        return parsed(result, RATINGS_ERROR);
    }

    /**
     * The original: a 200 gives its JSON; anything else gives the backend's status (500 when there was
     * no response) with {"error": message}. A 200 whose body is not JSON is reported as a 500 here
     * (the original fails the whole request then).
     */
    private static Fetched parsed(Upstream.Result result, String error) {
        if (result.ok()) {
            try {
                return new Fetched(200, Json.parse(result.body()));
            } catch (Json.JsonException e) {
                System.err.println("productpage: bad JSON from a backend: " + e.getMessage());
                return new Fetched(500, Json.obj("error", Json.str(error)));
            }
        }
        if (result.status() == 0) {
            System.err.println("productpage: backend call failed: " + result.failure());
        }
        return new Fetched(result.status() == 0 ? 500 : result.status(), Json.obj("error", Json.str(error)));
    }

    /** A product id as one path segment (the API takes any text there, as Flask's <product_id>). */
    private static String segment(String productId) {
        return URLEncoder.encode(productId, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Response json(int status, Json body) {
        return Response.json(status, Json.write(body, Json.Style.PYTHON));
    }
}

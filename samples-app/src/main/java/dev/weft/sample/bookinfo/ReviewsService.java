package dev.weft.sample.bookinfo;

import dev.weft.sample.bookinfo.HttpService.Request;
import dev.weft.sample.bookinfo.HttpService.Response;

/**
 * reviews (LibertyRestEndpoint.java): two fixed reviews of the book. v1 shows no ratings; v2 and v3
 * ask ratings (forwarding the trace and end-user headers) and add each reviewer's stars in black
 * (v2) or red (v3). When ratings does not answer 200 in time, both reviews carry the error
 * "Ratings service is currently unavailable" instead of stars.
 */
final class ReviewsService implements HttpService.Handler {

    static final String RATINGS_UNAVAILABLE = "Ratings service is currently unavailable";

    private final Settings settings;
    private final Upstream upstream;

    ReviewsService(Settings settings, Upstream upstream) {
        this.settings = settings;
        this.upstream = upstream;
    }

    @Override
    public Response handle(Request request) {
        String path = request.path();
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return Response.methodNotAllowed();
        }
        if (path.equals("/health")) {
            return Response.json(200, "{\"status\": \"Reviews is healthy\"}");
        }
        if (!path.startsWith("/reviews/") || path.indexOf('/', "/reviews/".length()) >= 0) {
            return Response.notFound();
        }
        int productId;
        try {
            // JAX-RS binds the path segment to an int parameter; one that does not convert is a 404.
            productId = Integer.parseInt(path.substring("/reviews/".length()));
        } catch (NumberFormatException e) {
            return Response.notFound();
        }
        int stars1 = -1;
        int stars2 = -1;
        if (settings.ratingsEnabled()) {
            Json ratings = fetchRatings(productId, request);
            if (ratings != null) {
                stars1 = ratings.get("Reviewer1").flatMap(Json::asInt).orElse(-1);
                stars2 = ratings.get("Reviewer2").flatMap(Json::asInt).orElse(-1);
            }
        }
        return Response.json(200, body(productId, stars1, stars2));
    }

    /** The "ratings" object of ratings' answer, or null when there is none (any failure). */
    private Json fetchRatings(int productId, Request request) {
        var result = upstream.get(settings.ratings().uri("/ratings/" + productId),
                Propagation.copy(request, Propagation.REVIEWS), settings.upstreamTimeout());
        if (!result.ok()) {
            System.err.println("Error: unable to contact " + settings.ratings() + " got "
                    + (result.status() == 0 ? "exception " + result.failure() : "status of " + result.status()));
            return null;
        }
        try {
            Json ratings = Json.parse(result.body()).get("ratings").orElse(null);
            return ratings instanceof Json.Obj ? ratings : null;
        } catch (Json.JsonException e) {
            System.err.println("Error: ratings answered with bad JSON: " + e.getMessage());
            return null;
        }
    }

    /**
     * The original builds its answer by string concatenation, and clients see exactly these bytes
     * (including the id as a string and the spacing), so this does the same.
     */
    private String body(int productId, int stars1, int stars2) {
        var out = new StringBuilder("{");
        out.append("\"id\": \"").append(productId).append("\",");
        out.append("\"podname\": \"").append(jsonText(settings.podName())).append("\",");
        out.append("\"clustername\": \"").append(jsonText(settings.clusterName())).append("\",");
        out.append("\"reviews\": [");
        out.append("{");
        out.append("  \"reviewer\": \"Reviewer1\",");
        out.append("  \"text\": \"An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!\"");
        rating(out, stars1);
        out.append("},");
        out.append("{");
        out.append("  \"reviewer\": \"Reviewer2\",");
        out.append("  \"text\": \"Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.\"");
        rating(out, stars2);
        out.append("}");
        out.append("]");
        out.append("}");
        return out.toString();
    }

    private void rating(StringBuilder out, int stars) {
        if (!settings.ratingsEnabled()) {
            return;
        }
        if (stars != -1) {
            out.append(", \"rating\": {\"stars\": ").append(stars)
                    .append(", \"color\": \"").append(jsonText(settings.starColor())).append("\"}");
        } else {
            out.append(", \"rating\": {\"error\": \"").append(RATINGS_UNAVAILABLE).append("\"}");
        }
    }

    /** A value placed inside quotes: escaped, unlike the original, so an odd env value cannot break the JSON. */
    private static String jsonText(String value) {
        String quoted = Json.write(Json.str(value), Json.Style.COMPACT);
        return quoted.substring(1, quoted.length() - 1);
    }
}

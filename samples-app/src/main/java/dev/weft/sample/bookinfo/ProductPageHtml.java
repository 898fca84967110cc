package dev.weft.sample.bookinfo;

import dev.weft.sample.bookinfo.ProductPageService.Fetched;
import java.util.List;

/**
 * The pages productpage serves, with the markup of the original templates where tools and tests look
 * at it (stars as {@code <font color="...">} around glyphicon spans, the error headings), and no
 * external stylesheets or scripts: the page must render on a machine without internet access.
 */
final class ProductPageHtml {
    private ProductPageHtml() {}

    private static final String STYLE = """
            <style>
              body { font-family: Helvetica, Arial, sans-serif; margin: 0; color: #333; }
              nav { background: #222; color: #eee; padding: 10px 20px; display: flex; justify-content: space-between; align-items: center; }
              nav a, nav .brand { color: #eee; }
              .container { padding: 0 20px; }
              .row { display: flex; flex-wrap: wrap; gap: 40px; }
              .col { flex: 1 1 400px; }
              .text-primary { color: #337ab7; }
              .text-center { text-align: center; }
              blockquote { border-left: 5px solid #eee; margin: 0 0 20px; padding: 10px 20px; }
              blockquote small { display: block; color: #777; }
              .glyphicon-star, .glyphicon-star-empty { font-style: normal; font-size: 1.2em; }
              dt { font-weight: bold; }
              form.login input { margin-right: 4px; }
              table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 4px 8px; }
            </style>
            """;

    static String index(Settings settings) {
        var rows = new StringBuilder();
        for (var service : List.of(
                List.of("productpage", "details, reviews"),
                List.of("details (" + settings.details() + ")", ""),
                List.of("reviews (" + settings.reviews() + ")", "ratings"),
                List.of("ratings (" + settings.ratings() + ")", ""))) {
            rows.append("<tr><td>").append(Html.escape(service.get(0))).append("</td><td>")
                    .append(Html.escape(service.get(1))).append("</td></tr>\n");
        }
        return """
                <!DOCTYPE html>
                <html>
                <head>
                <meta charset="utf-8">
                <title>Simple Bookstore App</title>
                """ + STYLE + """
                </head>
                <body>
                <div class="container">
                <p><h3>Hello! This is a simple bookstore application consisting of three services as shown below</h3></p>
                <table class="table table-condensed table-bordered table-hover">
                <tr><th>service</th><th>calls</th></tr>
                """ + rows + """
                </table>
                <p><h4>Click on one of the links below to auto generate a request to the backend as a real user or a tester
                </h4></p>
                <p><a href="/productpage?u=normal">Normal user</a></p>
                <p><a href="/productpage?u=test">Test user</a></p>
                </div>
                </body>
                </html>
                """;
    }

    static String productPage(String user, Json product, Fetched details, Fetched reviews) {
        var out = new StringBuilder();
        out.append("""
                <!DOCTYPE html>
                <html>
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1.0">
                <title>Simple Bookstore App</title>
                """).append(STYLE).append("""
                </head>
                <body>
                <nav>
                  <span class="brand">BookInfo Sample</span>
                """);
        if (!user.isEmpty()) {
            out.append("  <p class=\"navbar-text navbar-right\"><span>").append(Html.escape(user))
                    .append(" ( <a href=\"logout\">sign out</a> )</span></p>\n");
        } else {
            out.append("""
                      <form class="login" method="post" action="login" name="login_form">
                        <input type="text" name="username" id="username" placeholder="User Name">
                        <input type="password" name="passwd" placeholder="Password">
                        <button type="submit">Sign in</button>
                      </form>
                    """);
        }
        out.append("</nav>\n\n<div class=\"container\">\n<div class=\"row\">\n<div class=\"col\">\n");
        out.append("<h3 class=\"text-center text-primary\">").append(Html.escape(field(product, "title"))).append("</h3>\n");
        // descriptionHtml is our own constant markup, shown unescaped as the template's autoescape false block.
        out.append("<p>Summary: ").append(field(product, "descriptionHtml")).append("</p>\n");
        out.append("</div>\n</div>\n\n<div class=\"row\">\n<div class=\"col\">\n");
        detailsSection(out, details);
        out.append("</div>\n\n<div class=\"col\">\n");
        reviewsSection(out, reviews);
        out.append("</div>\n</div>\n</div>\n</body>\n</html>\n");
        return out.toString();
    }

    private static void detailsSection(StringBuilder out, Fetched details) {
        if (details.ok()) {
            Json d = details.body();
            out.append("<h4 class=\"text-center text-primary\">Book Details</h4>\n<dl>\n");
            for (var row : List.of(List.of("Type", "type"), List.of("Pages", "pages"), List.of("Publisher", "publisher"),
                    List.of("Language", "language"), List.of("ISBN-10", "ISBN-10"), List.of("ISBN-13", "ISBN-13"))) {
                out.append("  <dt>").append(row.get(0)).append(":</dt>").append(Html.escape(field(d, row.get(1)))).append('\n');
            }
            out.append("</dl>\n");
        } else {
            out.append("<h4 class=\"text-center text-primary\">Error fetching product details!</h4>\n");
            out.append("<p>").append(Html.escape(field(details.body(), "error"))).append("</p>\n");
        }
    }

    private static void reviewsSection(StringBuilder out, Fetched reviews) {
        if (!reviews.ok()) {
            out.append("<h4 class=\"text-center text-primary\">Error fetching product reviews!</h4>\n");
            out.append("<p>").append(Html.escape(field(reviews.body(), "error"))).append("</p>\n");
            return;
        }
        out.append("<h4 class=\"text-center text-primary\">Book Reviews</h4>\n");
        List<Json> list = reviews.body().get("reviews").orElse(null) instanceof Json.Arr(var items) ? items : List.of();
        for (Json review : list) {
            out.append("<blockquote>\n");
            out.append("  <p>").append(Html.escape(field(review, "text"))).append("</p>\n");
            out.append("  <small>").append(Html.escape(field(review, "reviewer"))).append("</small>\n");
            review.get("rating").ifPresent(rating -> stars(out, rating));
            out.append("</blockquote>\n");
        }
    }

    /**
     * The template's {@code {% if review.rating.stars %}} (so 0 stars shows nothing), else the
     * rating's error in italics.
     */
    private static void stars(StringBuilder out, Json rating) {
        int stars = rating.get("stars").flatMap(Json::asInt).orElse(0);
        if (stars != 0) {
            out.append("  <font color=\"").append(Html.escape(field(rating, "color"))).append("\">\n");
            for (int i = 0; i < Math.min(stars, 5); i++) {
                out.append("    <span class=\"glyphicon glyphicon-star\">&#9733;</span>\n");
            }
            for (int i = 0; i < 5 - stars; i++) {
                out.append("    <span class=\"glyphicon glyphicon-star-empty\">&#9734;</span>\n");
            }
            out.append("  </font>\n");
        } else if (rating.get("error").isPresent()) {
            out.append("  <p><i>").append(Html.escape(field(rating, "error"))).append("</i></p>\n");
        }
    }

    /** A member as template text: Jinja shows a missing attribute as nothing. */
    private static String field(Json value, String name) {
        return value.get(name).map(Json::text).orElse("");
    }
}

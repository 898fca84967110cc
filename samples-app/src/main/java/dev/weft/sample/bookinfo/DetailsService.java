package dev.weft.sample.bookinfo;

import dev.weft.sample.bookinfo.HttpService.Request;
import dev.weft.sample.bookinfo.HttpService.Response;

/** details v1 (details.rb): the book's publishing details, from memory. */
final class DetailsService implements HttpService.Handler {

    @Override
    public Response handle(Request request) {
        String path = request.path();
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return Response.methodNotAllowed();
        }
        if (path.equals("/health")) {
            return Response.json(200, Json.write(Json.obj("status", Json.str("Details is healthy")), Json.Style.COMPACT));
        }
        // WEBrick's mount_proc '/details' takes the path and everything below it; the id is the last part.
        if (path.equals("/details") || path.startsWith("/details/")) {
            String[] parts = path.split("/");
            String last = parts.length == 0 ? "" : parts[parts.length - 1];
            Integer id = parseId(last);
            if (id == null) {
                return Response.json(400,
                        Json.write(Json.obj("error", Json.str("please provide numeric product id")), Json.Style.COMPACT));
            }
            return Response.json(200, Json.write(bookDetails(id), Json.Style.COMPACT));
        }
        return Response.notFound();
    }

    /** Ruby's Integer(): optional sign and surrounding blanks, decimal digits, "_" between digits. */
    static Integer parseId(String text) {
        String t = text.strip();
        if (!t.matches("[+-]?[0-9]+(_[0-9]+)*")) {
            return null;
        }
        try {
            return Integer.parseInt(t.replace("_", ""));
        } catch (NumberFormatException tooLarge) {
            return null;
        }
    }

    /** The one book there is; the member order is details.rb's. */
    static Json bookDetails(int id) {
        return Json.obj(
                "id", Json.num(id),
                "author", Json.str("William Shakespeare"),
                "year", Json.num(1595),
                "type", Json.str("paperback"),
                "pages", Json.num(200),
                "publisher", Json.str("PublisherA"),
                "language", Json.str("English"),
                "ISBN-10", Json.str("1234567890"),
                "ISBN-13", Json.str("123-1234567890"));
    }
}

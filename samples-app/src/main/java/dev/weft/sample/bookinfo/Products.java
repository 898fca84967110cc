package dev.weft.sample.bookinfo;

/** The catalogue: one book, as productpage.py's getProducts. */
final class Products {
    private Products() {}

    static final Json PRODUCT = Json.obj(
            "id", Json.num(0),
            "title", Json.str("The Comedy of Errors"),
            "descriptionHtml", Json.str("<a href=\"https://en.wikipedia.org/wiki/The_Comedy_of_Errors\">Wikipedia Summary</a>:"
                    + " The Comedy of Errors is one of <b>William Shakespeare's</b> early plays. It is his shortest and one"
                    + " of his most farcical comedies, with a major part of the humour coming from slapstick and mistaken"
                    + " identity, in addition to puns and word play."));
}

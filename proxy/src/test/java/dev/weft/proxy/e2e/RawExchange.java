package dev.weft.proxy.e2e;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes raw bytes on a fresh connection and reads every response until the server closes (or the
 * time bound passes): what a hostile client sees.
 */
final class RawExchange {

    record Response(int status, Map<String, String> headers, String body) {
    }

    /** The responses, and whether the server closed the connection (false: still open at the bound). */
    record Result(List<Response> responses, boolean closed) {
        List<Integer> statuses() {
            return responses.stream().map(Response::status).toList();
        }
    }

    private RawExchange() {
    }

    static Result send(InetSocketAddress address, byte[] request, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 5_000);
            socket.setSoTimeout(timeoutMillis);
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (IOException e) {
                // The proxy may close before it has read everything (it refuses early): read what it said.
            }
            return read(new BufferedInputStream(socket.getInputStream()));
        }
    }

    static Result read(InputStream in) throws IOException {
        return read(in, Integer.MAX_VALUE);
    }

    /** One response (the connection may stay open). */
    static Result readOne(InputStream in) throws IOException {
        return read(in, 1);
    }

    private static Result read(InputStream in, int max) throws IOException {
        List<Response> responses = new ArrayList<>();
        try {
            while (responses.size() < max) {
                String statusLine = line(in);
                if (statusLine == null) {
                    return new Result(responses, true);
                }
                int status = Integer.parseInt(statusLine.split(" ")[1]);
                Map<String, String> headers = new LinkedHashMap<>();
                String header;
                while ((header = line(in)) != null && !header.isEmpty()) {
                    int colon = header.indexOf(':');
                    headers.put(header.substring(0, colon).toLowerCase(Locale.ROOT), header.substring(colon + 1).strip());
                }
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                byte[] body = in.readNBytes(length);
                responses.add(new Response(status, headers, new String(body, StandardCharsets.UTF_8)));
            }
            return new Result(responses, false);
        } catch (SocketTimeoutException e) {
            return new Result(responses, false);
        } catch (java.net.SocketException e) {
            return new Result(responses, true); // reset after the answer: closed as well
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}

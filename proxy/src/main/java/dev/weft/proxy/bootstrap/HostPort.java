package dev.weft.proxy.bootstrap;

/** {@code host:port}, {@code [v6]:port}, {@code host} or {@code :port}. */
public record HostPort(String host, int port) {

    public static HostPort parse(String text, String defaultHost, int defaultPort, String what)
            throws BootstrapException {
        if (text == null || text.isBlank()) {
            return new HostPort(defaultHost, defaultPort);
        }
        String host = text;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new BootstrapException(what + ": unclosed '[' in '" + text + "'");
            }
            host = text.substring(1, close);
            if (close + 1 < text.length()) {
                if (text.charAt(close + 1) != ':') {
                    throw new BootstrapException(what + ": expected ':' after ']' in '" + text + "'");
                }
                port = text.substring(close + 2);
            }
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        int portNumber = defaultPort;
        if (port != null) {
            try {
                portNumber = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                portNumber = -1;
            }
            if (portNumber < 0 || portNumber > 65535) {
                throw new BootstrapException(what + ": port must be 0-65535, not '" + port + "'");
            }
        }
        return new HostPort(host.isEmpty() ? defaultHost : host, portNumber);
    }
}

package dev.weft.proxy.bootstrap;

/** A bootstrap file or flag that cannot be used; the message names the file and field. */
public final class BootstrapException extends Exception {

    public BootstrapException(String message) {
        super(message);
    }
}

package dev.weft.proxy.http;

/** User events the connection manager acts on (fired down a downstream connection's pipeline). */
public enum ConnectionEvent {
    /** Nothing read or written for the idle timeout: closed when no request is in flight. */
    CONNECTION_IDLE,
    /** Nothing read or written for the stream idle timeout: closed when a request is in flight. */
    STREAM_IDLE,
    /** The listener drains: an idle connection closes now, a busy one after its response (Connection: close). */
    DRAIN
}

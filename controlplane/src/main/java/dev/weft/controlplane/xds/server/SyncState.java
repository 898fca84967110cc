package dev.weft.controlplane.xds.server;

/** Where one resource type of one proxy stands, as {@code istioctl proxy-status} shows it. */
public enum SyncState {
    /** The proxy acknowledged the last response sent. */
    SYNCED,
    /** Nothing of this type has been sent (not subscribed, or nothing generated yet). */
    NOT_SENT,
    /** A response was sent and neither acknowledged nor rejected yet. */
    STALE,
    /** The proxy rejected the last response sent; it keeps running with what it had before. */
    NACKED
}

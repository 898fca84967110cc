package dev.weft.proxy.network;

import dev.weft.proxy.config.TransportSocketConfig;
import io.netty.channel.ChannelHandler;

/**
 * Makes the handler of a filter chain's transport socket (downstream TLS: an SslHandler for the
 * chain's certificates). {@link NetworkFilters} puts it first on the connection's pipeline, before
 * the chain's network filter; bytes that listener filters (tls_inspector) read ahead are fed
 * through it. This is the seam for TLS: pass a factory that knows the config to
 * {@code ListenerManager} (via {@link NetworkContext}).
 */
@FunctionalInterface
public interface TransportSocketFactory {

    ChannelHandler newHandler(TransportSocketConfig config, ConnectionInfo connection);

    /** No transport socket implemented: conversion refuses chains that have one, so this is never asked. */
    TransportSocketFactory NONE = (config, connection) -> {
        throw new IllegalStateException("no transport socket implementation for " + config.name());
    };
}

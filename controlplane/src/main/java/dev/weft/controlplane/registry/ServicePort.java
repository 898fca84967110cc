package dev.weft.controlplane.registry;

import dev.weft.config.model.Protocol;

/** A port of a service: endpoints map its name to their own port number. */
public record ServicePort(String name, int number, Protocol protocol) {}

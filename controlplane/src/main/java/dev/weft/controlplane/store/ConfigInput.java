package dev.weft.controlplane.store;

/** One input of a write: its name (a file name, as messages will show it) and its YAML text. */
public record ConfigInput(String name, String text) {}

package dev.tether.testing.internal;

/** Something the server sent that RFC 6455 forbids, passed up the client pipeline to be recorded. */
public record ProtocolViolation(String description) {}

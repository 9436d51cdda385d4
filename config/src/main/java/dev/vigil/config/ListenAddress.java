package dev.vigil.config;

import java.util.Objects;

/**
 * A host and port to listen on.
 *
 * @param host interface to bind ({@code 0.0.0.0} for all, {@code 127.0.0.1} for loopback)
 * @param port TCP port, {@code 0} for an ephemeral one
 */
public record ListenAddress(String host, int port) {
  public ListenAddress {
    Objects.requireNonNull(host, "host");
  }
}

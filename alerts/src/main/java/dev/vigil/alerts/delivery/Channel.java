package dev.vigil.alerts.delivery;

import java.util.Optional;

/**
 * A way to deliver alerts (email, webhook): the seam between the dispatcher and a server.
 *
 * <p>Rendering and sending are split so the rendered bytes can wait in the persistent outbox:
 * {@link #render} runs once when the alert is decided, {@link #send} runs on every attempt, on the
 * dispatcher's thread only. Implementations must not throw from {@link #send}: every failure is a
 * {@link SendResult}.
 */
public interface Channel {

  /** Short lower-case name: the outbox and metric tag use it ({@code email}, {@code webhook}). */
  String name();

  /**
   * Renders the alert into the bytes to store and send later.
   *
   * @return the payload, or empty when this channel does not deliver (the disabled channel)
   */
  Optional<byte[]> render(Alert alert) throws Exception;

  /** One delivery attempt of a payload {@link #render} produced (possibly in an earlier process). */
  SendResult send(byte[] payload);

  /** A channel that delivers nothing: what a channel turned off in the configuration is. */
  static Channel disabled(String name) {
    return new Channel() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Optional<byte[]> render(Alert alert) {
        return Optional.empty();
      }

      @Override
      public SendResult send(byte[] payload) {
        return SendResult.rejected("channel " + name + " is disabled");
      }

      @Override
      public String toString() {
        return "Channel.disabled(" + name + ")";
      }
    };
  }
}

package dev.vigil.alerts.delivery;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A channel that keeps every alert it is asked to render and accepts every send: for dispatcher wiring tests. */
public final class RecordingChannel implements Channel {
  private final List<Alert> rendered = new CopyOnWriteArrayList<>();

  /** The alerts rendered so far, in order. */
  public List<Alert> rendered() {
    return rendered;
  }

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public Optional<byte[]> render(Alert alert) {
    rendered.add(alert);
    return Optional.of(new byte[] {1});
  }

  @Override
  public SendResult send(byte[] payload) {
    return SendResult.accepted("ok");
  }
}

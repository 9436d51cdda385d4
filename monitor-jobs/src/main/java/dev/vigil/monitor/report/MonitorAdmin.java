package dev.vigil.monitor.report;

import dev.vigil.admin.AdminServer;
import dev.vigil.admin.AdminServer.Answer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * The monitor's admin port ({@code monitor.admin}): {@code /metrics}, and {@code /healthz} and
 * {@code /readyz} both answering whether the scheduler is running.
 */
public final class MonitorAdmin {
  private MonitorAdmin() {}

  /**
   * Binds and starts.
   *
   * @param port 0 for an ephemeral port (tests)
   * @param metricsToken bearer token {@code /metrics} requires; null or empty: none
   * @throws IOException when the address is taken, naming it
   */
  public static AdminServer start(String host, int port, String metricsToken, PrometheusMeterRegistry registry,
      BooleanSupplier running) throws IOException {
    return new AdminServer("monitor.admin", host, port, metricsToken, registry::scrape,
        () -> probe(running), () -> probe(running));
  }

  private static Answer probe(BooleanSupplier running) {
    boolean ok = running.getAsBoolean();
    return Answer.text(ok ? 200 : 503, ok ? "ok\n" : "not running\n");
  }
}

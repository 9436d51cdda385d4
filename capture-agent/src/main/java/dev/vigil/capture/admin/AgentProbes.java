package dev.vigil.capture.admin;

import dev.vigil.admin.AdminServer.Answer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the agent's admin port ({@link dev.vigil.admin.AdminServer}) answers to probes: {@code
 * /healthz} the process answers; {@code /readyz} every upstream accepts a TCP connection within
 * {@link #PROBE_TIMEOUT_MILLIS} (sink states are reported, not gating: the proxy works while a sink
 * is down). Runs on the admin server's threads, never on the proxy's event loops.
 */
public final class AgentProbes {
  static final int PROBE_TIMEOUT_MILLIS = 1000;

  /** An upstream to probe for readiness. */
  public record Upstream(String endpoint, String host, int port) {}

  private final List<Upstream> upstreams;
  private final Supplier<Map<String, String>> sinkStates;

  /** @param sinkStates sink name to state (OK, RETRYING...), read on each /readyz */
  public AgentProbes(List<Upstream> upstreams, Supplier<Map<String, String>> sinkStates) {
    this.upstreams = List.copyOf(upstreams);
    this.sinkStates = sinkStates;
  }

  public Answer health() {
    return Answer.json(200, "{\"status\":\"ok\"}");
  }

  public Answer ready() {
    boolean ready = true;
    StringBuilder ups = new StringBuilder();
    for (int i = 0; i < upstreams.size(); i++) {
      Upstream u = upstreams.get(i);
      boolean up = reachable(u);
      ready &= up;
      ups.append(i == 0 ? "" : ",").append('"').append(u.endpoint()).append("\":\"")
          .append(up ? "reachable" : "unreachable").append('"');
    }
    StringBuilder sinks = new StringBuilder();
    for (var e : sinkStates.get().entrySet()) {
      sinks.append(sinks.length() == 0 ? "" : ",").append('"').append(e.getKey()).append("\":\"")
          .append(e.getValue()).append('"');
    }
    return Answer.json(ready ? 200 : 503, "{\"ready\":" + ready + ",\"upstreams\":{" + ups + "},\"sinks\":{" + sinks + "}}");
  }

  private static boolean reachable(Upstream u) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(u.host(), u.port()), PROBE_TIMEOUT_MILLIS);
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }
}

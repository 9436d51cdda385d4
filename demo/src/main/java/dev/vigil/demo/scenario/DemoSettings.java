package dev.vigil.demo.scenario;

import dev.vigil.demo.attack.StopSignAttack;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link DemoScenario} does, and how much of it.
 *
 * <p>Three windows of traffic go through the capture agent, each image a distinct generated sign
 * (class-balanced, deterministic by {@code seed}): the baseline window ({@code baselineRequests}
 * clean images), the clean check window ({@code cleanRequests} clean images, judged against the
 * baseline: it must be quiet) and the attack window ({@code attackedRequests} PGD images of
 * non-Stop signs plus {@code attackCleanRequests} clean ones). The agent samples
 * {@code samplingPercent} of each, by request id, so the same seed captures the same requests.
 *
 * @param out folder for every file the demo writes
 * @param modelOrNull the ONNX classifier, or null for the committed demo model
 * @param baselineRequests clean requests the baseline is built from
 * @param cleanRequests clean requests of the check window
 * @param attackedRequests adversarial requests of the attack window
 * @param attackCleanRequests clean requests mixed into the attack window
 * @param samplingPercent the agent's sampling percent, 0 &lt; p &lt;= 100
 * @param minRecords {@code monitor.minRecords}: a window with fewer sampled predictions is not judged
 * @param seed generator seed for every image
 * @param agentPort the capture agent's proxy port, 0 for any free one
 * @param modelPort the model server's port, 0 for any free one
 * @param attack the PGD settings
 */
public record DemoSettings(
    Path out,
    Path modelOrNull,
    int baselineRequests,
    int cleanRequests,
    int attackedRequests,
    int attackCleanRequests,
    double samplingPercent,
    int minRecords,
    long seed,
    int agentPort,
    int modelPort,
    StopSignAttack.Settings attack) {

  /** @throws IllegalArgumentException naming the bad field */
  public DemoSettings {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(attack, "attack");
    positive("baseline requests", baselineRequests);
    positive("clean requests", cleanRequests);
    positive("attacked requests", attackedRequests);
    if (attackCleanRequests < 0) {
      throw new IllegalArgumentException("clean requests in the attack window must be >= 0, got " + attackCleanRequests);
    }
    if (!(samplingPercent > 0 && samplingPercent <= 100)) {
      throw new IllegalArgumentException("sampling percent must be in (0, 100], got " + samplingPercent);
    }
    positive("minRecords", minRecords);
    for (int port : new int[] {agentPort, modelPort}) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("ports must be 0..65535 (0 = any free port), got " + port);
      }
    }
    long smallest = (long) Math.floor(Math.min(Math.min(baselineRequests, cleanRequests),
        attackedRequests + attackCleanRequests) * samplingPercent / 100 * 0.8);
    if (smallest < minRecords) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
          "too few requests: at %.0f%% sampling the smallest window captures about %d, fewer than minRecords %d;"
              + " send more or lower minRecords", samplingPercent, smallest, minRecords));
    }
  }

  private static void positive(String what, int n) {
    if (n < 1) {
      throw new IllegalArgumentException(what + " must be at least 1, got " + n);
    }
  }
}

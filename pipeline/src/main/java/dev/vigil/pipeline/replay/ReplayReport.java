package dev.vigil.pipeline.replay;

import dev.vigil.saliency.Provenance;
import java.util.List;
import java.util.Optional;

/**
 * What a replay produced.
 *
 * @param samples one entry per distinct eventId, in the order given
 * @param provenance of the FullGrad runs (model hash, device, ...), null when nothing ran
 * @param indexJson the {@code saliency/index.json} that was written
 * @param locations where the files were written, one per sink
 */
public record ReplayReport(
    List<ReplayedSample> samples, Provenance provenance, byte[] indexJson, List<String> locations) {
  public ReplayReport {
    samples = List.copyOf(samples);
    locations = List.copyOf(locations);
  }

  /** The replayed sample of {@code eventId} (for attaching its heatmap to an alert). */
  public Optional<ReplayedSample> sample(String eventId) {
    return samples.stream().filter(s -> s.eventId().equals(eventId)).findFirst();
  }

  /** Samples that got a map. */
  public long okCount() {
    return samples.stream().filter(ReplayedSample::ok).count();
  }
}

package dev.vigil.pipeline.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.alerts.HeatmapItem;
import dev.vigil.classes.ClassScore;
import dev.vigil.pipeline.replay.ReplayReport;
import dev.vigil.pipeline.replay.ReplayedSample;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns saliency replay output into the alert's heatmap gallery: either the in-process
 * {@link ReplayReport}, or {@code saliency/index.json} plus its PNG files read back from wherever
 * they were written (local directory, S3). Samples that could not be replayed are left out.
 */
public final class SaliencyAdapter {
  private static final Logger log = LoggerFactory.getLogger(SaliencyAdapter.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads one file named in the index, relative to the index's report folder. */
  @FunctionalInterface
  public interface FileReader {
    byte[] read(String relativeName) throws IOException;
  }

  private SaliencyAdapter() {}

  /** The replayed samples that got a map, in the replay's order. */
  public static List<HeatmapItem> heatmaps(ReplayReport replay) {
    List<HeatmapItem> out = new ArrayList<>();
    for (ReplayedSample s : replay.samples()) {
      if (!s.ok() || s.overlayPng() == null) {
        continue;
      }
      out.add(new HeatmapItem(s.eventId(), s.predictedClass(), s.label(), s.confidence(), s.top5(), s.overlayPng(),
          s.inputPng()));
    }
    return out;
  }

  /**
   * The samples of a {@code saliency/index.json} whose status is ok, with their overlay PNG read
   * through {@code files} (names in the index are relative to the report folder, e.g.
   * {@code saliency/EVENT-overlay.png}). The index carries no input image, so {@code inputPng} is
   * null. A sample whose overlay cannot be read is left out with a warning.
   *
   * @throws IOException when the index is not the JSON saliency writes
   */
  public static List<HeatmapItem> heatmaps(byte[] indexJson, FileReader files) throws IOException {
    JsonNode root = JSON.readTree(indexJson);
    JsonNode samples = root.path("samples");
    if (!samples.isArray()) {
      throw new IOException("saliency index has no 'samples' array; is it a saliency/index.json?");
    }
    List<HeatmapItem> out = new ArrayList<>();
    for (JsonNode s : samples) {
      if (!"ok".equals(s.path("status").asText()) || !s.hasNonNull("overlay")) {
        continue;
      }
      String overlay = s.get("overlay").asText();
      byte[] png;
      try {
        png = files.read(overlay);
      } catch (IOException e) {
        log.warn("Heatmap {} named in the saliency index cannot be read ({}); left out of the alert", overlay,
            e.toString());
        continue;
      }
      List<ClassScore> top = new ArrayList<>();
      for (JsonNode t : s.path("top5")) {
        top.add(new ClassScore(t.path("index").asInt(), t.path("label").asText(null), t.path("probability").asDouble()));
      }
      JsonNode v = s.path("screening");
      String note = v.isObject() ? SignalsSection.note(new dev.vigil.monitor.signals.Screening(
          v.path("score").asDouble(), v.path("threshold").asDouble(), v.path("likely_adversarial").asBoolean())) : null;
      out.add(new HeatmapItem(s.path("eventId").asText(), s.path("predictedClass").asInt(-1),
          s.path("label").asText(null), s.path("confidence").asDouble(Double.NaN), top, png, null, note));
    }
    return out;
  }
}

package dev.vigil.pipeline.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.alerts.Fixtures;
import dev.vigil.alerts.HeatmapItem;
import dev.vigil.classes.ClassScore;
import dev.vigil.pipeline.replay.ReplayReport;
import dev.vigil.pipeline.replay.ReplayedSample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SaliencyAdapterTest {
  private final byte[] overlay = Fixtures.overlay(64, 1);
  private final byte[] input = Fixtures.input(64, 1);

  @Test
  void replayReportKeepsOkSamplesInOrderWithTopFive() {
    ReplayedSample ok = new ReplayedSample("evt-1", "s3://vigil/c.jsonl#L1", true, null, 14, "Stop", 0.93, 14,
        List.of(new ClassScore(14, "Stop", 0.93), new ClassScore(3, "Speed limit (60km/h)", 0.04)),
        "saliency/evt-1-overlay.png", "saliency/evt-1-panel.png", overlay, null, input);
    ReplayedSample failed = new ReplayedSample("evt-2", "s3://vigil/c.jsonl#L2", false, "truncated image", -1, null,
        0, -1, List.of(), null, null, null, null, null);
    List<HeatmapItem> items = SaliencyAdapter.heatmaps(new ReplayReport(List.of(ok, failed), null, new byte[0],
        List.of()));
    assertThat(items).singleElement().satisfies(h -> {
      assertThat(h.eventId()).isEqualTo("evt-1");
      assertThat(h.predictedClass()).isEqualTo(14);
      assertThat(h.predictedLabel()).isEqualTo("Stop");
      assertThat(h.confidence()).isEqualTo(0.93);
      assertThat(h.top5()).extracting(t -> t.label()).containsExactly("Stop", "Speed limit (60km/h)");
      assertThat(h.overlayPng()).isSameAs(overlay);
      assertThat(h.inputPng()).isSameAs(input);
    });
  }

  @Test
  void indexJsonIsReadWithItsOverlayFiles() throws Exception {
    String index = """
        {"method":"FullGrad","samples":[
          {"eventId":"evt-1","location":"s3://x#L1","status":"ok","predictedClass":14,"label":"Stop",
           "confidence":0.91,"explainedClass":14,"top5":[{"index":14,"label":"Stop","probability":0.91}],
           "overlay":"saliency/evt-1-overlay.png","panel":"saliency/evt-1-panel.png"},
          {"eventId":"evt-2","location":"s3://x#L2","status":"failed","reason":"not an image"},
          {"eventId":"evt-3","location":"s3://x#L3","status":"ok","predictedClass":1,"label":"Yield",
           "confidence":0.5,"explainedClass":1,"top5":[],"overlay":"saliency/evt-3-overlay.png"}]}
        """;
    Map<String, byte[]> files = Map.of("saliency/evt-1-overlay.png", overlay);
    List<HeatmapItem> items = SaliencyAdapter.heatmaps(index.getBytes(StandardCharsets.UTF_8), name -> {
      byte[] b = files.get(name);
      if (b == null) {
        throw new NoSuchFileException(name);
      }
      return b;
    });
    // evt-2 failed, evt-3's overlay is missing: both left out
    assertThat(items).singleElement().satisfies(h -> {
      assertThat(h.eventId()).isEqualTo("evt-1");
      assertThat(h.confidence()).isEqualTo(0.91);
      assertThat(h.top5()).hasSize(1);
      assertThat(h.overlayPng()).isEqualTo(overlay);
    });
  }

  @Test
  void somethingElseThanAnIndexIsAClearError() {
    assertThatThrownBy(() -> SaliencyAdapter.heatmaps("{\"x\":1}".getBytes(StandardCharsets.UTF_8), n -> {
      throw new IOException("unused");
    })).isInstanceOf(IOException.class).hasMessageContaining("saliency/index.json");
  }
}

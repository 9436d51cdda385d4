package dev.vigil.monitor.signals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CapturedBody;
import dev.vigil.config.OutputFormat;
import dev.vigil.monitor.WindowScan;
import dev.vigil.monitor.output.OutputParser;
import dev.vigil.monitor.output.OutputSpec;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The window scan keeps a sample of the inputs of readable records, and only with a sampler. */
class WindowScanSampleTest {
  @Test
  void readableRecordsInputsAreSampledAndMerged() {
    OutputParser parser = new OutputParser(new OutputSpec(OutputFormat.POINTER, "/probabilities", false, null));
    WindowScan a = new WindowScan(parser, 0.5, 4, null, null, new InputSampler(3, 1));
    WindowScan b = new WindowScan(parser, 0.5, 4, null, null, new InputSampler(3, 1));
    for (int i = 0; i < 10; i++) {
      (i % 2 == 0 ? a : b).record(record("e" + i, "{\"probabilities\": [0.9, 0.1]}"), null);
    }
    a.record(record("unreadable", "not json"), null);
    a.merge(b);
    assertThat(a.sampledInputs()).hasSize(3).extracting(SampledInput::eventId).doesNotContain("unreadable");
    // Window readers skip input bodies: then the sample keeps where to fetch the record.
    WindowScan fast = new WindowScan(parser, 0.5, 4, null, null, new InputSampler(3, 1));
    fast.record(new CaptureRecord(null, CapturedBody.text("application/json", CapturedBody.OUTPUT,
        "{\"probabilities\": [0.9, 0.1]}"), "f", Instant.EPOCH, null, "0", null),
        dev.vigil.monitor.flag.CaptureLocation.s3("b", "k", 3));
    assertThat(fast.sampledInputs()).singleElement().satisfies(s -> {
      assertThat(s.input()).isNull();
      assertThat(s.location().line()).isEqualTo(3);
    });
    WindowScan off = new WindowScan(parser, 0.5, 4, null);
    off.record(record("x", "{\"probabilities\": [0.9, 0.1]}"), null);
    assertThat(off.sampledInputs()).isEmpty();
  }

  private static CaptureRecord record(String id, String output) {
    return new CaptureRecord(CapturedBody.base64("image/png", CapturedBody.INPUT, new byte[] {1, 2, 3}),
        CapturedBody.text("application/json", CapturedBody.OUTPUT, output), id, Instant.EPOCH, null, "0", null);
  }
}

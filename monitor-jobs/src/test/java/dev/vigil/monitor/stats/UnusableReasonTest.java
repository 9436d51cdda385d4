package dev.vigil.monitor.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.capture.format.CaptureLineReader;
import dev.vigil.capture.format.MalformedCaptureException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UnusableReasonTest {
  private final CaptureLineReader reader = new CaptureLineReader();

  @Test
  void aCutOffObjectIsTruncatedAnythingElseCorrupt() {
    String ok = "{\"captureData\":{},\"eventMetadata\":{\"eventId\":\"a\",\"inferenceTime\":\"2026-11-22T10:00:00Z\"}}";
    assertThat(UnusableReason.of(rejected(ok.substring(0, 40)))).isEqualTo(UnusableReason.TRUNCATED_OBJECT);
    assertThat(UnusableReason.of(rejected("not json"))).isEqualTo(UnusableReason.CORRUPT_LINE);
    assertThat(UnusableReason.of(rejected(ok.replace("eventId", "id")))).isEqualTo(UnusableReason.CORRUPT_LINE);
  }

  private MalformedCaptureException rejected(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    try {
      reader.read(b, 0, b.length);
    } catch (MalformedCaptureException e) {
      return e;
    }
    throw new AssertionError("accepted " + line);
  }
}

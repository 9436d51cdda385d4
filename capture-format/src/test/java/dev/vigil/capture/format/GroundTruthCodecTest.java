package dev.vigil.capture.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Fixtures written by hand from SageMaker's "Ingest Ground Truth labels and merge them with predictions". */
class GroundTruthCodecTest {
  private final GroundTruthCodec codec = new GroundTruthCodec();

  private GroundTruthRecord read(String line) throws MalformedCaptureException {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return codec.read(b, 0, b.length);
  }

  @Test
  void readsTheDocumentedRecord() throws Exception {
    GroundTruthRecord r = read("{\"groundTruthData\":{\"data\":\"1\",\"encoding\":\"CSV\"},"
        + "\"eventMetadata\":{\"eventId\":\"aaaa-bbbb-cccc\"},\"eventVersion\":\"0\"}");
    assertThat(r.id()).isEqualTo("aaaa-bbbb-cccc");
    assertThat(r.label()).isEqualTo("1");
    assertThat(r.encoding()).isEqualTo("CSV");
    assertThat(r.eventVersion()).isEqualTo("0");
  }

  @Test
  void readsLabelTextJsonNumbersAndUnknownFields() throws Exception {
    assertThat(read("{\"groundTruthData\":{\"data\":\"Stop\",\"encoding\":\"CSV\"},\"eventMetadata\":{\"eventId\":\"x\","
        + "\"inferenceTime\":\"2026-11-22T11:00:00Z\"},\"eventVersion\":\"0\",\"extra\":[1,2]}").label()).isEqualTo("Stop");
    assertThat(read("{\"groundTruthData\":{\"data\":14,\"encoding\":\"JSON\"},\"eventMetadata\":{\"eventId\":\"x\"}}")
        .label()).isEqualTo("14");
    assertThat(read("{\"groundTruthData\":{\"data\":\"\\\"Stop\\\"\",\"encoding\":\"json\"},\"eventMetadata\":{\"eventId\":\"x\"}}")
        .label()).isEqualTo("Stop");
    assertThat(read("{\"groundTruthData\":{\"data\":\" \\\"Speed limit (30km/h)\\\" ,extra\"},\"eventMetadata\":{\"eventId\":\"x\"}}")
        .label()).isEqualTo("Speed limit (30km/h)");
  }

  @Test
  void writesWhatItReadsBackInTheDocumentedShape() throws Exception {
    byte[] line = codec.write(GroundTruthRecord.csv("inf-7", "14"));
    assertThat(new String(line, StandardCharsets.UTF_8)).isEqualTo(
        "{\"groundTruthData\":{\"data\":\"14\",\"encoding\":\"CSV\"},\"eventMetadata\":{\"eventId\":\"inf-7\"},\"eventVersion\":\"0\"}");
    assertThat(codec.read(line, 0, line.length)).isEqualTo(GroundTruthRecord.csv("inf-7", "14"));
  }

  @Test
  void malformedLinesSayWhatIsWrong() {
    assertThatThrownBy(() -> read("{\"groundTruthData\": oops")).isInstanceOf(MalformedCaptureException.class)
        .extracting(e -> ((MalformedCaptureException) e).reason()).isEqualTo(MalformedCaptureException.Reason.MALFORMED_JSON);
    assertThatThrownBy(() -> read("{\"eventMetadata\":{\"eventId\":\"x\"}}")).hasMessageContaining("groundTruthData.data");
    assertThatThrownBy(() -> read("{\"groundTruthData\":{\"data\":\"1\"}}")).hasMessageContaining("eventMetadata.eventId");
    assertThatThrownBy(() -> read("{\"groundTruthData\":{\"data\":\"1\",\"encoding\":\"BASE64\"},\"eventMetadata\":{\"eventId\":\"x\"}}"))
        .hasMessageContaining("write CSV or JSON");
    assertThatThrownBy(() -> read("   ")).extracting(e -> ((MalformedCaptureException) e).reason())
        .isEqualTo(MalformedCaptureException.Reason.EMPTY_LINE);
  }

  @Test
  void labelObjectsUseSageMakersHourlyLayoutUnderThePrefix() {
    Instant t = Instant.parse("2026-11-22T10:15:30.123Z");
    String key = CaptureLayout.objectKey("/ground-truth/signs/", t, UUID.fromString("00000000-0000-0000-0000-000000000001"));
    assertThat(key).isEqualTo("ground-truth/signs/2026/11/22/10/20261122T101530.123Z-00000000-0000-0000-0000-000000000001.jsonl");
    assertThat(CaptureLayout.keyTime(key)).isEqualTo(t);
    assertThat(CaptureLayout.hourPrefixes("gt", t, t.plusSeconds(3600)))
        .containsExactly("gt/2026/11/22/10/", "gt/2026/11/22/11/");
  }
}

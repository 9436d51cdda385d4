package dev.vigil.capture.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CaptureLayoutTest {
  private static final UUID ID = UUID.fromString("123e4567-e89b-42d3-a456-426614174000");

  @Test
  void objectKeyFollowsTheDesignLayoutInUtc() {
    assertThat(
            CaptureLayout.objectKey(
                "capture", "traffic-signs", "v1", Instant.parse("2026-11-22T09:05:07.250Z"), ID))
        .isEqualTo(
            "capture/traffic-signs/v1/2026/11/22/09/20261122T090507.250Z-123e4567-e89b-42d3-a456-426614174000.jsonl");
  }

  @Test
  void emptyPrefixAndSurroundingSlashesAreNormalised() {
    Instant t = Instant.parse("2026-01-02T03:00:00Z");
    assertThat(CaptureLayout.objectKey("", "a", "b", t, ID)).startsWith("a/b/2026/01/02/03/");
    assertThat(CaptureLayout.objectKey(null, "a", "b", t, ID)).startsWith("a/b/2026/01/02/03/");
    assertThat(CaptureLayout.objectKey("/x/y/", "a", "b", t, ID)).startsWith("x/y/a/b/2026/01/02/03/");
  }

  @Test
  void hourPrefixesCoverEveryOverlappingHourEndExclusive() {
    assertThat(
            CaptureLayout.hourPrefixes(
                "p", "e", "v", Instant.parse("2026-12-31T22:30:00Z"), Instant.parse("2027-01-01T01:00:00Z")))
        .containsExactly("p/e/v/2026/12/31/22/", "p/e/v/2026/12/31/23/", "p/e/v/2027/01/01/00/");
    assertThat(
            CaptureLayout.hourPrefixes(
                "p", "e", "v", Instant.parse("2026-12-31T22:30:00Z"), Instant.parse("2026-12-31T22:30:01Z")))
        .containsExactly("p/e/v/2026/12/31/22/");
    assertThat(
            CaptureLayout.hourPrefixes(
                "p", "e", "v", Instant.parse("2026-12-31T22:30:00Z"), Instant.parse("2026-12-31T22:30:00Z")))
        .isEmpty();
  }

  @Test
  void objectKeyStartsWithItsHourPrefix() {
    Instant t = Instant.parse("2026-05-06T07:59:59.999Z");
    assertThat(CaptureLayout.objectKey("p", "e", "v", t, ID))
        .startsWith(CaptureLayout.hourPrefixes("p", "e", "v", t, t.plusMillis(1)).get(0));
  }

  @Test
  void rejectsSlashesInEndpointOrVariant() {
    assertThatThrownBy(() -> CaptureLayout.objectKey("p", "a/b", "v", Instant.EPOCH, ID))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint");
    assertThatThrownBy(() -> CaptureLayout.objectKey("p", "a", "", Instant.EPOCH, ID))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("variant");
  }

  @Test
  void keyTimeReadsBackTheTimeObjectKeyWroteToTheMillisecond() {
    for (String t : new String[] {"2026-11-22T09:05:07.250Z", "2024-02-29T23:59:59.999Z", "1970-01-01T00:00:00Z"}) {
      Instant time = Instant.parse(t);
      assertThat(CaptureLayout.keyTime(CaptureLayout.objectKey("capture", "e", "v", time, ID))).as(t).isEqualTo(time);
      assertThat(CaptureLayout.keyTime(CaptureLayout.objectKey(null, "e", "v", time, ID))).as(t).isEqualTo(time);
    }
    Instant nanos = Instant.parse("2026-11-22T09:05:07.250999999Z");
    assertThat(CaptureLayout.keyTime(CaptureLayout.objectKey("p", "e", "v", nanos, ID)))
        .isEqualTo(Instant.parse("2026-11-22T09:05:07.250Z"));
  }

  @Test
  void keyTimeIsNullForKeysOfOtherWriters() {
    assertThat(CaptureLayout.keyTime("sagemaker/signs/AllTraffic/2026/11/22/09/05-07-250-1234abcd.jsonl")).isNull();
    assertThat(CaptureLayout.keyTime("p/e/v/2026/11/22/09/short.jsonl")).isNull();
    assertThat(CaptureLayout.keyTime("p/e/v/2026/11/22/09/20261122X090507.250Z-x.jsonl")).isNull();
    assertThat(CaptureLayout.keyTime("")).isNull();
  }
}

package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {
  @Test
  void sizesAreBinaryMultiples() {
    assertThat(Units.parseSize("4096")).isEqualTo(4096);
    assertThat(Units.parseSize("512KB")).isEqualTo(512L * 1024);
    assertThat(Units.parseSize("10MB")).isEqualTo(10L * 1024 * 1024);
    assertThat(Units.parseSize("10 mb")).isEqualTo(10L * 1024 * 1024);
    assertThat(Units.parseSize("1GB")).isEqualTo(1L << 30);
    assertThat(Units.parseSize("2TB")).isEqualTo(2L << 40);
  }

  @Test
  void kubernetesAndIecBinaryUnitsReadTheSame() {
    assertThat(Units.parseSize("1Gi")).isEqualTo(Units.parseSize("1GB")).isEqualTo(1L << 30);
    assertThat(Units.parseSize("900MiB")).isEqualTo(900L << 20);
    assertThat(Units.parseSize("512Ki")).isEqualTo(512L << 10);
    assertThat(Units.parseSize("1 gib")).isEqualTo(1L << 30);
    assertThat(Units.parseSize("1G")).as("a bare G is ambiguous (decimal in Kubernetes)").isEqualTo(-1);
    assertThat(Units.parseSize("1iB")).isEqualTo(-1);
    assertThat(Units.parseSize("1i")).isEqualTo(-1);
  }

  @Test
  void malformedOrOverflowingSizesAreRejected() {
    assertThat(Units.parseSize("1.5MB")).isEqualTo(-1);
    assertThat(Units.parseSize("10XB")).isEqualTo(-1);
    assertThat(Units.parseSize("-1")).isEqualTo(-1);
    assertThat(Units.parseSize("99999999999TB")).isEqualTo(-1);
  }

  @Test
  void sizesPrintInTheLargestExactUnit() {
    assertThat(Units.formatSize(10L * 1024 * 1024)).isEqualTo("10MB");
    assertThat(Units.formatSize(1500)).isEqualTo("1500B");
    assertThat(Units.formatSize(0)).isEqualTo("0B");
  }

  @Test
  void durationsAcceptShortAndIsoForms() {
    assertThat(Units.parseDuration("60s")).isEqualTo(Duration.ofSeconds(60));
    assertThat(Units.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Units.parseDuration("6h")).isEqualTo(Duration.ofHours(6));
    assertThat(Units.parseDuration("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(Units.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Units.parseDuration("-1h")).isEqualTo(Duration.ofHours(-1));
    assertThat(Units.parseDuration("PT60S")).isEqualTo(Duration.ofSeconds(60));
    assertThat(Units.parseDuration("-PT1H")).isEqualTo(Duration.ofHours(-1));
    assertThat(Units.parseDuration("-PT0H")).isEqualTo(Duration.ZERO);
    assertThat(Units.parseDuration("60")).isNull();
    assertThat(Units.parseDuration("soon")).isNull();
  }

  @Test
  void durationsPrintInAFormTheyReadBackFrom() {
    for (String text : new String[] {"90s", "1m", "6h", "2d", "250ms", "-1h", "0s", "-90m"}) {
      assertThat(Units.formatDuration(Units.parseDuration(text))).isEqualTo(text);
    }
    assertThat(Units.formatDuration(Duration.ofMinutes(-90))).isEqualTo("-90m");
  }
}

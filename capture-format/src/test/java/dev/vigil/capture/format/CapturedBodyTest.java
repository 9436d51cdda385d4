package dev.vigil.capture.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CapturedBodyTest {
  @Test
  void textEncodingFollowsTheContentType() {
    assertThat(CapturedBody.text("application/json; charset=utf-8", "INPUT", "{}").encoding()).isEqualTo("JSON");
    assertThat(CapturedBody.text("text/csv", "INPUT", "1").encoding()).isEqualTo("CSV");
    assertThat(CapturedBody.text("text/plain", "INPUT", "x").encoding()).isEqualTo("TEXT");
    assertThat(CapturedBody.text(null, "INPUT", "x").encoding()).isEqualTo("TEXT");
  }

  @Test
  void rejectsUnknownModesAndEncodings() {
    assertThatThrownBy(() -> new CapturedBody(null, "IN", "x", "JSON"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("INPUT or OUTPUT");
    assertThatThrownBy(() -> new CapturedBody(null, "INPUT", "x", "gzip"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("BASE64");
  }
}

package dev.vigil.capture.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLinesTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void splitsLinesAcrossChunkBoundariesAndKeepsALastLineWithoutNewline() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> written = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String s = "line-" + i + "-" + "x".repeat(i * 9973 % 300_000);
      written.add(s);
      out.writeBytes(b(s));
      out.write('\n');
      if (i % 10 == 0) {
        out.write('\n'); // blank lines are skipped but counted
      }
    }
    out.writeBytes(b("last"));
    written.add("last");
    List<String> read = new ArrayList<>();
    List<Long> numbers = new ArrayList<>();
    JsonLines.forEachLine(new ByteArrayInputStream(out.toByteArray()), (buf, off, len, n) -> {
      read.add(new String(buf, off, len, StandardCharsets.UTF_8));
      numbers.add(n);
    });
    assertThat(read).containsExactlyElementsOf(written);
    assertThat(numbers.get(1)).isEqualTo(3); // line 2 is the blank one after line-0
    assertThat(numbers.get(numbers.size() - 1)).isEqualTo(56);
  }
}
